"""GeoJSON output (RFC 7946): the track as a LineString, launch/burst/landing as Points."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

from predictor.result import PredictionResult, iso_utc
from predictor.writers._labels import describe

__all__ = ["to_geojson", "write_geojson"]


def to_geojson(result: PredictionResult, member: int = 0) -> dict[str, Any]:
    """One member as a GeoJSON FeatureCollection (positions are [lon, lat, altitude_m])."""
    cols = result.trajectory(member)
    coords = [
        [float(lo), float(la), float(al)]
        for la, lo, al in zip(cols["latitude"], cols["longitude"], cols["altitude"], strict=True)
    ]
    features: list[dict[str, Any]] = [
        {
            "type": "Feature",
            "geometry": {"type": "LineString", "coordinates": coords},
            "properties": {
                "name": "flight path",
                "times_utc": [iso_utc(t) for t in cols["time"]],
                "stages": [str(s) for s in cols["stage"]],
                "altitude_unit": "m",
                "synthetic_atmosphere": bool(result.synthetic),
                "description": describe(result, member),
            },
        }
    ]
    for kind, fp in (
        ("launch", result.launch),
        ("burst", result.burst),
        ("landing", result.landing),
    ):
        if not np.isfinite(fp.latitude[member]):
            continue  # e.g. no landing: the flight left the data
        props: dict[str, Any] = {
            "kind": kind,
            "datetime": iso_utc(fp.time[member]),
            "altitude_m": float(fp.altitude[member]),
        }
        if kind == "landing":
            props["surface"] = str(result.surface[member])
            props["flight_time_s"] = float(result.flight_time_s[member])
            props["status"] = str(result.status[member])
        features.append(
            {
                "type": "Feature",
                "geometry": {
                    "type": "Point",
                    "coordinates": [
                        float(fp.longitude[member]),
                        float(fp.latitude[member]),
                        float(fp.altitude[member]),
                    ],
                },
                "properties": props,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def write_geojson(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member to ``path`` as GeoJSON."""
    Path(path).write_text(
        json.dumps(to_geojson(result, member), allow_nan=False) + "\n", encoding="utf-8"
    )
