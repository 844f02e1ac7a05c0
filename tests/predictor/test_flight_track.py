"""The simulated flight track: predictor trajectory + atmosphere + SYNTHETIC humidity."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from predictor.flight_track import simulated_flight_track, synthetic_relative_humidity
from weather import AnalyticAtmosphere, uniform_wind, ussa1976

LAUNCH = datetime(2025, 6, 21, 12, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def track():
    """A 10 km flight in a SYNTHETIC uniform 10 m/s westerly over a sea-level plain."""
    atmosphere = AnalyticAtmosphere(uniform_wind(10.0, 0.0))
    return simulated_flight_track(
        atmosphere,
        LAUNCH,
        42.0,
        4.0,
        ascent_rate=5.0,
        burst_altitude=10_000.0,
        descent_rate=5.0,
        rate_hz=2.0,
        seed=1,
        ground_duration=120.0,
    )


def test_track_is_sampled_at_the_rate(track):
    t = track["time"]
    assert t[0] == LAUNCH.timestamp()
    assert np.allclose(np.diff(t), 0.5)  # 2 Hz
    for key in (
        "latitude",
        "longitude",
        "altitude",
        "pressure",
        "temperature",
        "relative_humidity",
        "stage",
    ):
        assert track[key].shape == t.shape, key


def test_track_flies_ascent_burst_descent_and_ground(track):
    stage = track["stage"]
    assert list(dict.fromkeys(stage)) == ["ascent", "descent", "ground"]
    ascent = stage == "ascent"
    # constant ascent rate 5 m/s from the ground (0 m in the analytic atmosphere)
    rates = np.diff(track["altitude"][ascent]) / 0.5
    assert rates == pytest.approx(5.0, abs=1e-6)
    # burst at 10 km: 2000 s of climbing (10 000 m / 5 m s-1), within one 0.5 s sample
    assert track["altitude"].max() == pytest.approx(10_000.0, abs=2.5)
    ground = stage == "ground"
    assert np.count_nonzero(ground) == pytest.approx(240, abs=1)  # 120 s at 2 Hz
    assert np.all(track["altitude"][ground] == track["altitude"][ground][0])
    # drifting east with the 10 m/s wind: latitude constant, longitude growing
    assert np.ptp(track["latitude"]) < 1e-9
    assert np.all(np.diff(track["longitude"][~ground]) > 0)


def test_pressure_and_temperature_come_from_the_atmosphere(track):
    # the analytic atmosphere is USSA 1976 (weather/standard_atmosphere.py)
    temperature, pressure, _ = ussa1976(track["altitude"])
    assert track["pressure"] == pytest.approx(pressure, rel=1e-9)
    assert track["temperature"] == pytest.approx(temperature, rel=1e-9)


def test_track_is_labelled_synthetic(track):
    assert track["synthetic"] is True
    assert "SIMULATED" in track["description"] and "SYNTHETIC" in track["description"]


def test_synthetic_humidity_is_plausible_and_reproducible():
    z = np.linspace(0.0, 30_000.0, 301)
    a = synthetic_relative_humidity(z, np.random.default_rng(4))
    b = synthetic_relative_humidity(z, np.random.default_rng(4))
    assert np.array_equal(a, b)
    assert np.all((a > 0) & (a <= 100))
    assert a[z < 1000].mean() > 50  # moist boundary layer
    assert a[z > 15_000].max() < 10  # dry stratosphere


def test_bad_rate_is_rejected():
    atmosphere = AnalyticAtmosphere(uniform_wind(0.0, 0.0))
    with pytest.raises(ValueError, match="rate_hz"):
        simulated_flight_track(atmosphere, LAUNCH, 42.0, 4.0, 5.0, 10_000.0, 5.0, rate_hz=0)
