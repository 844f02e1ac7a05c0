"""USSA 1976 against the standard's tables (NOAA-S/T 76-1562, Table I, geometric altitude)."""

import numpy as np
import pytest

from weather.standard_atmosphere import (
    geometric_to_geopotential,
    geopotential_to_geometric,
    ussa1976,
)


@pytest.mark.parametrize(
    ("altitude", "temperature", "pressure", "density"),
    [
        # Table I values of USSA 1976 (geometric altitude).
        (0.0, 288.150, 101325.0, 1.2250),
        (5000.0, 255.676, 54048.0, 0.73643),
        (11000.0, 216.774, 22699.9, 0.36480),
        (20000.0, 216.650, 5529.3, 0.088910),
        (32000.0, 228.490, 889.06, 0.013555),
        (50000.0, 270.650, 79.779, 0.0010269),
    ],
)
def test_ussa1976_matches_table(altitude, temperature, pressure, density):
    """Temperature to 0.01 K, pressure and density to 0.05 % (table rounding)."""
    t, p, rho = ussa1976(altitude)
    assert t == pytest.approx(temperature, abs=0.01)
    assert p == pytest.approx(pressure, rel=5e-4)
    assert rho == pytest.approx(density, rel=5e-4)


def test_geopotential_round_trip():
    """Geometric -> geopotential -> geometric is the identity to 1 mm."""
    z = np.linspace(-500.0, 85000.0, 101)
    assert np.allclose(geopotential_to_geometric(geometric_to_geopotential(z)), z, atol=1e-3)


def test_vectorised_shape():
    """Arrays in, arrays of the same shape out."""
    z = np.zeros((3, 4)) + 1000.0
    for out in ussa1976(z):
        assert out.shape == (3, 4)
