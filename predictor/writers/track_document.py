"""The one KML and GPX writer: a document of tracks, placemarks and areas as plain columns.

Every KML and GPX file Stratoflight writes comes from here: the single prediction
(:mod:`predictor.writers.kml_writer`, :mod:`predictor.writers.gpx_writer`), the ensemble
(:func:`predictor.plots.write_ensemble_kml`) and a recorded flight
(:mod:`flightlog.export_tracks`). It takes plain numbers (degrees, metres, seconds since
the Unix epoch), not our result types, so both the predictor and the flight log use it.
It lives in ``predictor/`` because that is the lowest room both may import
(flightlog -> predictor is allowed; predictor -> flightlog is not), and it imports nothing
of ours but the one UTC time format.

One rule for numbers: coordinates are written with Python's shortest round-trip text of
the float64 value (``repr(float(x))``: never ``np.float64(...)``, no precision lost);
times are ISO 8601 UTC with milliseconds and ``Z`` (:func:`predictor.result.iso_utc`).
KML coordinates are ``lon,lat,alt`` with ``altitudeMode`` ``absolute`` (above mean sea
level) when altitudes are known, else clamped to the ground; GPX 1.1 points carry ``ele``
[m] and ``time`` when known. Areas (e.g. landing ellipses) are KML polygons; GPX has none.
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import numpy.typing as npt

from predictor.result import iso_utc

__all__ = [
    "GPX_NAMESPACE",
    "KML_NAMESPACE",
    "Area",
    "Placemark",
    "Track",
    "TrackDocument",
    "to_gpx",
    "to_kml",
    "write_gpx",
    "write_kml",
]

KML_NAMESPACE = "http://www.opengis.net/kml/2.2"
GPX_NAMESPACE = "http://www.topografix.com/GPX/1/1"

#: KML colours (aabbggrr) of the styles a document may name.
_STYLES = {
    "track": ("ff0000ff", "3"),  # red line
    "member_track": ("800000ff", "1"),  # thin half-transparent red line
    "ellipse": ("ff17a0d4", "2"),  # amber outline
}


@dataclass(frozen=True)
class Track:
    """A flown or predicted path: equal-length columns; NaN altitude or time = unknown.

    Attributes
    ----------
    name : str
        Shown in Google Earth's list and as the GPX ``trk`` name.
    latitude, longitude : array_like
        Position [deg]. Rows where either is NaN are left out.
    altitude : array_like, optional
        Altitude above mean sea level [m].
    time : array_like, optional
        Time [s since 1970-01-01T00:00:00Z].
    style : str
        ``"track"`` or ``"member_track"``.
    folder : str, optional
        KML folder to put it in.
    """

    name: str
    latitude: npt.ArrayLike
    longitude: npt.ArrayLike
    altitude: npt.ArrayLike | None = None
    time: npt.ArrayLike | None = None
    style: str = "track"
    folder: str | None = None

    def columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Latitude, longitude, altitude and time as float arrays, rows without position out."""
        lat = np.asarray(self.latitude, dtype=float)
        lon = np.asarray(self.longitude, dtype=float)
        alt = np.full(lat.shape, np.nan) if self.altitude is None else np.asarray(
            self.altitude, dtype=float
        )  # fmt: skip
        when = np.full(lat.shape, np.nan) if self.time is None else np.asarray(
            self.time, dtype=float
        )  # fmt: skip
        keep = np.isfinite(lat) & np.isfinite(lon)
        return lat[keep], lon[keep], alt[keep], when[keep]


@dataclass(frozen=True)
class Placemark:
    """One point: a launch, burst, landing, ensemble member or mean landing.

    Attributes
    ----------
    name : str
        Label.
    latitude, longitude : float
        Position [deg].
    altitude : float
        Altitude above mean sea level [m]; NaN when unknown (clamped to the ground).
    time : float
        Time [s since epoch]; NaN when unknown.
    description : str
        Longer text (KML ``description``, GPX ``desc``).
    style : str, optional
        ``"member"`` draws a small icon.
    folder : str, optional
        KML folder to put it in.
    """

    name: str
    latitude: float
    longitude: float
    altitude: float = math.nan
    time: float = math.nan
    description: str = ""
    style: str | None = None
    folder: str | None = None


@dataclass(frozen=True)
class Area:
    """A closed outline (KML polygon on the ground), e.g. a landing ellipse.

    Attributes
    ----------
    name : str
        Label.
    latitude, longitude : array_like
        Outline vertices [deg] (closed or not; KML gets it closed).
    style : str
        ``"ellipse"``.
    """

    name: str
    latitude: npt.ArrayLike
    longitude: npt.ArrayLike
    style: str = "ellipse"


@dataclass(frozen=True)
class TrackDocument:
    """Everything one KML or GPX file holds.

    Attributes
    ----------
    name : str
        Document title (say SYNTHETIC here when it is).
    description : str
        Paragraph describing the document.
    tracks, placemarks, areas : sequence
        Its contents, drawn in this order.
    """

    name: str
    description: str = ""
    tracks: Sequence[Track] = field(default_factory=tuple)
    placemarks: Sequence[Placemark] = field(default_factory=tuple)
    areas: Sequence[Area] = field(default_factory=tuple)


def _number(value: float) -> str:
    """Shortest text that reads back as the same float64 (``repr`` of a Python float)."""
    return repr(float(value))


