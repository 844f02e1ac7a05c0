"""``strato weather info``: human and JSON descriptions of files and of the sample."""

from __future__ import annotations

import json

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from stratoflight.commands import weather_info
from tests.weather.era5_fixtures import write_legacy_cds, write_new_cds, write_new_cds_single_level


@pytest.fixture(scope="module")
def app():
    """The ``weather`` group with only this command (isolated from other groups)."""
    root = typer.Typer()
    group = typer.Typer()
    weather_info.register(group)
    root.add_typer(group, name="weather")
    return root


def run(app, *args):
    # wide terminal: table cells do not wrap the phrases the tests look for
    return CliRunner().invoke(app, ["weather", "info", *map(str, args)], env={"COLUMNS": "200"})


def text(result):
    """Output with Rich's line wrapping undone (long tmp paths wrap anywhere)."""
    return " ".join(result.output.split())


def test_json_for_new_cds_file(app, tmp_path):
    path = write_new_cds(tmp_path / "a.nc", hours=(0, 1, 2))
    result = run(app, path, "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    entry = info["files"][0]
    assert entry["format"] == "netcdf4" and entry["path"] == str(path)
    assert entry["area"]["lat_min_deg"] == 40.0 and entry["area"]["lon_max_deg"] == -8.0
    assert entry["times"] == {
        "start": "2024-03-01T00:00:00Z",
        "end": "2024-03-01T02:00:00Z",
        "count": 3,
        "step_hours": [1.0],
    }
    assert entry["levels_hpa"] == [1000.0, 850.0, 500.0, 250.0, 100.0, 10.0]
    assert entry["top_altitude_m"] == pytest.approx(31000.0, abs=0.1)  # fixture: 10 hPa at 31 km
    assert entry["variables"] == {"z": "m2 s-2", "t": "K", "u": "m s-1", "v": "m s-1"}
    assert entry["ensemble_members"] == 1 and entry["synthetic"] is False
    assert entry["surface_fields"] == {"orography": False, "land_sea_mask": False}


def test_several_files_show_combined_domain(app, tmp_path):
    a = write_new_cds(tmp_path / "a.nc", hours=(0, 1, 2))
    b = write_new_cds(tmp_path / "b.nc", hours=(3, 4))
    sfc = write_new_cds_single_level(
        tmp_path / "s.nc", (41.0, 40.5, 40.0), (-9.0, -8.5, -8.0), np.zeros((3, 3)), np.ones((3, 3))
    )
    result = run(app, a, b, sfc, "--json")
    assert result.exit_code == 0, result.output
    info = json.loads(result.output)
    assert len(info["files"]) == 3
    assert info["combined"]["times"]["count"] == 5
    assert info["combined"]["surface_fields"] == {"orography": True, "land_sea_mask": True}


def test_human_output_for_legacy_file(app, tmp_path):
    path = write_legacy_cds(tmp_path / "old.nc")
    result = run(app, path)
    assert result.exit_code == 0, result.output
    output = result.output
    assert "legacy CDS NetCDF-3" in output and "netcdf3" in output
    assert "lat 40..41 deg N" in output and "3: 1000 .. 500 hPa" in output
    assert "u [m s-1]" in output  # units shown (not eaten by Rich markup)
    assert "none (ground at sea level" in output


def test_sample(app):
    result = run(app, "--sample", "--json")
    assert result.exit_code == 0, result.output
    entry = json.loads(result.output)["files"][0]
    assert entry["synthetic"] is True and "SYNTHETIC" in entry["source"]
    assert len(entry["levels_hpa"]) == 37
    assert entry["launch_site"]["latitude_deg"] == 20.86  # Hai Phong
    assert entry["launch_site"]["longitude_deg"] == 106.68
    human = run(app, "--sample")
    assert "SYNTHETIC" in human.output


def test_errors_exit_2_with_message(app, tmp_path):
    result = run(app)
    assert result.exit_code == 2 and "give atmosphere FILE(s) or --sample" in text(result)
    result = run(app, tmp_path / "missing.nc")
    assert result.exit_code == 2 and "missing.nc: no such file" in text(result)
    page = tmp_path / "page.nc"
    page.write_text("<html>error</html>")
    result = run(app, page)
    assert result.exit_code == 2 and "not a NetCDF, GRIB or zip file" in text(result)
