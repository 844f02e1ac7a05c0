"""A compiled (numba) fast path of the solver for the built-in profiles on grid atmospheres.

The generic solver (:mod:`predictor.solver`) calls Python model and terminator callables
and the atmosphere once per RK4 evaluation; for a single flight that is ~600 Python-level
calls. For :class:`weather.grid_atmosphere.GridAtmosphere` (ERA5, GFS, the sample) and the
built-in profiles (standard, float, descent; both physics models) this module runs the
**same scheme** inside one compiled loop: the same RK4 step, the same cubic-Hermite
bisection of stage ends, the same wind-drift and descent formulas, and the atmosphere's
own numba interpolation kernel (``weather.interpolation_kernels.sample_grid``). Results agree
with the generic solver to rounding (tests/predictor/test_fast_grid.py).

Anything unusual (another atmosphere type, NaN in the data, a trajectory longer than the
buffer) returns ``None`` and the caller uses the generic solver, which reports it.
"""

from __future__ import annotations

import math
import weakref
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit
from numba.core.errors import TypingError as NumbaTypingError

from predictor.result import StageTrajectory
from predictor.solver import SolveOutput, wrap_longitude
from weather.interpolation_kernels import bilinear_surface, sample_grid
from weather.protocol import Atmosphere, to_epoch_seconds

__all__ = ["STAGE_KINDS", "grid_arrays", "solve_grid"]

#: Stage kinds of the built-in profiles, in the kernel's numbering.
STAGE_KINDS = {"ascent": 0, "float": 1, "descent": 2}
_STATUS = ("landed", "left_data_area", "left_data_time", "exceeded_max_duration")
_STATUS_ARRAY = np.array(_STATUS)
_STATUS_ARRAY.flags.writeable = False
_DEG = 180.0 / math.pi
_ERR_NAN = 6
_ERR_OVERFLOW = 7


def grid_arrays(atmosphere: Atmosphere) -> tuple[Any, ...] | None:
    """Return the compiled kernel's view of a plain GridAtmosphere, or None otherwise.

    Returns ``(grid, surface, use_ground, r_dry)``: the leading ``sample_grid`` arrays
    (:meth:`GridAtmosphere.kernel_inputs`), ``(ground elevation [m], surface axes)``
    (:meth:`GridAtmosphere.surface_kernel_inputs`; a dummy grid when there is no
    orography), whether there is orography, and the gas constant of dry air
    [J kg-1 K-1]. Only the public methods are used.
    """
    prepared = _prepared(atmosphere)
    return None if prepared is None else prepared.arrays


class _Prepared(NamedTuple):
    """What :func:`solve_grid` needs of one atmosphere, built once (the atmosphere is immutable)."""

    bounds_object: Any  # the atmosphere's ``bounds`` these were built from
    arrays: tuple[Any, ...]  # grid_arrays' answer
    bounds: npt.NDArray[np.float64]  # (t0 [s], t1 [s], lat_min, lat_max, lon_min, lon_max)
    global_lon: bool


#: Per-atmosphere kernel inputs; weak keys, so a dropped atmosphere leaves the cache.
_PREPARED: weakref.WeakKeyDictionary[Any, _Prepared] = weakref.WeakKeyDictionary()


def _prepared(atmosphere: Atmosphere) -> _Prepared | None:
    """Return the kernel's inputs for a plain GridAtmosphere (cached per atmosphere), or None."""
    try:
        from weather.grid_atmosphere import R_DRY_AIR, GridAtmosphere
    except ImportError:
        return None
    if type(atmosphere) is not GridAtmosphere:  # subclasses may answer differently
        return None
    b = atmosphere.bounds
    cached = _PREPARED.get(atmosphere)
    if cached is not None and cached.bounds_object is b:
        return cached
    ground, axes = atmosphere.surface_kernel_inputs()
    surface = (np.zeros((2, 2)) if ground is None else ground, axes)
    arrays = (tuple(atmosphere.kernel_inputs()), surface, ground is not None, float(R_DRY_AIR))
    bounds = np.array(
        [to_epoch_seconds(b.time_start), to_epoch_seconds(b.time_end)]
        + [b.lat_min, b.lat_max, b.lon_min, b.lon_max]
    )
    bounds.flags.writeable = False
    prepared = _Prepared(b, arrays, bounds, bool((b.lon_max - b.lon_min) >= 359.999))
    _PREPARED[atmosphere] = prepared
    return prepared


