"""KML output of one prediction for Google Earth: the track and event placemarks.

Written by the one track-document writer (:mod:`predictor.writers.track_document`): a
LineString with ``altitudeMode`` absolute; launch, burst and landing are placemarks.
"""

from __future__ import annotations

from pathlib import Path

from predictor.result import PredictionResult
from predictor.writers import track_document
from predictor.writers._labels import prediction_document
from predictor.writers.track_document import KML_NAMESPACE

__all__ = ["KML_NAMESPACE", "to_kml_string", "write_kml"]


def to_kml_string(result: PredictionResult, member: int = 0) -> str:
    """One member as a KML 2.2 document (text)."""
    return track_document.to_kml(prediction_document(result, member))


def write_kml(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member to ``path`` as KML."""
    track_document.write_kml(prediction_document(result, member), path)
