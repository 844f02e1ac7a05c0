"""A generic fixed-step RK4 solver over stages, vectorised over a member axis.

The solver knows nothing about balloons: it integrates ``(lat, lon, alt)`` with each
stage's model until the stage's terminator fires, locates that moment by bisection, and
starts the next stage there (the shape of Tawhiri's ``solver.pyx``, with arrays of members
instead of one flight). Members have their own clocks: after burst each member continues
from its own burst time.

Per right-hand-side evaluation the atmosphere is sampled **once** for all members still in
the stage; the models share that sample. Stage ends are located by bisection on the cubic
Hermite interpolant of the last step (RK4 dense output built from the derivatives at both
ends), to ``event_tolerance`` seconds, without further atmosphere queries.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import numpy.typing as npt

from predictor.constants import DEFAULT_EVENT_TOLERANCE_S, DEFAULT_STEP_S
from predictor.flight_physics import hermite
from predictor.models import Model
from predictor.result import StageTrajectory
from predictor.terminators import Terminator
from weather.protocol import Atmosphere, to_epoch_seconds

__all__ = ["Stage", "SolveOutput", "solve", "wrap_longitude"]

FloatArray = npt.NDArray[np.float64]

#: Longest flight the solver follows before giving up on a member [s] (30 days).
MAX_FLIGHT_DURATION_S = 30 * 86400.0


class Stage(NamedTuple):
    """One flight stage: a name, a model and the terminator that ends it."""

    name: str
    model: Model
    terminator: Terminator


@dataclass
class SolveOutput:
    """What :func:`solve` returns (assembled into a PredictionResult by the caller).

    Attributes
    ----------
    stages : list of StageTrajectory
        Trajectory of each stage (only start and end points without recording).
    time, latitude, longitude, altitude : ndarray, shape (n_members,)
        Final state of each member (the landing, or the last point before it stopped).
    status : ndarray of str
        ``landed`` (finished every stage) or why the member stopped.
    seconds_above_top, seconds_below_bottom : ndarray, shape (n_members,)
        Flight time with the atmosphere reporting ``above_top`` / ``below_bottom`` [s],
        counted at each step's start (resolution: one step).
    """

    stages: list[StageTrajectory]
    time: FloatArray
    latitude: FloatArray
    longitude: FloatArray
    altitude: FloatArray
    status: npt.NDArray[np.str_]
    seconds_above_top: FloatArray
    seconds_below_bottom: FloatArray


def wrap_longitude(lon: npt.ArrayLike) -> np.ndarray:
    """Wrap longitudes [deg] into -180 <= lon < 180 (values already inside are kept exactly)."""
    lon = np.asarray(lon, dtype=np.float64)
    inside = (lon >= -180.0) & (lon < 180.0)
    if inside.all():
        return lon
    return np.where(inside, lon, (lon + 180.0) % 360.0 - 180.0)


class _Sampler:
    """Samples the atmosphere with query points held inside its bounds.

    RK4's trial points of a member about to leave the data may fall just outside; the
    query uses the nearest point inside, and :meth:`outside` tells the solver which
    accepted states really left (those members stop).
    """

    def __init__(self, atmosphere: Atmosphere, member: npt.NDArray[np.int_] | None) -> None:
        self.atmosphere = atmosphere
        b = atmosphere.bounds
        self.t0 = to_epoch_seconds(b.time_start)
        self.t1 = to_epoch_seconds(b.time_end)
        self.lat_min, self.lat_max = b.lat_min, b.lat_max
        self.lon_min, self.lon_max = b.lon_min, b.lon_max
        self.global_lon = (b.lon_max - b.lon_min) >= 359.999
        self.member = member

    def sample(self, t, lat, lon, alt, idx):
        tq = np.clip(t, self.t0, self.t1)
        laq = np.clip(lat, self.lat_min, self.lat_max)
        loq = wrap_longitude(lon)
        if not self.global_lon and self.lon_min <= self.lon_max:
            loq = np.clip(loq, self.lon_min, self.lon_max)
        elif not self.global_lon:  # box across the antimeridian: gap goes to the nearer edge
            gap = (loq < self.lon_min) & (loq > self.lon_max)
            if gap.any():
                east = (loq - self.lon_max) <= (self.lon_min - loq)
                loq = np.where(gap, np.where(east, self.lon_max, self.lon_min), loq)
        member = None if self.member is None else self.member[idx]
        return self.atmosphere.sample(tq, laq, loq, alt, member)

    def outside(self, t, lat, lon) -> tuple[np.ndarray, np.ndarray]:
        time_out = (t < self.t0) | (t > self.t1)
        lo = wrap_longitude(lon)
        area_out = (lat < self.lat_min) | (lat > self.lat_max)
        if not self.global_lon:
            if self.lon_min <= self.lon_max:
                area_out |= (lo < self.lon_min) | (lo > self.lon_max)
            else:  # box across the antimeridian
                area_out |= (lo < self.lon_min) & (lo > self.lon_max)
        return time_out, area_out


class _Recorder:
    """Collects accepted points of one stage and packs them into padded member arrays."""

    def __init__(self, n: int, record: bool) -> None:
        self.n = n
        self.record = record
        self.chunks: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, idx: np.ndarray, t: np.ndarray, y: np.ndarray) -> None:
        if idx.size:
            self.chunks.append((idx, np.array(t, dtype=np.float64), np.array(y)))

    def pack(self, stage: str) -> StageTrajectory:
        counts = np.zeros(self.n, dtype=np.intp)
        for idx, _, _ in self.chunks:
            counts[idx] += 1
        width = int(counts.max()) if self.n else 0
        out = np.full((4, self.n, width), np.nan)
        col = np.zeros(self.n, dtype=np.intp)
        for idx, t, y in self.chunks:
            c = col[idx]
            out[0, idx, c] = t
            out[1:, idx, c] = y
            col[idx] += 1
        return StageTrajectory(stage, out[0], out[1], out[2], out[3], counts)


def solve(
    atmosphere: Atmosphere,
    stages: list[Stage],
    time: npt.ArrayLike,
    latitude: npt.ArrayLike,
    longitude: npt.ArrayLike,
    altitude: npt.ArrayLike,
    *,
    step: float = DEFAULT_STEP_S,
    event_tolerance: float = DEFAULT_EVENT_TOLERANCE_S,
    record_trajectory: bool = True,
    atmosphere_member: npt.ArrayLike | None = None,
    max_flight_duration: float = MAX_FLIGHT_DURATION_S,
) -> SolveOutput:
    """Integrate every member through the stages with RK4 at a fixed step.

    Parameters
    ----------
    atmosphere : weather.protocol.Atmosphere
        Where winds and density come from.
    stages : list of Stage
        The flight profile, flown in order.
    time : array-like, shape (n_members,)
        Start time of each member [s since epoch].
    latitude, longitude, altitude : array-like, shape (n_members,)
        Start position [deg], [deg], [m above mean sea level].
    step : float
        RK4 step [s] (> 0).
    event_tolerance : float
        Stage ends (burst, float end, landing) are located to this time tolerance [s].
    record_trajectory : bool
        Keep every step's point; False keeps only each stage's start and end (much less
        memory for large ensembles that only need landings).
    atmosphere_member : array-like of int, shape (n_members,), optional
        Which ensemble member of the atmosphere data each flight uses.
    max_flight_duration : float
        Members still flying this long after their start stop with status
        ``exceeded_max_duration`` [s].

    Returns
    -------
    SolveOutput

    Raises
    ------
    ValueError
        If the atmosphere returns NaN winds at a point of the flight (missing data in the
        file); the message names the time and place.
    """
    if not (step > 0 and math.isfinite(step)):
        raise ValueError(f"step must be a positive number of seconds, got {step}")
    if not event_tolerance > 0:
        raise ValueError(f"event_tolerance must be positive, got {event_tolerance}")
    t = np.array(time, dtype=np.float64, ndmin=1)
    y = np.array(np.broadcast_arrays(latitude, longitude, altitude), dtype=np.float64, ndmin=2)
    n = t.shape[0]
    if y.shape != (3, n):
        raise ValueError("time, latitude, longitude and altitude need one value per member")
    y[1] = wrap_longitude(y[1])
    member = None if atmosphere_member is None else np.asarray(atmosphere_member, dtype=np.intp)
    sampler = _Sampler(atmosphere, member)
    t_launch = t.copy()
    status = np.full(n, "landed", dtype=object)
    above = np.zeros(n)
    below = np.zeros(n)
    n_bisect = max(1, math.ceil(math.log2(step / event_tolerance)))
    trajectories: list[StageTrajectory] = []

    for stage in stages:
        rec = _Recorder(n, record_trajectory)
        act = np.flatnonzero(status == "landed")
        t_start = t.copy()
        rec.add(act, t[act], y[:, act])
        # Members whose stage is over before it begins (e.g. a float of zero duration).
        if act.size:
            done0 = stage.terminator(t[act], y[0, act], y[1, act], y[2, act], act, t_start[act])
            act = act[~done0]

        def rhs(tt, yy, idx, _stage=stage):
            air = sampler.sample(tt, yy[0], yy[1], yy[2], idx)
            return np.array(_stage.model(tt, yy[0], yy[1], yy[2], air, idx)), air

        while act.size:
            ta = t[act]
            ya = y[:, act]
            h = step
            k1, air = rhs(ta, ya, act)
            if not (np.all(np.isfinite(air.u)) and np.all(np.isfinite(air.v))):
                bad = int(np.flatnonzero(~(np.isfinite(air.u) & np.isfinite(air.v)))[0])
                raise ValueError(
                    f"the atmosphere has no wind (NaN, missing data in the file) at "
                    f"time {ta[bad]:.0f} s since epoch, latitude {ya[0, bad]:.4f}, longitude "
                    f"{ya[1, bad]:.4f}, altitude {ya[2, bad]:.0f} m; use a file without "
                    "gaps there or a different launch"
                )
            k2, _ = rhs(ta + 0.5 * h, ya + (0.5 * h) * k1, act)
            k3, _ = rhs(ta + 0.5 * h, ya + (0.5 * h) * k2, act)
            k4, _ = rhs(ta + h, ya + h * k3, act)
            y1 = ya + (h / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
            t1 = ta + h
            fired = stage.terminator(t1, y1[0], y1[1], y1[2], act, t_start[act])
            dt_used = np.full(act.shape, h)

            if fired.any():
                f_idx = np.flatnonzero(fired)
                g = act[f_idx]
                y0f, y1f, k1f = ya[:, f_idx], y1[:, f_idx], k1[:, f_idx]
                t0f = ta[f_idx]
                kend, _ = rhs(t1[f_idx], y1f, g)
                lo = np.zeros(f_idx.size)
                hi = np.ones(f_idx.size)
                for _ in range(n_bisect):
                    mid = 0.5 * (lo + hi)
                    ym = hermite(mid, y0f, k1f, y1f, kend, h)
                    hit = stage.terminator(t0f + mid * h, ym[0], ym[1], ym[2], g, t_start[g])
                    hi = np.where(hit, mid, hi)
                    lo = np.where(hit, lo, mid)
                y1[:, f_idx] = hermite(hi, y0f, k1f, y1f, kend, h)
                t1[f_idx] = t0f + hi * h
                dt_used[f_idx] = hi * h

            above[act] += dt_used * np.asarray(air.above_top, dtype=bool)
            below[act] += dt_used * np.asarray(air.below_bottom, dtype=bool)
            y1[1] = wrap_longitude(y1[1])

            time_out, area_out = sampler.outside(t1, y1[0], y1[1])
            too_long = (t1 - t_launch[act]) > max_flight_duration
            stop = (time_out | area_out | too_long) & ~fired
            if stop.any():
                s_idx = act[stop]
                status[act[stop & area_out]] = "left_data_area"
                status[act[stop & time_out & ~area_out]] = "left_data_time"
                status[act[stop & too_long & ~time_out & ~area_out]] = "exceeded_max_duration"
                if not record_trajectory:
                    # Their last accepted point is where they stop (recorded unless it is
                    # the stage's start point, which is already there).
                    moved = s_idx[t[s_idx] != t_start[s_idx]]
                    rec.add(moved, t[moved], y[:, moved])
            keep = ~stop
            acc = act[keep]
            t[acc] = t1[keep]
            y[:, acc] = y1[:, keep]
            if record_trajectory:
                rec.add(acc, t1[keep], y1[:, keep])
            else:
                done = act[keep & fired]
                rec.add(done, t[done], y[:, done])
            act = act[keep & ~fired]
        trajectories.append(rec.pack(stage.name))

    return SolveOutput(
        stages=trajectories,
        time=t,
        latitude=y[0],
        longitude=y[1],
        altitude=y[2],
        status=status.astype(str),
        seconds_above_top=above,
        seconds_below_bottom=below,
    )
