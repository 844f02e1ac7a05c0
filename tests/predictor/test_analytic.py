"""Analytic proofs of the predictor on SYNTHETIC analytic atmospheres (USSA 1976 density)."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import numpy as np
import pytest
from scipy.integrate import quad

from predictor import predict
from predictor.constants import EARTH_RADIUS, SEA_LEVEL_DENSITY
from weather.analytic_atmosphere import AnalyticAtmosphere, linear_shear_wind, uniform_wind
from weather.standard_atmosphere import geopotential_to_geometric, ussa1976_density

T0 = datetime(2025, 6, 21, 6, tzinfo=UTC)
R = EARTH_RADIUS
# USSA 1976 layer boundaries (geopotential 11, 20, 32 km) as geometric altitudes: the kinks
# of rho(h), given to quad so its error stays far below the tolerances used here.
KINKS = list(geopotential_to_geometric(np.array([11000.0, 20000.0, 32000.0])))


def descent_speed(h: float, v0: float) -> float:
    """v(h) = v0 sqrt(rho0 / rho(h)) with USSA 1976 density and rho0 = 1.2250 kg m-3."""
    return v0 * math.sqrt(SEA_LEVEL_DENSITY / float(ussa1976_density(h)))


def test_zero_wind_lands_at_launch():
    """No wind: every member lands exactly where it was launched."""
    atm = AnalyticAtmosphere(uniform_wind(0.0, 0.0))
    lats = np.array([-60.0, 0.0, 52.2])
    lons = np.array([-170.0, 10.0, 0.1])
    r = predict(atm, T0, lats, lons, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    assert r.n_members == 3
    np.testing.assert_allclose(r.landing.latitude, lats, atol=1e-12)
    np.testing.assert_allclose(r.landing.longitude, lons, atol=1e-12)
    assert set(r.status) == {"landed"}


def test_descent_time_matches_integral_of_inverse_speed():
    """Descent-only from 30 km: time = integral of 1/v(h) dh over 0..30 km (scipy quad)."""
    v0 = 5.0
    atm = AnalyticAtmosphere(uniform_wind(0.0, 0.0))
    r = predict(atm, T0, 45.0, 5.0, 30000.0, profile="descent", descent_rate=v0)
    expected, err = quad(
        lambda h: 1.0 / descent_speed(h, v0), 0.0, 30000.0, points=KINKS, epsabs=1e-9, limit=200
    )
    assert err < 1e-6
    # Tolerance 0.05 s: bisection to 0.01 s plus RK4 error at 60 s (both far smaller than
    # the ~2700 s flight; a wrong rho0 of 1.22 instead of 1.225 would move it by ~6 s).
    assert r.flight_time_s[0] == pytest.approx(expected, abs=0.05)
    assert r.landing.altitude[0] == pytest.approx(0.0, abs=0.1)


def test_uniform_wind_along_great_circle():
    """A northward wind moves along the meridian (a great circle) by v * int dt / (R + h)."""
    v, w, v0, burst = 10.0, 5.0, 5.0, 30000.0
    atm = AnalyticAtmosphere(uniform_wind(0.0, v))
    r = predict(atm, T0, 10.0, 20.0, 0.0, ascent_rate=w, burst_altitude=burst, descent_rate=v0)
    # Ascent h = w t: int_0^T dt / (R + w t) = ln((R + burst) / R) / w.
    ascent_angle = v * math.log((R + burst) / R) / w
    # Descent: dt = dh / v(h), so the angle is v * int dh / (v(h) (R + h)).
    descent_angle = (
        v
        * quad(
            lambda h: 1.0 / (descent_speed(h, v0) * (R + h)),
            0.0,
            burst,
            points=KINKS,
            epsabs=1e-14,
            limit=200,
        )[0]
    )
    expected_lat = 10.0 + math.degrees(ascent_angle + descent_angle)
    assert r.landing.longitude[0] == pytest.approx(20.0, abs=1e-12)
    # 1e-6 deg = 0.1 m: the landing is located to 0.01 s, i.e. 0.1 m at 10 m s-1.
    assert r.landing.latitude[0] == pytest.approx(expected_lat, abs=1e-6)
    # Cross-check against "wind x flight time" on the sea-level sphere: the balloon's
    # radius R + h makes the angle smaller, by at most burst / R ~ 0.5 %.
    simple = math.degrees(v * r.flight_time_s[0] / R)
    assert 0.995 * simple < r.landing.latitude[0] - 10.0 < simple


def test_linear_shear_matches_closed_form_at_burst():
    """u = u0 + s h during a constant ascent: closed-form longitude change at burst."""
    u0, s, w, h0, hb, lat0 = 3.0, 0.002, 5.0, 100.0, 25000.0, 40.0
    atm = AnalyticAtmosphere(linear_shear_wind(u0, s))
    r = predict(atm, T0, lat0, 0.0, h0, ascent_rate=w, burst_altitude=hb, descent_rate=5.0)
    # dlon/dt = u(h) / ((R + h) cos lat), dh = w dt, lat constant (v = 0):
    # dlon = 1 / (w cos lat) * [s (hb - h0) + (u0 - s R) ln((R + hb) / (R + h0))]  [rad]
    dlon = (s * (hb - h0) + (u0 - s * R) * math.log((R + hb) / (R + h0))) / (
        w * math.cos(math.radians(lat0))
    )
    assert r.burst.latitude[0] == pytest.approx(lat0, abs=1e-12)
    # 1e-9 deg (0.1 mm): RK4 on a smooth function of time only is Simpson's rule.
    assert r.burst.longitude[0] == pytest.approx(math.degrees(dlon), abs=1e-9)
    assert r.burst.time[0] - r.launch.time[0] == pytest.approx((hb - h0) / w, abs=0.01)


class _SmoothAtmosphere(AnalyticAtmosphere):
    """Analytic winds with an exponential density (scale height 7238.3 m, the burst
    calculator's): every input is smooth, so RK4 shows its full order. USSA 1976 density
    has kinks at its layer boundaries, which cost an order at the steps that cross them."""

    def sample(self, time, lat, lon, alt, member=None):
        s = super().sample(time, lat, lon, alt, member)
        return s._replace(density=1.225 * np.exp(-np.asarray(alt) / 7238.3))


def _wavy_atmosphere() -> AnalyticAtmosphere:
    def wind(time, lat, lon, alt):
        a = np.asarray(alt)
        u = 15.0 + 20.0 * np.sin(a / 8000.0) + 0.3 * (lat - 45.0)
        v = 8.0 * np.cos(a / 9000.0) + 2.0 * np.sin((time - 1.75e9) / 3000.0)
        return u, v

    return _SmoothAtmosphere(wind, name="wavy test wind")


def _landing_xy(r) -> np.ndarray:
    lat, lon = r.landing.latitude[0], r.landing.longitude[0]
    return np.array([R * math.radians(lat), R * math.cos(math.radians(45.0)) * math.radians(lon)])


def test_convergence_is_fourth_order():
    """Landing error vs a 4 s reference falls ~ step^4 (observed order 3.5..4.5)."""
    atm = _wavy_atmosphere()
    kw = dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0, event_tolerance=1e-7)
    # Reference at 4 s: its own error is (4/30)^4 ~ 3e-4 of the 30 s error, negligible.
    ref = _landing_xy(predict(atm, T0, 45.0, 5.0, 0.0, step=4.0, **kw))
    errors = [
        np.hypot(*(_landing_xy(predict(atm, T0, 45.0, 5.0, 0.0, step=h, **kw)) - ref))
        for h in (120.0, 60.0, 30.0)
    ]
    orders = [math.log2(errors[0] / errors[1]), math.log2(errors[1] / errors[2])]
    for order in orders:
        assert 3.5 < order < 4.5, (errors, orders)
    print("landing errors [m] at 120, 60, 30 s:", errors, "orders:", orders)


def test_float_profile_durations_and_until():
    """Float stage ends after float_duration, or at float_until (whichever first)."""
    atm = AnalyticAtmosphere(uniform_wind(5.0, 0.0))
    kw = dict(ascent_rate=5.0, descent_rate=5.0, profile="float", float_altitude=20000.0)
    r = predict(atm, T0, 45.0, 5.0, 0.0, float_duration=3600.0, **kw)
    assert r.stage_names == ("ascent", "float", "descent")
    fl = r.stage("float")
    assert fl.start.time[0] - r.launch.time[0] == pytest.approx(4000.0, abs=0.02)
    assert fl.end.time[0] - fl.start.time[0] == pytest.approx(3600.0, abs=0.02)
    np.testing.assert_allclose(fl.member_arrays(0)[3], fl.start.altitude[0], atol=1e-9)
    until = T0.timestamp() + 5000.0
    r2 = predict(atm, T0, 45.0, 5.0, 0.0, float_duration=3600.0, float_until=until, **kw)
    assert r2.burst.time[0] == pytest.approx(until, abs=0.02)


def test_ground_landing_terrain_and_land():
    """With orography the flight ends on the ground, and the land mask says land."""
    atm = AnalyticAtmosphere(
        uniform_wind(3.0, 1.0),
        ground_elevation=lambda la, lo: 1500.0 + 0.0 * la,
        land_fraction=lambda la, lo: 1.0 + 0.0 * la,
    )
    r = predict(atm, T0, 45.0, 5.0, ascent_rate=5.0, burst_altitude=20000.0, descent_rate=5.0)
    assert r.launch.altitude[0] == 1500.0  # launch altitude defaults to the ground
    assert r.landing.altitude[0] == pytest.approx(1500.0, abs=0.2)
    assert r.surface[0] == "land"
    assert "no_surface_data" not in r.warnings


def test_longitude_wraps_across_antimeridian():
    """An eastward drift across 180 E comes out as a longitude near -180."""
    atm = AnalyticAtmosphere(uniform_wind(30.0, 0.0))
    r = predict(atm, T0, 0.0, 179.9, 0.0, ascent_rate=5.0, burst_altitude=20000.0, descent_rate=5.0)
    assert -180.0 <= r.landing.longitude[0] < -170.0
    lon = r.trajectory()["longitude"]
    assert np.all((lon >= -180.0) & (lon < 180.0))


def test_above_top_seconds_counted():
    """Seconds above the data's top level are reported, to within a step each way."""
    atm = AnalyticAtmosphere(uniform_wind(0.0, 0.0), top_altitude=20000.0)
    r = predict(atm, T0, 45.0, 5.0, 0.0, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    # Ascent 20 -> 30 km at 5 m s-1 is 2000 s; descent 30 -> 20 km is int 1/v(h) dh.
    descent = quad(lambda h: 1.0 / descent_speed(h, 5.0), 20000.0, 30000.0, points=KINKS)[0]
    w = r.warnings["above_top_level"]
    assert w.seconds[0] == pytest.approx(2000.0 + descent, abs=2 * 60.0)
    assert r.to_dict()["warnings"]["above_top_level"]["seconds"] == w.seconds[0]
