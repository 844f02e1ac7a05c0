"""The flight predictor: profiles, a vectorised RK4 solver, results and their writers.

Main entry points: :func:`predict` (one flight or an ensemble; member axis everywhere),
:func:`predict_landings` (the same without trajectory recording) and
:class:`PredictionResult` (one result type for single flights and ensembles).
"""

from predictor.balloons import BALLOONS, Balloon, get_balloon
from predictor.burst import BurstEstimate, estimate_burst, rates_from_balloon
from predictor.constants import MODELS, PROFILES
from predictor.ensemble import EnsembleResult, FlightSpec, Uncertainty, predict_ensemble
from predictor.predict import predict, predict_landings
from predictor.result import (
    FlightPoints,
    PredictionResult,
    PredictionWarning,
    StageTrajectory,
    iso_utc,
)

__all__ = [
    "BALLOONS",
    "Balloon",
    "BurstEstimate",
    "EnsembleResult",
    "FlightSpec",
    "Uncertainty",
    "estimate_burst",
    "get_balloon",
    "predict_ensemble",
    "rates_from_balloon",
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