@njit(cache=True)
def _nasa_density(h):
    # Same formulas as predictor.nasa_atmosphere.nasa_three_layer_density.
    if h <= 11000.0:
        t = 15.04 - 0.00649 * h
        p = 101.29 * ((t + 273.1) / 288.08) ** 5.256
    elif h > 25000.0:
        t = -131.21 + 0.00299 * h
        p = 2.488 * ((t + 273.1) / 216.6) ** -11.388
    else:
        t = -56.46
        p = 22.65 * math.exp(1.73 - 0.000157 * h)
    return p / (0.2869 * (t + 273.1))


@njit(cache=True)
def _wrap(lon):
    if lon >= -180.0 and lon < 180.0:
        return lon
    return (lon + 180.0) % 360.0 - 180.0


@njit(cache=True)
def _hermite(theta, y0, f0, y1, f1, h):
    t2 = theta * theta
    t3 = t2 * theta
    return (
        (2 * t3 - 3 * t2 + 1) * y0
        + (t3 - 2 * t2 + theta) * h * f0
        + (-2 * t3 + 3 * t2) * y1
        + (t3 - t2) * h * f1
    )


#: Entries of the kernel's settings tuple (see :func:`solve_grid`).
(_NASA, _SEA_LEVEL, _USE_GROUND, _R_DRY, _STEP, _N_BISECT, _RADIUS, _GLOBAL_LON,
 _MAX_DURATION, _RECORD, _MAX_PTS) = range(11)  # fmt: skip


@njit(cache=True, inline="always")
def _stage_over(kind, t, t_start, alt, ground, flight):
    """Tell whether the stage is over: top reached, float over, or ground reached.

    ``flight`` is the member's (ascent rate, top altitude, float duration, float end,
    descent constant); ``ground`` the ground altitude [m] under the point (descent only).
    Scalars only: the kernel's hot loop passes no arrays here.
    """
    if kind == 0:
        return alt >= flight[1]
    if kind == 1:
        return (t - t_start >= flight[2]) or (t >= flight[3])
    return alt <= ground


@njit(cache=True, inline="always")
def _ground_at(kind, y, surface, cfg, qla, qlo, out):
    """Ground altitude [m] under ``y`` for a descent on orography; 0 otherwise."""
    if kind != 2 or not cfg[_USE_GROUND] or cfg[_SEA_LEVEL]:
        return 0.0
    qla[0] = y[0]
    qlo[0] = y[1]
    bilinear_surface(surface[0], surface[1], qla, qlo, out)
    return out[0]


@njit(cache=True, inline="always")
def _put(traj, i, s, c, t, y):
    traj[i, s, c, 0] = t
    traj[i, s, c, 1] = y[0]
    traj[i, s, c, 2] = y[1]
    traj[i, s, c, 3] = y[2]


@njit(cache=True, inline="always")
def _left_data(t1, y1, bounds, global_lon):
    """0 inside the data, 1 outside the area, 2 outside the time range."""
    lat_lo, lat_hi, lon_lo, lon_hi = bounds[2], bounds[3], bounds[4], bounds[5]
    area_out = y1[0] < lat_lo or y1[0] > lat_hi
    if not global_lon:
        lw = y1[1]
        if lon_lo <= lon_hi:
            area_out = area_out or lw < lon_lo or lw > lon_hi
        else:
            area_out = area_out or (lw < lon_lo and lw > lon_hi)
    if area_out:
        return 1
    if t1 < bounds[0] or t1 > bounds[1]:
        return 2
    return 0


