"""The one KML/GPX writer, read back with real parsers (gpxpy; XML + numeric coordinates)."""

from __future__ import annotations

import math

import numpy as np
from track_readers import read_gpx, read_kml

from predictor.writers.track_document import (
    Area,
    Placemark,
    Track,
    TrackDocument,
    write_gpx,
    write_kml,
)

T0 = 1_750_485_600.0  # 2025-06-21T06:00:00Z


def _document() -> TrackDocument:
    lat = np.array([20.8, 20.81, np.nan, 20.8333333333333333])
    lon = np.array([106.7, 106.71, 106.72, 106.7444444444444444])
    alt = np.array([5.0, 1200.25, 2400.0, 3600.125])
    when = T0 + np.array([0.0, 60.0, 120.0, 180.5])
    return TrackDocument(
        "Test (SYNTHETIC)", "a test document",
        tracks=[Track("path", lat, lon, alt, when)],
        placemarks=[
            Placemark("Launch", np.float64(20.8), np.float64(106.7), np.float64(5.0), T0),
            Placemark("mean landing", 20.9, 106.9),  # no altitude, no time
        ],
        areas=[Area("50% ellipse", [20.0, 20.1, 20.0], [106.0, 106.1, 106.2])],
    )  # fmt: skip


def test_gpx_reads_back_exactly_with_gpxpy(tmp_path):
    gpx = read_gpx(write_gpx(_document(), tmp_path / "t.gpx"))
    assert gpx.name == "Test (SYNTHETIC)" and gpx.description == "a test document"
    points = gpx.tracks[0].segments[0].points
    assert len(points) == 3  # the row without a latitude is left out
    assert points[2].latitude == 20.8333333333333333  # full float64 precision
    assert points[2].longitude == 106.7444444444444444
    assert points[2].elevation == 3600.125
    assert points[2].time.isoformat() == "2025-06-21T06:03:00.500000+00:00"
    launch, mean = gpx.waypoints
    assert (launch.name, launch.latitude, launch.elevation) == ("Launch", 20.8, 5.0)
    assert mean.elevation is None and mean.time is None


def test_kml_reads_back_with_numbers_only(tmp_path):
    path = write_kml(_document(), tmp_path / "t.kml")
    text = path.read_text()
    assert "np.float64" not in text and "nan" not in text.lower()
    kml = read_kml(path)
    assert kml["name"] == "Test (SYNTHETIC)"
    track, launch, mean, ellipse = kml["placemarks"]
    assert track["kind"] == "LineString" and track["altitude_mode"] == "absolute"
    assert track["coordinates"][-1] == (106.7444444444444444, 20.8333333333333333, 3600.125)
    assert launch["coordinates"] == [(106.7, 20.8, 5.0)]
    assert launch["when"] == "2025-06-21T06:00:00.000Z"
    assert mean["altitude_mode"] == "clampToGround" and mean["when"] is None
    assert ellipse["kind"] == "Polygon"
    assert ellipse["coordinates"][0] == ellipse["coordinates"][-1]  # ring closed


def test_kml_without_altitudes_is_clamped_to_the_ground(tmp_path):
    doc = TrackDocument("t", tracks=[Track("p", [1.0, 2.0], [3.0, 4.0], [math.nan, 5.0])])
    track = read_kml(write_kml(doc, tmp_path / "t.kml"))["placemarks"][0]
    assert track["altitude_mode"] == "clampToGround"
    assert track["coordinates"] == [(3.0, 1.0, 0.0), (4.0, 2.0, 5.0)]


def test_ensemble_kml_has_plain_numbers(tmp_path):
    """The ensemble KML used to hold ``np.float64(...)`` text that no KML reader accepts."""
    from datetime import UTC, datetime

    from predictor.ensemble import FlightSpec, predict_ensemble
    from predictor.plots import write_ensemble_kml
    from weather.analytic_atmosphere import AnalyticAtmosphere, uniform_wind

    ensemble = predict_ensemble(
        AnalyticAtmosphere(uniform_wind(5.0, 2.0)), datetime(2025, 6, 1, 12, tzinfo=UTC),
        52.0, 0.0, FlightSpec(5.0, 10000.0, 5.0), 8, seed=1,
    )  # fmt: skip
    path = write_ensemble_kml(ensemble, tmp_path / "e.kml")
    assert "np.float64" not in path.read_text()
    kml = read_kml(path)
    names = [p["name"] for p in kml["placemarks"]]
    landed = int((ensemble.prediction.status == "landed").sum())
    assert sum(n.startswith("member ") for n in names) == landed > 0
    assert sum(n.startswith("track ") for n in names) == landed  # recorded tracks
    assert "mean landing" in names and "95% ellipse" in names
    mean = next(p for p in kml["placemarks"] if p["name"] == "mean landing")
    assert mean["coordinates"][0][:2] == (
        ensemble.statistics.mean_longitude, ensemble.statistics.mean_latitude,
    )  # fmt: skip
