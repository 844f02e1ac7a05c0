"""The flight report: every product of one recorded profile, written to one folder.

``build_report`` chains cleaning -> thermodynamics -> GPS winds -> tropopause -> stability
-> flight performance -> verification -> files (summary.json, CSV tables, CF-NetCDF,
Wyoming text, PNG plots, self-contained HTML). It is the Python API under
``strato report``.
"""

from __future__ import annotations

import json
from contextlib import nullcontext
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.cleaning import CleanFlight, clean_flight, monotonic_ascent
from analysis.columns import epoch_seconds
from analysis.flight_performance import (
    ascent_rate_profile,
    burst_summary,
    descent_summary,
    float_summary,
    pfotzer_maximum,
    vertical_rate,
)
from analysis.gps_winds import effective_window, gps_winds, model_wind_differences
from analysis.landing_place import landing_place
from analysis.profile import derive_thermodynamics, mandatory_levels
from analysis.stability import stability_indices
from analysis.tropopause import TROPOPAUSE_METHODS, find_tropopauses
from analysis.units_convert import wind_speed_direction
from analysis.verification import in_flight_prediction_errors, prediction_track, verify
from flightlog.cf_trajectory import write_cf_trajectory
from localization import N_, _

__all__ = ["CSV_COLUMNS", "build_report", "table_with_units"]

#: Column -> (CSV name with its unit, scale, offset): value_out = value * scale + offset.
CSV_COLUMNS: dict[str, tuple[str, float, float]] = {
    "latitude": ("latitude_deg", 1.0, 0.0),
    "longitude": ("longitude_deg", 1.0, 0.0),
    "altitude": ("altitude_m", 1.0, 0.0),
    "pressure": ("pressure_hpa", 0.01, 0.0),
    "temperature": ("temperature_c", 1.0, -273.15),
    "dewpoint": ("dewpoint_c", 1.0, -273.15),
    "relative_humidity": ("relative_humidity_percent", 1.0, 0.0),
    "mixing_ratio": ("mixing_ratio_g_kg", 1000.0, 0.0),
    "potential_temperature": ("potential_temperature_k", 1.0, 0.0),
    "equivalent_potential_temperature": ("equivalent_potential_temperature_k", 1.0, 0.0),
    "u": ("wind_u_ms", 1.0, 0.0),
    "v": ("wind_v_ms", 1.0, 0.0),
    "wind_speed": ("wind_speed_ms", 1.0, 0.0),
    "wind_direction": ("wind_direction_deg", 1.0, 0.0),
    "eastward_wind": ("reported_wind_u_ms", 1.0, 0.0),
    "northward_wind": ("reported_wind_v_ms", 1.0, 0.0),
    "gps_u": ("gps_wind_u_ms", 1.0, 0.0),
    "gps_v": ("gps_wind_v_ms", 1.0, 0.0),
    "model_u": ("model_wind_u_ms", 1.0, 0.0),
    "model_v": ("model_wind_v_ms", 1.0, 0.0),
    "diff_u": ("gps_minus_model_u_ms", 1.0, 0.0),
    "diff_v": ("gps_minus_model_v_ms", 1.0, 0.0),
    "vertical_rate": ("vertical_rate_ms", 1.0, 0.0),
    "radiation_counts": ("radiation_counts", 1.0, 0.0),
}


def table_with_units(frame: pd.DataFrame, date_known: bool = True) -> pd.DataFrame:
    """Copy of ``frame`` with edge units (hPa, degC, g/kg) and unit-named columns.

    With ``date_known`` False the times are written as times of day (``time_of_day_utc``),
    never on the 1970-01-01 placeholder day.
    """
    out = pd.DataFrame(index=frame.index)
    if "time" in frame and frame["time"].notna().any():
        if date_known:
            out["time_utc"] = frame["time"].map(lambda t: t.isoformat() if pd.notna(t) else "")
        else:
            out["time_of_day_utc"] = frame["time"].map(
                lambda t: t.strftime("%H:%M:%S") if pd.notna(t) else ""
            )
    for column, (name, scale, offset) in CSV_COLUMNS.items():
        if column in frame and frame[column].notna().any():
            decimals = 6 if column in ("latitude", "longitude") else 3
            out[name] = (frame[column].astype(float) * scale + offset).round(decimals)
    if "phase" in frame:
        out["phase"] = frame["phase"]
    return out


