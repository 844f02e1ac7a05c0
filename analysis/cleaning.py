"""Cleaning a recorded flight: impossible values, GPS jumps, flight segment, phases.

A frame with a valid checksum can still carry garbage (a GPS fix at 0 N 0 E, an altitude
of -5952 m), and 1 Hz pressure is noisy enough to go up between samples, which MetPy
refuses (notes/known-pitfalls.md). Every step counts what it removed so the report can say
so.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.ndimage import median_filter

from analysis.columns import epoch_seconds
from flightlog.live_quantities import vertical_rates
from flightlog.phase_detection import PhaseDetector
from terrain import geodesy

__all__ = [
    "PLAUSIBLE_RANGES",
    "CleanFlight",
    "clean_flight",
    "drop_gps_jumps",
    "drop_off_track_fixes",
    "drop_impossible_values",
    "fill_heights_by_log_pressure",
    "keep_flight_segment",
    "monotonic_ascent",
    "split_phases",
]

#: Column -> (lowest, highest) plausible value in SI units; outside is set missing.
PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "latitude": (-90.0, 90.0),
    "longitude": (-180.0, 360.0),
    "altitude": (-500.0, 60000.0),
    "pressure": (1.0, 110000.0),
    "temperature": (150.0, 340.0),
    "dewpoint": (100.0, 340.0),
    "relative_humidity": (0.0, 110.0),
    "eastward_wind": (-150.0, 150.0),
    "northward_wind": (-150.0, 150.0),
    "vertical_velocity": (-200.0, 200.0),
    "radiation_counts": (0.0, np.inf),
}


@dataclass
class CleanFlight:
    """A cleaned flight and where its phases are.

    Attributes
    ----------
    profile : DataFrame
        Cleaned canonical profile (time-sorted when times exist) with a ``phase`` column:
        ``ground``, ``ascent``, ``float``, ``descent`` or ``landed``.
    launch_index, burst_index, landing_index : int
        Row positions of launch, burst (highest point) and landing in ``profile``.
    float_slice : slice or None
        Rows of a float (altitude held within the band for long enough), if any.
    has_time : bool
        Whether every row has a time (soundings from tables have none).
    removed : dict
        Rows or values removed by each step, for the report.
    """

    profile: pd.DataFrame
    launch_index: int
    burst_index: int
    landing_index: int
    float_slice: slice | None
    has_time: bool
    removed: dict[str, int] = field(default_factory=dict)

    @property
    def ascent(self) -> pd.DataFrame:
        """Rows from launch to burst (inclusive)."""
        return self.profile.iloc[self.launch_index : self.burst_index + 1]

    @property
    def descent(self) -> pd.DataFrame:
        """Rows from burst to landing (inclusive)."""
        return self.profile.iloc[self.burst_index : self.landing_index + 1]


def drop_impossible_values(profile: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, int]]:
    """Set values outside :data:`PLAUSIBLE_RANGES` missing; drop rows with no vertical place.

    A position of exactly 0 N 0 E (a receiver with no fix) is treated as missing.
    A level of a pressure-based sounding (a table without times, or a profile with a
    pressure on every row) is placed by its pressure, so it is kept without a height: the
    surface row of many TEMP reports and some BUFR levels carry none (:func:`clean_flight`
    then interpolates the height in log p). Other rows without altitude are dropped, and
    so is any row without a position in a profile that otherwise has positions.
    """
    out = profile.copy()
    counts: dict[str, int] = {}
    for column, (low, high) in PLAUSIBLE_RANGES.items():
        if column in out:
            bad = out[column].notna() & ~out[column].between(low, high)
            counts[column] = int(bad.sum())
            out.loc[bad, column] = np.nan
    null_island = (out["latitude"] == 0.0) & (out["longitude"] == 0.0)
    out.loc[null_island, ["latitude", "longitude"]] = np.nan
    counts["null_island"] = int(null_island.sum())
    keep = out["altitude"].notna()
    if out["time"].isna().all() or out["pressure"].notna().all():
        keep |= out["pressure"].notna()  # a pressure-based sounding: pressure places a level
    if out["latitude"].notna().mean() > 0.5:
        keep &= out["latitude"].notna() & out["longitude"].notna()
    counts["rows_dropped"] = int((~keep).sum())
    return out[keep].reset_index(drop=True), counts


def keep_flight_segment(profile: pd.DataFrame, max_gap_s: float = 1800.0) -> pd.DataFrame:
    """Sort by time and keep the run of rows (split at gaps > ``max_gap_s``) holding the top.

    Bench-test frames from other hours or days (common in habhub exports) fall outside the
    flight's run and are dropped. Profiles without times are returned unchanged.
    """
    if profile["time"].isna().any():
        return profile
    out = profile.sort_values("time", kind="stable").drop_duplicates("time")
    seconds = epoch_seconds(out["time"])
    run = np.concatenate([[0], np.cumsum(np.diff(seconds) > max_gap_s)])
    top_run = run[int(np.nanargmax(out["altitude"].to_numpy()))]
    return out[run == top_run].reset_index(drop=True)


def drop_gps_jumps(
    profile: pd.DataFrame,
    max_horizontal_speed: float = 200.0,
    max_vertical_speed: float = 100.0,
    max_passes: int = 5,
    keep_levels: bool = False,
) -> tuple[pd.DataFrame, int]:
    """Drop isolated fixes that imply impossible speeds to both neighbours.

    With ``keep_levels`` (a pressure-based sounding, where pressure places every level) a
    jump costs only the bad fix, not the good thermodynamic level: its position is set
    missing and the row stays (a height jump is interpolated again in log p).

    Parameters
    ----------
    profile : DataFrame
        Time-sorted profile with positions.
    max_horizontal_speed : float
        Fastest believable ground speed [m s-1] (jet streams reach ~100 m/s).
    max_vertical_speed : float
        Fastest believable vertical speed [m s-1] (a burst payload falls < 100 m/s).
    max_passes : int
        Passes of the check (a removed spike can reveal another).
    keep_levels : bool
        Blank the fix instead of dropping the row.

    Returns
    -------
    profile : DataFrame
        Without the jumps.
    removed : int
        Rows removed.
    """
    if profile["time"].isna().any() or len(profile) < 3:
        return profile, 0
    out = profile
    removed = 0
    for _ in range(max_passes):
        t = epoch_seconds(out["time"])
        dt = np.maximum(np.diff(t), 1e-3)
        horizontal = geodesy.inverse(
            out["latitude"].to_numpy()[:-1], out["longitude"].to_numpy()[:-1],
            out["latitude"].to_numpy()[1:], out["longitude"].to_numpy()[1:],
        )[0] / dt  # fmt: skip
        horizontal = np.nan_to_num(horizontal, nan=0.0)
        vertical = np.abs(np.diff(out["altitude"].to_numpy())) / dt
        bad_step = (horizontal > max_horizontal_speed) | (vertical > max_vertical_speed)
        before = np.concatenate([[True], bad_step])
        after = np.concatenate([bad_step, [True]])
        spike = before & after
        spike[0] = bad_step[0] and len(bad_step) > 1 and not bad_step[1]
        spike[-1] = bad_step[-1] and len(bad_step) > 1 and not bad_step[-2]
        if not spike.any():
            break
        removed += int(spike.sum())
        if keep_levels:
            out = out.copy()
            out.loc[spike, ["latitude", "longitude"]] = np.nan
            vertical_spike = (
                spike
                & np.concatenate([[True], vertical > max_vertical_speed])
                & (np.concatenate([vertical > max_vertical_speed, [True]]))
            )
            if vertical_spike.any():
                out.loc[vertical_spike, "altitude"] = np.nan
                out = fill_heights_by_log_pressure(out)
                out = out[out["altitude"].notna()].reset_index(drop=True)
            continue
        out = out[~spike].reset_index(drop=True)
    return out, removed


def drop_off_track_fixes(
    profile: pd.DataFrame,
    surface_speed: float = 30.0,
    speed_gain_per_m: float = 0.01,
    max_horizontal_speed: float = 200.0,
    max_vertical_speed: float = 100.0,
    low_altitude: float = 3000.0,
    low_altitude_gap_credit_s: float = 600.0,
) -> tuple[pd.DataFrame, int]:
    """Keep only fixes reachable from the flight's highest fix at believable speeds.

    Walking outward in time from the highest fix, a fix is kept when the speed implied from
    the last kept fix stays under the limits. This removes runs of frames that are not
    from this flight (e.g. bench tests on other days in a log with times of day only),
    which an isolated-spike test cannot see. The horizontal limit grows with altitude,
    ``surface_speed + speed_gain_per_m * altitude`` [m s-1] (30 m/s at the ground, 130 m/s
    at 10 km) capped at ``max_horizontal_speed``, using the higher of the two fixes, so a
    long gap near the ground cannot excuse a jump of tens of kilometres while a GPS
    dropout in the jet stream still can. When both fixes are below ``low_altitude`` [m], a
    gap earns at most ``low_altitude_gap_credit_s`` of travel (otherwise a bench run
    50 km away becomes "reachable" once it is an hour away in time).

    Returns
    -------
    profile : DataFrame
        The consistent track.
    removed : int
        Rows removed.
    """
    if profile["time"].isna().any() or len(profile) < 3:
        return profile, 0
    t = epoch_seconds(profile["time"])
    lat = profile["latitude"].to_numpy(float)
    lon = profile["longitude"].to_numpy(float)
    alt = profile["altitude"].to_numpy(float)
    keep = np.zeros(len(t), dtype=bool)
    top = int(np.nanargmax(alt))
    keep[top] = True
    for order in (range(top + 1, len(t)), range(top - 1, -1, -1)):
        last = top
        for i in order:
            dt = max(abs(t[i] - t[last]), 1.0)
            if max(alt[i], alt[last]) < low_altitude:
                dt = min(dt, low_altitude_gap_credit_s)
            if np.isnan(lat[i]) or np.isnan(lat[last]):
                horizontal = 0.0
            else:
                horizontal = float(geodesy.inverse(lat[i], lon[i], lat[last], lon[last])[0])
            speed = min(
                surface_speed + speed_gain_per_m * max(alt[i], alt[last], 0.0),
                max_horizontal_speed,
            )
            if horizontal <= speed * dt and abs(alt[i] - alt[last]) <= max_vertical_speed * dt:
                keep[i] = True
                last = i
    return profile[keep].reset_index(drop=True), int((~keep).sum())


def split_phases(
    profile: pd.DataFrame,
    float_min_duration_s: float = 1200.0,
    float_max_rate: float = 1.5,
) -> tuple[int, int, int, slice | None]:
    """Locate launch, burst (highest point), landing and a float.

    The flight is replayed through the one phase detector, :class:`flightlog.PhaseDetector`
    (the live logger's), which finds launch and landing with its hysteresis and vertical
    rate (:mod:`flightlog.live_quantities`). The burst is the highest point. A float is the
    longest run of samples before the fall whose centred 60 s vertical rate (the same
    least-squares definition) stays below ``float_max_rate`` for ``float_min_duration_s``.
    A profile without times (a sounding table) runs from its first row to its last.

    Parameters
    ----------
    profile : DataFrame
        Cleaned, time-sorted profile.
    float_min_duration_s : float
        Shortest level run that makes a float [s] (an ordinary burst passes the top in a
        few minutes).
    float_max_rate : float
        Largest |vertical rate| still counted as floating [m s-1].

    Returns
    -------
    launch, burst, landing : int
        Row positions.
    float_slice : slice or None
        Rows of the float.
    """
    altitude = profile["altitude"].to_numpy(float)
    burst = int(np.nanargmax(altitude))
    launch, landing, float_slice = 0, len(altitude) - 1, None
    if not profile["time"].notna().all():
        return launch, burst, landing, float_slice
    t = epoch_seconds(profile["time"])
    detector = PhaseDetector(min_rise=min(2000.0, 0.5 * (altitude[burst] - np.nanmin(altitude))))
    for when, z in zip(t, altitude, strict=True):
        change = detector.update(float(when), float(z))
        if change is None:
            continue
        index = int(np.searchsorted(t, change.time))
        if change.kind == "launch":  # then back to the row where the climb began
            launch = min(index, burst)
            while launch > 0 and altitude[launch - 1] < altitude[launch] - 0.5:
                launch -= 1
        elif change.kind == "landing":
            landing = max(index, burst)
    rate = np.abs(vertical_rates(t, altitude, 60.0))
    level = np.concatenate([[False], rate[launch : landing + 1] < float_max_rate, [False]])
    edges = np.flatnonzero(np.diff(level.astype(np.int8)))
    runs = [(launch + s, launch + e) for s, e in zip(edges[::2], edges[1::2], strict=True)]
    runs = [(s, e) for s, e in runs if altitude[s] > altitude[launch] + detector.min_rise]
    if runs:
        first, stop = max(runs, key=lambda run: t[run[1] - 1] - t[run[0]])
        if t[stop - 1] - t[first] >= float_min_duration_s:
            float_slice = slice(first, stop)
    return launch, burst, landing, float_slice


def monotonic_ascent(profile: pd.DataFrame, window: int = 5) -> pd.DataFrame:
    """Ascent rows whose pressure strictly decreases upward, for MetPy's parcel routines.

    Pressure is median-filtered over ``window`` samples (1 Hz noise), then only rows lower
    in pressure than every row kept before them are kept, so equal or rising pressures
    (which MetPy rejects or warns about) disappear. Rows without pressure or temperature
    are left out; rows without dewpoint are kept (temperature above the last humidity
    reading still counts for the indices and the parcel's environment).
    """
    rows = profile.dropna(subset=["pressure", "temperature"])
    if rows.empty:
        return rows
    pressure = rows["pressure"].to_numpy(float)
    if len(pressure) >= window:
        pressure = median_filter(pressure, size=window, mode="nearest")
    running_min = np.minimum.accumulate(pressure)
    keep = np.concatenate([[True], pressure[1:] < running_min[:-1]])
    out = rows[keep].copy()
    out["pressure"] = pressure[keep]
    return out.reset_index(drop=True)


def _order_levels(profile: pd.DataFrame) -> pd.DataFrame:
    """Sounding levels bottom to top: by pressure when every level has one, else by height."""
    key, ascending = (
        ("pressure", False) if profile["pressure"].notna().all() else ("altitude", True)
    )
    return profile.sort_values(key, ascending=ascending, kind="stable").reset_index(drop=True)


def fill_heights_by_log_pressure(profile: pd.DataFrame) -> pd.DataFrame:
    """Missing heights of sounding levels, linear in log p between levels with heights.

    Between two levels the hypsometric equation makes height nearly linear in log p, so a
    level without a height (a TEMP surface row, a significant level) gets one good to a
    few metres for the tropopause and the plots. A level below the lowest (or above the
    highest) height takes the log-p slope of the two nearest levels with heights.
    """
    z = profile["altitude"].to_numpy(float)
    p = profile["pressure"].to_numpy(float)
    missing = ~np.isfinite(z) & np.isfinite(p)
    known = np.isfinite(z) & np.isfinite(p)
    if not missing.any() or known.sum() < 2:
        return profile
    order = np.argsort(p[known])
    logp_known, z_known = np.log(p[known])[order], z[known][order]
    target = np.log(p[missing])
    filled = np.interp(target, logp_known, z_known)
    for end, (a, b) in (("low", (0, 1)), ("high", (-1, -2))):
        outside = target < logp_known[0] if end == "low" else target > logp_known[-1]
        if outside.any() and logp_known[a] != logp_known[b]:
            slope = (z_known[b] - z_known[a]) / (logp_known[b] - logp_known[a])
            filled[outside] = z_known[a] + slope * (target[outside] - logp_known[a])
    out = profile.copy()
    out.loc[missing, "altitude"] = filled
    return out


def clean_flight(profile: pd.DataFrame) -> CleanFlight:
    """Run every cleaning step and label the flight phases.

    Parameters
    ----------
    profile : DataFrame
        Canonical profile from :func:`analysis.read_profile.read_profile`.

    Returns
    -------
    CleanFlight
        The cleaned profile with its phases.
    """
    removed: dict[str, int] = {}
    out, counts = drop_impossible_values(profile)
    removed.update({f"impossible_{k}": v for k, v in counts.items() if v})
    has_time = bool(out["time"].notna().all()) and len(out) > 0
    if has_time and out["altitude"].isna().any():
        filled = int(out["altitude"].isna().sum())
        out = fill_heights_by_log_pressure(out)
        out = out[out["altitude"].notna()].reset_index(drop=True)
        removed["heights_interpolated_in_log_pressure"] = filled
    if has_time:
        before = len(out)
        out = keep_flight_segment(out)
        removed["outside_flight_segment"] = before - len(out)
        out, jumps = drop_gps_jumps(out, keep_levels=bool(out["pressure"].notna().all()))
        removed["gps_jumps"] = jumps
        out, off_track = drop_off_track_fixes(out)
        removed["off_track"] = off_track
    else:
        out = _order_levels(out)
        filled = int(out["altitude"].isna().sum())
        out = fill_heights_by_log_pressure(out)
        if filled:
            removed["heights_interpolated_in_log_pressure"] = filled
    if len(out) < 2:
        raise ValueError("fewer than 2 usable rows remain after cleaning; nothing to analyse")
    launch, burst, landing, float_slice = split_phases(out)
    phase = np.full(len(out), "ascent", dtype=object)
    phase[:launch] = "ground"
    phase[burst + 1 : landing + 1] = "descent"
    phase[landing + 1 :] = "landed"
    if float_slice is not None:
        phase[float_slice] = "float"
    out = out.assign(phase=phase)
    return CleanFlight(out, launch, burst, landing, float_slice, has_time, removed)
