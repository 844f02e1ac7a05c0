"""Texts shared by the map writers (titles and descriptions)."""

from __future__ import annotations

from predictor.result import PredictionResult, iso_utc

__all__ = ["describe"]


def describe(result: PredictionResult, member: int) -> str:
    """One paragraph describing the prediction for a map file's description field."""
    flight = result.flight_time_s[member]
    duration = f"flight time {flight:.0f} s" if flight == flight else "no landing predicted"
    text = (
        f"Stratoflight prediction ({result.settings.get('profile', '?')} profile, model "
        f"{result.settings.get('model', '?')}); launch {iso_utc(result.launch.time[member])}; "
        f"{duration}; landing surface {result.surface[member]}; "
        f"status {result.status[member]}. "
        f"Atmosphere: {result.atmosphere_source}."
    )
    if result.synthetic:
        text = "SYNTHETIC atmosphere (not a forecast). " + text
    return text
