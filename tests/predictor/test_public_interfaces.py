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


def test_surface_kernel_inputs_are_the_ground():
    from weather.sample_atmosphere import open_sample_atmosphere

    atm = open_sample_atmosphere()
    ground, axes = atm.surface_kernel_inputs()
    lat0, dlat, lon0, dlon = axes
    # grid node (row 10, column 20) is at lat0 + 10 dlat, lon0 + 20 dlon
    at_node = atm.ground_elevation(lat0 + 10 * dlat, lon0 + 20 * dlon)
    assert float(at_node) == pytest.approx(ground[10, 20], abs=1e-9)


def test_people_facing_distances_agree_with_pyproj_geod():
    """Recovery and chase distances are WGS84 geodesics: each agrees with pyproj.Geod (the
    field's reference) to 1 m, over short and long baselines. (Landing errors:
    tests/analysis/test_verification.py against pyproj.Geod too.)"""
    import pyproj

    from flightlog.live_quantities import distance_and_bearing
    from predictor.landing_statistics import landing_statistics

    lat1, lon1 = np.array([20.86, 52.0, -33.9, 20.8]), np.array([106.68, 0.0, 151.2, 107.0])
    lat2, lon2 = np.array([20.72, 48.9, 40.7, 20.8001]), np.array([107.05, 2.35, -74.0, 107.0])
    bearing_ref, _, distance_ref = pyproj.Geod(ellps="WGS84").inv(lon1, lat1, lon2, lat2)
    for i in range(lat1.size):
        distance, bearing = distance_and_bearing(lat1[i], lon1[i], lat2[i], lon2[i])
        assert abs(distance - distance_ref[i]) < 1.0  # chase distance
        assert bearing == pytest.approx(bearing_ref[i] % 360.0, abs=1e-6)
        stats = landing_statistics(np.full(3, lat2[i]), np.full(3, lon2[i]),
                                   recovery_point=(lat1[i], lon1[i]))  # fmt: skip
        assert abs(stats.recovery["distance_median_m"] - distance_ref[i]) < 1.0  # recovery
        assert abs(stats.recovery["distance_to_mean_landing_m"] - distance_ref[i]) < 1.0

