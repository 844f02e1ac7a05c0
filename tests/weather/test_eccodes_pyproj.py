"""Guard for the eccodes >= 2.43 / pyproj crash (notes/known-pitfalls.md).

With eccodes 2.43+ (``eccodeslib`` wheel) importing eccodes before pyproj segfaults (exit
139) and cfgrib + MetPy abort at exit (134). Each import runs in a fresh interpreter, in the
bad order, so an upgrade that brings the crash back fails here loudly.
"""

from __future__ import annotations

import subprocess
import sys

import pytest


@pytest.mark.parametrize(
    "code",
    [
        "import eccodes; import pyproj",
        "import cfgrib.xarray_plugin; import metpy.io",
        "import xarray; xarray.backends.list_engines()",
    ],
)
def test_imports_in_the_bad_order_exit_cleanly(code):
    done = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, (
        f"`{code}` exited with {done.returncode} (139 = segfault, 134 = abort); "
        f"stderr: {done.stderr[-2000:]}"
    )
    assert "unable to set PROJ database path" not in done.stderr
