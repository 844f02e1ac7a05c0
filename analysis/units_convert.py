"""Small unit conversions used at the edges (file readers and writers)."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = [
    "KNOT",
    "ZERO_CELSIUS",
    "wind_components",
    "wind_speed_direction",
]

#: One knot [m s-1].
KNOT = 1852.0 / 3600.0
#: 0 degC [K].
ZERO_CELSIUS = 273.15


def wind_components(
    speed: npt.ArrayLike, direction: npt.ArrayLike
) -> tuple[np.ndarray, np.ndarray]:
    """Eastward and northward wind from speed and meteorological direction.

    Parameters
    ----------
    speed : array-like
        Wind speed [m s-1].
    direction : array-like
        Direction the wind blows *from*, clockwise from north [degree].

    Returns
    -------
    u, v : ndarray
        Eastward and northward components [m s-1].
    """
    speed = np.asarray(speed, dtype=float)
    rad = np.deg2rad(np.asarray(direction, dtype=float))
    return -speed * np.sin(rad), -speed * np.cos(rad)


def wind_speed_direction(u: npt.ArrayLike, v: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Speed [m s-1] and meteorological direction [degree, 0..360) from u, v [m s-1].

    Calm (speed 0) gets direction 0, as in MetPy's ``wind_direction`` convention for calm.
    """
    u = np.asarray(u, dtype=float)
    v = np.asarray(v, dtype=float)
    speed = np.hypot(u, v)
    direction = np.mod(np.rad2deg(np.arctan2(-u, -v)), 360.0)
    direction = np.where(speed == 0.0, 0.0, direction)
    return speed, direction
