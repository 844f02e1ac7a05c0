"""Great-circle distance and bearing on a sphere: the one implementation in Stratoflight.

``predictor.landing_statistics``, ``flightlog.live_quantities`` and ``analysis.geodesy``
call these with their own sphere radius.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from predictor.constants import EARTH_RADIUS

__all__ = ["great_circle_distance", "initial_bearing"]


def _radians(lat1, lat2, lon1, lon2) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Latitudes and the longitude difference in [rad], as plain float64 arrays.

    (Plain arrays: pandas Series would align on their index instead of broadcasting.)
    """
    lat1, lat2, lon1, lon2 = (np.asarray(v, dtype=np.float64) for v in (lat1, lat2, lon1, lon2))
    return np.radians(lat1), np.radians(lat2), np.radians(lon2 - lon1)


def great_circle_distance(
    lat1: npt.ArrayLike,
    lon1: npt.ArrayLike,
    lat2: npt.ArrayLike,
    lon2: npt.ArrayLike,
    radius: float = EARTH_RADIUS,
) -> np.ndarray:
    """Distance along the great circle between two points [m] (haversine formula).

    Parameters
    ----------
    lat1, lon1, lat2, lon2 : array-like
        Points [degree].
    radius : float
        Sphere radius [m]; the predictor's Earth radius by default.
    """
    p1, p2, dl = _radians(lat1, lat2, lon1, lon2)
    dp = p2 - p1
    a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2.0 * radius * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def initial_bearing(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> np.ndarray:
    """Compute the initial bearing from point 1 to point 2 [degree clockwise from north, 0..360)."""
    p1, p2, dl = _radians(lat1, lat2, lon1, lon2)
    x = np.sin(dl) * np.cos(p2)
    y = np.cos(p1) * np.sin(p2) - np.sin(p1) * np.cos(p2) * np.cos(dl)
    return np.degrees(np.arctan2(x, y)) % 360.0
