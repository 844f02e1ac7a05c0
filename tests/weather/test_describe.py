"""``weather.describe``: file descriptions as data, and their plain-text rows."""

from __future__ import annotations

import numpy as np
import pytest

from tests.weather.era5_fixtures import write_legacy_cds, write_new_cds, write_new_cds_single_level
from weather.describe import COMBINED_LABEL, describe_files, describe_rows


def test_describe_files_one_entry_per_file_and_the_combined_domain(tmp_path):
    a = write_new_cds(tmp_path / "a.nc", hours=(0, 1, 2))
    b = write_new_cds(tmp_path / "b.nc", hours=(3, 4))
    sfc = write_new_cds_single_level(
        tmp_path / "s.nc", (41.0, 40.5, 40.0), (-9.0, -8.5, -8.0), np.zeros((3, 3)), np.ones((3, 3))
    )
    result = describe_files([a, str(b), sfc])  # str and Path both accepted
    assert [e["path"] for e in result["files"]] == [str(a), str(b), str(sfc)]
    assert {e["format"] for e in result["files"]} == {"netcdf4"}
    # the fixture's hours 0-2 and 3-4 join into 5 hourly times; the single-level file
    # brings orography and the land-sea mask
    assert result["combined"]["times"]["count"] == 5
    assert result["combined"]["times"]["step_hours"] == [1.0]
    assert result["combined"]["surface_fields"] == {"orography": True, "land_sea_mask": True}
    assert "combined_error" not in result


def test_describe_files_single_file_has_no_combined_entry(tmp_path):
    result = describe_files([write_new_cds(tmp_path / "a.nc", hours=(0, 1))])
    assert set(result) == {"files"}
    assert result["files"][0]["levels_hpa"] == [1000.0, 850.0, 500.0, 250.0, 100.0, 10.0]


def test_describe_files_says_why_files_do_not_combine(tmp_path):
    a = write_new_cds(tmp_path / "a.nc", hours=(0, 1, 2))
    old = write_legacy_cds(tmp_path / "old.nc")
    result = describe_files([a, old])
    assert [e["format"] for e in result["files"]] == ["netcdf4", "netcdf3"]
    assert "combined" not in result
    assert "old.nc" in result["combined_error"]


def test_describe_files_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="missing.nc: no such file"):
        describe_files([tmp_path / "missing.nc"])


def entry(**changes):
    """A hand-made description (the shape of ``describe_canonical``), values made up."""
    base = {
        "path": "x.nc",
        "format": "grib",
        "source": "ERA5 [test]",
        "synthetic": False,
        "area": {
            "lat_min_deg": -90.0,
            "lat_max_deg": 90.0,
            "lon_min_deg": -180.0,
            "lon_max_deg": 179.75,
            "lat_step_deg": 0.25,
            "lon_step_deg": 0.25,
            "crosses_antimeridian": False,
            "global": True,
        },
        "times": {
            "start": "2024-03-01T00:00:00Z",
            "end": "2024-03-01T06:00:00Z",
            "count": 3,
            "step_hours": [3.0],
        },
        "levels_hpa": [1000.0, 10.0],
        "top_altitude_m": 31000.0,
        "variables": {"u": "m s-1", "t": "K"},
        "ensemble_members": 10,
        "surface_fields": {"orography": True, "land_sea_mask": False},
    }
    base.update(changes)
    return base


def test_describe_rows_of_a_global_real_entry():
    rows = describe_rows(entry())
    assert rows == [
        ("source", "ERA5 [test]"),  # plain text: brackets are not markup here
        ("format", "grib"),
        ("area", "lat 90 S .. 90 N, lon 180 W .. 179.75 E (global), grid 0.25 x 0.25 deg"),
        ("times", "2024-03-01 00:00:00 UTC .. 2024-03-01 06:00:00 UTC (3, step 3 h)"),
        ("levels", "2: 1000 .. 10 hPa, top ~31.0 km"),  # 31000 m = 31.0 km
        ("variables", "u [m s-1], t [K]"),
        ("ensemble members", "10"),
        ("surface", "orography"),
    ]


def test_describe_rows_of_a_synthetic_combined_entry_without_times_or_levels():
    area = dict(entry()["area"], crosses_antimeridian=True, lat_step_deg=None)
    bare = entry(synthetic=True, area=area, top_altitude_m=None)
    del bare["format"], bare["times"]
    bare["surface_fields"] = {"orography": False, "land_sea_mask": False}
    rows = dict(describe_rows({"path": COMBINED_LABEL, **bare}))
    assert rows["data"].startswith("SYNTHETIC")
    assert "format" not in rows and "times" not in rows
    # no grid step when a step is unknown (a single latitude row)
    assert rows["area"].endswith("(global) (crosses the antimeridian)")
    assert rows["levels"] == "2: 1000 .. 10 hPa"  # no top altitude without geopotential
    assert rows["surface"] == "none (ground at sea level, land/sea unknown)"
    assert list(rows)[0] == "data"  # the SYNTHETIC warning comes first
