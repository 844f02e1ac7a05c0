"""Great-circle helpers on a spherical Earth (R = 6371.0088 km, the IUGG mean radius)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["EARTH_RADIUS", "great_circle_distance"]

#: Mean Earth radius [m] (IUGG), as used for GPS-drift winds in sounding-products.md 4.1.
EARTH_RADIUS = 6371008.8


def great_circle_distance(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> np.ndarray:
    """Haversine distance between points [m]; latitudes/longitudes in [degree]."""
    p1, p2 = np.deg2rad(np.asarray(lat1, float)), np.deg2rad(np.asarray(lat2, float))
    dlat = p2 - p1
    dlon = np.deg2rad(np.asarray(lon2, float) - np.asarray(lon1, float))
    h = np.sin(dlat / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dlon / 2) ** 2
    return 2.0 * EARTH_RADIUS * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
