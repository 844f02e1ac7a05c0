"""Read back the KML and GPX files we write with real parsers, as a user's tool would.

GPX: gpxpy (the GPX library most Python tools use). KML: the standard library's XML
parser plus a strict numeric parse of every ``coordinates`` tuple (``lon,lat[,alt]``), so a
file with text such as ``np.float64(...)`` fails here as it fails in Google Earth.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path

KML = "{http://www.opengis.net/kml/2.2}"


def _tuples(text: str) -> list[tuple[float, ...]]:
    points = []
    for item in text.split():
        values = tuple(float(v) for v in item.split(","))  # ValueError for non-numbers
        assert len(values) in (2, 3), f"KML coordinate {item!r} is not lon,lat[,alt]"
        lon, lat = values[:2]
        assert -180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0, f"{item!r} out of range"
        assert all(math.isfinite(v) for v in values), f"{item!r} not finite"
        points.append(values)
    return points


def read_kml(path: str | Path) -> dict:
    """Parse a KML file: document name and every placemark's geometry as float tuples."""
    root = ET.parse(path).getroot()
    assert root.tag == f"{KML}kml", f"{path} is not KML 2.2 (root {root.tag})"
    document = root.find(f"{KML}Document")
    placemarks = []
    for mark in root.iter(f"{KML}Placemark"):
        geometry = next(
            g for g in mark if g.tag in (f"{KML}Point", f"{KML}LineString", f"{KML}Polygon")
        )
        coordinates = geometry.find(f".//{KML}coordinates").text or ""
        placemarks.append({
            "name": mark.findtext(f"{KML}name"),
            "kind": geometry.tag.removeprefix(KML),
            "altitude_mode": geometry.findtext(f"{KML}altitudeMode"),
            "coordinates": _tuples(coordinates),
            "when": mark.findtext(f"{KML}TimeStamp/{KML}when"),
        })  # fmt: skip
    return {"name": document.findtext(f"{KML}name"), "placemarks": placemarks}


def read_gpx(path: str | Path):
    """Parse a GPX file with gpxpy; returns the gpxpy document."""
    import gpxpy

    with open(path, encoding="utf-8") as handle:
        return gpxpy.parse(handle)
