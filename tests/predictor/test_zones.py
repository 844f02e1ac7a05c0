"""GeoJSON zones: parsing, membership, errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from predictor.zones import parse_zones_geojson, points_in_zones, zone_from_polygon

SQUARE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "range"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [[[0, 50], [1, 50], [1, 51], [0, 51], [0, 50]]],
            },
        },
        {
            "type": "Feature",
            "properties": {},
            "geometry": {
                "type": "MultiPolygon",
                "coordinates": [[[[10, 10], [11, 10], [11, 11], [10, 10]]]],
            },
        },
    ],
}


def test_parse_and_membership():
    zones = parse_zones_geojson(json.dumps(SQUARE))
    assert [z.name for z in zones] == ["range", "zone 2"]
    lat = np.array([50.5, 52.0, np.nan, 50.0])
    lon = np.array([0.5, 0.5, 0.5, 0.5])  # inside, outside, NaN (not landed), on the edge
    inside = points_in_zones(zones, lat, lon)
    assert inside.shape == (2, 4)
    assert inside[0].tolist() == [True, False, False, True]
    assert not inside[1].any()


def test_longitudes_in_0_360_are_wrapped():
    zone = zone_from_polygon("west", [(-2, 50), (-1, 50), (-1, 51), (-2, 51)])
    assert zone.contains([50.5], [358.5]).tolist() == [True]


@pytest.mark.parametrize(
    "doc,match",
    [
        ("not json", "not valid JSON"),
        ({"type": "Point", "coordinates": [0, 0]}, "holds no zones"),
        (
            {
                "type": "Feature",
                "properties": {"name": "p"},
                "geometry": {"type": "Point", "coordinates": [0, 0]},
            },
            "not an area",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
            "not a valid polygon",
        ),
        ({"type": "FeatureCollection", "features": []}, "no features"),
    ],
)
def test_bad_geojson(doc, match):
    with pytest.raises(ValueError, match=match):
        parse_zones_geojson(doc)
