"""``strato predict`` through typer's CliRunner on the real app (sample atmosphere)."""

from __future__ import annotations

import json
import re

import pytest
from typer.testing import CliRunner

from stratoflight.cli import app

runner = CliRunner()


def _run(args):
    return runner.invoke(app, ["predict", *args])


def test_json_on_sample_says_synthetic():
    """--json prints one JSON document; the sample is labelled SYNTHETIC."""
    res = _run(
        [
            "--lat",
            "20.86",
            "--lon",
            "106.68",
            "--time",
            "2025-06-21T06:00:00Z",
            "--ascent-rate",
            "5",
            "--burst-altitude",
            "30000",
            "--descent-rate",
            "5",
            "--json",
        ]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["atmosphere"]["synthetic"] is True
    assert "synthetic_atmosphere" in doc["warnings"]
    # 21 June blows offshore: the flight comes down in the gulf, among the islands
    assert doc["landing"]["surface"] == "sea"
    assert doc["landing"]["coast_distance_m"] > 0
    assert 0 <= doc["landing"]["coast_bearing_deg"] < 360
    assert doc["settings"]["surface_source"].startswith("coastline: GSHHG")
    assert doc["settings"]["burst_altitude_m"] == 30000.0
    assert doc["burst"]["altitude"] == pytest.approx(30000.0, abs=0.1)
    assert "SYNTHETIC" in res.stderr


def test_summary_and_outputs(tmp_path):
    """The human summary names burst, landing, distance and bearing; --out writes files."""
    outs = [tmp_path / f"f.{ext}" for ext in ("json", "csv", "kml", "geojson", "gpx")]
    args = ["--time", "2025-06-21T08:00:00Z"]
    for p in outs:
        args += ["--out", str(p)]
    res = _run(args)
    assert res.exit_code == 0, res.output
    text = " ".join(res.stdout.split())  # Rich wraps long lines
    assert "SYNTHETIC" in text
    for word in ("burst", "landing", "km from launch, bearing", "lands at sea, "):
        assert word in text
    assert re.search(r"lands at sea, [0-9.]+ k?m from the coast, bearing [0-9]+°", text)
    assert all(p.is_file() and p.stat().st_size > 200 for p in outs)


def test_float_profile_hours():
    """--float-duration is in hours."""
    res = _run(
        ["--profile", "float", "--float-altitude", "20000", "--float-duration", "1.5", "--json"]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [s["stage"] for s in doc["stages"]] == ["ascent", "float", "descent"]
    assert doc["settings"]["float_duration_s"] == 5400.0


def test_descent_and_cusf_model():
    """Descent-only from an altitude, with the CUSF parity model."""
    res = _run(["--profile", "descent", "--alt", "25000", "--model", "cusf", "--json"])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert [s["stage"] for s in doc["stages"]] == ["descent"]
    assert doc["settings"]["density_source"] == "nasa3layer"
    assert doc["landing"]["altitude"] == pytest.approx(0.0, abs=0.1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--ascent-rate", "-1"], "ascent_rate must be positive"),
        (["--lat", "10"], "outside the atmosphere data"),
        (["--time", "2030-01-01T00:00:00Z"], "outside the atmosphere data"),
        (["--time", "yesterday"], "not an ISO 8601 time"),
        (["--profile", "float"], "needs --float-altitude"),
        (["--model", "hysplit"], "is not known"),
        (["--out", "x.shp"], "cannot tell the format"),
        (["--winds", "/nonexistent/era5.nc"], "not found"),
    ],
)
def test_bad_input_exit_2(args, message):
    """Bad input: exit code 2 and one clear message, no traceback."""
    res = _run(args)
    assert res.exit_code == 2, res.output
    assert message in " ".join(res.stderr.split())
    assert "Traceback" not in res.output


@pytest.mark.realdata
def test_winds_from_real_era5_file(realdata, tmp_path):
    """--winds with a real ERA5 file: not synthetic, no sample defaults, files written."""
    era5 = realdata / "flight_with_era5" / "hedy_euroc2025" / "hedy_euroc_2025_weather_data.nc"
    out = tmp_path / "hedy.kml"
    res = _run(
        [
            "--winds",
            str(era5),
            "--lat",
            "39.39",
            "--lon",
            "-8.29",
            "--time",
            "2025-10-12T16:00:00Z",
            "--burst-altitude",
            "6000",
            "--json",
            "--out",
            str(out),
        ]
    )
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["atmosphere"]["synthetic"] is False
    assert "no_surface_data" in doc["warnings"]  # pressure levels only: sea-level landing
    # land or sea still comes from the coastline: ~40 km inland of the Portuguese coast
    assert doc["landing"]["surface"] == "land"
    assert doc["landing"]["coast_distance_m"] is None
    assert out.is_file()
    # Without --lat/--lon a real file has no default launch site.
    res = _run(["--winds", str(era5), "--time", "2025-10-12T16:00:00Z"])
    assert res.exit_code == 2 and "--lat and --lon are required" in res.stderr
