"""The predictor uses only the public interface of weather (ARCHITECTURE.md: predictor ->
weather through its public names), and the geodesy has one implementation."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

PREDICTOR = Path(__file__).resolve().parents[2] / "predictor"


def _python_files():
    return sorted(PREDICTOR.rglob("*.py"))


@pytest.fixture(scope="module")
def grid_private_names():
    """Private attribute and method names of a GridAtmosphere (e.g. ``_alt_grid``)."""
    from weather.grid_atmosphere import GridAtmosphere
    from weather.sample_atmosphere import open_sample_atmosphere

    instance = vars(open_sample_atmosphere())
    names = {n for n in instance if n.startswith("_")}
    names |= {n for n in vars(GridAtmosphere) if n.startswith("_") and not n.startswith("__")}
    assert {"_alt_grid", "_ground", "_surface_axes"} <= names  # the scan knows what to find
    return names


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: p.name)
def test_no_private_grid_attributes(path, grid_private_names):
    """Neither ``atmosphere._x`` nor ``getattr(atmosphere, "_x")`` of GridAtmosphere's."""
    tree = ast.parse(path.read_text())
    used = {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
    used |= {
        n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)
    }
    assert not used & grid_private_names


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: p.name)
def test_no_private_imports_from_weather(path):
    tree = ast.parse(path.read_text())
    private = [
        f"{n.module}.{a.name}"
        for n in ast.walk(tree)
        if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("weather")
        for a in n.names
        if a.name.startswith("_")
    ]
    assert private == []


def test_kernel_bundle_ground_is_the_ground():
    from weather.sample_atmosphere import open_sample_atmosphere

    atm = open_sample_atmosphere()
    bundle = atm.kernel_bundle()
    assert bundle.has_ground
    ground, axes = bundle.ground, bundle.surface_axes
    lat0, dlat, lon0, dlon = axes
    # grid node (row 10, column 20) is at lat0 + 10 dlat, lon0 + 20 dlon
    at_node = atm.ground_elevation(lat0 + 10 * dlat, lon0 + 20 * dlon)
    assert float(at_node) == pytest.approx(ground[10, 20], abs=1e-9)


def test_geodesy_has_one_implementation():
    """landing_statistics, flightlog and analysis call predictor.geodesy with their radius."""
    from analysis import geodesy as analysis_geodesy
    from flightlog.live_quantities import EARTH_RADIUS, great_circle
    from predictor import landing_statistics
    from predictor.geodesy import great_circle_distance, initial_bearing

    lat1, lon1 = np.array([52.0, -33.9]), np.array([0.0, 151.2])
    lat2, lon2 = np.array([48.9, 40.7]), np.array([2.35, -74.0])
    expected = great_circle_distance(lat1, lon1, lat2, lon2, radius=EARTH_RADIUS)
    # the same function, so equal to the last bit
    np.testing.assert_array_equal(
        landing_statistics.great_circle_distance(lat1, lon1, lat2, lon2), expected
    )
    np.testing.assert_array_equal(
        analysis_geodesy.great_circle_distance(lat1, lon1, lat2, lon2), expected
    )
    distance, bearing = great_circle(lat1[0], lon1[0], lat2[0], lon2[0])
    assert distance == expected[0]
    assert bearing == initial_bearing(lat1[0], lon1[0], lat2[0], lon2[0])
    # one degree along a meridian is R pi / 180 on every caller's sphere
    one_degree = analysis_geodesy.great_circle_distance(10.0, 5.0, 11.0, 5.0)
    assert float(one_degree) == pytest.approx(EARTH_RADIUS * np.pi / 180.0, rel=1e-12)
