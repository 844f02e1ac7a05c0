"""Landing statistics: ellipses, mean position, sea and zone probabilities, distances."""

from __future__ import annotations

import math

import numpy as np
import pytest

from predictor.landing_statistics import (
    chi2_radius,
    confidence_ellipse,
    from_local_plane,
    landing_statistics,
    mean_position,
    to_local_plane,
)
from predictor.zones import zone_from_polygon
from weather.constants import EARTH_RADIUS


def _sphere_distance(lat1, lon1, lat2, lon2):
    """Haversine on the sphere EARTH_RADIUS: the oracle of the spherical tangent plane."""
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(lon2 - lon1)
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2.0 * EARTH_RADIUS * np.arcsin(np.sqrt(a))


def test_chi2_radius_matches_tables():
    # chi-square(2 dof) quantiles from standard tables: 1.386 (50 %), 5.991 (95 %)
    assert chi2_radius(0.5) ** 2 == pytest.approx(1.3863, abs=1e-4)
    assert chi2_radius(0.95) ** 2 == pytest.approx(5.9915, abs=1e-4)


def test_local_plane_round_trip_and_distance():
    lat = np.array([52.0, 52.5, 51.2])
    lon = np.array([0.1, 1.5, -0.9])
    e, n = to_local_plane(lat, lon, 52.0, 0.0)
    lat2, lon2 = from_local_plane(e, n, 52.0, 0.0)
    np.testing.assert_allclose(lat2, lat, atol=1e-9)
    np.testing.assert_allclose(lon2, lon, atol=1e-9)
    # azimuthal equidistant: the distance from the centre is exact
    np.testing.assert_allclose(np.hypot(e, n), _sphere_distance(52.0, 0.0, lat, lon), rtol=1e-9)
    # 1 degree of latitude on the sphere = R * pi / 180 = 111195.08 m
    e, n = to_local_plane(np.array([1.0]), np.array([0.0]), 0.0, 0.0)
    assert float(np.hypot(e, n)[0]) == pytest.approx(EARTH_RADIUS * math.pi / 180)


def test_mean_position_across_antimeridian():
    lat, lon = mean_position([10.0, 10.0], [179.0, -179.0])
    assert abs(abs(lon) - 180.0) < 1e-9
    assert lat == pytest.approx(10.0, abs=0.01)


def test_ellipse_recovers_known_normal_distribution():
    """2000 draws with sigma 20 km along azimuth 30 deg and 5 km across.

    Sample-sigma relative error ~ 1/sqrt(2n) = 1.6 %; 5 % tolerance; axis direction of a
    4:1 ellipse is well determined (2 deg tolerance). About 50 %/95 % of the points fall
    inside the ellipses (binomial sd 1.1 % / 0.5 %; 3 % tolerance).
    """
    rng = np.random.default_rng(1)
    along, across = rng.normal(0, 20000, 2000), rng.normal(0, 5000, 2000)
    az = math.radians(30.0)
    east = along * math.sin(az) + across * math.cos(az)
    north = along * math.cos(az) - across * math.sin(az)
    lat, lon = from_local_plane(east, north, 45.0, 5.0)
    scale = chi2_radius(0.95)
    e95 = confidence_ellipse(lat, lon, 0.95)
    assert e95.semi_major == pytest.approx(20000 * scale, rel=0.05)
    assert e95.semi_minor == pytest.approx(5000 * scale, rel=0.05)
    assert e95.orientation == pytest.approx(30.0, abs=2.0)
    for p in (0.5, 0.95):
        ell = confidence_ellipse(lat, lon, p)
        pe, pn = to_local_plane(lat, lon, ell.latitude, ell.longitude)
        a = math.radians(ell.orientation)
        u = pe * math.sin(a) + pn * math.cos(a)
        v = pe * math.cos(a) - pn * math.sin(a)
        share = np.mean((u / ell.semi_major) ** 2 + (v / ell.semi_minor) ** 2 <= 1.0)
        assert share == pytest.approx(p, abs=0.03)
    # the outline is closed and lies at semi-major distance along the axis
    plat, plon = e95.polygon()
    assert plat[0] == pytest.approx(plat[-1]) and plon[0] == pytest.approx(plon[-1])


def test_identical_points_give_zero_ellipse():
    e = confidence_ellipse([50.0] * 5, [1.0] * 5, 0.95)
    assert e.semi_major == pytest.approx(0.0, abs=1e-6)


def test_statistics_sea_zone_recovery():
    lat = np.array([50.1, 50.2, 50.3, 50.4, np.nan])
    lon = np.array([0.1, 0.2, 0.3, 0.4, np.nan])
    land = np.array([1.0, 0.0, np.nan, 0.2, np.nan])
    zone = zone_from_polygon("box", [(0.15, 50.15), (0.35, 50.15), (0.35, 50.35), (0.15, 50.35)])
    s = landing_statistics(lat, lon, land, zones=[zone], recovery_point=(50.1, 0.1))
    assert s.n_members == 5 and s.n_landed == 4
    assert s.sea_probability == pytest.approx(2 / 3)  # 2 sea among 3 known
    assert s.n_surface_unknown == 1
    assert s.zone_probabilities["box"] == pytest.approx(2 / 5)  # of all members
    assert s.recovery["distance_to_mean_landing_m"] > 0
    d = s.as_dict()
    assert d["landings"][4] is None and d["member_count"] == 5
    assert [e["probability"] for e in d["ellipses"]] == [0.5, 0.95]


def test_no_land_data_gives_none():
    s = landing_statistics([50.0, 50.1, 50.2], [0.0, 0.1, 0.2])
    assert s.sea_probability is None and s.n_surface_unknown == 3
