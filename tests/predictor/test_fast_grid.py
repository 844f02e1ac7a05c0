"""The compiled fast path (GridAtmosphere) gives the generic solver's results."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from predictor import predict

T0 = datetime(2025, 6, 21, 6, tzinfo=UTC)


@pytest.fixture(scope="module")
def sample():
    from weather.sample_atmosphere import open_sample_atmosphere

    return open_sample_atmosphere()


def _assert_same(a, b):
    """Same scheme, same arithmetic: agreement to rounding (1e-9 deg ~ 0.1 mm, 1e-6 s)."""
    assert a.settings["solver"] == "rk4-compiled-grid"
    assert b.settings["solver"] == "rk4-generic"
    assert a.stage_names == b.stage_names
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_array_equal(a.surface, b.surface)
    for sa, sb in zip(a.stages, b.stages, strict=True):
        np.testing.assert_array_equal(sa.n_points, sb.n_points)
        np.testing.assert_allclose(sa.time, sb.time, atol=1e-6, equal_nan=True)
        np.testing.assert_allclose(sa.latitude, sb.latitude, atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(sa.longitude, sb.longitude, atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(sa.altitude, sb.altitude, atol=1e-6, equal_nan=True)
    np.testing.assert_allclose(a.landing.latitude, b.landing.latitude, atol=1e-9, equal_nan=True)
    assert set(a.warnings) == set(b.warnings)
    for code in a.warnings:
        np.testing.assert_allclose(
            a.warnings[code].seconds, b.warnings[code].seconds, atol=1e-6, equal_nan=True
        )


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0),
        dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0, model="cusf"),
        dict(
            ascent_rate=4.0,
            descent_rate=6.0,
            profile="float",
            float_altitude=18000.0,
            float_duration=5400.0,
            float_until=T0.timestamp() + 9000.0,
            step=30.0,
        ),
        dict(altitude=25000.0, descent_rate=7.0, profile="descent"),
    ],
    ids=["standard", "cusf", "float", "descent"],
)
def test_compiled_equals_generic(sample, kwargs):
    """Single flights of every profile and both models."""
    kwargs = dict(kwargs)
    alt = kwargs.pop("altitude", None)
    a = predict(sample, T0, 20.86, 106.68, alt, **kwargs)
    b = predict(sample, T0, 20.86, 106.68, alt, compiled=False, **kwargs)
    _assert_same(a, b)


def test_compiled_ensemble_with_stops(sample):
    """An ensemble with mixed parameters, one member leaving the area, no recording."""
    rng = np.random.default_rng(7)
    n = 80
    lat = rng.uniform(18.0, 24.0, n)
    lon = rng.uniform(102.0, 112.0, n)
    lon[0], lat[0] = 112.95, 24.9  # near the north-east corner: leaves the data
    kw = dict(
        ascent_rate=rng.uniform(4, 6, n),
        burst_altitude=rng.uniform(15000, 32000, n),
        descent_rate=rng.uniform(4, 8, n),
    )
    for record in (True, False):
        a = predict(sample, T0, lat, lon, record_trajectory=record, **kw)
        b = predict(sample, T0, lat, lon, record_trajectory=record, compiled=False, **kw)
        assert a.status[0] == "left_data_area"
        _assert_same(a, b)


def test_other_atmospheres_use_generic_solver():
    """Analytic (or wrapped) atmospheres run the generic solver."""
    from weather.analytic_atmosphere import AnalyticAtmosphere, uniform_wind

    r = predict(
        AnalyticAtmosphere(uniform_wind(1.0, 1.0)),
        T0,
        42.0,
        4.0,
        ascent_rate=5.0,
        burst_altitude=10000.0,
        descent_rate=5.0,
    )
    assert r.settings["solver"] == "rk4-generic"
