"""The compiled flight kernel flies a plan exactly as the numpy oracle does.

On a SYNTHETIC analytic grid (tests/predictor/analytic_grid.py) every profile, both models,
with and without the correlated wind perturbations and ERA5-style data members, must agree
with the numpy solver (same scheme, same formulas from predictor.flight_physics) within
1e-9 deg and 1e-6 s.
"""

from __future__ import annotations

import numpy as np
import pytest

from predictor import predict
from predictor.ensemble_wind import PerturbedAtmosphere, WindPerturbationField
from tests.predictor.analytic_grid import T0, analytic_atmosphere

LAT, LON = 21.0, 105.6


@pytest.fixture(scope="module")
def grid():
    return analytic_atmosphere()


@pytest.fixture(scope="module")
def grid_members():
    return analytic_atmosphere(members=4)


def _assert_same(a, b):
    assert a.settings["solver"] == "rk4-compiled"
    assert b.settings["solver"] == "rk4-numpy"
    assert a.stage_names == b.stage_names
    np.testing.assert_array_equal(a.status, b.status)
    np.testing.assert_array_equal(a.surface, b.surface)
    for sa, sb in zip(a.stages, b.stages, strict=True):
        np.testing.assert_array_equal(sa.n_points, sb.n_points)
        np.testing.assert_allclose(sa.time, sb.time, atol=1e-6, equal_nan=True)
        np.testing.assert_allclose(sa.latitude, sb.latitude, atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(sa.longitude, sb.longitude, atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(sa.altitude, sb.altitude, atol=1e-6, equal_nan=True)
    for pa, pb in ((a.landing, b.landing), (a.burst, b.burst)):
        np.testing.assert_allclose(pa.latitude, pb.latitude, atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(pa.longitude, pb.longitude, atol=1e-9, equal_nan=True)
        np.testing.assert_allclose(pa.time, pb.time, atol=1e-6, equal_nan=True)
    assert set(a.warnings) == set(b.warnings)
    for code in a.warnings:
        np.testing.assert_allclose(
            a.warnings[code].seconds, b.warnings[code].seconds, atol=1e-6, equal_nan=True
        )


PROFILES = {
    "standard": dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0),
    "cusf": dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0, model="cusf"),
    "float_duration": dict(
        ascent_rate=4.0, descent_rate=6.0, profile="float", float_altitude=18000.0,
        float_duration=5400.0, step=30.0,
    ),
    "float_until": dict(
        ascent_rate=4.0, descent_rate=6.0, profile="float", float_altitude=18000.0,
        float_until=T0.timestamp() + 9000.0,
    ),
    "descent": dict(altitude=25000.0, descent_rate=7.0, profile="descent"),
    "in_float": dict(
        altitude=18000.0, descent_rate=6.0, profile="float", from_stage="float",
        float_duration=3600.0,
    ),
}  # fmt: skip


def _fly(atmosphere, kwargs, n=1, **extra):
    kwargs = dict(kwargs)
    alt = kwargs.pop("altitude", None)
    rng = np.random.default_rng(3)
    lat = LAT + rng.uniform(-0.3, 0.3, n) if n > 1 else LAT
    lon = LON + rng.uniform(-0.3, 0.3, n) if n > 1 else LON
    a = predict(atmosphere, T0.timestamp() + 3600.0, lat, lon, alt, **kwargs, **extra)
    b = predict(
        atmosphere, T0.timestamp() + 3600.0, lat, lon, alt, compiled=False, **kwargs, **extra
    )
    return a, b


@pytest.mark.parametrize("name", list(PROFILES))
def test_single_flight_equals_oracle(grid, name):
    a, b = _fly(grid, PROFILES[name])
    assert (a.status == "landed").all()
    _assert_same(a, b)


@pytest.mark.parametrize("name", list(PROFILES))
@pytest.mark.parametrize("data_members", [False, True], ids=["no_eda", "eda"])
@pytest.mark.parametrize("record", [True, False], ids=["recorded", "landings"])
def test_perturbed_ensemble_equals_oracle(grid, grid_members, name, data_members, record):
    """Correlated perturbations (and data members) inside the kernel, members in parallel."""
    n = 24
    base = grid_members if data_members else grid
    field = WindPerturbationField.draw(
        np.random.default_rng(11), n, 2.0, 300e3, 2000.0, 6 * 3600.0, LAT, LON,
        T0.timestamp() + 3600.0,
    )  # fmt: skip
    members = np.arange(n) % 4 if data_members else None
    atm = PerturbedAtmosphere(base, n, field, members)
    a, b = _fly(atm, PROFILES[name], n=n, atmosphere_member=np.arange(n), record_trajectory=record)
    _assert_same(a, b)
    # the perturbations matter: members starting at one place would still spread
    assert np.ptp(a.landing.longitude[np.isfinite(a.landing.longitude)]) > 0.0


def test_data_members_without_perturbations_equal_oracle(grid_members):
    a, b = _fly(grid_members, PROFILES["standard"], n=8, atmosphere_member=np.arange(8) % 4)
    _assert_same(a, b)


def test_members_leaving_the_data_stop_alone(grid):
    """One member runs out of the data's time, another out of its area; the rest land."""
    n = 6
    t = np.full(n, T0.timestamp() + 3600.0)
    t[0] = T0.timestamp() + 29 * 3600.0  # flight outlasts the data
    lat = np.full(n, LAT)
    lon = np.full(n, LON)
    lon[1] = 109.95  # drifts east out of the area
    kw = dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    for record in (True, False):
        a = predict(grid, t, lat, lon, record_trajectory=record, **kw)
        b = predict(grid, t, lat, lon, record_trajectory=record, compiled=False, **kw)
        assert a.status[0] == "left_data_time"
        assert a.status[1] == "left_data_area"
        assert (a.status[2:] == "landed").all()
        _assert_same(a, b)


def test_exceeded_max_duration_is_a_known_status(grid):
    from predictor.result import STATUSES

    kw = dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    a = predict(grid, T0.timestamp() + 3600.0, LAT, LON, max_flight_duration=3000.0, **kw)
    assert a.status[0] == "exceeded_max_duration"
    assert a.status[0] in STATUSES


def test_parallel_members_equal_one_at_a_time(grid):
    """A member's flight does not depend on the others flown beside it (prange)."""
    from predictor.flight_kernel import PARALLEL_MIN_MEMBERS

    n = PARALLEL_MIN_MEMBERS + 8  # all cores; the single flights run on one
    rng = np.random.default_rng(5)
    lat = LAT + rng.uniform(-0.3, 0.3, n)
    lon = LON + rng.uniform(-0.3, 0.3, n)
    kw = dict(ascent_rate=5.0, burst_altitude=rng.uniform(20e3, 30e3, n), descent_rate=5.0)
    many = predict(grid, T0.timestamp() + 3600.0, lat, lon, **kw)
    for i in (0, 7, 15):
        one = predict(
            grid, T0.timestamp() + 3600.0, lat[i], lon[i], ascent_rate=5.0,
            burst_altitude=kw["burst_altitude"][i], descent_rate=5.0,
        )  # fmt: skip
        assert one.landing.latitude[0] == many.landing.latitude[i]
        assert one.landing.longitude[0] == many.landing.longitude[i]


def test_observed_rk4_order_is_about_four():
    """Halving the step divides the error by ~16 (fixed-step RK4), in the compiled kernel.

    Winds linear in time, latitude and longitude (reproduced exactly by the grid's
    interpolation, so the right-hand side is smooth); the burst point (end of the ascent,
    located on the Hermite dense output) is compared with a 1 s step reference.
    """
    grid = analytic_atmosphere(linear=True)
    kw = dict(ascent_rate=5.0, burst_altitude=25000.0, descent_rate=5.0)

    def burst(step):
        r = predict(
            grid, T0.timestamp() + 3600.0, LAT, 106.8, step=step, event_tolerance=1e-7, **kw
        )
        assert r.settings["solver"] == "rk4-compiled"
        return np.array([r.burst.latitude[0], r.burst.longitude[0]])

    ref = burst(2.0)
    e1 = np.abs(burst(240.0) - ref).max()
    e2 = np.abs(burst(120.0) - ref).max()
    order = np.log2(e1 / e2)
    assert 3.5 < order < 4.5, (order, e1, e2)


def test_nan_in_the_data_is_an_error_naming_the_place():
    """No fallback: NaN winds met in flight raise a ValueError saying where."""
    atm = analytic_atmosphere()  # opening refuses NaN, so damage the grid afterwards
    bundle = atm.kernel_bundle()
    fields = bundle.field_grid.reshape(tuple(bundle.shape) + (3,))
    fields[..., 6:, 0] = np.nan  # no eastward wind above ~300 hPa
    with pytest.raises(ValueError, match="no wind .* latitude"):
        predict(atm, T0.timestamp() + 3600.0, LAT, LON, ascent_rate=5.0,
                burst_altitude=30000.0, descent_rate=5.0)  # fmt: skip


def test_analytic_atmospheres_use_the_numpy_solver():
    from weather.analytic_atmosphere import AnalyticAtmosphere, uniform_wind

    r = predict(
        AnalyticAtmosphere(uniform_wind(1.0, 1.0)), T0, 42.0, 4.0, ascent_rate=5.0,
        burst_altitude=10000.0, descent_rate=5.0,
    )  # fmt: skip
    assert r.settings["solver"] == "rk4-numpy"


def test_smooth_cos_is_cos():
    """The perturbations' vectorisable cos agrees with the C library's to 3e-14."""
    from numba import njit

    from predictor.flight_physics import smooth_cos

    @njit
    def many(x):
        out = np.empty(x.shape)
        for i in range(x.shape[0]):
            out[i] = smooth_cos(x[i])
        return out

    x = np.concatenate([np.linspace(-200.0, 200.0, 400_001), [0.0, np.pi, -np.pi, 1e-300]])
    np.testing.assert_allclose(many(x), np.cos(x), rtol=0, atol=3e-14)
