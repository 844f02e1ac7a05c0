"""GPX 1.1 output of one prediction: launch/burst/landing waypoints and the track.

Written by the one track-document writer (:mod:`predictor.writers.track_document`);
``ele`` is altitude above sea level [m], ``time`` UTC.
"""

from __future__ import annotations

from pathlib import Path

from predictor.result import PredictionResult
from predictor.writers import track_document
from predictor.writers._labels import prediction_document
from predictor.writers.track_document import GPX_NAMESPACE

__all__ = ["GPX_NAMESPACE", "to_gpx_string", "write_gpx"]


def to_gpx_string(result: PredictionResult, member: int = 0) -> str:
    """One member as a GPX 1.1 document (text)."""
    return track_document.to_gpx(prediction_document(result, member))


def write_gpx(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member to ``path`` as GPX."""
    track_document.write_gpx(prediction_document(result, member), path)
