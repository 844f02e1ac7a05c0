"""Quantities derived live from telemetry: vertical rate, distance and bearing.

Conventions follow chasemapper (telemetry-formats.md §10): the vertical rate is a
least-squares slope over the most recent samples (deduplicated first, so receivers reporting
the same frame cannot make Δt = 0); chase distances and bearings are WGS84 geodesics
(:mod:`terrain.geodesy`, the one home for distances shown to people).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from terrain import geodesy

__all__ = ["distance_and_bearing", "vertical_rate"]


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


def distance_and_bearing(
    lat1: float, lon1: float, lat2: float, lon2: float
) -> tuple[float, float]:
    """Distance [m] and initial bearing [degree, clockwise from north] from point 1 to 2.

    The WGS84 geodesic (:func:`terrain.geodesy.inverse`); inputs in degrees. The bearing is
    NaN when the points coincide.
    """
    distance, bearing = geodesy.inverse(lat1, lon1, lat2, lon2)
    return float(distance), float(bearing)
