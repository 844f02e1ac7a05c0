"""Land or sea under each landing, and how far out a sea landing is.

The high-resolution coastline (:mod:`terrain`) decides; the weather file's land-sea mask
(about 28 km cells for ERA5) is only the stated fallback when the coastline cannot be
read. One function, used by every prediction (single, ensemble, plan, in-flight).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from localization import _, format_number
from predictor.landing_statistics import LAND_THRESHOLD
from weather.protocol import Atmosphere

__all__ = [
    "LandingSurface",
    "describe_landing_surface",
    "landing_surface",
    "weather_mask_surface",
    "with_coast_distance",
]


class LandingSurface(NamedTuple):
    """Surface at landing points (arrays of shape (n_members,))."""

    surface: npt.NDArray[np.str_]
    """``land`` / ``sea`` / ``unknown`` (not landed, or no source could say)."""
    coast_distance_m: npt.NDArray[np.float64]
    """Distance from a sea landing to the nearest shore [m]; NaN otherwise."""
    coast_bearing_deg: npt.NDArray[np.float64]
    """Bearing from a sea landing to the nearest shore [degree from true north]; NaN otherwise."""
    source: str
    """What decided land/sea, for the settings."""


def weather_mask_surface(
    atmosphere: Atmosphere | None, lat: npt.ArrayLike, lon: npt.ArrayLike
) -> npt.NDArray[np.str_]:
    """Land/sea from the atmosphere's land-sea mask alone (the coarse fallback).

    Land where the bilinear land fraction is >= 0.5; ``unknown`` at NaN points and when the
    atmosphere has no surface data.
    """
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    out = np.full(lat.shape, "unknown", dtype=object)
    ok = np.isfinite(lat) & np.isfinite(lon)
    if atmosphere is not None and atmosphere.has_surface and ok.any():
        frac = np.asarray(atmosphere.land_fraction(lat[ok], lon[ok]), dtype=float)
        out[ok] = np.where(
            np.isfinite(frac), np.where(frac >= LAND_THRESHOLD, "land", "sea"), "unknown"
        )
    return out.astype(str)


def landing_surface(
    atmosphere: Atmosphere | None,
    lat: npt.ArrayLike,
    lon: npt.ArrayLike,
    *,
    coast_distance: bool = True,
) -> LandingSurface:
    """Decide land or sea at landing points, and the distance/bearing to shore at sea.

    Parameters
    ----------
    atmosphere : Atmosphere or None
        Used only when the coastline cannot answer (its land-sea mask, if any; None: the
        surface is then ``unknown``).
    lat, lon : array_like, shape (n_members,)
        Landing points [degree]; NaN for members that did not land.
    coast_distance : bool
        Also measure the distance and bearing to the shore of sea landings (NaN when
        False; :func:`with_coast_distance` adds them later).

    Returns
    -------
    LandingSurface
    """
    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    ok = np.isfinite(lat) & np.isfinite(lon)
    distance = np.full(lat.shape, np.nan)
    bearing = np.full(lat.shape, np.nan)
    surface = np.full(lat.shape, "unknown", dtype=object)
    try:
        import terrain

        source = f"coastline: {terrain.coastline_description()}"
        if ok.any():
            land = terrain.is_land(lat[ok], lon[ok])
            surface[ok] = np.where(land, "land", "sea")
            at_sea = np.flatnonzero(ok)[~land]
            if at_sea.size and coast_distance:
                d, b = terrain.coast_distance(lat[at_sea], lon[at_sea])
                distance[at_sea], bearing[at_sea] = d, b
    except (ImportError, OSError, MemoryError) as exc:
        reason = f"{type(exc).__name__}: {exc}"
        source = f"weather land-sea mask (fallback: the coastline could not be read: {reason})"
        surface = weather_mask_surface(atmosphere, lat, lon).astype(object)
    return LandingSurface(surface.astype(str), distance, bearing, source)


def with_coast_distance(
    shore: LandingSurface, lat: npt.ArrayLike, lon: npt.ArrayLike
) -> LandingSurface:
    """Fill in the distance and bearing to the shore of sea landings that lack them.

    Parameters
    ----------
    shore : LandingSurface
        Surfaces decided with ``coast_distance=False`` (or partly measured).
    lat, lon : array_like, shape (n_members,)
        The landing points [degree].

    Returns
    -------
    LandingSurface
        The same surfaces with ``coast_distance_m`` / ``coast_bearing_deg`` at sea.
    """
    todo = np.flatnonzero((shore.surface == "sea") & ~np.isfinite(shore.coast_distance_m))
    if todo.size == 0 or not shore.source.startswith("coastline"):
        return shore
    import terrain

    lat = np.atleast_1d(np.asarray(lat, dtype=float))
    lon = np.atleast_1d(np.asarray(lon, dtype=float))
    distance = np.array(shore.coast_distance_m, dtype=float, copy=True)
    bearing = np.array(shore.coast_bearing_deg, dtype=float, copy=True)
    distance[todo], bearing[todo] = terrain.coast_distance(lat[todo], lon[todo])
    return LandingSurface(shore.surface, distance, bearing, shore.source)


def describe_landing_surface(
    surface: str, coast_distance_m: float | None, coast_bearing_deg: float | None
) -> str:
    """Say where a landing is in one phrase for people, in their language.

    For example ``lands at sea, 11.8 km from the coast, bearing 290°``: the bearing points
    from the landing to the nearest shore [degree from true north].
    """
    if surface == "land":
        return _("lands on land")
    if surface != "sea":
        return _("land or sea unknown")
    if coast_distance_m is None or not np.isfinite(coast_distance_m):
        return _("lands at sea, far from any coast (more than ~400 km)")
    km = coast_distance_m / 1000.0
    dist = (
        f"{format_number(km, 1)} km" if km >= 0.95 else f"{format_number(coast_distance_m, 0)} m"
    )
    text = _("lands at sea, {distance} from the coast").format(distance=dist)
    if coast_bearing_deg is not None and np.isfinite(coast_bearing_deg):
        text += ", " + _("bearing {bearing}°").format(bearing=format_number(coast_bearing_deg, 0))
    return text
