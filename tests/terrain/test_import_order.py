"""eccodes, pyproj and rasterio each bundle C libraries; importing them in any order must
not crash (known-pitfalls: eccodes >= 2.43 segfaults next to pyproj). Fresh interpreters,
checked by exit code, so a dependency upgrade that brings a crash back fails loudly."""

from __future__ import annotations

import subprocess
import sys

import pytest

ORDERS = [
    ("eccodes", "pyproj", "rasterio"),
    ("eccodes", "rasterio", "pyproj"),
    ("rasterio", "eccodes", "pyproj"),
    ("pyproj", "rasterio", "eccodes"),
]


@pytest.mark.parametrize("order", ORDERS, ids=["-".join(o) for o in ORDERS])
def test_geo_libraries_import_in_any_order_and_exit_cleanly(order):
    pytest.importorskip("eccodes")
    code = "\n".join(f"import {m}" for m in order) + (
        "\nimport terrain\nprint(terrain.geodesy.inverse(20.86, 106.68, 20.13, 107.73)[0])"
        "\nimport rasterio.crs\nprint(rasterio.crs.CRS.from_epsg(32648).to_epsg())"
    )
    run = subprocess.run(
        [sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, (run.returncode, run.stderr[-2000:])
    assert "32648" in run.stdout