def _point(rows: pd.DataFrame, i: int) -> dict:
    row = rows.iloc[i]
    return {
        "datetime": None if pd.isna(row["time"]) else row["time"].isoformat(),
        "latitude_deg": None if pd.isna(row["latitude"]) else round(float(row["latitude"]), 6),
        "longitude_deg": None if pd.isna(row["longitude"]) else round(float(row["longitude"]), 6),
        "altitude_m": round(float(row["altitude"]), 1),
    }


#: What a person sees instead of a date the source does not give (never 1970-01-01).
DATE_UNKNOWN = "date unknown"


def _without_date(point: dict | None) -> dict | None:
    """``point`` with its datetime replaced by the time of day and "date unknown".

    Sources with times of day only (UKHAS logs, habhub tracks, EDT files without the date
    in their name) are read onto 1970-01-01 as a placeholder; that day must never reach a
    person.
    """
    if point is None or not point.get("datetime"):
        return point
    stamp = pd.Timestamp(point["datetime"])
    out = {k: v for k, v in point.items() if k != "datetime"}
    return {"datetime": None, "date": DATE_UNKNOWN,
            "time_of_day_utc": stamp.strftime("%H:%M:%S"), **out}  # fmt: skip


def _float_without_date(float_part: dict) -> dict:
    """Return the float summary with its start and end as times of day (see `_without_date`)."""
    out = dict(float_part)
    for key in ("start", "end"):
        if out.get(key):
            out[f"{key}_time_of_day_utc"] = pd.Timestamp(out.pop(key)).strftime("%H:%M:%S")
    if float_part:
        out["date"] = DATE_UNKNOWN
    return out


def _rms(values: np.ndarray) -> float | None:
    values = values[np.isfinite(values)]
    return round(float(np.sqrt(np.mean(values**2))), 3) if len(values) else None


def _winds(flight: CleanFlight, profile: pd.DataFrame, window_s: float, atmosphere) -> dict:
    """Add GPS/model winds and the chosen ``u``/``v`` to ``profile`` in place; summary."""
    summary: dict = {"gps_window_s": window_s}
    if flight.has_time and profile["latitude"].notna().mean() > 0.5:
        summary["gps_window_s"] = round(
            effective_window(epoch_seconds(profile["time"]), window_s), 1
        )
        winds = gps_winds(profile, window_s)
        for column in winds:
            profile[column] = winds[column]
        du = winds["gps_u"] - profile["eastward_wind"]
        dv = winds["gps_v"] - profile["northward_wind"]
        if np.isfinite(du).any():
            summary["gps_minus_reported_rms_ms"] = _rms(np.hypot(du, dv).to_numpy())
        if atmosphere is not None:
            model = model_wind_differences(profile, winds, atmosphere)
            for column in model:
                profile[column] = model[column]
            summary["model_source"] = getattr(atmosphere, "source", "")
            summary["gps_minus_model_rms_ms"] = _rms(
                np.hypot(model["diff_u"], model["diff_v"]).to_numpy()
            )
            summary["points_outside_model"] = int(model["outside_model"].sum())
    use_gps = "gps_u" in profile and profile["gps_u"].notna().any()
    profile["u"] = profile["gps_u"] if use_gps else profile["eastward_wind"]
    profile["v"] = profile["gps_v"] if use_gps else profile["northward_wind"]
    summary["wind_source"] = "gps_drift" if use_gps else "reported"
    speed, direction = wind_speed_direction(profile["u"], profile["v"])
    profile["wind_speed"] = speed
    profile["wind_direction"] = np.where(np.isfinite(speed), direction, np.nan)
    return summary


