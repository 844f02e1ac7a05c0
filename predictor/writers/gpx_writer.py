"""GPX 1.1 output: launch/burst/landing waypoints and the track with elevation and time."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from predictor.result import PredictionResult, iso_utc
from predictor.writers._labels import describe

__all__ = ["GPX_NAMESPACE", "to_gpx_string", "write_gpx"]

GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"


def _point(
    parent: ET.Element,
    tag: str,
    lat: float,
    lon: float,
    alt: float,
    t: float,
    name: str | None = None,
) -> None:
    el = ET.SubElement(parent, tag, lat=repr(float(lat)), lon=repr(float(lon)))
    ET.SubElement(el, "ele").text = repr(float(alt))
    ET.SubElement(el, "time").text = iso_utc(t)
    if name is not None:
        ET.SubElement(el, "name").text = name


def to_gpx_string(result: PredictionResult, member: int = 0) -> str:
    """One member as a GPX 1.1 document (text); ``ele`` is altitude above sea level [m]."""
    ET.register_namespace("", GPX_NAMESPACE)
    gpx = ET.Element("gpx", version="1.1", creator="Stratoflight", xmlns=GPX_NAMESPACE)
    meta = ET.SubElement(gpx, "metadata")
    ET.SubElement(meta, "desc").text = describe(result, member)
    for name, fp in (
        ("Launch", result.launch),
        ("Burst", result.burst),
        ("Landing", result.landing),
    ):
        if not np.isfinite(fp.latitude[member]):
            continue  # e.g. no landing: the flight left the data
        _point(
            gpx,
            "wpt",
            fp.latitude[member],
            fp.longitude[member],
            fp.altitude[member],
            fp.time[member],
            name,
        )
    trk = ET.SubElement(gpx, "trk")
    ET.SubElement(trk, "name").text = "Predicted flight" + (
        " (SYNTHETIC atmosphere)" if result.synthetic else ""
    )
    seg = ET.SubElement(trk, "trkseg")
    cols = result.trajectory(member)
    for t, la, lo, al in zip(
        cols["time"], cols["latitude"], cols["longitude"], cols["altitude"], strict=True
    ):
        _point(seg, "trkpt", la, lo, al, t)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(gpx, encoding="unicode")


def write_gpx(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member to ``path`` as GPX."""
    Path(path).write_text(to_gpx_string(result, member) + "\n", encoding="utf-8")
