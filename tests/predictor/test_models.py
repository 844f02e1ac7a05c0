"""Model parts and terminators in isolation."""

from __future__ import annotations

import numpy as np
import pytest

from predictor.models import make_parachute_descent, make_wind_drift
from predictor.nasa_atmosphere import nasa_three_layer_density
from predictor.terminators import make_burst_terminator, make_duration_terminator
from weather.protocol import AtmosphereSample


def test_nasa_density_matches_note_table():
    """NASA 3-layer density vs notes/predictor-physics.md §1.4 (4 significant digits)."""
    h = np.array([0, 1, 5, 11, 20, 25, 30, 35]) * 1000.0
    table = np.array([1.2266, 1.1133, 0.7377, 0.3652, 0.0890, 0.0406, 0.0175, 0.0081])
    np.testing.assert_allclose(nasa_three_layer_density(h), table, rtol=6e-3, atol=5e-5)


def _air(n, density):
    z = np.zeros(n)
    return AtmosphereSample(
        z + 3.0, z + 4.0, z, z, np.asarray(density, dtype=float), z.astype(bool), z.astype(bool)
    )


def test_descent_speed_at_sea_level_density_is_v0():
    """rho = rho0 = 1.2250 gives exactly v0; rho0/4 gives 2 v0; NaN falls back to USSA."""
    model = make_parachute_descent([5.0, 6.0])
    idx = np.array([0, 1])
    alt = np.zeros(2)
    _, _, dalt = model(alt, alt, alt, alt, _air(2, [1.225, 1.225 / 4]), idx)
    np.testing.assert_allclose(dalt, [-5.0, -12.0])
    _, _, dalt = model(alt, alt, alt, alt, _air(2, [np.nan, np.nan]), idx)
    # USSA 1976 sea level: 1.2250 kg m-3 (1.2249992 from R* and M0; hence rtol 1e-6).
    np.testing.assert_allclose(dalt, [-5.0, -6.0], rtol=1e-6)


def test_wind_drift_on_sphere():
    """dlat/dt = v / (R + h), dlon/dt = u / ((R + h) cos lat), in degrees."""
    drift = make_wind_drift(6371009.0)
    lat = np.array([60.0])
    dlat, dlon, dalt = drift(lat, lat, lat, np.array([1000.0]), _air(1, [1.0]), np.array([0]))
    r = 6371009.0 + 1000.0
    assert dlat[0] == pytest.approx(np.degrees(4.0 / r), rel=1e-14)
    assert dlon[0] == pytest.approx(np.degrees(3.0 / (r * 0.5)), rel=1e-12)
    assert dalt[0] == 0.0


def test_terminator_thresholds():
    """Burst fires at the threshold, not 1 mm below; duration counts from the stage start."""
    burst = make_burst_terminator([1000.0, 2000.0])
    idx = np.array([0, 1])
    z = np.zeros(2)
    assert burst(z, z, z, np.array([1000.0, 1999.999]), idx, z).tolist() == [True, False]
    dur = make_duration_terminator(60.0)
    assert dur(np.array([160.0, 159.9]), z, z, z, idx, np.array([100.0, 100.0])).tolist() == [
        True,
        False,
    ]
