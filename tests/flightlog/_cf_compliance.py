"""Run a NetCDF file through the IOOS CF checker (compliance-checker, CF 1.8 suite).

compliance-checker's units checks use cf-units, whose wheel ships UDUNITS-2, so no system
package is needed; the checker reads only the local file (no network).
"""

from __future__ import annotations

from pathlib import Path

import pytest

#: compliance-checker's weights: 3 = high priority ("must": a CF error), 2 = medium
#: ("should": a warning), 1 = low (suggestion).
ERROR = 3


def cf_failures(path: str | Path, *, lowest_weight: int = ERROR) -> list[str]:
    """The CF-1.8 checks that ``path`` fails at ``lowest_weight`` or above, with messages."""
    runner = pytest.importorskip("compliance_checker.runner", reason="compliance-checker absent")
    suite = runner.CheckSuite()
    suite.load_all_available_checkers()
    dataset = suite.load_dataset(str(path))
    groups, errors = suite.run_all(dataset, ["cf:1.8"], skip_checks=[])["cf:1.8"]
    assert not errors, f"the CF checker itself failed on {path}: {errors}"
    failures = []
    for result in groups:
        scored, possible = result.value if isinstance(result.value, tuple) else (
            int(bool(result.value)), 1,
        )  # fmt: skip
        if result.weight >= lowest_weight and scored < possible:
            failures.append(f"[{result.weight}] {result.name}: {'; '.join(result.msgs)}")
    return failures
