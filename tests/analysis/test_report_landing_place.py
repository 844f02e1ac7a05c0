"""The report says whether the flight landed on land or at sea (the coastline), and at sea
how far out and which way the shore is: in summary.json and in the HTML headline."""

from __future__ import annotations

import json

import pytest
from _analysis_helpers import prediction_from

import terrain
from analysis.report import build_report
from analysis.synthetic import synthetic_flight


def _report(tmp_path, eastward: float):
    """SYNTHETIC flight from Hai Phong; eastward winds carry it out over the Gulf of Tonkin."""
    profile, meta = synthetic_flight(
        wind=lambda z: (eastward * (5.0 + z / 1000.0), -3.0 + 0 * z), step_s=10.0,
        launch_latitude=20.86, launch_longitude=106.68,
    )  # fmt: skip
    prediction = prediction_from(profile)  # as `strato predict` writes it at sea
    prediction["landing"].update(surface="sea", coast_distance_m=12345.0, coast_bearing_deg=290.0)
    summary = build_report(profile, meta, tmp_path, prediction=prediction, show_progress=False)
    last = profile.iloc[-1]
    return summary, float(last["latitude"]), float(last["longitude"])


def _headline(tmp_path) -> str:
    html = (tmp_path / "report.html").read_text()
    return html[html.index("<h2>Headline</h2>") : html.index("<h2>", html.index("<h2>") + 4)]


def test_sea_landing_distance_and_bearing_to_the_shore(tmp_path):
    summary, lat, lon = _report(tmp_path, 1.0)
    distance, bearing = terrain.coast_distance(lat, lon)
    assert not terrain.is_land(lat, lon) and distance > 10e3  # out in the gulf
    landing = json.loads((tmp_path / "summary.json").read_text())["landing"]
    assert landing["surface"] == "sea"
    assert landing["coast_distance_m"] == pytest.approx(float(distance), abs=0.1)
    assert landing["coast_bearing_deg"] == pytest.approx(float(bearing), abs=0.1)
    assert landing["surface_source"].startswith("coastline: GSHHG")
    assert summary["landing"]["surface"] == "sea"
    headline = _headline(tmp_path)
    expected = f"at sea, {distance / 1000:.1f} km from the coast, bearing {bearing:.0f}°"
    assert expected in headline
    # the prediction's own land/sea and shore (from its JSON) are in the headline too
    assert "at sea, 12.3 km from the coast, bearing 290°" in headline


def test_land_landing_says_on_land(tmp_path):
    summary, lat, lon = _report(tmp_path, -1.0)
    assert terrain.is_land(lat, lon)
    landing = json.loads((tmp_path / "summary.json").read_text())["landing"]
    assert landing["surface"] == "land"
    assert landing["coast_distance_m"] is None and landing["coast_bearing_deg"] is None
    headline = _headline(tmp_path)
    assert "<th>land or sea</th><td class='num'>on land</td>" in headline
