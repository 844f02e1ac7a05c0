"""KML and GPX tracks of a recorded flight (positions with altitude, burst and landing).

Both are written with the standard library's XML tools. KML coordinates are
``lon,lat,alt`` with altitudes absolute above mean sea level (``altitudeMode absolute``);
GPX 1.1 ``trkpt`` elements carry ``ele`` [m] and ``time`` (UTC).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["KML_NS", "GPX_NS", "track_points", "write_gpx", "write_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"
GPX_NS = "http://www.topografix.com/GPX/1/1"


def track_points(data: pd.DataFrame) -> pd.DataFrame:
    """Rows with a finite latitude and longitude (altitude may be NaN), in time order."""
    good = data["latitude"].notna() & data["longitude"].notna()
    return data.loc[good, ["time", "latitude", "longitude", "altitude"]].reset_index(drop=True)


def _iso(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _phase_points(metadata: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    points = []
    for event in metadata.get("events", []):
        data = event["data"]
        if event["kind"] in ("launch", "burst", "float", "landing") and "latitude" in data:
            points.append((event["kind"], {**data, "time": event["time"]}))
    return points


def _synthetic(metadata: dict[str, Any]) -> str:
    """Name suffix for a flight recorded from the simulated payload (``strato simulate``)."""
    return (
        " (SYNTHETIC: simulated payload)" if metadata.get("settings", {}).get("synthetic") else ""
    )


def write_kml(data: pd.DataFrame, metadata: dict[str, Any], path: str | Path) -> Path:
    """Write the flight track and its launch/burst/landing events as KML 2.2."""
    ET.register_namespace("", KML_NS)
    k = f"{{{KML_NS}}}"
    kml = ET.Element(f"{k}kml")
    document = ET.SubElement(kml, f"{k}Document")
    ET.SubElement(document, f"{k}name").text = f"Flight {metadata['name']}" + _synthetic(metadata)
    style = ET.SubElement(document, f"{k}Style", id="track")
    line = ET.SubElement(style, f"{k}LineStyle")
    ET.SubElement(line, f"{k}color").text = "ff0000ff"
    ET.SubElement(line, f"{k}width").text = "3"
    placemark = ET.SubElement(document, f"{k}Placemark")
    ET.SubElement(
        placemark, f"{k}name"
    ).text = f"{metadata.get('callsign') or metadata['name']} track"
    ET.SubElement(placemark, f"{k}styleUrl").text = "#track"
    line_string = ET.SubElement(placemark, f"{k}LineString")
    ET.SubElement(line_string, f"{k}altitudeMode").text = "absolute"
    points = track_points(data)
    ET.SubElement(line_string, f"{k}coordinates").text = " ".join(
        f"{lon:.6f},{lat:.6f},{0.0 if math.isnan(alt) else alt:.1f}"
        for lat, lon, alt in zip(
            points["latitude"], points["longitude"], points["altitude"], strict=True
        )
    )
    for kind, event in _phase_points(metadata):
        mark = ET.SubElement(document, f"{k}Placemark")
        ET.SubElement(mark, f"{k}name").text = kind
        ET.SubElement(
            mark, f"{k}description"
        ).text = f"{event['time'].isoformat()} altitude {event.get('altitude_m', 'n/a')} m"
        point = ET.SubElement(mark, f"{k}Point")
        ET.SubElement(point, f"{k}altitudeMode").text = "absolute"
        ET.SubElement(
            point, f"{k}coordinates"
        ).text = (
            f"{event['longitude']:.6f},{event['latitude']:.6f},{event.get('altitude_m') or 0:.1f}"
        )
    path = Path(path)
    ET.ElementTree(kml).write(path, encoding="utf-8", xml_declaration=True)
    return path


def write_gpx(data: pd.DataFrame, metadata: dict[str, Any], path: str | Path) -> Path:
    """Write the flight track as GPX 1.1 (one track, one segment; events as waypoints)."""
    ET.register_namespace("", GPX_NS)
    g = f"{{{GPX_NS}}}"
    gpx = ET.Element(f"{g}gpx", version="1.1", creator="stratoflight")
    for kind, event in _phase_points(metadata):
        wpt = ET.SubElement(
            gpx, f"{g}wpt", lat=f"{event['latitude']:.6f}", lon=f"{event['longitude']:.6f}"
        )
        if event.get("altitude_m") is not None:
            ET.SubElement(wpt, f"{g}ele").text = f"{event['altitude_m']:.1f}"
        ET.SubElement(wpt, f"{g}time").text = event["time"].strftime("%Y-%m-%dT%H:%M:%SZ")
        ET.SubElement(wpt, f"{g}name").text = kind
    trk = ET.SubElement(gpx, f"{g}trk")
    ET.SubElement(trk, f"{g}name").text = f"Flight {metadata['name']}" + _synthetic(metadata)
    segment = ET.SubElement(trk, f"{g}trkseg")
    points = track_points(data)
    for row in points.itertuples(index=False):
        trkpt = ET.SubElement(
            segment, f"{g}trkpt", lat=f"{row.latitude:.6f}", lon=f"{row.longitude:.6f}"
        )
        if not math.isnan(row.altitude):
            ET.SubElement(trkpt, f"{g}ele").text = f"{row.altitude:.1f}"
        ET.SubElement(trkpt, f"{g}time").text = _iso(row.time)
    path = Path(path)
    ET.ElementTree(gpx).write(path, encoding="utf-8", xml_declaration=True)
    return path
