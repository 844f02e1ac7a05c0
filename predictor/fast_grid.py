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
from typing import Any

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
    try:
        from weather.grid_atmosphere import R_DRY_AIR, GridAtmosphere
    except ImportError:
        return None
    if type(atmosphere) is not GridAtmosphere:  # subclasses may answer differently
        return None
    ground, axes = atmosphere.surface_kernel_inputs()
    surface = (np.zeros((2, 2)) if ground is None else ground, axes)
    return tuple(atmosphere.kernel_inputs()), surface, ground is not None, float(R_DRY_AIR)


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


#: Columns of the per-member flight parameter array passed to the kernel.
_ASCENT, _TOP, _FLOAT_DURATION, _FLOAT_UNTIL, _K_DESCENT = 0, 1, 2, 3, 4
#: Entries of the kernel's settings tuple (see :func:`solve_grid`).
(_NASA, _SEA_LEVEL, _USE_GROUND, _R_DRY, _STEP, _N_BISECT, _RADIUS, _GLOBAL_LON,
 _MAX_DURATION, _RECORD, _MAX_PTS) = range(11)  # fmt: skip


@njit(cache=True, inline="always")
def _scratch(member):
    """Make one-point query buffers for ``sample_grid``.

    ``(qt, qlat, qlon, qalt, qmember, order, u, v, t, p, flag)``.
    """
    qm = np.empty(1, dtype=np.int64)
    qm[0] = member
    return (
        np.empty(1),
        np.empty(1),
        np.empty(1),
        np.empty(1),
        qm,
        np.empty(0, dtype=np.int64),
        np.empty(1),
        np.empty(1),
        np.empty(1),
        np.empty(1),
        np.empty(1, dtype=np.int8),
    )


@njit(cache=True, inline="always")
def _rates(kind, i, t, y, k, grid, bounds, flight, cfg, scratch):
    """Right-hand side d(lat, lon, alt)/dt [deg s-1, deg s-1, m s-1] at (t, y) into ``k``.

    Returns the atmosphere's level flag of the point (0 inside, 1 above the top level,
    2 below the lowest), or -1 for missing data (NaN wind or density).
    """
    qt, qla, qlo, qal, qm, order, ou, ov, ot, op, of = scratch
    nasa = cfg[_NASA]
    # the solver itself stops members leaving the data; the query is clamped so that the
    # last step's stages (which may poke out) are answered at the edge, as the generic
    # solver does
    qt[0] = min(max(t, bounds[0]), bounds[1])
    qla[0] = min(max(y[0], bounds[2]), bounds[3])
    lq = _wrap(y[1])
    if (not cfg[_GLOBAL_LON]) and bounds[4] <= bounds[5]:
        lq = min(max(lq, bounds[4]), bounds[5])
    qlo[0] = lq
    qal[0] = y[2]
    thermo = kind == 2 and not nasa
    st = sample_grid(*grid, qt, qla, qlo, qal, qm, order, thermo, ou, ov, ot, op, of)
    if st >= 0 or not (math.isfinite(ou[0]) and math.isfinite(ov[0])):
        return -1
    r = cfg[_RADIUS] + y[2]
    coslat = max(math.cos(math.radians(y[0])), 1e-9)
    k[0] = _DEG * ov[0] / r
    k[1] = _DEG * ou[0] / (r * coslat)
    if kind == 0:
        k[2] = flight[i, _ASCENT]
    elif kind == 1:
        k[2] = 0.0
    else:
        rho = _nasa_density(y[2]) if nasa else op[0] / (cfg[_R_DRY] * ot[0])
        if not (math.isfinite(rho) and rho > 0.0):
            return -1
        k[2] = -flight[i, _K_DESCENT] / math.sqrt(rho)
    return int(of[0])


@njit(cache=True, inline="always")
def _stage_over(kind, i, t, t_start, y, flight, surface, cfg, scratch):
    """Tell whether the stage is over at (t, y): top reached, float over, or ground reached."""
    if kind == 0:
        return y[2] >= flight[i, _TOP]
    if kind == 1:
        return (t - t_start >= flight[i, _FLOAT_DURATION]) or (t >= flight[i, _FLOAT_UNTIL])
    g = 0.0
    if cfg[_USE_GROUND] and not cfg[_SEA_LEVEL]:
        qla, qlo, out = scratch[1], scratch[2], scratch[8]
        qla[0] = y[0]
        qlo[0] = y[1]
        bilinear_surface(surface[0], surface[1], qla, qlo, out)
        g = out[0]
    return y[2] <= g


