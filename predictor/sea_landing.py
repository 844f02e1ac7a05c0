"""A landing at sea ends at sea level (0 m), not on the weather file's coarse ground.

The solver ends a descent on the weather file's orography (``termination: ground``),
interpolated from cells about 28 km wide (ERA5): near a coast that ground is often metres to
hundreds of metres high at points the coastline (:mod:`terrain`) calls sea. Asking the
coastline at every solver step would cost the compiled kernel its speed, so the solve keeps
the weather ground and this step finishes the fall afterwards: a member the coastline puts
at sea above 0 m falls on, at the parachute's terminal speed and with the wind at its
landing point, down to 0 m. If that last drop carries it over the shore, it lands where its
path crosses the coastline (on land, at the height it had there). The descent track gets the
new end, so the reported landing and the end of the descent always agree.

Where the weather ground at a sea point is already at or below 0 m (a sea below sea level,
like the Caspian), nothing changes. The ``cusf`` model ends at sea level everywhere and
never reaches this step.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from predictor.flight_physics import descent_speed, drift_rates
from predictor.landing_surface import LandingSurface
from predictor.result import FlightPoints, StageTrajectory
from predictor.solver import wrap_longitude
from weather.protocol import Atmosphere
from weather.standard_atmosphere import ussa1976_density

__all__ = ["fall_to_sea_level", "with_new_ends"]

#: Bisection steps locating where a last drop crosses the shore (2^-30 of the drop).
_SHORE_BISECTIONS = 30


def _fields(points: FlightPoints) -> tuple[npt.NDArray[np.float64], ...]:
    """``(time, latitude, longitude, altitude)`` of some points."""
    return points.time, points.latitude, points.longitude, points.altitude


def with_new_ends(
    stage: StageTrajectory,
    members: npt.NDArray[np.intp],
    end: FlightPoints,
    append: bool,
) -> StageTrajectory:
    """Return ``stage`` with a new last point for ``members``.

    Parameters
    ----------
    stage : StageTrajectory
        The descent stage.
    members : ndarray of int
        Which members get a new end.
    end : FlightPoints
        Their new end points (one per entry of ``members``) [s], [deg], [deg], [m].
    append : bool
        True: add the point after the member's last one (a recorded track); False: replace
        the last point (a solve without recording keeps only start and end).
    """
    n_points = np.array(stage.n_points, copy=True)
    width = stage.time.shape[1] + (1 if append else 0)
    cols = []
    for name in ("time", "latitude", "longitude", "altitude"):
        arr = np.full((stage.n_members, width), np.nan)
        arr[:, : stage.time.shape[1]] = getattr(stage, name)
        cols.append(arr)
    at = n_points[members] if append else np.maximum(n_points[members] - 1, 0)
    for arr, value in zip(cols, _fields(end), strict=True):
        arr[members, at] = value
    n_points[members] = at + 1
    used = int(n_points.max()) if n_points.size else 0
    return StageTrajectory(stage.stage, *(a[:, :used] for a in cols), n_points)


def fall_to_sea_level(
    atmosphere: Atmosphere,
    stages: tuple[StageTrajectory, ...],
    landing: FlightPoints,
    shore: LandingSurface,
    descent_rate: npt.NDArray[np.float64],
    sea_level_density: float,
    earth_radius: float,
    member: npt.NDArray[np.int_] | None = None,
    append: bool = True,
) -> tuple[tuple[StageTrajectory, ...], FlightPoints, LandingSurface]:
    """Finish the fall of members landed at sea above 0 m down to sea level.

    Parameters
    ----------
    atmosphere : Atmosphere
        Wind and density at the landing points.
    stages : tuple of StageTrajectory
        The solve's stages; the last is the descent.
    landing : FlightPoints
        The solver's landings (NaN for members that did not land).
    shore : LandingSurface
        :func:`predictor.landing_surface.landing_surface` at those landings.
    descent_rate : ndarray, shape (n_members,)
        Descent rate at sea-level density [m s-1].
    sea_level_density : float
        The density the descent rate refers to [kg m-3].
    earth_radius : float
        Sea-level radius of the solver's sphere [m].
    member : ndarray of int, optional
        The data's ensemble member of each member.
    append : bool
        Whether the descent was recorded (add a point) or keeps only its ends (replace).

    Returns
    -------
    tuple
        ``(stages, landing, shore)`` with the moved members' new ends; unchanged when no
        member landed at sea above 0 m.
    """
    alt = np.asarray(landing.altitude, dtype=float)
    high = (shore.surface == "sea") & np.isfinite(alt) & (alt > 0.0)
    idx = np.flatnonzero(high)
    if idx.size == 0 or not shore.source.startswith("coastline"):
        return stages, landing, shore
    import terrain

    t, la, lo, h = (np.asarray(a, dtype=float)[idx] for a in _fields(landing))
    air = atmosphere.sample(t, la, lo, h, None if member is None else member[idx])
    rho = np.asarray(air.density, dtype=float)
    if not np.isfinite(rho).all():
        rho = np.where(np.isfinite(rho), rho, ussa1976_density(h))
    rate = np.broadcast_to(np.asarray(descent_rate, dtype=float), alt.shape)[idx]
    down = -descent_speed(rate * np.sqrt(sea_level_density), rho)  # [m s-1], > 0
    dt = h / down
    dlat, dlon = drift_rates(
        np.asarray(air.u, dtype=float), np.asarray(air.v, dtype=float), la, h, earth_radius
    )

    def at(f, k=slice(None)):
        return la[k] + f * dlat[k] * dt[k], wrap_longitude(lo[k] + f * dlon[k] * dt[k])

    # how far along the drop it stays at sea: 1 (all the way) or where it meets the shore
    frac = np.ones(idx.size)
    ashore = np.flatnonzero(terrain.is_land(*at(frac)))
    if ashore.size:  # bisect those members only
        lo_f, hi_f = np.zeros(ashore.size), np.ones(ashore.size)
        for _ in range(_SHORE_BISECTIONS):
            mid = 0.5 * (lo_f + hi_f)
            land = terrain.is_land(*at(mid, ashore))
            hi_f = np.where(land, mid, hi_f)
            lo_f = np.where(land, lo_f, mid)
        frac[ashore] = hi_f
    lat_end, lon_end = at(frac)
    end = FlightPoints(t + frac * dt, lat_end, lon_end, h * (1.0 - frac))

    new_landing = FlightPoints(*(np.array(a, dtype=float, copy=True) for a in _fields(landing)))
    for arr, value in zip(_fields(new_landing), _fields(end), strict=True):
        arr[idx] = value
    descent = with_new_ends(stages[-1], idx, end, append)
    # the bisection ends every ashore member on the land side; the others stay at sea
    surface = np.array(shore.surface, dtype=object)  # "sea" may become "land"
    distance, bearing = (
        np.array(a, dtype=float, copy=True)
        for a in (shore.coast_distance_m, shore.coast_bearing_deg)
    )
    moved = np.full(idx.size, "sea", dtype=object)
    moved[ashore] = "land"
    surface[idx], distance[idx], bearing[idx] = moved, np.nan, np.nan
    new_shore = LandingSurface(surface.astype(str), distance, bearing, shore.source)
    return (*stages[:-1], descent), new_landing, new_shore
