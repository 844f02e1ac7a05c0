"""Great-circle helpers on a spherical Earth (R = 6371.0088 km, the IUGG mean radius)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from predictor import geodesy
from predictor.constants import MEAN_EARTH_RADIUS

__all__ = ["EARTH_RADIUS", "great_circle_distance"]

#: Mean Earth radius [m] (IUGG), as used for GPS-drift winds in sounding-products.md 4.1.
EARTH_RADIUS = MEAN_EARTH_RADIUS


def great_circle_distance(
    lat1: npt.ArrayLike, lon1: npt.ArrayLike, lat2: npt.ArrayLike, lon2: npt.ArrayLike
) -> np.ndarray:
    """Haversine distance between points [m]; latitudes/longitudes in [degree].

    :func:`predictor.geodesy.great_circle_distance` on the sphere :data:`EARTH_RADIUS`.
    """
    return geodesy.great_circle_distance(lat1, lon1, lat2, lon2, radius=EARTH_RADIUS)
