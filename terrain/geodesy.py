"""Distances and bearings on the WGS84 ellipsoid: the one home for people-facing geodesy.

Everything a person reads as a distance [m] or a bearing [degree, clockwise from true
north] comes from here, computed on the WGS84 ellipsoid with :class:`pyproj.Geod`
(Karney's geodesic algorithms, accurate to nanometres). Functions are vectorised: they
take scalars or arrays (broadcast together) and return float arrays.

pyproj is imported on first use. eccodes 2.43 and later crash next to pyproj (see
known-pitfalls); the project pins eccodes below 2.43 and ``tests/terrain`` keeps a
subprocess import-order test.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    import pyproj

__all__ = ["WGS84", "forward", "geod", "inverse", "normalize_bearing"]

FloatArray = npt.NDArray[np.float64]

#: Name of the ellipsoid every distance and bearing here is measured on.
WGS84 = "WGS84"


@lru_cache(maxsize=1)
def geod() -> pyproj.Geod:
    """Return the shared WGS84 :class:`pyproj.Geod` (created on first use)."""
    import pyproj

    return pyproj.Geod(ellps=WGS84)


def _arrays(*values: npt.ArrayLike) -> list[FloatArray]:
    arrays = [np.asarray(v, dtype=float) for v in values]
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays):
        arrays = np.broadcast_arrays(*arrays)
    return [np.array(a, dtype=float) for a in arrays]


def _finite_fill(*arrays: FloatArray) -> tuple[FloatArray | None, list[FloatArray]]:
    """Flat inputs for pyproj with non-finite points zeroed, and where they were.

    Returns ``(bad, fill)``: ``bad`` is None when every input is finite (the usual case,
    no masking needed), else the boolean mask of points with a NaN or infinite input.
    """
    bad = ~np.logical_and.reduce([np.isfinite(a) for a in arrays])
    if not bad.any():
        return None, [a.ravel() for a in arrays]
    return bad, [np.where(bad, 0.0, a).ravel() for a in arrays]


def normalize_bearing(bearing_deg: npt.ArrayLike) -> FloatArray:
    """Map bearings to 0 <= bearing < 360 [degree]; NaN stays NaN."""
    b = np.mod(np.asarray(bearing_deg, dtype=float), 360.0)
    return np.where(b >= 360.0, 0.0, b)


def inverse(
    lat1_deg: npt.ArrayLike,
    lon1_deg: npt.ArrayLike,
    lat2_deg: npt.ArrayLike,
    lon2_deg: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Distance and bearing from point 1 to point 2 along the WGS84 geodesic.

    Parameters
    ----------
    lat1_deg, lon1_deg : array_like
        Start point latitude and longitude [degree]; broadcast with the end point.
    lat2_deg, lon2_deg : array_like
        End point latitude and longitude [degree].

    Returns
    -------
    distance_m : ndarray
        Geodesic distance [m]; NaN where an input is NaN.
    bearing_deg : ndarray
        Initial bearing at point 1 towards point 2 [degree, 0 <= b < 360, clockwise from
        true north]; NaN where an input is NaN or the points coincide.
    """
    la1, lo1, la2, lo2 = _arrays(lat1_deg, lon1_deg, lat2_deg, lon2_deg)
    shape = la1.shape
    bad, fill = _finite_fill(lo1, la1, lo2, la2)
    az, _back, dist = geod().inv(*fill)
    dist = np.asarray(dist, dtype=float).reshape(shape)
    bearing = normalize_bearing(np.asarray(az, dtype=float).reshape(shape))
    if bad is not None:
        dist = np.where(bad, np.nan, dist)
        bearing = np.where(bad | (dist == 0.0), np.nan, bearing)
    else:
        bearing = np.where(dist == 0.0, np.nan, bearing)
    return dist, bearing


def forward(
    lat_deg: npt.ArrayLike,
    lon_deg: npt.ArrayLike,
    bearing_deg: npt.ArrayLike,
    distance_m: npt.ArrayLike,
) -> tuple[FloatArray, FloatArray]:
    """Point reached going ``distance_m`` along the geodesic leaving at ``bearing_deg``.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Start latitude and longitude [degree].
    bearing_deg : array_like
        Initial bearing [degree, clockwise from true north].
    distance_m : array_like
        Distance along the geodesic [m].

    Returns
    -------
    lat_deg, lon_deg : ndarray
        End point [degree]; longitude in -180..180. NaN where an input is NaN.
    """
    la, lo, az, d = _arrays(lat_deg, lon_deg, bearing_deg, distance_m)
    shape = la.shape
    bad, fill = _finite_fill(lo, la, az, d)
    lon2, lat2, _back = geod().fwd(*fill)
    lat2 = np.asarray(lat2, dtype=float).reshape(shape)
    lon2 = np.asarray(lon2, dtype=float).reshape(shape)
    if bad is not None:
        lat2 = np.where(bad, np.nan, lat2)
        lon2 = np.where(bad, np.nan, lon2)
    return lat2, lon2
