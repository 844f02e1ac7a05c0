"""What people read in the terminal: whole lines when piped, hemisphere letters, no burst
line for a descent-only flight, flight names never cut at 80 columns."""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest
from typer.testing import CliRunner

from localization import format_position
from stratoflight.cli import app
from stratoflight.commands.flightlog import flight_listing
from tests.weather.era5_fixtures import write_legacy_cds

runner = CliRunner()


def test_positions_use_hemisphere_letters():
    assert format_position(-8.5, -35.25) == "8.50000 S 35.25000 W"
    assert format_position(20.86, 106.68, 2) == "20.86 N 106.68 E"


def test_descent_only_prediction_has_no_burst_line():
    result = runner.invoke(app, ["predict", "--profile", "descent", "--alt", "20000"])
    assert result.exit_code == 0, result.output
    assert "burst" not in result.output
    assert "start" in result.output and "landing" in result.output


def test_western_launch_prints_w(tmp_path):
    # the built-in sample is at Hai Phong (east); an ERA5-format file over Portugal instead
    winds = tmp_path / "era5.nc"
    lats, lons = tuple(np.arange(43.0, 38.0, -0.5)), tuple(np.arange(-10.0, -5.0, 0.5))
    write_legacy_cds(winds, hours=tuple(range(13)), lats=lats, lons=lons)
    result = runner.invoke(
        app,
        ["predict", "--winds", str(winds), "--lat", "40.5", "--lon", "-8.5",
         "--time", "2024-03-01T00:00:00Z", "--burst-altitude", "8000"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "8.50000 W" in result.output and "-8.5" not in result.output


@pytest.mark.slow
def test_predict_piped_to_grep_keeps_whole_landing_line():
    env = {**os.environ, "COLUMNS": "80"}
    done = subprocess.run(
        [sys.executable, "-c", "from stratoflight.cli import main; main(['predict'])"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    landing = [line for line in done.stdout.splitlines() if line.strip().startswith("landing ")]
    assert landing, done.stdout
    assert len(landing[0]) > 80  # not hard-wrapped
    assert "km from launch, bearing" in landing[0]


def test_flight_names_are_never_cut_at_80_columns():
    from datetime import UTC, datetime

    name = "hai-phong-cat-ba-rehearsal-2026-12-06-second-attempt-after-lunch"
    rows = [
        {
            "name": name,
            "callsign": "STRATOSIM-LONG-CALLSIGN",
            "status": "landed",
            "good_frames": 9328,
            "bad_frames": 12,
            "telemetry_rows": 9316,
            "first_time": datetime(2026, 12, 6, 12, tzinfo=UTC),
            "last_time": datetime(2026, 12, 6, 14, 35, tzinfo=UTC),
            "max_altitude": 29999.0,
            "events": 7,
            "synthetic": True,
        }
    ]
    lines = flight_listing("/tmp/flights.sqlite", rows)
    assert any(line.split()[0] == name for line in lines if line)  # whole, leading its line
    assert all(len(line) <= 80 for line in lines if name not in line), lines


@pytest.mark.realdata
def test_ensemble_on_real_era5_is_not_titled_synthetic_and_warns_like_one_flight(realdata):
    era5 = realdata / "era5_grib" / "ndrt_2020_weather_data_ERA5.nc"
    common = ["predict", "--winds", str(era5), "--lat", "42", "--lon", "-87"]
    common += ["--time", "2020-02-23T06:00:00Z"]
    single = runner.invoke(app, common)
    ensemble = runner.invoke(app, [*common, "--ensemble", "4", "--seed", "1"])
    assert single.exit_code == 0 and ensemble.exit_code == 0, ensemble.output
    assert "SYNTHETIC atmosphere" not in ensemble.output.split("wind uncertainty")[0]
    assert "not a forecast" not in ensemble.output
    for text in (single.output, ensemble.output):
        # the data stop at 600 hPa: most of the flight is above their top
        assert "above_top_level" in text and "% of the flight" in text
    assert "87.00000 W" in single.output


def test_perturbed_ensemble_on_real_format_data_is_not_labelled_synthetic(tmp_path):
    """Wind perturbations model the data's uncertainty; they do not make the weather made-up:
    the JSON and the KML of an ensemble on an ERA5-format file carry no SYNTHETIC label."""
    import json
    import xml.etree.ElementTree as ET

    winds = tmp_path / "era5.nc"
    lats, lons = tuple(np.arange(43.0, 38.0, -0.5)), tuple(np.arange(-10.0, -5.0, 0.5))
    write_legacy_cds(winds, hours=tuple(range(13)), lats=lats, lons=lons)
    result = runner.invoke(
        app,
        ["predict", "--winds", str(winds), "--lat", "40.5", "--lon", "-8.5",
         "--time", "2024-03-01T03:00:00Z", "--burst-altitude", "8000", "--ensemble", "8",
         "--seed", "3", "--out", str(tmp_path / "e.json"), "--out", str(tmp_path / "e.kml")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads((tmp_path / "e.json").read_text())["ensemble"]
    assert doc["atmosphere"]["synthetic"] is False
    assert "SYNTHETIC correlated" in doc["wind_uncertainty"]  # the perturbations are named
    name = ET.parse(tmp_path / "e.kml").getroot().find(".//{http://www.opengis.net/kml/2.2}name")
    assert name is not None and "SYNTHETIC" not in name.text
    assert "SYNTHETIC atmosphere" not in result.output