@njit(cache=True)
def _one_member(i, grid, surface, member, start, kinds, flights, bounds, cfg, out):
    """Fly member ``i`` through every stage; 0, or an error code (generic solver then).

    The hot loop is written out in this one function on purpose: moving the atmosphere
    query into a helper (even an inlined one) costs ~20 % on ensembles (measured), as
    numba then manages the ~20 arrays it touches on every call.
    """
    traj, npts, final, status, above, below = out
    nasa, r_dry, radius = cfg[_NASA], cfg[_R_DRY], cfg[_RADIUS]
    h = cfg[_STEP]
    record = cfg[_RECORD]
    t_lo, t_hi = bounds[0], bounds[1]
    lat_lo, lat_hi, lon_lo, lon_hi = bounds[2], bounds[3], bounds[4], bounds[5]
    clamp_lon = (not cfg[_GLOBAL_LON]) and lon_lo <= lon_hi
    row = flights[i]
    flight = (row[0], row[1], row[2], row[3], row[4])  # scalars: no array in the helpers
    qt = np.empty(1)
    qla = np.empty(1)
    qlo = np.empty(1)
    qal = np.empty(1)
    qm = np.full(1, member[i], dtype=np.int64)
    order = np.empty(0, dtype=np.int64)
    ou = np.empty(1)
    ov = np.empty(1)
    ot = np.empty(1)
    op = np.empty(1)
    of = np.empty(1, dtype=np.int8)
    y = np.empty(3)
    y1 = np.empty(3)
    ya = np.empty(3)
    ym = np.empty(3)
    k = np.empty((5, 3))  # RK4 stages k1..k4, then the derivative at the step's end

    t = start[i, 0]
    for j in range(3):
        y[j] = start[i, j + 1]
    status[i] = 0
    for s in range(kinds.shape[0]):
        kind = kinds[s]
        thermo = kind == 2 and not nasa
        t_start = t
        _put(traj, i, s, 0, t, y)
        c = 1
        g = _ground_at(kind, y, surface, cfg, qla, qlo, ot)
        done = _stage_over(kind, t, t_start, y[2], g, flight)
        while not done:
            # ---- evaluations 0-3: the RK4 stages; 4: the derivative at the step's end,
            # only when the step ended the stage (for the Hermite bisection)
            t1 = t + h
            fired = False
            flag0 = 0
            n_eval = 4
            e = 0
            while e < n_eval:
                if e == 4:
                    te = t1
                    for j in range(3):
                        ya[j] = y1[j]
                else:
                    frac = 0.0 if e == 0 else (1.0 if e == 3 else 0.5)
                    te = t + frac * h
                    for j in range(3):
                        ya[j] = y[j] + (frac * h) * k[e - 1, j] if e > 0 else y[j]
                # the solver itself stops members leaving the data; the query is clamped
                # so that a step's stages poking out are answered at the edge
                qt[0] = min(max(te, t_lo), t_hi)
                qla[0] = min(max(ya[0], lat_lo), lat_hi)
                lq = _wrap(ya[1])
                if clamp_lon:
                    lq = min(max(lq, lon_lo), lon_hi)
                qlo[0] = lq
                qal[0] = ya[2]
                st = sample_grid(*grid, qt, qla, qlo, qal, qm, order, thermo, ou, ov, ot, op, of)
                if st >= 0 or not (math.isfinite(ou[0]) and math.isfinite(ov[0])):
                    return _ERR_NAN
                r = radius + ya[2]
                coslat = max(math.cos(math.radians(ya[0])), 1e-9)
                k[e, 0] = _DEG * ov[0] / r
                k[e, 1] = _DEG * ou[0] / (r * coslat)
                if kind == 0:
                    k[e, 2] = flight[0]
                elif kind == 1:
                    k[e, 2] = 0.0
                else:
                    rho = _nasa_density(ya[2]) if nasa else op[0] / (r_dry * ot[0])
                    if not (math.isfinite(rho) and rho > 0.0):
                        return _ERR_NAN
                    k[e, 2] = -flight[4] / math.sqrt(rho)
                if e == 0:
                    flag0 = of[0]
                elif e == 3:
                    for j in range(3):
                        weighted = k[0, j] + 2.0 * k[1, j] + 2.0 * k[2, j] + k[3, j]
                        y1[j] = y[j] + (h / 6.0) * weighted
                    g = _ground_at(kind, y1, surface, cfg, qla, qlo, ot)
                    fired = _stage_over(kind, t1, t_start, y1[2], g, flight)
                    if fired:
                        n_eval = 5
                e += 1
            dt_used = h
            if fired:
                # bisect on the cubic Hermite interpolant of the step
                lo = 0.0
                hi = 1.0
                for _b in range(cfg[_N_BISECT]):
                    mid = 0.5 * (lo + hi)
                    for j in range(3):
                        ym[j] = _hermite(mid, y[j], k[0, j], y1[j], k[4, j], h)
                    g = _ground_at(kind, ym, surface, cfg, qla, qlo, ot)
                    if _stage_over(kind, t + mid * h, t_start, ym[2], g, flight):
                        hi = mid
                    else:
                        lo = mid
                for j in range(3):
                    y1[j] = _hermite(hi, y[j], k[0, j], y1[j], k[4, j], h)
                t1 = t + hi * h
                dt_used = hi * h
            if flag0 == 1:
                above[i] += dt_used
            elif flag0 == 2:
                below[i] += dt_used
            y1[1] = _wrap(y1[1])
            if not fired:
                out_code = _left_data(t1, y1, bounds, cfg[_GLOBAL_LON])
                if out_code == 0 and (t1 - start[i, 0]) > cfg[_MAX_DURATION]:
                    out_code = 3
                if out_code != 0:
                    status[i] = out_code
                    if not record and t != t_start:
                        _put(traj, i, s, 1, t, y)
                        c = 2
                    break
            t = t1
            for j in range(3):
                y[j] = y1[j]
            if record or fired:
                if c >= cfg[_MAX_PTS]:
                    return _ERR_OVERFLOW
                _put(traj, i, s, c, t, y)
                c += 1
            done = fired
        npts[i, s] = c
        if status[i] != 0:
            for s2 in range(s + 1, kinds.shape[0]):
                npts[i, s2] = 0
            break
    final[i, 0] = t
    for j in range(3):
        final[i, j + 1] = y[j]
    return 0


