"""Shared fixtures: where the real data live, and the realdata skip."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Path to ../shared/realdata; skips the test with a reason when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"../shared/realdata is not beside the checkout (looked in {REALDATA})")
    return REALDATA
