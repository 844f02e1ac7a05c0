"""Verification of a pre-launch prediction against the flown track.

The prediction is the predictor's JSON result (``launch``, ``burst``, ``landing`` points
with ``datetime``, ``latitude``, ``longitude``, ``altitude``; ``stages`` with
``trajectory`` lists). The flown ascent rate, burst altitude and sea-level descent rate are
returned as the settings to feed the next prediction.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.cleaning import CleanFlight
from analysis.columns import epoch_seconds
from predictor.writers.json_writer import read_prediction_json
from terrain import geodesy

__all__ = ["in_flight_prediction_errors", "load_prediction", "prediction_track", "verify"]


def load_prediction(path: str | Path) -> dict:
    """Read a predictor JSON result; clear error when it lacks a landing point."""
    return read_prediction_json(path)


def _point(entry: dict) -> tuple[pd.Timestamp | None, float, float, float]:
    when = pd.Timestamp(entry["datetime"]) if entry.get("datetime") else None
    if when is not None and not pd.isna(when):  # a time without zone is UTC (house rule)
        when = when.tz_localize("UTC") if when.tzinfo is None else when.tz_convert("UTC")
    return (
        when,
        float(entry["latitude"]),
        float(entry["longitude"]),
        float(entry.get("altitude", np.nan)),
    )


def prediction_track(prediction: dict) -> pd.DataFrame:
    """All stage trajectories of a prediction as one time-sorted table."""
    rows = []
    for stage in prediction.get("stages", []):
        for point in stage.get("trajectory", []):
            when, lat, lon, alt = _point(point)
            rows.append({"time": when, "latitude": lat, "longitude": lon, "altitude": alt,
                         "stage": stage.get("stage", "")})  # fmt: skip
    if not rows:
        return pd.DataFrame(columns=["time", "latitude", "longitude", "altitude", "stage"])
    track = pd.DataFrame(rows).dropna(subset=["time"])
    return track.sort_values("time").drop_duplicates("time").reset_index(drop=True)


def _divergence(flight: CleanFlight, track: pd.DataFrame) -> pd.DataFrame:
    flown = flight.profile.iloc[flight.launch_index : flight.landing_index + 1]
    if track.empty or not flight.has_time:
        return pd.DataFrame()
    tp = epoch_seconds(track["time"])
    tf = epoch_seconds(flown["time"])
    inside = (tf >= tp[0]) & (tf <= tp[-1])
    tf = tf[inside]
    flown = flown[inside]
    lat = np.interp(tf, tp, track["latitude"].to_numpy(float))
    lon = np.interp(tf, tp, np.unwrap(track["longitude"].to_numpy(float), period=360.0))
    alt = np.interp(tf, tp, track["altitude"].to_numpy(float))
    return pd.DataFrame(
        {
            "time": flown["time"].to_numpy(),
            "elapsed_s": tf - tf[0] if len(tf) else tf,
            "horizontal_distance_m": geodesy.inverse(
                flown["latitude"].to_numpy(), flown["longitude"].to_numpy(), lat, lon
            )[0],
            "altitude_difference_m": flown["altitude"].to_numpy(float) - alt,
        }
    )


def verify(flight: CleanFlight, prediction: dict, performance: dict) -> tuple[dict, pd.DataFrame]:
    """Compare a prediction with the flight.

    Parameters
    ----------
    flight : CleanFlight
        The cleaned flight.
    prediction : dict
        Predictor JSON result.
    performance : dict
        Flown figures (``ascent_rate_mean_ms``, ``burst`` and ``descent`` dicts) used for
        the "next prediction" settings.

    Returns
    -------
    summary : dict
        ``landing_error_m``, ``burst_altitude_error_m``, ``burst_time_error_s``,
        ``track_divergence_max_m``, ``next_prediction`` settings, ... (errors are flown
        minus predicted).
    divergence : DataFrame
        Track divergence over time (flown vs predicted position at the same time).
    """
    rows = flight.profile
    landed = rows.iloc[flight.landing_index]
    out: dict = {}
    _, lat, lon, _ = _point(prediction["landing"])
    out["landing_predicted"] = {"latitude_deg": lat, "longitude_deg": lon,
                                "datetime": prediction["landing"].get("datetime")}  # fmt: skip
    descended = flight.landing_index > flight.burst_index
    if descended and not pd.isna(landed["latitude"]):
        out["landing_error_m"] = round(
            float(geodesy.inverse(landed["latitude"], landed["longitude"], lat, lon)[0]), 1
        )
        tail = rows.iloc[
            max(flight.burst_index, flight.landing_index - 5) : flight.landing_index + 1
        ]
        seconds = (tail["time"].iloc[-1] - tail["time"].iloc[0]).total_seconds()
        falling = (
            seconds > 0 and (tail["altitude"].iloc[0] - tail["altitude"].iloc[-1]) / seconds > 2.0
        )
        if flight.landing_index == len(rows) - 1 and falling:
            out["landing_note"] = (
                f"the record ends in the air at {landed['altitude']:.0f} m, still descending: "
                "the landing error is measured to the last fix"
            )
    else:
        out["landing_error_m"] = None
        out["landing_note"] = "the record has no descent to the ground"
    if "burst" in prediction:
        when, _, _, alt = _point(prediction["burst"])
        burst = rows.iloc[flight.burst_index]
        out["burst_altitude_error_m"] = round(float(burst["altitude"] - alt), 1)
        if when is not None and flight.has_time:
            out["burst_time_error_s"] = round((burst["time"] - when).total_seconds(), 1)
    divergence = _divergence(flight, prediction_track(prediction))
    if not divergence.empty:
        out["track_divergence_max_m"] = round(float(divergence["horizontal_distance_m"].max()), 1)
        burst_elapsed = (
            rows["time"].iloc[flight.burst_index] - divergence["time"].iloc[0]
        ).total_seconds()
        at_burst = np.interp(
            burst_elapsed, divergence["elapsed_s"], divergence["horizontal_distance_m"]
        )
        out["track_divergence_at_burst_m"] = round(float(at_burst), 1)
    next_settings = {
        "ascent_rate_ms": performance.get("ascent_rate_mean_ms"),
        "burst_altitude_m": performance.get("burst", {}).get("altitude_m"),
        "sea_level_descent_rate_ms": performance.get("descent", {}).get(
            "sea_level_descent_rate_fit_ms"
        ),
    }
    out["next_prediction"] = next_settings
    if "settings" in prediction:
        out["predicted_settings"] = prediction["settings"]
    return out, divergence


def in_flight_prediction_errors(flight: CleanFlight, events: list[dict]) -> list[dict]:
    """Landing error of each in-flight prediction event (convergence toward the landing).

    Events of kind ``prediction`` carry the predicted landing as
    ``data["landing_latitude"]``/``data["landing_longitude"]`` (flightlog's in-flight
    predictions), as ``data["landing"]`` (a point dict) or as ``data["latitude"]``/
    ``data["longitude"]``.
    """
    if flight.landing_index <= flight.burst_index:
        return []
    landed = flight.profile.iloc[flight.landing_index]
    out = []
    for event in events or []:
        if event.get("kind") != "prediction":
            continue
        data = event.get("data") or {}
        point = data.get("landing", data)
        if "landing_latitude" in data:
            point = {"latitude": data["landing_latitude"], "longitude": data["landing_longitude"]}
        try:
            lat, lon = float(point["latitude"]), float(point["longitude"])
        except (KeyError, TypeError, ValueError):
            continue
        error, _ = geodesy.inverse(landed["latitude"], landed["longitude"], lat, lon)
        when = event.get("time")
        out.append({"time": str(when), "landing_error_m": round(float(error), 1)})
    return out
