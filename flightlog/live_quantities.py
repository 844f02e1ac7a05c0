"""Quantities derived from telemetry: vertical rate, distance and bearing.

The one vertical-rate definition of Stratoflight (chasemapper's, telemetry-formats.md §10):
the least-squares slope of altitude on time over a window of samples (deduplicated first,
so receivers reporting the same frame cannot make Δt = 0). Live, the window is the most
recent samples (:func:`vertical_rate`, used by the phase detector and the in-flight
prediction); after the flight, a window centred on each sample (:func:`vertical_rates`,
used by the analysis products); chase distances and bearings are WGS84 geodesics
(:mod:`terrain.geodesy`, the one home for distances shown to people).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from terrain import geodesy

__all__ = ["distance_and_bearing", "vertical_rate", "vertical_rates"]


def vertical_rate(times: Sequence[float], altitudes: Sequence[float]) -> float:
    """Least-squares vertical rate of altitude samples [m s-1] (positive upward).

    Parameters
    ----------
    times : sequence of float
        Sample times [s], distinct.
    altitudes : sequence of float
        Altitudes [m].

    Returns
    -------
    float
        Slope of the best-fit line; NaN with fewer than two samples or zero time span.
    """
    t = np.asarray(times, dtype=float)
    h = np.asarray(altitudes, dtype=float)
    good = np.isfinite(t) & np.isfinite(h)
    t, h = t[good], h[good]
    if t.size < 2:
        return math.nan
    dt = t - t.mean()
    denominator = float(np.sum(dt * dt))
    if denominator == 0.0:
        return math.nan
    return float(np.sum(dt * (h - h.mean())) / denominator)


def vertical_rates(
    times: Sequence[float] | np.ndarray, altitudes: Sequence[float] | np.ndarray, window_s: float
) -> np.ndarray:
    """Vertical rate at every sample [m s-1]: :func:`vertical_rate` over a centred window.

    Parameters
    ----------
    times : array_like
        Sample times [s], increasing.
    altitudes : array_like
        Altitudes [m]; NaN samples are left out of every window.
    window_s : float
        Full width of the window centred on each sample [s]; widened to two sample
        intervals (the median) where the data are sparser.

    Returns
    -------
    ndarray
        Least-squares slope per sample; NaN where the window holds fewer than two samples
        with distinct times.
    """
    t = np.asarray(times, dtype=float)
    z = np.asarray(altitudes, dtype=float)
    n = t.size
    if n < 2:
        return np.full(n, np.nan)
    half = 0.5 * max(float(window_s), 2.0 * float(np.median(np.diff(t))))
    lo = np.searchsorted(t, t - half, side="left")
    hi = np.searchsorted(t, t + half, side="right")
    good = np.isfinite(t) & np.isfinite(z)
    t0 = t - t[0]  # sums about the first time keep the cancellation small
    tz = np.where(good, t0, 0.0)
    zz = np.where(good, z, 0.0)

    def window_sum(values: np.ndarray) -> np.ndarray:
        cumulative = np.concatenate([[0.0], np.cumsum(values)])
        return cumulative[hi] - cumulative[lo]

    count = window_sum(good.astype(float))
    s_t, s_z = window_sum(tz), window_sum(zz)
    s_tt, s_tz = window_sum(tz * tz), window_sum(tz * zz)
    with np.errstate(invalid="ignore", divide="ignore"):
        denominator = count * s_tt - s_t * s_t
        slope = (count * s_tz - s_t * s_z) / denominator
    scale = np.maximum(count * s_tt, 1e-300)
    return np.where((count >= 2) & (denominator > 1e-9 * scale), slope, np.nan)


def distance_and_bearing(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> tuple[float, float]:
    """Distance [m] and initial bearing [degree, clockwise from north] from point 1 to 2.

    The WGS84 geodesic (:func:`terrain.geodesy.inverse`); inputs in degrees. The bearing is
    NaN when the points coincide.
    """
    distance, bearing = geodesy.inverse(lat1, lon1, lat2, lon2)
    return float(distance), float(bearing)
