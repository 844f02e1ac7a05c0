"""KML output for Google Earth: track (absolute altitude) and event placemarks.

The track is a LineString with ``altitudeMode`` absolute; launch, burst and landing are
placemarks.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from predictor.result import PredictionResult, iso_utc
from predictor.writers._labels import describe

__all__ = ["KML_NAMESPACE", "to_kml_string", "write_kml"]

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    el = ET.SubElement(parent, tag)
    if text is not None:
        el.text = text
    return el


def _coord(lon: float, lat: float, alt: float) -> str:
    return f"{float(lon)!r},{float(lat)!r},{float(alt)!r}"


def to_kml_string(result: PredictionResult, member: int = 0) -> str:
    """One member as a KML 2.2 document (text)."""
    ET.register_namespace("", KML_NAMESPACE)
    kml = ET.Element("kml", xmlns=KML_NAMESPACE)
    doc = _sub(kml, "Document")
    title = "Stratoflight prediction" + (" (SYNTHETIC atmosphere)" if result.synthetic else "")
    _sub(doc, "name", title)
    _sub(doc, "description", describe(result, member))
    style = _sub(doc, "Style")
    style.set("id", "track")
    line = _sub(style, "LineStyle")
    _sub(line, "color", "ff0000ff")
    _sub(line, "width", "3")

    cols = result.trajectory(member)
    track = _sub(doc, "Placemark")
    _sub(track, "name", "Flight path")
    _sub(track, "styleUrl", "#track")
    ls = _sub(track, "LineString")
    _sub(ls, "altitudeMode", "absolute")
    _sub(
        ls,
        "coordinates",
        " ".join(
            _coord(lo, la, al)
            for la, lo, al in zip(
                cols["latitude"], cols["longitude"], cols["altitude"], strict=True
            )
        ),
    )

    points = [("Launch", result.launch), ("Burst", result.burst), ("Landing", result.landing)]
    for name, fp in points:
        if not np.isfinite(fp.latitude[member]):
            continue  # e.g. no landing: the flight left the data
        pm = _sub(doc, "Placemark")
        label = name
        if name == "Landing":
            label = f"Landing ({result.surface[member]})"
        _sub(pm, "name", label)
        _sub(pm, "description", f"{iso_utc(fp.time[member])}, altitude {fp.altitude[member]:.1f} m")
        ts = _sub(pm, "TimeStamp")
        _sub(ts, "when", iso_utc(fp.time[member]))
        pt = _sub(pm, "Point")
        _sub(pt, "altitudeMode", "absolute")
        _sub(
            pt,
            "coordinates",
            _coord(fp.longitude[member], fp.latitude[member], fp.altitude[member]),
        )
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")


def write_kml(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member to ``path`` as KML."""
    Path(path).write_text(to_kml_string(result, member) + "\n", encoding="utf-8")
