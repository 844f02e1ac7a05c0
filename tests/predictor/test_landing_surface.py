"""Land or sea at the landing comes from the high-resolution coastline, not the 0.25° mask."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

import terrain
from predictor import predict
from predictor.ensemble import FlightSpec, predict_ensemble
from predictor.landing_statistics import NEAR_SHORE_DISTANCE_M, landing_statistics
from predictor.landing_surface import (
    describe_landing_surface,
    landing_surface,
    weather_mask_surface,
)
from weather import SAMPLE_LAUNCH_SITE, SAMPLE_TIME_START, open_sample_atmosphere

BAY_POINT = (20.89, 106.92)  # water between Cat Hai and Ha Long, ~1.7 km from any shore
OFFSHORE_DAY = SAMPLE_TIME_START + timedelta(hours=2)


def test_a_bay_the_coarse_mask_calls_land_is_sea():
    atm = open_sample_atmosphere()  # its land-sea mask is a 0.25 degree land fraction
    lat, lon = np.array([BAY_POINT[0]]), np.array([BAY_POINT[1]])
    assert atm.land_fraction(lat, lon)[0] >= 0.5
    assert weather_mask_surface(atm, lat, lon).tolist() == ["land"]
    shore = landing_surface(atm, lat, lon)
    assert shore.surface.tolist() == ["sea"]
    assert 500.0 < shore.coast_distance_m[0] < 5000.0
    assert shore.source.startswith("coastline: GSHHG")


def test_not_landed_members_are_unknown():
    shore = landing_surface(open_sample_atmosphere(), [np.nan], [np.nan])
    assert shore.surface.tolist() == ["unknown"]
    assert np.isnan(shore.coast_distance_m[0])


def test_weather_mask_is_the_stated_fallback_when_the_coastline_fails(monkeypatch):
    def broken(*_args):
        raise OSError("no coastline here")

    monkeypatch.setattr(terrain, "is_land", broken)
    shore = landing_surface(open_sample_atmosphere(), [BAY_POINT[0]], [BAY_POINT[1]])
    assert shore.surface.tolist() == ["land"]  # the coarse mask's (wrong) answer
    assert shore.source.startswith("weather land-sea mask (fallback")
    assert "no coastline here" in shore.source


def test_single_prediction_reports_coast_distance_and_bearing():
    s = SAMPLE_LAUNCH_SITE
    result = predict(
        open_sample_atmosphere(),
        OFFSHORE_DAY,
        s.latitude,
        s.longitude,
        ascent_rate=5.0,
        burst_altitude=30000.0,
        descent_rate=5.0,
    )
    doc = result.to_dict()
    landing = doc["landing"]
    assert landing["surface"] == "sea"
    assert landing["surface"] == (
        "land" if terrain.is_land(landing["latitude"], landing["longitude"]) else "sea"
    )
    d, b = terrain.coast_distance(landing["latitude"], landing["longitude"])
    assert landing["coast_distance_m"] == pytest.approx(float(d))
    assert landing["coast_bearing_deg"] == pytest.approx(float(b))
    assert doc["settings"]["surface_source"].startswith("coastline")


def test_summary_phrase():
    assert describe_landing_surface("sea", 11_800.0, 290.2) == (
        "lands at sea, 11.8 km from the coast, bearing 290°"
    )
    assert (
        describe_landing_surface("sea", 420.0, 10.0)
        == "lands at sea, 420 m from the coast, bearing 10°"
    )
    assert describe_landing_surface("land", None, None) == "lands on land"


def test_ensemble_sea_probability_changes_when_the_coastline_replaces_the_coarse_mask():
    atm = open_sample_atmosphere()
    s = SAMPLE_LAUNCH_SITE
    ens = predict_ensemble(
        atm,
        OFFSHORE_DAY,
        s.latitude,
        s.longitude,
        FlightSpec(5.0, 30000.0, 5.0),
        100,
        seed=1,
        record_trajectory=False,
    )
    r = ens.prediction
    landed = r.status == "landed"
    assert landed.sum() > 90
    lat = np.where(landed, r.landing.latitude, np.nan)
    lon = np.where(landed, r.landing.longitude, np.nan)
    coarse_fraction = np.full(lat.shape, np.nan)
    coarse_fraction[landed] = atm.land_fraction(lat[landed], lon[landed])
    coarse = landing_statistics(lat, lon, coarse_fraction)
    fine = ens.statistics
    assert fine.sea_probability == pytest.approx(
        float(np.mean(~terrain.is_land(lat[landed], lon[landed])))
    )
    assert abs(fine.sea_probability - coarse.sea_probability) >= 0.05
    near = landed & (r.surface == "sea") & (r.coast_distance_m <= NEAR_SHORE_DISTANCE_M)
    assert fine.sea_near_shore_probability == pytest.approx(near.sum() / landed.sum())
    assert 0.0 < fine.sea_near_shore_probability <= fine.sea_probability
    out = fine.as_dict()
    assert out["sea_near_shore_probability"] == fine.sea_near_shore_probability
    assert out["near_shore_distance_m"] == NEAR_SHORE_DISTANCE_M


def test_inflight_prediction_says_land_or_sea_and_distance_to_shore():
    from flightlog.inflight_prediction import predict_landing

    out = predict_landing(
        open_sample_atmosphere(),
        "descent",
        OFFSHORE_DAY.timestamp() + 6000.0,
        20.85,
        107.25,
        12000.0,
        descent_rate=5.0,
    )
    assert out["status"] == "landed"
    # it comes down among the Ha Long islands, at sea a few hundred metres from a shore
    assert not terrain.is_land(out["landing_latitude"], out["landing_longitude"])
    assert out["landing_surface"] == "sea"
    d, b = terrain.coast_distance(out["landing_latitude"], out["landing_longitude"])
    assert out["coast_distance_m"] == pytest.approx(float(d))
    assert out["coast_bearing_deg"] == pytest.approx(float(b))
    assert out["landing_place"] == describe_landing_surface("sea", float(d), float(b))
