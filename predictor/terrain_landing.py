"""Land each member on a DEM (``strato predict --terrain FILE``) instead of the weather grid.

The solver flies every member down to the weather file's orography (a few hundred metres
off in hills and valleys at 28 km cells). This step moves each landing along the member's
own recorded descent to where it meets the DEM: back along the track where the DEM is
higher, or on along the last descent segment's velocity where the DEM is lower (the last
tens of seconds of the fall). No physics is re-done here; the track is the solver's.
Where the coastline (:mod:`terrain`) says sea, the ground is sea level (0 m) whatever the
DEM holds there (0, bathymetry, no data or a coarse coast cell).

Members whose landing the DEM does not cover keep the weather orography, and the result
says so (warning ``terrain_not_covered``, settings ``ground_source``).
"""

from __future__ import annotations

import dataclasses

import numpy as np

from predictor.landing_surface import landing_surface
from predictor.result import FlightPoints, PredictionResult, PredictionWarning, StageTrajectory
from terrain.elevation import ElevationModel
from weather.protocol import Atmosphere

__all__ = ["land_on_dem"]

#: Fixed-point steps when extending a descent below its last point.
_EXTEND_ITERATIONS = 6


def _ground(dem: ElevationModel, la, lo, below=None):
    """Ground [m] at points: the DEM on land, sea level (0 m) where the coastline says sea.

    A DEM's value at sea (0, bathymetry or no data) is not the surface a payload lands on.
    Only points lower than ``below`` [m] (when given) or off the DEM ask the coastline.
    """
    ground = np.atleast_1d(np.asarray(dem.elevation_at(la, lo), dtype=float))
    la, lo = np.broadcast_arrays(np.atleast_1d(la), np.atleast_1d(lo))
    ask = ~np.isfinite(ground) | (ground != 0.0)
    if below is not None:
        ask &= ~np.isfinite(ground) | (
            np.atleast_1d(below) <= max(np.nanmax(ground, initial=0.0), 0.0) + 1.0
        )
    if ask.any():
        import terrain

        sea = np.zeros(ground.shape, dtype=bool)
        sea[ask] = ~terrain.is_land(la[ask], lo[ask])
        ground[sea] = 0.0
    return ground


def _crossing(t, la, lo, al, dem: ElevationModel):
    """Where one descent track meets the ground: (time, lat, lon, alt, index) or None."""
    ground = _ground(dem, la, lo, al)
    above = al - ground
    if not np.isfinite(ground[-1]):
        return None
    ok = np.isfinite(above)
    below = np.flatnonzero(ok & (above <= 0.0))
    if below.size and below[0] > 0 and ok[below[0] - 1]:
        i = int(below[0])
        f = above[i - 1] / (above[i - 1] - above[i])
        pick = [a[i - 1] + f * (a[i] - a[i - 1]) for a in (t, la, lo)]
        return (*pick, float(_ground(dem, pick[1], pick[2])[0]), i)
    if above[-1] <= 0.0:
        return None
    # the DEM is lower than where the solver stopped: continue along the last segment
    dt = t[-1] - t[-2]
    rate = [(a[-1] - a[-2]) / dt for a in (la, lo, al)]
    if not rate[2] < 0.0:
        return None
    lat, lon, h = la[-1], lo[-1], ground[-1]
    for _ in range(_EXTEND_ITERATIONS):
        s = (al[-1] - h) / -rate[2]
        lat, lon = la[-1] + rate[0] * s, lo[-1] + rate[1] * s
        h_new = float(_ground(dem, lat, lon)[0])
        if not np.isfinite(h_new):
            return None
        h = h_new
    s = (al[-1] - h) / -rate[2]
    return (t[-1] + s, la[-1] + rate[0] * s, lo[-1] + rate[1] * s, h, t.size)


def land_on_dem(
    result: PredictionResult, dem: ElevationModel, atmosphere: Atmosphere
) -> PredictionResult:
    """Move landings onto the DEM; members it does not cover keep the weather ground.

    Parameters
    ----------
    result : PredictionResult
        A prediction with recorded trajectories (``record_trajectory=True``).
    dem : ElevationModel
        From :func:`terrain.elevation.open_dem`.
    atmosphere : Atmosphere
        The prediction's atmosphere (for the land/sea fallback only).

    Returns
    -------
    PredictionResult
        New landings, trimmed or extended descent tracks, land/sea and coast distance
        recomputed, ``settings["ground_source"]`` and the ``terrain_not_covered`` warning.
    """
    descent = result.stages[-1]
    n = result.n_members
    landed = result.status == "landed"
    moved = np.zeros(n, dtype=bool)
    t_new, la_new, lo_new, al_new = (
        np.array(a, dtype=float, copy=True)
        for a in (
            result.landing.time,
            result.landing.latitude,
            result.landing.longitude,
            result.landing.altitude,
        )
    )
    width = descent.time.shape[1] + 1
    cols = {}
    for name in ("time", "latitude", "longitude", "altitude"):
        arr = np.full((n, width), np.nan)
        arr[:, : width - 1] = getattr(descent, name)
        cols[name] = arr
    n_points = np.array(descent.n_points, copy=True)
    for m in np.flatnonzero(landed):
        t, la, lo, al = descent.member_arrays(int(m))
        if t.size < 3:  # no recorded track: nothing to follow
            continue
        hit = _crossing(t, la, lo, al, dem)
        if hit is None:
            continue
        tm, lam, lom, alm, i = hit
        for name, value in zip(("time", "latitude", "longitude", "altitude"), hit[:4], strict=True):
            cols[name][m, i:] = np.nan
            cols[name][m, i] = value
        n_points[m] = i + 1
        t_new[m], la_new[m], lo_new[m], al_new[m] = tm, lam, lom, alm
        moved[m] = True
    used = int(n_points.max()) if n_points.size else 0
    stage = StageTrajectory(
        descent.stage,
        *(cols[k][:, :used] for k in ("time", "latitude", "longitude", "altitude")),
        n_points,
    )
    shore = landing_surface(atmosphere, la_new, lo_new)
    warnings = dict(result.warnings)
    missed = landed & ~moved
    settings = dict(result.settings)
    if missed.any():
        warnings["terrain_not_covered"] = PredictionWarning(
            "terrain_not_covered",
            f"the DEM {dem.path.name} does not cover the landing (or no descent track was "
            "recorded): the weather file's orography was used there instead",
            missed,
            np.full(n, np.nan),
        )
    settings["ground_source"] = (
        dem.describe()
        if not missed.any()
        else f"{dem.describe()}; weather orography for {int(missed.sum())} member(s) it does "
        "not cover"
    )
    settings["surface_source"] = shore.source
    return dataclasses.replace(
        result,
        stages=(*result.stages[:-1], stage),
        landing=FlightPoints(t_new, la_new, lo_new, al_new),
        surface=shore.surface,
        warnings=warnings,
        settings=settings,
        coast_distance_m=shore.coast_distance_m,
        coast_bearing_deg=shore.coast_bearing_deg,
    )
