"""Geopotential [m2 s-2] to geometric altitude [m], done once per dataset."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from weather.standard_atmosphere import (
    EARTH_RADIUS_USSA,
    G0,
    geometric_to_geopotential,
    geopotential_to_geometric,
)

__all__ = [
    "EARTH_RADIUS",
    "STANDARD_GRAVITY",
    "geopotential_to_altitude",
    "altitude_to_geopotential",
]

#: Standard acceleration of gravity g0 [m s-2] (:mod:`weather.constants`).
STANDARD_GRAVITY = G0

#: Effective Earth radius r0 [m] of the U.S. Standard Atmosphere 1976 (:mod:`weather.constants`).
EARTH_RADIUS = EARTH_RADIUS_USSA


def geopotential_to_altitude(geopotential: npt.ArrayLike) -> np.ndarray:
    """Geometric altitude above mean sea level [m] from geopotential [m2 s-2].

    Parameters
    ----------
    geopotential : array_like
        Geopotential Phi [m2 s-2] (ERA5 ``z``; GFS geopotential height times g0).

    Returns
    -------
    ndarray
        Geometric altitude Z [m], float64 (float32 in, float32 out to save memory).

    Notes
    -----
    Two steps: geopotential height ``H = Phi / g0`` with ``g0 = 9.80665 m s-2``, then the
    geometric height for gravity falling off with the inverse square of the distance from
    the Earth's centre, ``Z = r0 H / (r0 - H)``, with the effective radius
    ``r0 = 6356766 m`` of the U.S. Standard Atmosphere 1976 (NOAA-S/T 76-1562, section 1.2.1:
    Z = r0 H / (r0 - H)). Latitude-dependent gravity is **not** used: the 1976 standard
    radius already makes g(0) = g0 at sea level; using local sea-level gravity instead
    (9.780 m s-2 at the equator to 9.832 m s-2 at the poles) would change Z by about
    +-80 m at 30 km, small against the vertical spacing of the levels there (~2 km).
    At 30 km the geometric height is ~142 m above the geopotential height.
    """
    phi = np.asarray(geopotential)
    dtype = np.float32 if phi.dtype == np.float32 else np.float64
    h = phi.astype(np.float64) / STANDARD_GRAVITY
    return geopotential_to_geometric(h).astype(dtype, copy=False)


def altitude_to_geopotential(altitude: npt.ArrayLike) -> np.ndarray:
    """Geopotential [m2 s-2] of a geometric altitude [m] (inverse of the above).

    Notes
    -----
    ``H = r0 Z / (r0 + Z)``, ``Phi = g0 H`` (same constants and source).
    """
    return STANDARD_GRAVITY * geometric_to_geopotential(altitude)