def build_report(
    profile: pd.DataFrame,
    metadata: dict,
    out_dir: str | Path,
    prediction: dict | None = None,
    atmosphere=None,
    wind_window_s: float = 20.0,
    tropopause_method: str = "wmo_every",
    show_progress: bool = True,
) -> dict:
    """Compute every product of a recorded profile and write the report folder.

    Parameters
    ----------
    profile : DataFrame
        Canonical profile (from :func:`analysis.read_profile.read_profile`).
    metadata : dict
        Its metadata (``name``, ``format``, ``synthetic``, ``prediction``, ``events``...).
    out_dir : str or Path
        Folder to write (created).
    prediction : dict, optional
        Pre-launch prediction (predictor JSON); default the one stored in ``metadata``.
    atmosphere : weather.protocol.Atmosphere, optional
        Model atmosphere (e.g. ERA5) for wind differences.
    wind_window_s : float
        GPS-wind centred-difference window [s].
    tropopause_method : str
        One of :data:`analysis.tropopause.TROPOPAUSE_METHODS`.
    show_progress : bool
        Show a Rich progress bar on the terminal.

    Returns
    -------
    dict
        The content of ``summary.json``.
    """
    if tropopause_method not in TROPOPAUSE_METHODS:
        raise ValueError(
            f"unknown tropopause method {tropopause_method!r}; use one of {TROPOPAUSE_METHODS}"
        )
    from rich.progress import Progress

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    prediction = prediction if prediction is not None else metadata.get("prediction")
    name = str(metadata.get("name") or "flight")
    synthetic = bool(metadata.get("synthetic"))
    label = f"{name} (SYNTHETIC)" if synthetic else name
    steps = 9
    progress = Progress(transient=True) if show_progress else None
    with progress if progress is not None else nullcontext():
        task = progress.add_task(_("report"), total=steps) if progress else None

        def step(text: str) -> None:
            if progress is not None:
                progress.update(task, advance=1, description=_(text))

        step(N_("cleaning"))
        flight = clean_flight(profile)
        summary: dict = {
            "name": name,
            "synthetic": synthetic,
            "source_format": metadata.get("format"),
            "input": metadata.get("path"),
            "date_known": metadata.get("date_known", True),
            "notes": list(metadata.get("notes", [])),
            "rows_read": int(len(profile)),
            "rows_used": int(len(flight.profile)),
            "removed": flight.removed,
        }
        published = {
            key: metadata[key]
            for key in ("station", "observation_time", "reported_tropopause",
                        "reported_burst", "published_indices")
            if metadata.get(key) not in (None, [], {})
        }  # fmt: skip
        if published:
            summary["published_by_source"] = published
        step(N_("thermodynamics"))
        rows = derive_thermodynamics(flight.profile)
        step(N_("winds"))
        summary["winds"] = _winds(flight, rows, wind_window_s, atmosphere)
        rows["vertical_rate"] = vertical_rate(rows) if flight.has_time else np.nan
        flight.profile = rows
        ascent = flight.ascent
        step(N_("tropopause"))
        tropopauses = find_tropopauses(
            ascent["altitude"], ascent["temperature"], ascent["pressure"], tropopause_method
        )
        summary["tropopause_method"] = tropopause_method
        summary["tropopause"] = [t.as_summary() for t in tropopauses]
        step(N_("stability"))
        monotonic = monotonic_ascent(ascent)
        if len(monotonic) >= 3:
            summary["stability"] = stability_indices(monotonic)
        else:
            summary["stability"] = {
                "omitted": {"all": "no ascent levels with pressure, temperature and humidity"}
            }
        step(N_("flight performance"))
        summary["launch"] = _point(rows, flight.launch_index)
        summary["burst"] = burst_summary(flight)
        summary["landing"] = (
            _point(rows, flight.landing_index)
            if flight.landing_index > flight.burst_index
            else None
        )
        if summary["landing"] is not None:  # land or sea from the coastline; shore at sea
            summary["landing"].update(landing_place(summary["landing"], atmosphere))
        if not summary["date_known"]:
            for key in ("launch", "burst", "landing"):
                summary[key] = _without_date(summary[key])
        rate_summary, bands = ascent_rate_profile(flight)
        summary.update(rate_summary)
        summary["descent"] = descent_summary(flight)
        summary["float"] = float_summary(flight)
        if not summary["date_known"]:
            summary["float"] = _float_without_date(summary["float"])
        summary["pfotzer"] = pfotzer_maximum(flight)
        step(N_("verification"))
        divergence = pd.DataFrame()
        if prediction:
            performance = {**rate_summary, "burst": summary["burst"],
                           "descent": summary["descent"]}  # fmt: skip
            summary["verification"], divergence = verify(flight, prediction, performance)
        events = in_flight_prediction_errors(flight, metadata.get("events", []))
        if events:
            summary.setdefault("verification", {})["in_flight_predictions"] = events
        step(N_("tables"))
        files = _write_tables(
            flight, ascent, bands, divergence, out, name, synthetic, summary["date_known"]
        )
        step(N_("plots"))
        images = _write_plots(flight, ascent, bands, prediction, out, label)
        files += [p.name for p in images.values()]
        summary["files"] = sorted(files + ["summary.json", "report.html"])
        from analysis.html_report import write_html_report

        # NaN/inf are not JSON: they become null, so summary.json always parses.
        (out / "summary.json").write_text(
            json.dumps(_json_safe(summary), indent=2, default=str, allow_nan=False)
        )
        write_html_report(summary, images, out / "report.html")
    return summary


