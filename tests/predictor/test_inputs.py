"""Bad input gets a ValueError that names the problem and, where relevant, the bounds."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from predictor import predict
from weather.analytic_atmosphere import AnalyticAtmosphere, uniform_wind
from weather.protocol import AtmosphereBounds

T0 = datetime(2025, 6, 21, 6, tzinfo=UTC)
BOX = AtmosphereBounds(
    datetime(2025, 6, 21, tzinfo=UTC),
    datetime(2025, 6, 22, tzinfo=UTC),
    lat_min=40.0,
    lat_max=50.0,
    lon_min=0.0,
    lon_max=10.0,
)
STD = dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)


@pytest.fixture
def boxed():
    return AnalyticAtmosphere(uniform_wind(2.0, 1.0), bounds=BOX)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(ascent_rate=-5.0), "ascent_rate must be positive"),
        (dict(descent_rate=0.0), "descent_rate must be positive"),
        (dict(burst_altitude=50.0), "burst altitude 50 m is not above the launch altitude 100"),
        (dict(profile="sideways"), "unknown profile 'sideways'"),
        (dict(model="tawhiri"), "unknown model 'tawhiri'"),
        (dict(step=0.0), "step must be a positive"),
        (dict(ascent_rate=float("nan")), "ascent_rate must be a finite number"),
    ],
)
def test_bad_values(boxed, kwargs, message):
    """Negative rates, burst below launch, unknown modes and bad steps are refused."""
    with pytest.raises(ValueError, match=message):
        predict(boxed, T0, 45.0, 5.0, 100.0, **{**STD, **kwargs})


def test_launch_outside_area_names_bounds(boxed):
    """A launch outside the data's box names the box."""
    with pytest.raises(
        ValueError,
        match=r"outside the atmosphere data \(latitude 40..50, "
        r"longitude 0..10",
    ):
        predict(boxed, T0, 52.0, 5.0, **STD)


def test_launch_outside_time_names_range(boxed):
    """A launch before the data's first time names the time range."""
    with pytest.raises(ValueError, match="2025-06-21T00:00:00.00:00 to 2025-06-22"):
        predict(boxed, datetime(2025, 6, 20, tzinfo=UTC), 45.0, 5.0, **STD)


def test_naive_launch_time_refused(boxed):
    """A launch time without a time zone is refused, not guessed."""
    with pytest.raises(ValueError, match="no time zone"):
        predict(boxed, datetime(2025, 6, 21, 6), 45.0, 5.0, **STD)


def test_float_checks(boxed):
    """Float above burst, missing float end, float end before launch are refused."""
    kw = dict(ascent_rate=5.0, descent_rate=5.0, profile="float")
    with pytest.raises(ValueError, match="float altitude 31000 m is not below the burst"):
        predict(
            boxed,
            T0,
            45.0,
            5.0,
            float_altitude=31000.0,
            burst_altitude=30000.0,
            float_duration=60.0,
            **kw,
        )
    with pytest.raises(ValueError, match="float_duration"):
        predict(boxed, T0, 45.0, 5.0, float_altitude=20000.0, **kw)
    with pytest.raises(ValueError, match="is not after the launch"):
        predict(boxed, T0, 45.0, 5.0, float_altitude=20000.0, float_until=T0, **kw)


def test_descent_needs_altitude_above_ground(boxed):
    """Descent-only needs a start altitude, above the ground."""
    with pytest.raises(ValueError, match="needs the start altitude"):
        predict(boxed, T0, 45.0, 5.0, profile="descent", descent_rate=5.0)
    with pytest.raises(ValueError, match="descent start altitude -5 m is not above"):
        predict(boxed, T0, 45.0, 5.0, -5.0, profile="descent", descent_rate=5.0)


def test_mismatched_member_arrays(boxed):
    """Arrays of different lengths are refused with the lengths."""
    with pytest.raises(ValueError, match="same length"):
        predict(boxed, T0, [45.0, 46.0], [5.0, 5.0, 5.0], **STD)


class _HoleyAtmosphere(AnalyticAtmosphere):
    """Analytic winds with a hole of NaN (missing data) above 10 km."""

    def sample(self, time, lat, lon, alt, member=None):
        s = super().sample(time, lat, lon, alt, member)
        hole = np.asarray(alt) > 10000.0
        return s._replace(u=np.where(hole, np.nan, s.u))


def test_nan_in_data_is_refused():
    """NaN winds met in flight stop the prediction with the time and place."""
    atm = _HoleyAtmosphere(uniform_wind(2.0, 1.0))
    with pytest.raises(ValueError, match=r"no wind \(NaN, missing data in the file\)"):
        predict(atm, T0, 45.0, 5.0, **STD)
    with pytest.raises(ValueError, match="no wind .NaN. at the launch point"):
        predict(atm, T0, 45.0, 5.0, 20000.0, profile="descent", descent_rate=5.0)


def test_leaving_the_data_stops_member_not_solve(boxed):
    """A member that drifts out of the box stops with a status; others still land."""
    atm = AnalyticAtmosphere(uniform_wind(0.0, 40.0), bounds=BOX)
    r = predict(atm, T0, [41.0, 49.9], 5.0, 0.0, **STD)
    assert list(r.status) == ["landed", "left_data_area"]
    assert np.isnan(r.landing.latitude[1]) and np.isfinite(r.landing.latitude[0])
    assert r.warnings["left_data"].fired.tolist() == [False, True]
    # The stopped member's track ends inside the box.
    assert np.nanmax(r.stage("ascent").latitude[1]) <= 50.0


def test_leaving_a_box_across_the_antimeridian_stops_member_not_solve():
    """Drifting east out of a 170E..170W box stops the member as out of a 10..30E box does.

    RK4 trial points of a member about to leave fall in the gap (-170..170 through 0);
    they must be held at the nearer edge like a normal box's, not raise.
    """
    t0 = datetime(2025, 6, 21, tzinfo=UTC)
    t1 = datetime(2025, 6, 22, tzinfo=UTC)
    across = AtmosphereBounds(t0, t1, lat_min=40.0, lat_max=60.0, lon_min=170.0, lon_max=-170.0)
    # 40 m s-1 east at 50 N is ~0.56 deg per minute: 2 deg from the edge is left in the
    # ascent; from 171E the ~2.6 h flight (~370 km, ~5 deg) crosses 180 and lands inside.
    atm = AnalyticAtmosphere(uniform_wind(40.0, 0.0), bounds=across)
    r = predict(atm, T0, [50.0, 50.0], [-172.0, 171.0], 0.0, **STD)
    assert list(r.status) == ["left_data_area", "landed"]
    assert np.isnan(r.landing.longitude[0])
    assert 171.0 < r.landing.longitude[1] % 360.0 < 190.0
