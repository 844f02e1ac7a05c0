"""KML and GPX tracks of a recorded flight (positions with altitude, launch/burst/landing).

Both are written by the one track-document writer
(:mod:`predictor.writers.track_document`): KML coordinates ``lon,lat,alt`` with altitudes
absolute above mean sea level; GPX 1.1 ``trkpt`` elements with ``ele`` [m] and ``time``
(UTC); the flight's launch, burst, float and landing events as placemarks / waypoints.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import pandas as pd

from predictor.writers import track_document
from predictor.writers.track_document import (
    GPX_NAMESPACE,
    KML_NAMESPACE,
    Placemark,
    Track,
    TrackDocument,
)

__all__ = [
    "GPX_NAMESPACE",
    "KML_NAMESPACE",
    "flight_document",
    "track_points",
    "write_gpx",
    "write_kml",
]


def track_points(data: pd.DataFrame) -> pd.DataFrame:
    """Rows with a finite latitude and longitude (altitude may be NaN), in time order."""
    good = data["latitude"].notna() & data["longitude"].notna()
    return data.loc[good, ["time", "latitude", "longitude", "altitude"]].reset_index(drop=True)


def _seconds(times: pd.Series) -> pd.Series:
    """Seconds since the Unix epoch [s] of tz-aware times (NaT gives NaN)."""
    return (pd.to_datetime(times, utc=True) - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(
        seconds=1
    )


def _event_placemarks(metadata: dict[str, Any]) -> list[Placemark]:
    points = []
    for event in metadata.get("events", []):
        data = event["data"]
        if event["kind"] not in ("launch", "burst", "float", "landing") or "latitude" not in data:
            continue
        altitude = data.get("altitude_m")
        altitude = math.nan if altitude is None else float(altitude)
        when = pd.Timestamp(event["time"])
        points.append(Placemark(
            event["kind"], float(data["latitude"]), float(data["longitude"]), altitude,
            (when - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1),
            f"{when.isoformat()} altitude {'n/a' if math.isnan(altitude) else altitude} m",
        ))  # fmt: skip
    return points


def flight_document(data: pd.DataFrame, metadata: dict[str, Any]) -> TrackDocument:
    """Describe a recorded flight's track and events as a track document.

    Parameters
    ----------
    data : DataFrame
        Telemetry as returned by :func:`flightlog.read_flight` (``time``, ``latitude``,
        ``longitude``, ``altitude``); rows without a position are left out.
    metadata : dict
        Its metadata (``name``, ``callsign``, ``events``, ``settings``).

    Returns
    -------
    TrackDocument
    """
    synthetic = metadata.get("settings", {}).get("synthetic")
    title = f"Flight {metadata['name']}" + (" (SYNTHETIC: simulated payload)" if synthetic else "")
    points = track_points(data)
    track = Track(
        f"{metadata.get('callsign') or metadata['name']} track",
        points["latitude"], points["longitude"], points["altitude"], _seconds(points["time"]),
    )  # fmt: skip
    return TrackDocument(title, tracks=[track], placemarks=_event_placemarks(metadata))


def write_kml(data: pd.DataFrame, metadata: dict[str, Any], path: str | Path) -> Path:
    """Write the flight track and its launch/burst/landing events as KML 2.2."""
    return track_document.write_kml(flight_document(data, metadata), path)


def write_gpx(data: pd.DataFrame, metadata: dict[str, Any], path: str | Path) -> Path:
    """Write the flight track as GPX 1.1 (one track, one segment; events as waypoints)."""
    return track_document.write_gpx(flight_document(data, metadata), path)
