"""In-flight landing prediction: ascent and descent bases, stored as events."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from _flight_profile import flight_profile
from _flightlog_helpers import T0, good_frame

from flightlog import FlightStore, read_flight
from flightlog.inflight_prediction import InflightPredictor, predict_landing
from flightlog.live_quantities import distance_and_bearing
from flightlog.phase_detection import PhaseDetector
from flightlog.phase_observer import PhaseObserver
from weather.analytic_atmosphere import AnalyticAtmosphere, uniform_wind

START = T0.timestamp()


def test_descent_prediction_drifts_with_a_uniform_wind():
    atmosphere = AnalyticAtmosphere(uniform_wind(10.0, 0.0))
    result = predict_landing(atmosphere, "descent", START, 52.0, 0.0, 10000.0, descent_rate=5.0)
    duration = result["landing_time_s"] - START
    distance, bearing = distance_and_bearing(
        52.0, 0.0, result["landing_latitude"], result["landing_longitude"]
    )
    # A uniform 10 m/s east wind carries the payload 10 m per second of descent, due east
    # (1 % covers the predictor's Earth model and the stepping).
    assert result["status"] == "landed"
    assert distance / duration == pytest.approx(10.0, rel=0.01)
    assert bearing == pytest.approx(90.0, abs=0.5)
    assert result["basis"] == "descent" and result["synthetic_atmosphere"]


def test_ascent_prediction_goes_up_to_the_planned_burst_first():
    atmosphere = AnalyticAtmosphere(uniform_wind(0.0, 0.0))
    low = predict_landing(
        atmosphere,
        "ascent",
        START,
        52.0,
        0.0,
        5000.0,
        ascent_rate=5.0,
        burst_altitude=20000.0,
        descent_rate=5.0,
    )
    high = predict_landing(
        atmosphere,
        "ascent",
        START,
        52.0,
        0.0,
        5000.0,
        ascent_rate=5.0,
        burst_altitude=30000.0,
        descent_rate=5.0,
    )
    # Still air: lands where it is; 10 km more climb at 5 m/s adds at least 2000 s.
    assert low["landing_latitude"] == pytest.approx(52.0, abs=1e-6)
    assert high["landing_time_s"] - low["landing_time_s"] > 2000.0
    with pytest.raises(ValueError, match="ascent rate"):
        predict_landing(
            atmosphere,
            "ascent",
            START,
            52.0,
            0.0,
            5000.0,
            ascent_rate=0.0,
            burst_altitude=30000.0,
            descent_rate=5.0,
        )


def wait_prediction(predictor, result, basis):
    """Poll the predictor until a prediction on ``basis`` arrives; return all events."""
    events = list(predictor(result))
    deadline = time.monotonic() + 30
    while not any(e.data["basis"] == basis for e in events) and time.monotonic() < deadline:
        time.sleep(0.05)
        events += predictor(None)
    return events


def test_predictions_during_ascent_and_descent_are_stored_as_events(tmp_path):
    samples, truth = flight_profile()
    db = tmp_path / "log.sqlite"
    atmosphere = AnalyticAtmosphere(uniform_wind(5.0, 5.0))
    phases = PhaseObserver(PhaseDetector())
    predictor = InflightPredictor(atmosphere, phases, burst_altitude=30000.0, interval=0.0)

    def frames(part):
        return [
            good_frame(int(t), payload_time=T0 + timedelta(seconds=t), altitude=h) for t, h in part
        ]

    ascent = [(t, h) for t, h in samples if t <= truth["launch"] + 600]
    descent = [(t, h) for t, h in samples if truth["burst"] < t <= truth["burst"] + 300]
    with FlightStore(db, "f1") as store:
        result = store.record(frames(ascent))
        store.record(phases(result))
        assert phases.phase == "ascent"
        store.record(wait_prediction(predictor, result, "ascent"))
        result = store.record(frames(descent))
        store.record(phases(result))
        assert phases.phase == "descent"
        store.record(wait_prediction(predictor, result, "descent"))
    predictor.close()
    _, meta = read_flight(db, "f1")
    predictions = [e["data"] for e in meta["events"] if e["kind"] == "prediction"]
    # A prediction started just before burst may still arrive on the ascent basis.
    bases = [p["basis"] for p in predictions]
    assert bases[0] == "ascent" and bases[-1] == "descent"
    assert predictions[0]["ascent_rate_m_s"] == pytest.approx(5.0, rel=1e-6)  # profile rate
    # The descent fit sees the profile's own model: v0 = 5 m/s within 0.5 %.
    assert predictions[-1]["sea_level_descent_rate_m_s"] == pytest.approx(5.0, rel=5e-3)
    for p in predictions:
        assert p["landing_latitude"] > 52.0 and p["status"] == "landed"


class _OutsideEverywhere:
    """An atmosphere whose data cover none of the flight (as when it drifts off the grid)."""

    def sample(self, time, latitude, longitude, altitude):
        from weather.protocol import OutsideAtmosphereError

        raise OutsideAtmosphereError("latitude 52.0 is outside the data (10..20 degree_north)")


def test_descent_fit_outside_the_atmosphere_does_not_stop_the_recorder():
    # The descent basis fits v0 with the atmosphere's density synchronously, on the
    # recorder's thread; an OutsideAtmosphereError there used to propagate out of the
    # observer call and end the logging session. It must become last_error instead.
    phases = PhaseObserver(PhaseDetector("descent"))
    # Synthetic descent: 10 s apart, 60 m lower each time (6 m/s).
    phases.history = [(START + 10.0 * i, 52.0, 0.0, 20000.0 - 60.0 * i) for i in range(10)]
    predictor = InflightPredictor(_OutsideEverywhere(), phases, burst_altitude=30000.0)
    try:
        assert predictor(None) == []
        assert "OutsideAtmosphereError" in predictor.last_error
        assert predictor.latest is None
    finally:
        predictor.close()


def test_log_passes_the_planned_cut_down_to_the_in_flight_predictor(monkeypatch, tmp_path):
    """`strato log --float-until` reaches the session and its InflightPredictor, so a live
    float flight gets landing predictions (none are made during a float without it)."""
    from typer.testing import CliRunner

    import flightlog.inflight_prediction as inflight
    from stratoflight.cli import app

    made = {}

    class Recording(inflight.InflightPredictor):
        def __init__(self, *args, **kwargs):
            made.update(kwargs)
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(inflight, "InflightPredictor", Recording)
    telemetry = tmp_path / "t.txt"
    telemetry.write_text("$$STRATO,1,12:00:00,20.86000,106.68000,100*0000\n")
    result = CliRunner().invoke(
        app,
        ["log", f"file://{telemetry}", "--db", str(tmp_path / "l.sqlite"), "--no-live",
         "--winds", "sample", "--burst-altitude", "30000",
         "--float-until", "2025-06-21T09:30:00+07:00"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert made["float_until"] == 1750473000.0  # 02:30 UTC
