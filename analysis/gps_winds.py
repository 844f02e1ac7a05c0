"""Winds from the balloon's GPS drift, and the difference to a model atmosphere.

Centred finite difference of latitude/longitude over a time window (notes/
sounding-products.md 4.1): ``u = R cos(phi_mid) dlambda/dt``, ``v = R dphi/dt``. The
default 20 s window averages out the pendulum swing of the payload (11-19 s periods) and
matched GRUAN's smoothed wind to 0.3-0.4 m/s RMS on RS41 data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.columns import epoch_seconds
from analysis.units_convert import wind_speed_direction
from weather.constants import EARTH_RADIUS

__all__ = ["effective_window", "gps_winds", "model_wind_differences"]


def effective_window(seconds: np.ndarray, window_s: float) -> float:
    """Window actually used [s]: ``window_s`` or two median fix intervals if wider."""
    if len(seconds) < 2:
        return float(window_s)
    return float(max(window_s, 2.0 * np.median(np.diff(seconds))))


def gps_winds(profile: pd.DataFrame, window_s: float = 20.0) -> pd.DataFrame:
    """Eastward/northward wind from GPS drift, centred over ``window_s``.

    Parameters
    ----------
    profile : DataFrame
        Time-sorted profile with ``time``, ``latitude``, ``longitude`` [degree].
    window_s : float
        Full width of the centred difference [s]. At each point the fixes nearest to
        ``t - window_s/2`` and ``t + window_s/2`` (within the record) are differenced;
        near the ends the window becomes one-sided and shorter. Sparse records (e.g. one
        fix every 16 s) widen it to two median fix intervals so that every point has
        fixes on both sides; :func:`effective_window` gives the width used.

    Returns
    -------
    DataFrame
        Columns ``gps_u``, ``gps_v``, ``gps_wind_speed`` [m s-1],
        ``gps_wind_direction`` [degree, from] on the profile's index; NaN where the
        window holds fewer than two distinct fixes.
    """
    if window_s <= 0:
        raise ValueError(f"window_s must be positive, got {window_s} s")
    n = len(profile)
    out = pd.DataFrame(
        np.nan, index=profile.index,
        columns=["gps_u", "gps_v", "gps_wind_speed", "gps_wind_direction"],
    )  # fmt: skip
    if n < 2 or profile["time"].isna().any():
        return out
    t = epoch_seconds(profile["time"])
    lat = np.deg2rad(profile["latitude"].to_numpy(float))
    lon = np.deg2rad(profile["longitude"].to_numpy(float))
    window = effective_window(t, window_s)
    lo = np.clip(np.searchsorted(t, t - window / 2.0, side="left"), 0, n - 1)
    hi = np.clip(np.searchsorted(t, t + window / 2.0, side="right") - 1, 0, n - 1)
    dt = t[hi] - t[lo]
    valid = dt > 0
    dlon = np.angle(np.exp(1j * (lon[hi] - lon[lo])))  # wrapped to -pi..pi
    with np.errstate(invalid="ignore", divide="ignore"):
        u = np.where(valid, EARTH_RADIUS * np.cos(0.5 * (lat[hi] + lat[lo])) * dlon / dt, np.nan)
        v = np.where(valid, EARTH_RADIUS * (lat[hi] - lat[lo]) / dt, np.nan)
    speed, direction = wind_speed_direction(u, v)
    out["gps_u"], out["gps_v"] = u, v
    out["gps_wind_speed"], out["gps_wind_direction"] = speed, direction
    return out


def model_wind_differences(profile: pd.DataFrame, winds: pd.DataFrame, atmosphere) -> pd.DataFrame:
    """Model (e.g. ERA5) winds at the flight's points and the GPS-minus-model difference.

    Parameters
    ----------
    profile : DataFrame
        Profile with ``time``, ``latitude``, ``longitude``, ``altitude``.
    winds : DataFrame
        Output of :func:`gps_winds` on the same index.
    atmosphere : weather.protocol.Atmosphere
        Any atmosphere (``sample(time_s, lat, lon, alt)``).

    Returns
    -------
    DataFrame
        ``model_u``, ``model_v``, ``model_wind_speed``, ``model_wind_direction``,
        ``diff_u``, ``diff_v`` [m s-1] (GPS minus model); NaN for points outside the
        atmosphere's time range or area, with ``outside_model`` True there.
    """
    from weather.protocol import OutsideAtmosphereError

    t = epoch_seconds(profile["time"])
    lat = profile["latitude"].to_numpy(float)
    lon = profile["longitude"].to_numpy(float)
    alt = profile["altitude"].to_numpy(float)
    model_u = np.full(len(t), np.nan)
    model_v = np.full(len(t), np.nan)
    outside = np.ones(len(t), dtype=bool)
    ok = np.isfinite(t) & np.isfinite(lat) & np.isfinite(lon) & np.isfinite(alt)
    bounds = getattr(atmosphere, "bounds", None)
    if bounds is not None:
        start = bounds.time_start.timestamp()
        end = bounds.time_end.timestamp()
        ok &= (t >= start) & (t <= end)
        ok &= (lat >= bounds.lat_min) & (lat <= bounds.lat_max)
        wrapped = (lon + 180.0) % 360.0 - 180.0  # bounds are in -180..180
        if bounds.lon_min <= bounds.lon_max:
            ok &= (wrapped >= bounds.lon_min) & (wrapped <= bounds.lon_max)
        else:  # the area crosses the antimeridian
            ok &= (wrapped >= bounds.lon_min) | (wrapped <= bounds.lon_max)
    if ok.any():
        try:
            sample = atmosphere.sample(t[ok], lat[ok], lon[ok], alt[ok])
            model_u[ok], model_v[ok] = sample.u, sample.v
            outside[ok] = False
        except OutsideAtmosphereError:
            pass  # all points stay flagged outside
    speed, direction = wind_speed_direction(model_u, model_v)
    return pd.DataFrame(
        {
            "model_u": model_u,
            "model_v": model_v,
            "model_wind_speed": speed,
            "model_wind_direction": np.where(np.isfinite(model_u), direction, np.nan),
            "diff_u": winds["gps_u"].to_numpy() - model_u,
            "diff_v": winds["gps_v"].to_numpy() - model_v,
            "outside_model": outside,
        },
        index=profile.index,
    )
