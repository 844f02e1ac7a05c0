"""Verification of a prediction against the flown track."""

from __future__ import annotations

import json

import numpy as np
import pytest
from _analysis_helpers import prediction_from as _prediction_from
from _analysis_helpers import shift_error_m

from analysis.cleaning import clean_flight
from analysis.synthetic import synthetic_flight
from analysis.verification import (
    in_flight_prediction_errors,
    load_prediction,
    prediction_track,
    verify,
)


def test_landing_error_and_divergence_of_a_shifted_prediction():
    """0.01 deg of latitude at 52 N: a 1112.67 m WGS84 geodesic (pyproj.Geod), to 0.1 m."""
    profile, _ = synthetic_flight(burst_altitude=10000.0, step_s=2.0)
    flight = clean_flight(profile)
    expected = shift_error_m(profile)
    summary, divergence = verify(
        flight,
        _prediction_from(profile),
        {"ascent_rate_mean_ms": 5.0, "burst": {"altitude_m": 10000.0}, "descent": {}},
    )
    assert summary["landing_error_m"] == pytest.approx(expected, abs=0.1)
    assert summary["burst_altitude_error_m"] == 500.0
    assert summary["burst_time_error_s"] == 0.0
    # linear interpolation between 60 s prediction points on a straight track: exact
    assert divergence["horizontal_distance_m"].to_numpy() == pytest.approx(expected, abs=1.0)
    assert summary["next_prediction"]["ascent_rate_ms"] == 5.0


def test_in_flight_prediction_events_converge():
    profile, _ = synthetic_flight(burst_altitude=5000.0, step_s=5.0)
    flight = clean_flight(profile)
    landed = profile.iloc[-1]
    events = [
        {"kind": "prediction", "time": "t1",
         "data": {"landing_latitude": landed["latitude"] + 0.02,
                  "landing_longitude": landed["longitude"]}},
        {"kind": "prediction", "time": "t2",
         "data": {"landing_latitude": landed["latitude"] + 0.001,
                  "landing_longitude": landed["longitude"]}},
        {"kind": "burst", "time": "t3", "data": {}},
    ]  # fmt: skip
    errors = in_flight_prediction_errors(flight, events)
    assert [e["time"] for e in errors] == ["t1", "t2"]
    assert errors[0]["landing_error_m"] > errors[1]["landing_error_m"]


def test_prediction_file_round_trip_and_bad_file(tmp_path):
    profile, _ = synthetic_flight(burst_altitude=3000.0, step_s=10.0)
    path = tmp_path / "prediction.json"
    path.write_text(json.dumps(_prediction_from(profile)))
    prediction = load_prediction(path)
    track = prediction_track(prediction)
    assert track["time"].is_monotonic_increasing
    bad = tmp_path / "bad.json"
    bad.write_text("{}")
    with pytest.raises(ValueError, match="landing"):
        load_prediction(bad)


def test_record_ending_in_the_air_is_flagged():
    """The record stops at about 3 km while falling: the landing error is to the last fix,
    and the summary says so."""
    profile, _ = synthetic_flight(burst_altitude=10000.0, step_s=2.0)
    prediction = _prediction_from(profile)
    top = int(profile["altitude"].idxmax())
    cut = top + int(np.argmax(profile["altitude"].to_numpy()[top:] < 3000.0))
    flight = clean_flight(profile.iloc[: cut + 1])
    summary, _ = verify(flight, prediction, {})
    assert "ends in the air" in summary["landing_note"]
    assert summary["landing_error_m"] > shift_error_m(profile)  # last fix short of landing


def test_prediction_times_without_zone_are_taken_as_utc():
    """A hand-written prediction with naive ISO times ('2025-06-21T12:00:00') is read as
    UTC, the house rule, instead of failing with a TypeError traceback; the burst time
    error is then the same as with explicit '+00:00' times (0 s: same track)."""
    profile, _ = synthetic_flight(burst_altitude=5000.0, step_s=10.0)
    flight = clean_flight(profile)
    prediction = _prediction_from(profile)

    def strip_zone(point):
        return {**point, "datetime": point["datetime"].replace("+00:00", "")}

    naive = {
        **prediction,
        "burst": strip_zone(prediction["burst"]),
        "landing": strip_zone(prediction["landing"]),
        "stages": [
            {**s, "trajectory": [strip_zone(p) for p in s["trajectory"]]}
            for s in prediction["stages"]
        ],
    }
    assert "+" not in naive["burst"]["datetime"]
    summary, divergence = verify(flight, naive, {})
    assert summary["burst_time_error_s"] == 0.0
    assert not divergence.empty
