"""What a prediction's map files say: its description and its track document."""

from __future__ import annotations

import numpy as np

from predictor.result import PredictionResult, iso_utc
from predictor.writers.track_document import Placemark, Track, TrackDocument

__all__ = ["describe", "prediction_document"]


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


def prediction_document(result: PredictionResult, member: int = 0) -> TrackDocument:
    """One member's flight path and its launch, burst and landing as a track document."""
    cols = result.trajectory(member)
    track = Track(
        "Flight path", cols["latitude"], cols["longitude"], cols["altitude"], cols["time"]
    )
    points = []
    for name, fp in (("Launch", result.launch), ("Burst", result.burst),
                     ("Landing", result.landing)):  # fmt: skip
        if not np.isfinite(fp.latitude[member]):
            continue  # e.g. no landing: the flight left the data
        label = f"Landing ({result.surface[member]})" if name == "Landing" else name
        points.append(Placemark(
            label, float(fp.latitude[member]), float(fp.longitude[member]),
            float(fp.altitude[member]), float(fp.time[member]),
            f"{iso_utc(fp.time[member])}, altitude {fp.altitude[member]:.1f} m",
        ))  # fmt: skip
    title = "Stratoflight prediction" + (" (SYNTHETIC atmosphere)" if result.synthetic else "")
    return TrackDocument(title, describe(result, member), [track], points)
