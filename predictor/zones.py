"""User zones (restricted areas, borders) from GeoJSON, and which landing points fall inside.

``parse_zones_geojson`` takes the GeoJSON text or the decoded mapping (reading the file is
the caller's job: ``predictor`` does no file input). Coordinates are GeoJSON's
``[longitude, latitude]`` in degrees; polygons that cross the antimeridian are not split,
so give such zones as two polygons.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from localization import _

__all__ = ["Zone", "parse_zones_geojson", "points_in_zones", "zone_from_polygon"]

_AREA_TYPES = ("Polygon", "MultiPolygon")


@dataclass(frozen=True)
class Zone:
    """A named area on the map.

    Attributes
    ----------
    name : str
        From the feature's ``name`` (or ``NAME``, ``id``) property, else ``zone <n>``.
    geometry : shapely geometry
        Polygon or MultiPolygon in (longitude, latitude) degrees.
    properties : dict
        The feature's other properties, kept for reports.
    """

    name: str
    geometry: BaseGeometry
    properties: dict[str, Any] = field(default_factory=dict)

    def contains(self, latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> np.ndarray:
        """Tell which points [deg] lie inside the zone or on its edge (False for NaN)."""
        lat = np.asarray(latitude, dtype=np.float64)
        lon = (np.asarray(longitude, dtype=np.float64) + 180.0) % 360.0 - 180.0
        inside = shapely.intersects_xy(self.geometry, lon, lat)
        return np.asarray(inside, dtype=bool) & np.isfinite(lat) & np.isfinite(lon)


def zone_from_polygon(name: str, lonlat: Sequence[tuple[float, float]]) -> Zone:
    """Build a zone from a ring of ``(longitude, latitude)`` vertices [deg]."""
    return Zone(name, shapely.Polygon(lonlat))


def _features(document: Mapping[str, Any]) -> Iterable[Mapping[str, Any]]:
    kind = document.get("type")
    if kind == "FeatureCollection":
        return document.get("features") or []
    if kind == "Feature":
        return [document]
    if kind in _AREA_TYPES:
        return [{"type": "Feature", "geometry": document, "properties": {}}]
    raise ValueError(
        _(
            "GeoJSON of type {kind!r} holds no zones; give a FeatureCollection, a "
            "Feature or a Polygon/MultiPolygon"
        ).format(kind=kind)
    )


def parse_zones_geojson(document: str | bytes | Mapping[str, Any]) -> list[Zone]:
    """Zones from a GeoJSON document (text or decoded mapping).

    Raises
    ------
    ValueError
        If the text is not JSON, holds no Polygon/MultiPolygon, or a polygon is invalid
        (e.g. self-intersecting); the message names the feature.
    """
    if isinstance(document, str | bytes):
        try:
            document = json.loads(document)
        except json.JSONDecodeError as exc:
            raise ValueError(
                _("zones file is not valid JSON/GeoJSON: {exc}").format(exc=exc)
            ) from exc
    if not isinstance(document, Mapping):
        raise ValueError(_("zones GeoJSON must be a JSON object (FeatureCollection or Feature)"))
    zones: list[Zone] = []
    for index, feature in enumerate(_features(document)):
        geometry = feature.get("geometry") or {}
        props = dict(feature.get("properties") or {})
        name = str(props.get("name") or props.get("NAME") or feature.get("id") or "")
        name = name or f"zone {index + 1}"
        if geometry.get("type") not in _AREA_TYPES:
            raise ValueError(
                _(
                    "feature {name!r} is a {value!r}, not an area: zones must be "
                    "Polygon or MultiPolygon features"
                ).format(name=name, value=geometry.get("type"))
            )
        try:
            geom = shape(geometry)
        except (ValueError, TypeError, IndexError) as exc:
            raise ValueError(
                _("feature {name!r} has unreadable coordinates: {exc}").format(name=name, exc=exc)
            ) from exc
        if not geom.is_valid:
            raise ValueError(
                _(
                    "feature {name!r} is not a valid polygon ({value}); fix its ring "
                    "(closed, not self-intersecting)"
                ).format(name=name, value=shapely.is_valid_reason(geom))
            )
        zones.append(Zone(name, geom, props))
    if not zones:
        raise ValueError(_("the zones GeoJSON holds no features"))
    return zones


def points_in_zones(
    zones: Sequence[Zone], latitude: npt.ArrayLike, longitude: npt.ArrayLike
) -> np.ndarray:
    """Membership of points [deg] in each zone: bool array of shape (n_zones, n_points)."""
    lat = np.atleast_1d(np.asarray(latitude, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(longitude, dtype=np.float64))
    if not zones:
        return np.zeros((0, lat.size), dtype=bool)
    return np.stack([z.contains(lat, lon) for z in zones])
