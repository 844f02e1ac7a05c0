"""Land or sea and distance to the shore from the high-resolution coastline (Gulf of Tonkin).

The points were chosen so that the answer does not depend on the coastline source: each
sea point is at least ~1 km from land in both GSHHG and OpenStreetMap land polygons, each
land point is well inside an island or the mainland.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely

import terrain

CAT_BA_INTERIOR = (20.80, 107.00)
BACH_LONG_VI = (20.132, 107.734)  # a 2.5 km^2 island 110 km out in the gulf
HAI_PHONG_CITY = (20.86, 106.68)
HA_NOI = (21.03, 105.85)
LAN_HA_BAY_WATER = (20.735, 107.10)  # open water in Lan Ha bay, ~1.3 km from the islets
OFF_STRAIGHT_COAST = (20.05, 106.30)  # ~4 km off the straight Hai Hau (Nam Dinh) coast
GULF_OPEN_SEA = (20.0, 107.0)  # ~50 km from any shore


def test_island_interiors_and_inland_points_are_land():
    lat, lon = np.array([CAT_BA_INTERIOR, BACH_LONG_VI, HAI_PHONG_CITY, HA_NOI]).T
    assert terrain.is_land(lat, lon).tolist() == [True, True, True, True]


def test_bay_water_and_sea_off_the_coast_are_sea():
    lat, lon = np.array([LAN_HA_BAY_WATER, OFF_STRAIGHT_COAST, GULF_OPEN_SEA]).T
    assert terrain.is_land(lat, lon).tolist() == [False, False, False]


def test_is_land_is_vectorised_keeps_shape_and_accepts_0_360_longitudes():
    lat = np.array([[CAT_BA_INTERIOR[0], GULF_OPEN_SEA[0]]])
    lon = np.array([[CAT_BA_INTERIOR[1], GULF_OPEN_SEA[1]]]) + 360.0
    out = terrain.is_land(lat, lon)
    assert out.shape == (1, 2)
    assert out.tolist() == [[True, False]]
    assert terrain.is_land(np.nan, 106.0).tolist() is False


def test_bad_latitude_is_a_clear_error():
    with pytest.raises(ValueError, match="latitude must be within"):
        terrain.is_land(106.68, 20.86)


def test_distance_on_land_is_zero_without_bearing():
    d, b = terrain.coast_distance(*CAT_BA_INTERIOR)
    assert float(d) == 0.0
    assert math.isnan(float(b))


def _haversine_m(lat1, lon1, lat2, lon2, radius=6_371_008.8):
    p1, p2 = np.radians(lat1), np.radians(lat2)
    dp, dl = p2 - p1, np.radians(lon2 - lon1)
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * radius * np.arcsin(np.sqrt(a))


@pytest.mark.parametrize("point", [OFF_STRAIGHT_COAST, GULF_OPEN_SEA, LAN_HA_BAY_WATER])
def test_distance_and_bearing_agree_with_an_independent_brute_force(point):
    """Brute force: every shore vertex (densified to ~20 m) by a spherical formula."""
    lat, lon = point
    d, b = terrain.coast_distance(lat, lon)
    land = terrain.land_geometry(lat - 1.0, lon - 1.0, lat + 1.0, lon + 1.0)
    shore = shapely.segmentize(shapely.boundary(land), 0.0002)
    xy = shapely.get_coordinates(shore)
    dist = _haversine_m(lat, lon, xy[:, 1], xy[:, 0])
    i = int(np.argmin(dist))
    # sphere vs ellipsoid: well under 0.5 %
    assert float(d) == pytest.approx(dist[i], rel=0.005, abs=30.0)
    p1, p2 = math.radians(lat), math.radians(xy[i, 1])
    dl = math.radians(xy[i, 0] - lon)
    brg = (
        math.degrees(
            math.atan2(
                math.sin(dl) * math.cos(p2),
                math.cos(p1) * math.sin(p2) - math.sin(p1) * math.cos(p2) * math.cos(dl),
            )
        )
        % 360
    )
    assert abs((float(b) - brg + 180) % 360 - 180) < 3.0


def test_open_gulf_point_is_tens_of_km_out():
    d, b = terrain.coast_distance(*GULF_OPEN_SEA)
    assert 20_000 < float(d) < 100_000
    assert 0.0 <= float(b) < 360.0


def test_distance_shape_and_nan_inputs():
    d, b = terrain.coast_distance([GULF_OPEN_SEA[0], np.nan], [GULF_OPEN_SEA[1], 107.0])
    assert d.shape == b.shape == (2,)
    assert np.isfinite(d[0]) and np.isnan(d[1]) and np.isnan(b[1])


def test_land_geometry_is_clipped_to_the_box_and_holds_the_islands():
    south, west, north, east = 20.0, 106.5, 21.0, 108.0
    land = terrain.land_geometry(south, west, north, east)
    assert land.is_valid
    minx, miny, maxx, maxy = land.bounds
    assert west <= minx and maxx <= east and south <= miny and maxy <= north
    assert land.contains(shapely.Point(CAT_BA_INTERIOR[1], CAT_BA_INTERIOR[0]))
    assert land.contains(shapely.Point(BACH_LONG_VI[1], BACH_LONG_VI[0]))
    assert not land.contains(shapely.Point(LAN_HA_BAY_WATER[1], LAN_HA_BAY_WATER[0]))
    assert terrain.land_geometry(19.0, 108.5, 19.2, 108.6).is_empty  # open sea


def test_land_geometry_rejects_an_inverted_box():
    with pytest.raises(ValueError, match="south < north and west < east"):
        terrain.land_geometry(21.0, 106.0, 20.0, 107.0)


def test_description_names_the_source():
    assert "GSHHG" in terrain.coastline_description()