def _kml_coordinate(lon: float, lat: float, alt: float) -> str:
    return f"{_number(lon)},{_number(lat)},{_number(alt if math.isfinite(alt) else 0.0)}"


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, **attrs)
    if text is not None:
        element.text = text
    return element


def _kml_styles(document: ET.Element) -> None:
    for name, (colour, width) in _STYLES.items():
        style = _sub(document, "Style", id=name)
        line = _sub(style, "LineStyle")
        _sub(line, "color", colour)
        _sub(line, "width", width)
        if name == "ellipse":
            _sub(_sub(style, "PolyStyle"), "fill", "0")
    _sub(_sub(_sub(document, "Style", id="member"), "IconStyle"), "scale", "0.5")


def to_kml(doc: TrackDocument) -> str:
    """Render the document as KML 2.2 text (UTF-8 XML with declaration)."""
    kml = ET.Element("kml", xmlns=KML_NAMESPACE)
    document = _sub(kml, "Document")
    _sub(document, "name", doc.name)
    if doc.description:
        _sub(document, "description", doc.description)
    _kml_styles(document)
    folders: dict[str, ET.Element] = {}

    def parent(folder: str | None) -> ET.Element:
        if folder is None:
            return document
        if folder not in folders:
            folders[folder] = _sub(document, "Folder")
            _sub(folders[folder], "name", folder)
        return folders[folder]

    for track in doc.tracks:
        lat, lon, alt, _ = track.columns()
        mark = _sub(parent(track.folder), "Placemark")
        _sub(mark, "name", track.name)
        _sub(mark, "styleUrl", f"#{track.style}")
        line = _sub(mark, "LineString")
        absolute = bool(np.isfinite(alt).all()) and alt.size > 0
        _sub(line, "altitudeMode", "absolute" if absolute else "clampToGround")
        _sub(line, "coordinates", " ".join(map(_kml_coordinate, lon, lat, alt)))
    for point in doc.placemarks:
        mark = _sub(parent(point.folder), "Placemark")
        _sub(mark, "name", point.name)
        if point.style:
            _sub(mark, "styleUrl", f"#{point.style}")
        if point.description:
            _sub(mark, "description", point.description)
        if math.isfinite(point.time):
            _sub(_sub(mark, "TimeStamp"), "when", iso_utc(point.time))
        geometry = _sub(mark, "Point")
        absolute = math.isfinite(point.altitude)
        _sub(geometry, "altitudeMode", "absolute" if absolute else "clampToGround")
        _sub(
            geometry, "coordinates",
            _kml_coordinate(point.longitude, point.latitude, point.altitude),
        )  # fmt: skip
    for area in doc.areas:
        lat = np.asarray(area.latitude, dtype=float)
        lon = np.asarray(area.longitude, dtype=float)
        if lat.size and (lat[0], lon[0]) != (lat[-1], lon[-1]):
            lat, lon = np.append(lat, lat[0]), np.append(lon, lon[0])
        mark = _sub(document, "Placemark")
        _sub(mark, "name", area.name)
        _sub(mark, "styleUrl", f"#{area.style}")
        ring = _sub(_sub(_sub(mark, "Polygon"), "outerBoundaryIs"), "LinearRing")
        _sub(ring, "coordinates", " ".join(_kml_coordinate(x, y, 0.0) for x, y in zip(
            lon, lat, strict=True
        )))  # fmt: skip
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(kml, encoding="unicode")


def _gpx_point(parent: ET.Element, tag: str, lat: float, lon: float, alt: float, when: float):
    element = _sub(parent, tag, lat=_number(lat), lon=_number(lon))
    if math.isfinite(alt):
        _sub(element, "ele", _number(alt))
    if math.isfinite(when):
        _sub(element, "time", iso_utc(when))
    return element


def to_gpx(doc: TrackDocument) -> str:
    """Render the document as GPX 1.1: placemarks as ``wpt``, tracks as ``trk`` (no areas)."""
    gpx = ET.Element("gpx", version="1.1", creator="Stratoflight", xmlns=GPX_NAMESPACE)
    metadata = _sub(gpx, "metadata")
    _sub(metadata, "name", doc.name)
    if doc.description:
        _sub(metadata, "desc", doc.description)
    for point in doc.placemarks:  # GPX 1.1 order: wpt before trk
        wpt = _gpx_point(gpx, "wpt", point.latitude, point.longitude, point.altitude, point.time)
        _sub(wpt, "name", point.name)
        if point.description:
            _sub(wpt, "desc", point.description)
    for track in doc.tracks:
        trk = _sub(gpx, "trk")
        _sub(trk, "name", track.name)
        segment = _sub(trk, "trkseg")
        for lat, lon, alt, when in zip(*track.columns(), strict=True):
            _gpx_point(segment, "trkpt", lat, lon, alt, when)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(gpx, encoding="unicode")


def write_kml(doc: TrackDocument, path: str | Path) -> Path:
    """Write the document to ``path`` as KML 2.2; returns the path."""
    path = Path(path)
    path.write_text(to_kml(doc) + "\n", encoding="utf-8")
    return path


def write_gpx(doc: TrackDocument, path: str | Path) -> Path:
    """Write the document to ``path`` as GPX 1.1; returns the path."""
    path = Path(path)
    path.write_text(to_gpx(doc) + "\n", encoding="utf-8")
    return path