# One thread: a parallel (prange) variant was measured and dropped, because its results
# could differ from the serial kernel's in the last bit (different compiled code), and a
# prediction must not depend on where it ran (e.g. in-process vs a Dask worker).
@njit(cache=True)
def _all_members(grid, surface, member, start, kinds, flight, bounds, cfg, out, codes):
    for i in range(start.shape[0]):
        codes[i] = _one_member(i, grid, surface, member, start, kinds, flight, bounds, cfg, out)


def _max_points(kinds: list[str], alt0, flight, t0, step):
    """Upper bound of points per stage (buffer size); overflow falls back to generic."""
    ascent, top, f_dur, f_until, k_descent = flight.T
    n = 3
    for kind in kinds:
        if kind == "ascent":
            n = max(n, int(((top - alt0) / ascent / step).max()) + 4)
        elif kind == "float":
            dur = np.minimum(f_dur, f_until - t0)
            n = max(n, int(np.where(np.isfinite(dur), dur, 0.0).max() / step) + 4)
        else:
            # Terminal speed is at least ~0.97 v0 anywhere below the top (rho <= ~1.3):
            # the descent from the highest start takes at most h / (0.9 v0).
            v0 = k_descent / math.sqrt(1.2250)
            start = np.maximum(top, alt0)
            n = max(n, int((start / (0.9 * v0)).max() / step) + 4)
    return n


