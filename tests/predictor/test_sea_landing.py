"""A landing the coastline puts at sea ends at sea level (0 m), not on the weather ground."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

import terrain
from predictor import predict, predict_landings
from weather import SAMPLE_LAUNCH_SITE, SAMPLE_TIME_START, open_sample_atmosphere
from weather.analytic_atmosphere import AnalyticAtmosphere

OFFSHORE_LAUNCH = SAMPLE_TIME_START.replace(day=21, hour=12)  # lands among the islands
OFF_STRAIGHT_COAST = (20.05, 106.30)  # ~4 km off the straight Hai Hau coast (land to the NW)
T0 = datetime(2025, 6, 21, 6, tzinfo=UTC)


@pytest.mark.parametrize("record", [True, False])
@pytest.mark.parametrize("compiled", [True, False])
def test_sample_sea_landing_is_at_sea_level_and_the_descent_ends_there(record, compiled):
    atmosphere = open_sample_atmosphere()
    s = SAMPLE_LAUNCH_SITE
    result = predict(
        atmosphere, OFFSHORE_LAUNCH, s.latitude, s.longitude, ascent_rate=5.0,
        burst_altitude=30000.0, descent_rate=5.0, record_trajectory=record, compiled=compiled,
    )  # fmt: skip
    lat, lon = result.landing.latitude[0], result.landing.longitude[0]
    assert result.surface[0] == "sea"
    # the sample's coarse orography is above sea level there: the solver stopped above 0 m
    assert atmosphere.ground_elevation(np.array([lat]), np.array([lon]))[0] > 1.0
    assert result.landing.altitude[0] == 0.0
    t, la, lo, al = result.stages[-1].member_arrays(0)
    assert (t[-1], la[-1], lo[-1], al[-1]) == (
        result.landing.time[0],
        lat,
        lon,
        result.landing.altitude[0],
    )
    assert np.all(np.diff(t) > 0) and np.all(np.diff(al) < 0)
    assert result.to_dict()["landing"]["altitude"] == 0.0
    assert result.coast_distance_m[0] > 0.0


def test_ensemble_landings_at_sea_are_all_at_sea_level():
    atmosphere = open_sample_atmosphere()
    s = SAMPLE_LAUNCH_SITE
    times = [OFFSHORE_LAUNCH.replace(hour=h) for h in (6, 9, 12, 15, 18)]
    result = predict_landings(
        atmosphere, np.array([t.timestamp() for t in times]), s.latitude, s.longitude,
        ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0,
    )  # fmt: skip
    sea = result.surface == "sea"
    assert sea.any()
    assert np.all(result.landing.altitude[sea] == 0.0)
    land = result.surface == "land"
    ground = atmosphere.ground_elevation(result.landing.latitude, result.landing.longitude)
    np.testing.assert_allclose(result.landing.altitude[land], ground[land], atol=1.0)


def _onshore_gale(ground_m: float, wind_m_s: float) -> AnalyticAtmosphere:
    """SYNTHETIC: a wind blowing towards 315° (onto the Hai Hau coast), high flat ground."""
    u = -wind_m_s / np.sqrt(2.0)
    v = wind_m_s / np.sqrt(2.0)
    return AnalyticAtmosphere(
        lambda t, la, lo, al: (np.full(np.shape(al), u), np.full(np.shape(al), v)),
        ground_elevation=lambda la, lo: np.full(np.shape(la), ground_m),
    )


def test_no_wind_falls_straight_down_to_sea_level():
    lat, lon = OFF_STRAIGHT_COAST
    result = predict(
        _onshore_gale(300.0, 0.0), T0, lat, lon, 1000.0, profile="descent", descent_rate=5.0
    )
    assert result.surface[0] == "sea"
    assert result.landing.altitude[0] == 0.0
    assert result.landing.latitude[0] == pytest.approx(lat, abs=1e-9)
    assert result.landing.longitude[0] == pytest.approx(lon, abs=1e-9)
    # 1000 m at ~5 m/s near sea level: about 200 s, a little less (thinner air above)
    assert 180.0 < result.landing.time[0] - T0.timestamp() < 200.0


def test_a_last_drop_over_the_shore_lands_on_the_shore():
    lat, lon = OFF_STRAIGHT_COAST
    ground = 800.0
    result = predict(
        _onshore_gale(ground, 40.0), T0, lat, lon, 1000.0, profile="descent", descent_rate=5.0
    )
    la, lo, al = result.landing.latitude[0], result.landing.longitude[0], result.landing.altitude[0]
    assert result.surface[0] == "land"
    assert 0.0 < al < ground  # it met the coast on the way down from 800 m to the sea
    assert terrain.is_land(la, lo)
    # just back along the path (towards the SE) is sea: the landing is on the shoreline
    back_la, back_lo = la - 0.0005, lo + 0.0005
    assert not terrain.is_land(back_la, back_lo)
    assert result.stages[-1].member_arrays(0)[3][-1] == al
