"""The built-in SYNTHETIC sample: labelled, plausible, deterministic, coastal."""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from weather import (
    SAMPLE_LAUNCH_SITE,
    SAMPLE_TIME_END,
    SAMPLE_TIME_START,
    open_sample_atmosphere,
    to_epoch_seconds,
)
from weather.canonical import validate_canonical
from weather.sample_atmosphere import (
    ERA5_PRESSURE_LEVELS_HPA,
    SAMPLE_AREA,
    build_sample_dataset,
    coastline_fields,
)
from weather.standard_atmosphere import ussa1976_temperature


@pytest.fixture(scope="module")
def sample():
    return open_sample_atmosphere()


@pytest.fixture(scope="module")
def dataset():
    return build_sample_dataset()


def test_labelled_synthetic_everywhere(sample, dataset):
    assert sample.synthetic is True
    assert "SYNTHETIC" in sample.source
    assert dataset.attrs["synthetic"] == "yes" and "SYNTHETIC" in dataset.attrs["source"]
    assert "SYNTHETIC" in SAMPLE_LAUNCH_SITE.name


def test_canonical_layout_with_era5_grid(dataset):
    validate_canonical(dataset)
    assert dataset["level"].values.tolist() == [p * 100.0 for p in ERA5_PRESSURE_LEVELS_HPA]
    assert len(ERA5_PRESSURE_LEVELS_HPA) == 37 and ERA5_PRESSURE_LEVELS_HPA[-1] == 1
    assert np.allclose(np.diff(dataset["latitude"].values), 0.25)
    assert np.allclose(np.diff(dataset["longitude"].values), 0.25)
    steps = np.diff(dataset["time"].values).astype("timedelta64[s]").astype(int)
    assert set(steps.tolist()) == {3600}
    assert SAMPLE_TIME_END - SAMPLE_TIME_START == timedelta(days=2)


def test_bounds_and_surface(sample):
    b = sample.bounds
    north, west, south, east = SAMPLE_AREA
    assert (b.lat_min, b.lat_max, b.lon_min, b.lon_max) == (south, north, west, east)
    assert (b.time_start, b.time_end) == (SAMPLE_TIME_START, SAMPLE_TIME_END)
    assert b.top_altitude > 45000.0  # 1 hPa is near 48 km in the standard atmosphere
    assert sample.has_surface


def test_launch_site_on_land_near_the_coast(sample):
    lat, lon = SAMPLE_LAUNCH_SITE.latitude, SAMPLE_LAUNCH_SITE.longitude
    assert (lat, lon) == (20.86, 106.68)  # Hai Phong
    assert float(sample.land_fraction(lat, lon)) >= 0.5
    elevation = float(sample.ground_elevation(lat, lon))
    assert 0.0 < elevation < 100.0  # the Red River delta
    # open water of the Gulf of Tonkin ~60 km south-east
    assert float(sample.land_fraction(20.5, 107.1)) == 0.0


def test_coastline_and_orography(dataset):
    land = dataset["land_sea_mask"].values
    assert land.min() == 0.0 and land.max() == 1.0
    assert 0.2 < land.mean() < 0.9  # both land and sea cover a real part of the area
    assert np.any((land > 0.0) & (land < 1.0))  # fractional coast cells
    assert "GSHHG" in dataset.attrs["land_sea_mask_source"]
    elevation = dataset["surface_geopotential"].values / 9.80665
    assert np.all(elevation[land == 0.0] == 0.0)
    assert 2500.0 < elevation.max() < 4000.0  # the north-western massif


def test_standard_temperatures_and_tropopause(sample):
    t = to_epoch_seconds(SAMPLE_TIME_START) + 6 * 3600.0
    alt = np.array([1000.0, 5000.0, 11000.0, 15000.0, 20000.0, 30000.0, 45000.0])
    s = sample.sample(t, SAMPLE_LAUNCH_SITE.latitude, SAMPLE_LAUNCH_SITE.longitude, alt)
    # within 5 K of USSA 1976 (the sample adds up to +-3 K diurnal and ~0 K at 21 N)
    np.testing.assert_allclose(s.temperature, ussa1976_temperature(alt), atol=5.0)
    assert s.temperature[3] == pytest.approx(216.65, abs=0.5)  # isothermal tropopause layer
    assert not s.above_top.any()


def test_jet_and_stratospheric_easterlies(sample):
    t = to_epoch_seconds(SAMPLE_TIME_START) + np.arange(0, 49) * 3600.0
    lat, lon = 21.5, 106.68
    jet_alt = 11500.0
    u_jet, _ = sample.wind(t, lat, lon, jet_alt)
    assert 30.0 <= u_jet.max() <= 50.0
    u_strat, _ = sample.wind(t, lat, lon, 30000.0)
    assert np.all(u_strat < -5.0)  # summer easterlies above ~25 km
    assert np.ptp(u_jet) > 3.0  # the fields change over the two days
    pressure = sample.sample(t[0], lat, lon, jet_alt).pressure
    assert 18000.0 < float(pressure) < 26000.0  # the jet sits near 200-250 hPa


def test_offshore_day_then_onshore_day(sample):
    """21 June: westerlies carry balloons out over the gulf; 22 June: easterlies, inland."""
    lat, lon = SAMPLE_LAUNCH_SITE.latitude, SAMPLE_LAUNCH_SITE.longitude
    alt = np.array([500.0, 5000.0, 11500.0])
    t0 = to_epoch_seconds(SAMPLE_TIME_START)
    u_day1, _ = sample.wind(t0 + 6 * 3600.0, lat, lon, alt)
    u_day2, _ = sample.wind(t0 + 30 * 3600.0, lat, lon, alt)
    assert np.all(u_day1 > 2.0)
    assert np.all(u_day2 < -2.0)


def test_density_is_physical(sample):
    t = to_epoch_seconds(SAMPLE_TIME_START)
    lat, lon = SAMPLE_LAUNCH_SITE.latitude, SAMPLE_LAUNCH_SITE.longitude
    s = sample.sample(t, lat, lon, np.array([0.0, 10000.0, 30000.0]))
    assert 1.1 < s.density[0] < 1.3 and 0.35 < s.density[1] < 0.45 and s.density[2] < 0.03


def test_deterministic_and_cached(dataset):
    assert build_sample_dataset() is dataset
    assert open_sample_atmosphere() is open_sample_atmosphere()
    build_sample_dataset.cache_clear()
    try:
        again = build_sample_dataset()
        for name in dataset.data_vars:
            np.testing.assert_array_equal(again[name].values, dataset[name].values)
    finally:
        build_sample_dataset.cache_clear()


def test_coastline_fields_shape():
    # inland northern Vietnam, and the middle of the Gulf of Tonkin
    land, elevation = coastline_fields(np.array([[22.0, 19.5]]), np.array([[105.0, 107.5]]))
    assert land.shape == (1, 2)
    assert float(land[0, 0]) == 1.0 and elevation[0, 0] > 0.0
    assert float(land[0, 1]) == 0.0 and elevation[0, 1] == 0.0
