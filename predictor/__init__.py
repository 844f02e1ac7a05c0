"""The flight predictor: flight plans, one compiled RK4 engine, results and their writers.

Main entry points: :func:`predict` (one flight or an ensemble; member axis everywhere),
:func:`predict_landings` (the same without trajectory recording) and
:class:`PredictionResult` (one result type for single flights and ensembles).

Names are imported on first use (``import predictor`` alone loads neither numpy nor numba;
the command line reads the allowed values from :mod:`predictor.vocabulary`).
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from predictor.vocabulary import MODELS, PROFILES

#: Public name -> module that defines it.
_HOMES = {
    "BALLOONS": "predictor.balloons",
    "Balloon": "predictor.balloons",
    "get_balloon": "predictor.balloons",
    "BurstEstimate": "predictor.burst",
    "estimate_burst": "predictor.burst",
    "rates_from_balloon": "predictor.burst",
    "EnsembleResult": "predictor.ensemble",
    "FlightSpec": "predictor.ensemble",
    "Uncertainty": "predictor.ensemble",
    "predict_ensemble": "predictor.ensemble",
    "predict": "predictor.prediction",
    "predict_landings": "predictor.prediction",
    "FlightPoints": "predictor.result",
    "PredictionResult": "predictor.result",
    "PredictionWarning": "predictor.result",
    "StageTrajectory": "predictor.result",
    "iso_utc": "predictor.result",
}

__all__ = ["MODELS", "PROFILES", *_HOMES]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'predictor' has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