def solve_grid(
    atmosphere: Atmosphere,
    kinds: list[str],
    time: npt.NDArray[np.float64],
    latitude: npt.NDArray[np.float64],
    longitude: npt.NDArray[np.float64],
    altitude: npt.NDArray[np.float64],
    *,
    ascent_rate: npt.NDArray[np.float64],
    top_altitude: npt.NDArray[np.float64],
    float_duration: npt.NDArray[np.float64],
    float_until: npt.NDArray[np.float64],
    descent_constant: npt.NDArray[np.float64],
    nasa_density: bool,
    sea_level: bool,
    step: float,
    event_tolerance: float,
    earth_radius: float,
    record_trajectory: bool,
    atmosphere_member: npt.NDArray[np.intp] | None,
    max_flight_duration: float,
) -> SolveOutput | None:
    """Solve the built-in profile ``kinds`` on a GridAtmosphere in compiled code.

    Arguments are full per-member float64 arrays (shape (n,)): ``top_altitude`` is the
    burst altitude (standard) or float altitude (float), ``float_duration`` /
    ``float_until`` are ``inf`` when unused, and ``descent_constant`` is
    ``v0 * sqrt(rho0)`` [m s-1 kg^0.5 m^-1.5]. Returns None when the fast path does not
    apply or meets anything unusual; the caller then runs the generic solver.
    """
    prepared = _prepared(atmosphere)
    if prepared is None:
        return None
    grid, surface, use_ground, r_dry = prepared.arrays
    bounds = prepared.bounds
    n = time.shape[0]
    n_bisect = max(1, math.ceil(math.log2(step / event_tolerance)))
    kind_codes = np.array([STAGE_KINDS[k] for k in kinds], dtype=np.int64)
    flight = np.empty((n, 5))
    flight[:, 0] = ascent_rate
    flight[:, 1] = top_altitude
    flight[:, 2] = float_duration
    flight[:, 3] = float_until
    flight[:, 4] = descent_constant
    max_pts = 2
    if record_trajectory:
        max_pts = _max_points(kinds, altitude, flight, time, step)
    cfg = (
        bool(nasa_density),
        bool(sea_level),
        bool(use_ground),
        float(r_dry),
        float(step),
        int(n_bisect),
        float(earth_radius),
        prepared.global_lon,
        float(max_flight_duration),
        bool(record_trajectory),
        int(max_pts),
    )
    start = np.empty((n, 4))
    start[:, 0] = time
    start[:, 1] = latitude
    start[:, 2] = wrap_longitude(longitude)
    start[:, 3] = altitude
    traj = np.full((n, len(kinds), max_pts, 4), np.nan)
    npts = np.zeros((n, len(kinds)), dtype=np.int64)
    final = np.empty((n, 4))
    status = np.zeros(n, dtype=np.int8)
    above = np.zeros(n)
    below = np.zeros(n)
    member = (
        np.zeros(n, dtype=np.int64)
        if atmosphere_member is None
        else np.ascontiguousarray(atmosphere_member, dtype=np.int64)
    )
    codes = np.zeros(n, dtype=np.int64)
    out = (traj, npts, final, status, above, below)
    try:
        _all_members(grid, surface, member, start, kind_codes, flight, bounds, cfg, out, codes)
    except NumbaTypingError:  # the grid kernel's signature changed: generic solver
        return None
    if codes.any():  # NaN in the data or a full buffer: the generic solver reports it
        return None
    widths = npts.max(axis=0).tolist() if n else [0] * len(kinds)
    stages = []
    for s, kind in enumerate(kinds):
        width = int(widths[s])
        block = traj[:, s, :width]
        stages.append(
            StageTrajectory(
                kind,
                block[..., 0].copy(),
                block[..., 1].copy(),
                block[..., 2].copy(),
                block[..., 3].copy(),
                npts[:, s].astype(np.intp),
            )
        )
    return SolveOutput(
        stages=stages,
        time=final[:, 0].copy(),
        latitude=final[:, 1].copy(),
        longitude=final[:, 2].copy(),
        altitude=final[:, 3].copy(),
        status=_STATUS_ARRAY[status],
        seconds_above_top=above,
        seconds_below_bottom=below,
    )
