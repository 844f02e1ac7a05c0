"""The flight predictor: profiles, a vectorised RK4 solver, results and their writers.

Main entry points: :func:`predict` (one flight or an ensemble; member axis everywhere),
:func:`predict_landings` (the same without trajectory recording) and
:class:`PredictionResult` (one result type for single flights and ensembles).
"""

from predictor.constants import MODELS, PROFILES
from predictor.predict import predict, predict_landings
from predictor.result import (
    FlightPoints,
    PredictionResult,
    PredictionWarning,
    StageTrajectory,
    iso_utc,
)

__all__ = [
    "MODELS",
    "PROFILES",
    "FlightPoints",
    "PredictionResult",
    "PredictionWarning",
    "StageTrajectory",
    "iso_utc",
    "predict",
    "predict_landings",
]
