"""Phase detection, vertical rate, distance/bearing and the descent-rate fit."""

from __future__ import annotations

import math

import pytest
from _flight_profile import GROUND, flight_profile

from flightlog.inflight_prediction import estimate_sea_level_descent_rate
from flightlog.live_quantities import distance_and_bearing, vertical_rate
from flightlog.phase_detection import PhaseDetector
from weather.standard_atmosphere import ussa1976_density


def run(samples, detector=None):
    detector = detector or PhaseDetector()
    changes = [c for t, h in samples if (c := detector.update(t, h)) is not None]
    return detector, {c.kind: c for c in changes}, [c.kind for c in changes]


def test_standard_flight_gives_launch_burst_landing_in_order():
    samples, truth = flight_profile()
    detector, events, kinds = run(samples)
    assert kinds == ["launch", "burst", "landing"]
    assert detector.phase == "landed"
    # Launch: the last sample within 20 m of the ground: at 5 m/s up to 4 s after lift-off.
    assert truth["launch"] <= events["launch"].time <= truth["launch"] + 4.0
    # Burst: the highest sample, within one 1 s sample of the true burst (5 m/s * 1 s).
    assert events["burst"].time == pytest.approx(truth["burst"], abs=1.0)
    assert events["burst"].altitude == pytest.approx(30000.0, abs=5.0)
    assert detector.burst_altitude == events["burst"].altitude
    # Landing: start of the still segment; within 3 s (the 10 m band at ~5 m/s near ground).
    assert events["landing"].time == pytest.approx(truth["landing"], abs=3.0)
    assert events["landing"].altitude == pytest.approx(GROUND, abs=10.0)


def test_float_is_detected_before_the_descent():
    samples, truth = flight_profile(burst=25000.0, float_time=1200.0)
    _, events, kinds = run(samples)
    assert kinds == ["launch", "float", "burst", "landing"]
    # The level start is found once the 20 s rate window sees level flight: within 25 s.
    assert events["float"].time == pytest.approx(truth["float"], abs=25.0)
    assert events["burst"].data["after"] == "float"


def test_noise_on_the_ground_does_not_launch():
    # +-100 m jumps (bad GNSS fixes) on the ground: never 150 m above the minimum for 3
    # samples with a >= 1 m/s trend.
    samples = [(float(t), GROUND + (100.0 if t % 7 == 0 else 0.0)) for t in range(600)]
    detector, _, kinds = run(samples)
    assert kinds == [] and detector.phase == "pre_launch"


def test_resumed_detector_continues_from_the_stored_phase():
    samples, truth = flight_profile()
    after_burst = [(t, h) for t, h in samples if t > truth["burst"] + 60]
    _, _, kinds = run(after_burst, PhaseDetector("descent"))
    assert kinds == ["landing"]


def test_unknown_phase_is_rejected():
    with pytest.raises(ValueError, match="unknown phase"):
        PhaseDetector("orbit")


def test_vertical_rate_of_a_line_is_its_slope():
    assert vertical_rate([0, 1, 2, 3], [10, 15, 20, 25]) == pytest.approx(5.0)
    assert math.isnan(vertical_rate([5], [1]))
    assert math.isnan(vertical_rate([5, 5], [1, 2]))  # zero time span (duplicate frames)


def test_chase_distance_reference_values():
    """WGS84 geodesics: 52-53 N along a meridian is 111,276.8 m (a sphere said 111,195.1 m);
    a quarter of the equator is a * pi / 2 with a = 6,378,137 m."""
    distance, bearing = distance_and_bearing(52.0, 0.0, 53.0, 0.0)
    assert distance == pytest.approx(111276.83, abs=0.01)
    assert bearing == pytest.approx(0.0, abs=1e-9)
    distance, bearing = distance_and_bearing(0.0, 0.0, 0.0, 90.0)
    assert distance == pytest.approx(6378137.0 * math.pi / 2, rel=1e-12)
    assert bearing == pytest.approx(90.0)
    _, bearing = distance_and_bearing(0.0, 10.0, 0.0, 0.0)
    assert bearing == pytest.approx(270.0)


@pytest.mark.parametrize("v0", [4.0, 5.0, 7.5])
def test_descent_rate_fit_recovers_the_sea_level_rate(v0):
    samples, truth = flight_profile(v0=v0)
    descent = [(t, h) for t, h in samples if truth["burst"] + 1 < t < truth["landing"] - 1]
    times, altitudes = zip(*descent, strict=True)
    estimate = estimate_sea_level_descent_rate(times, altitudes, ussa1976_density)
    # The profile was made with the same model; the 1 s pairs use the mid altitude, so the
    # fit is exact up to the density's curvature over one step: within 0.5 %.
    assert estimate == pytest.approx(v0, rel=5e-3)


def test_descent_rate_fit_needs_a_descent():
    assert math.isnan(estimate_sea_level_descent_rate([0, 1, 2], [100, 200, 300], ussa1976_density))
    assert math.isnan(estimate_sea_level_descent_rate([0], [100], ussa1976_density))


def test_frozen_gnss_altitude_aloft_is_not_a_landing():
    """LetFik2 (realdata) sent 21525.6 m for 7 minutes after burst (GNSS lost lock): still,
    but 21 km up. Landed needs stillness below 9000 m."""
    samples, truth = flight_profile()
    falling = [(t, h) for t, h in samples if t > truth["burst"] + 60 and h > 15000.0]
    t_frozen, h_frozen = falling[-1]
    frozen = [(t, h) for t, h in samples if t <= t_frozen]
    frozen += [(t_frozen + k, h_frozen) for k in range(1, 421)]
    detector, _, kinds = run(frozen)
    assert kinds == ["launch", "burst"] and detector.phase == "descent"
    _, _, kinds = run(samples)
    assert kinds[-1] == "landing"  # the same flight landing for real still lands