def _json_safe(value):
    """Replace NaN and infinite floats (numpy ones too) by None, recursively."""
    if isinstance(value, dict):
        return {key: _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if isinstance(value, float | np.floating):
        return float(value) if np.isfinite(value) else None
    return value


def _write_tables(
    flight: CleanFlight,
    ascent: pd.DataFrame,
    bands: pd.DataFrame,
    divergence: pd.DataFrame,
    out: Path,
    name: str,
    synthetic: bool,
    date_known: bool = True,
) -> list[str]:
    from analysis.wyoming_text import write_wyoming_text

    files = []
    table_with_units(flight.profile, date_known).to_csv(out / "profile.csv", index=False)
    files.append("profile.csv")
    columns = [c for c in CSV_COLUMNS if c in ascent and c not in ("latitude", "longitude")]
    # speed and direction come from the interpolated u, v (direction must not be
    # interpolated across 360/0 degrees)
    skip = ("pressure", "radiation_counts", "wind_speed", "wind_direction", "gps_u", "gps_v")
    interpolated = mandatory_levels(ascent, [c for c in columns if c not in skip])
    if "u" in interpolated:
        speed, direction = wind_speed_direction(interpolated["u"], interpolated["v"])
        interpolated["wind_speed"] = speed
        interpolated["wind_direction"] = np.where(np.isfinite(speed), direction, np.nan)
    levels = table_with_units(interpolated)
    if "pressure_hpa" in levels:  # only flights that measured pressure reach levels
        first = ["pressure_hpa"]
        levels[first + [c for c in levels.columns if c not in first]].to_csv(
            out / "standard_levels.csv", index=False
        )
        files.append("standard_levels.csv")
    if not bands.empty:
        bands.to_csv(out / "ascent_rate.csv", index=False)
        files.append("ascent_rate.csv")
    if not divergence.empty:
        divergence.assign(time=divergence["time"].map(lambda t: t.isoformat())).to_csv(
            out / "track_divergence.csv", index=False
        )
        files.append("track_divergence.csv")
    write_cf_trajectory(
        flight.profile, out / "trajectory.nc", name,
        synthetic="not a real flight" if synthetic else None,
    )  # fmt: skip
    files.append("trajectory.nc")
    sounding = monotonic_ascent(ascent)
    title = f"{name} (SYNTHETIC)" if synthetic else name
    if len(sounding):
        write_wyoming_text(sounding, out / "sounding.txt", title=title)
        files.append("sounding.txt")
    return files


def _write_plots(
    flight: CleanFlight,
    ascent: pd.DataFrame,
    bands: pd.DataFrame,
    prediction: dict | None,
    out: Path,
    label: str,
) -> dict[str, Path]:
    from analysis.plots import plot_ascent_rate, plot_profiles, plot_skewt, plot_track_map

    images: dict[str, Path] = {}
    levels = monotonic_ascent(ascent)
    if len(levels) >= 2:
        images[N_("Skew-T log-p with hodograph")] = plot_skewt(levels, out / "skewt.png", label)
    images[N_("Profiles")] = plot_profiles(flight.profile, out / "profiles.png", label)
    if flight.has_time and len(ascent) > 3:
        images[N_("Ascent rate")] = plot_ascent_rate(
            ascent, ascent["vertical_rate"].to_numpy(float), bands, out / "ascent_rate.png", label
        )
    rows = flight.profile
    if rows["latitude"].notna().any():
        points = {"launch": flight.launch_index, "burst": flight.burst_index}
        if flight.landing_index > flight.burst_index:
            points["landing"] = flight.landing_index
        marks = {
            k: (rows["latitude"].iloc[i], rows["longitude"].iloc[i]) for k, i in points.items()
        }
        track = None
        if prediction:
            track = prediction_track(prediction)
            landing = prediction.get("landing", {})
            if "latitude" in landing:
                marks["predicted landing"] = (landing["latitude"], landing["longitude"])
        images[N_("Track")] = plot_track_map(rows, marks, out / "track_map.png", label, track)
    return images
