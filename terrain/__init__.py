"""The ground under the flight: coastline (land/sea, distance to shore) and elevation.

Public API (everything vectorised, SI units, degrees for angles)::

    terrain.is_land(lat_deg, lon_deg) -> ndarray[bool]
    terrain.coast_distance(lat_deg, lon_deg) -> (distance_m, bearing_deg)
    terrain.land_geometry(south, west, north, east) -> shapely geometry
    terrain.prepare_area(south, west, north, east) -> None   # cut/cache an area up front
    terrain.coastline_description() -> str                   # for settings and reports
    terrain.geodesy.inverse / forward                        # WGS84 distances and bearings

The coastline is GSHHG at full resolution, cut into 1-degree tiles that are cached in the
user's cache folder (see docs/terrain.md). Nothing is loaded at import time. This package
depends on nothing else of ours.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import shapely

from terrain import geodesy
from terrain.coastline import default_coastline

__all__ = [
    "coast_distance",
    "coastline_description",
    "geodesy",
    "is_land",
    "land_geometry",
    "prepare_area",
]


def is_land(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> npt.NDArray[np.bool_]:
    """Tell where a point is on land according to the high-resolution coastline.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Latitude [degree_north] and longitude [degree_east, -180..180 or 0..360],
        broadcast together.

    Returns
    -------
    ndarray of bool
        Broadcast shape; False where an input is NaN. A point on the shoreline is land.
    """
    return default_coastline().is_land(lat_deg, lon_deg)


def coast_distance(
    lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Distance [m] and bearing [degree] from each point to the nearest shore.

    Parameters
    ----------
    lat_deg, lon_deg : array_like
        Latitude [degree_north] and longitude [degree_east], broadcast together.

    Returns
    -------
    distance_m : ndarray
        WGS84 geodesic distance to the nearest land [m]; 0 on land; NaN for NaN input or
        when no land lies within about 4 degrees (~440 km).
    bearing_deg : ndarray
        Bearing from the point towards that nearest land [degree, clockwise from true
        north, 0..360]; NaN on land and where the distance is NaN.
    """
    return default_coastline().coast_distance(lat_deg, lon_deg)


def land_geometry(south: float, west: float, north: float, east: float) -> shapely.Geometry:
    """Land in a box [degree] as a shapely (Multi)Polygon in (lon, lat), for drawing maps."""
    return default_coastline().land_geometry(south, west, north, east)


def prepare_area(south: float, west: float, north: float, east: float) -> None:
    """Cut and cache the coastline of an area once, e.g. a weather file's area [degree]."""
    default_coastline().prepare(south, west, north, east)


def coastline_description() -> str:
    """Name and version of the coastline answering :func:`is_land`, for settings/reports."""
    from terrain.coastline_tiles import COASTLINE_NAME, coastline_version

    return f"{COASTLINE_NAME} {coastline_version()}"
