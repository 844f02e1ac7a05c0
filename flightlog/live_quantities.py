"""Quantities derived live from telemetry: vertical rate, distance and bearing.

Conventions follow chasemapper (telemetry-formats.md §10): the vertical rate is a
least-squares slope over the most recent samples (deduplicated first, so receivers reporting
the same frame cannot make Δt = 0); distances are great-circle on a sphere of radius
6,371,008.8 m (the IUGG mean Earth radius).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from predictor.constants import MEAN_EARTH_RADIUS
from predictor.geodesy import great_circle_distance, initial_bearing

__all__ = ["EARTH_RADIUS", "great_circle", "vertical_rate"]

#: Mean Earth radius (IUGG) [m].
EARTH_RADIUS = MEAN_EARTH_RADIUS


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


def great_circle(lat1: float, lon1: float, lat2: float, lon2: float) -> tuple[float, float]:
    """Distance [m] and initial bearing [degree, clockwise from north] from point 1 to 2.

    Haversine distance and the forward azimuth (:mod:`predictor.geodesy`) on a sphere of
    radius :data:`EARTH_RADIUS`; inputs in degrees.
    """
    distance = great_circle_distance(lat1, lon1, lat2, lon2, radius=EARTH_RADIUS)
    return float(distance), float(initial_bearing(lat1, lon1, lat2, lon2))
