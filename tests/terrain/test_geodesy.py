"""WGS84 distances and bearings (terrain.geodesy) against published geodesic values."""

from __future__ import annotations

import numpy as np
import pytest

from terrain import geodesy


def test_one_degree_of_longitude_on_the_equator_is_a_times_pi_over_180():
    d, b = geodesy.inverse(0.0, 106.0, 0.0, 107.0)
    assert float(d) == pytest.approx(6_378_137.0 * np.pi / 180.0, abs=1e-3)
    assert float(b) == pytest.approx(90.0, abs=1e-9)


def test_one_degree_of_latitude_at_the_equator():
    d, b = geodesy.inverse(0.0, 106.0, 1.0, 106.0)
    assert float(d) == pytest.approx(110_574.4, abs=0.5)  # WGS84 meridian arc 0..1 deg
    assert float(b) == pytest.approx(0.0, abs=1e-9)


def test_forward_inverts_inverse_and_vectorises():
    lat = np.array([20.86, 20.86])
    lon = np.array([106.68, 106.68])
    brg = np.array([290.0, 90.0])
    dist = np.array([11_800.0, 50_000.0])
    la2, lo2 = geodesy.forward(lat, lon, brg, dist)
    d, b = geodesy.inverse(lat, lon, la2, lo2)
    np.testing.assert_allclose(d, dist, atol=1e-6)
    np.testing.assert_allclose(b, brg, atol=1e-9)


def test_nan_and_coincident_points():
    d, b = geodesy.inverse([np.nan, 20.0], [106.0, 106.0], [20.0, 20.0], [106.0, 106.0])
    assert np.isnan(d[0]) and np.isnan(b[0])
    assert d[1] == 0.0 and np.isnan(b[1])
    assert geodesy.normalize_bearing(-10.0) == pytest.approx(350.0)