@njit(cache=True, inline="always")
def _advance(y, h, k, out):
    for j in range(3):
        out[j] = y[j] + h * k[j]


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
def _one_member(i, grid, surface, member, start, kinds, flight, bounds, cfg, out):
    """Fly member ``i`` through every stage; 0, or an error code (generic solver then)."""
    traj, npts, final, status, above, below = out
    h = cfg[_STEP]
    record = cfg[_RECORD]
    scratch = _scratch(member[i])
    y = np.empty(3)
    ya = np.empty(3)
    k1 = np.empty(3)
    k2 = np.empty(3)
    k3 = np.empty(3)
    k4 = np.empty(3)
    ke = np.empty(3)
    y1 = np.empty(3)
    ym = np.empty(3)

    t = start[i, 0]
    for j in range(3):
        y[j] = start[i, j + 1]
    status[i] = 0
    for s in range(kinds.shape[0]):
        kind = kinds[s]
        t_start = t
        _put(traj, i, s, 0, t, y)
        c = 1
        done = _stage_over(kind, i, t, t_start, y, flight, surface, cfg, scratch)
        while not done:
            # ---- one RK4 step
            flag0 = 0
            for e in range(4):
                # classic RK4 stages: k1 at t, k2 and k3 at t + h/2, k4 at t + h
                frac = 0.0 if e == 0 else (1.0 if e == 3 else 0.5)
                if e == 0:
                    _advance(y, 0.0, y, ya)  # ya = y (+ 0 * y, exact)
                else:
                    _advance(y, frac * h, k1 if e == 1 else (k2 if e == 2 else k3), ya)
                kk = k1 if e == 0 else (k2 if e == 1 else (k3 if e == 2 else k4))
                flag = _rates(kind, i, t + frac * h, ya, kk, grid, bounds, flight, cfg, scratch)
                if flag < 0:
                    return _ERR_NAN
                if e == 0:
                    flag0 = flag
            for j in range(3):
                y1[j] = y[j] + (h / 6.0) * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
            t1 = t + h
            fired = _stage_over(kind, i, t1, t_start, y1, flight, surface, cfg, scratch)
            dt_used = h
            if fired:
                # bisect on the cubic Hermite interpolant of the step (end derivative ke)
                if _rates(kind, i, t1, y1, ke, grid, bounds, flight, cfg, scratch) < 0:
                    return _ERR_NAN
                lo = 0.0
                hi = 1.0
                for _b in range(cfg[_N_BISECT]):
                    mid = 0.5 * (lo + hi)
                    for j in range(3):
                        ym[j] = _hermite(mid, y[j], k1[j], y1[j], ke[j], h)
                    tm = t + mid * h
                    if _stage_over(kind, i, tm, t_start, ym, flight, surface, cfg, scratch):
                        hi = mid
                    else:
                        lo = mid
                for j in range(3):
                    y1[j] = _hermite(hi, y[j], k1[j], y1[j], ke[j], h)
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
            n = max(n, int(np.max((top - alt0) / ascent / step)) + 4)
        elif kind == "float":
            dur = np.minimum(f_dur, f_until - t0)
            n = max(n, int(np.max(np.where(np.isfinite(dur), dur, 0.0)) / step) + 4)
        else:
            # Terminal speed is at least ~0.97 v0 anywhere below the top (rho <= ~1.3):
            # the descent from the highest start takes at most h / (0.9 v0).
            v0 = k_descent / math.sqrt(1.2250)
            start = np.maximum(top, alt0)
            n = max(n, int(np.max(start / (0.9 * v0)) / step) + 4)
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
    arrays = grid_arrays(atmosphere)
    if arrays is None:
        return None
    grid, surface, use_ground, r_dry = arrays
    n = time.shape[0]
    b = atmosphere.bounds
    bounds = np.array(
        [to_epoch_seconds(b.time_start), to_epoch_seconds(b.time_end)]
        + [b.lat_min, b.lat_max, b.lon_min, b.lon_max]
    )
    n_bisect = max(1, math.ceil(math.log2(step / event_tolerance)))
    kind_codes = np.array([STAGE_KINDS[k] for k in kinds], dtype=np.int64)
    flight = np.ascontiguousarray(
        np.stack(
            [ascent_rate, top_altitude, float_duration, float_until, descent_constant], axis=1
        ),
        dtype=np.float64,
    )
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
        bool((b.lon_max - b.lon_min) >= 359.999),
        float(max_flight_duration),
        bool(record_trajectory),
        int(max_pts),
    )
    start = np.stack([time, latitude, wrap_longitude(longitude), altitude], axis=1)
    start = np.ascontiguousarray(start, dtype=np.float64)
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
    stages = []
    for s, kind in enumerate(kinds):
        width = int(npts[:, s].max()) if n else 0
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
        status=np.array(_STATUS)[status],
        seconds_above_top=above,
        seconds_below_bottom=below,
    )
