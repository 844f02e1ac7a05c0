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


#: Leading ``sample_grid`` parameters and the GridAtmosphere attribute holding each.
_GRID_ATTRIBUTES = {"alt_grid": "_alt_grid", "field_grid": "_field_grid", "flat": "_flat",
                    "shape": "_shape", "times": "_times", "grid": "_axes", "lnp": "_lnp"}
#: Optional ``sample_grid`` parameters between the query and ``want_thermo``, with the value
#: that means "default" (``order``: empty = points in their given order).
_MIDDLE_DEFAULTS = {"order": lambda: np.empty(0, dtype=np.int64)}


def _kernel_inputs(atmosphere: Any) -> tuple[tuple[Any, ...], tuple[Any, ...]] | None:
    """Return the ``sample_grid`` arguments around the query: (leading grid arrays, middle).

    Reads the kernel's parameter names, so small signature changes in
    weather/interpolation_kernels.py are followed; uses ``atmosphere.kernel_inputs()`` for
    the grid arrays when the grid offers it. Anything unknown turns the fast path off (the
    generic solver runs: same results, slower).
    """
    import inspect

    params = list(inspect.signature(getattr(sample_grid, "py_func", sample_grid)).parameters)
    try:
        q0 = params.index("q_time")
        qm = params.index("q_member")
        th = params.index("want_thermo")
    except ValueError:
        return None
    if params[q0:qm + 1] != ["q_time", "q_lat", "q_lon", "q_alt", "q_member"]:
        return None
    middle_names = params[qm + 1:th]
    if any(name not in _MIDDLE_DEFAULTS for name in middle_names):
        return None
    middle = tuple(_MIDDLE_DEFAULTS[name]() for name in middle_names)
    public = getattr(atmosphere, "kernel_inputs", None)
    if callable(public):
        return tuple(public()), middle
    leading = []
    for name in params[:q0]:
        attr = _GRID_ATTRIBUTES.get(name)
        if attr is None or not hasattr(atmosphere, attr):
            return None
        leading.append(getattr(atmosphere, attr))
    return tuple(leading), middle


def grid_arrays(atmosphere: Atmosphere) -> tuple[Any, ...] | None:
    """Return the interpolation arrays of a plain GridAtmosphere, or None otherwise.

    Returns ``(grid_args, middle_args, ground, surface_axes, use_ground, r_dry)``.
    """
    try:
        from weather.grid_atmosphere import R_DRY_AIR, GridAtmosphere
    except ImportError:
        return None
    if type(atmosphere) is not GridAtmosphere:
        return None
    inputs = _kernel_inputs(atmosphere)
    ground = getattr(atmosphere, "_ground", None)
    axes = getattr(atmosphere, "_surface_axes", None)
    if inputs is None or axes is None:
        return None
    return (inputs[0], inputs[1], np.zeros((2, 2)) if ground is None else ground, axes,
            ground is not None, float(R_DRY_AIR))


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
    return ((2 * t3 - 3 * t2 + 1) * y0 + (t3 - 2 * t2 + theta) * h * f0
            + (-2 * t3 + 3 * t2) * y1 + (t3 - t2) * h * f1)


@njit(cache=True)
def _one_member(i, grid, middle, ground, surf_axes, use_ground, r_dry, member,
                t_in, lat_in, lon_in, alt_in, kinds, ascent, top, f_dur, f_until, k_descent,
                nasa, sea_level, step, n_bisect, radius, bounds, global_lon, max_duration,
                record, max_pts, traj, npts, final, status, above, below):
    t_lo, t_hi, lat_lo, lat_hi, lon_lo, lon_hi = (
        bounds[0], bounds[1], bounds[2], bounds[3], bounds[4], bounds[5])
    clamp_lon = (not global_lon) and lon_lo <= lon_hi
    qt = np.empty(1)
    qla = np.empty(1)
    qlo = np.empty(1)
    qal = np.empty(1)
    qm = np.zeros(1, dtype=np.int64)
    ou = np.empty(1)
    ov = np.empty(1)
    ot = np.empty(1)
    op = np.empty(1)
    of = np.empty(1, dtype=np.int8)
    y = np.empty(3)
    ya = np.empty(3)
    k1 = np.empty(3)
    k2 = np.empty(3)
    k3 = np.empty(3)
    k4 = np.empty(3)
    ke = np.empty(3)
    y1 = np.empty(3)
    ym = np.empty(3)
    n_stage = kinds.shape[0]

    t = t_in[i]
    y[0] = lat_in[i]
    y[1] = lon_in[i]
    y[2] = alt_in[i]
    qm[0] = member[i]
    status[i] = 0
    for s in range(n_stage):
        kind = kinds[s]
        thermo = kind == 2 and not nasa
        t_start = t
        traj[i, s, 0, 0] = t
        traj[i, s, 0, 1] = y[0]
        traj[i, s, 0, 2] = y[1]
        traj[i, s, 0, 3] = y[2]
        c = 1
        # ---- terminator at the start (e.g. a float of zero duration)
        if kind == 0:
            done = y[2] >= top[i]
        elif kind == 1:
            done = (t - t_start >= f_dur[i]) or (t >= f_until[i])
        else:
            g = 0.0
            if use_ground and not sea_level:
                qla[0] = y[0]
                qlo[0] = y[1]
                bilinear_surface(ground, surf_axes, qla, qlo, ot)
                g = ot[0]
            done = y[2] <= g
        while not done:
            h = step
            flag0 = 0
            # ---- four evaluations of the right-hand side
            for e in range(4):
                if e == 0:
                    te = t
                    for j in range(3):
                        ya[j] = y[j]
                elif e == 1:
                    te = t + 0.5 * h
                    for j in range(3):
                        ya[j] = y[j] + (0.5 * h) * k1[j]
                elif e == 2:
                    te = t + 0.5 * h
                    for j in range(3):
                        ya[j] = y[j] + (0.5 * h) * k2[j]
                elif e == 3:
                    te = t + h
                    for j in range(3):
                        ya[j] = y[j] + h * k3[j]
                qt[0] = min(max(te, t_lo), t_hi)
                qla[0] = min(max(ya[0], lat_lo), lat_hi)
                lq = _wrap(ya[1])
                if clamp_lon:
                    lq = min(max(lq, lon_lo), lon_hi)
                qlo[0] = lq
                qal[0] = ya[2]
                st = sample_grid(*grid, qt, qla, qlo, qal, qm, *middle,
                                 thermo, ou, ov, ot, op, of)
                if st >= 0 or not (math.isfinite(ou[0]) and math.isfinite(ov[0])):
                    return _ERR_NAN
                r = radius + ya[2]
                coslat = max(math.cos(math.radians(ya[0])), 1e-9)
                dlat = _DEG * ov[0] / r
                dlon = _DEG * ou[0] / (r * coslat)
                if kind == 0:
                    dalt = ascent[i]
                elif kind == 1:
                    dalt = 0.0
                else:
                    if nasa:
                        rho = _nasa_density(ya[2])
                    else:
                        rho = op[0] / (r_dry * ot[0])
                    if not (math.isfinite(rho) and rho > 0.0):
                        return _ERR_NAN
                    dalt = -k_descent[i] / math.sqrt(rho)
                kk = k1 if e == 0 else (k2 if e == 1 else (k3 if e == 2 else k4))
                kk[0] = dlat
                kk[1] = dlon
                kk[2] = dalt
                if e == 0:
                    flag0 = of[0]
            for j in range(3):
                y1[j] = y[j] + (h / 6.0) * (k1[j] + 2.0 * k2[j] + 2.0 * k3[j] + k4[j])
            t1 = t + h
            # ---- terminator at the step's end
            if kind == 0:
                fired = y1[2] >= top[i]
            elif kind == 1:
                fired = (t1 - t_start >= f_dur[i]) or (t1 >= f_until[i])
            else:
                g = 0.0
                if use_ground and not sea_level:
                    qla[0] = y1[0]
                    qlo[0] = y1[1]
                    bilinear_surface(ground, surf_axes, qla, qlo, ot)
                    g = ot[0]
                fired = y1[2] <= g
            dt_used = h
            if fired:
                # derivative at the step's end for the Hermite interpolant
                qt[0] = min(max(t1, t_lo), t_hi)
                qla[0] = min(max(y1[0], lat_lo), lat_hi)
                lq = _wrap(y1[1])
                if clamp_lon:
                    lq = min(max(lq, lon_lo), lon_hi)
                qlo[0] = lq
                qal[0] = y1[2]
                st = sample_grid(*grid, qt, qla, qlo, qal, qm, *middle,
                                 thermo, ou, ov, ot, op, of)
                if st >= 0 or not (math.isfinite(ou[0]) and math.isfinite(ov[0])):
                    return _ERR_NAN
                r = radius + y1[2]
                coslat = max(math.cos(math.radians(y1[0])), 1e-9)
                ke[0] = _DEG * ov[0] / r
                ke[1] = _DEG * ou[0] / (r * coslat)
                if kind == 0:
                    ke[2] = ascent[i]
                elif kind == 1:
                    ke[2] = 0.0
                else:
                    rho = _nasa_density(y1[2]) if nasa else op[0] / (r_dry * ot[0])
                    ke[2] = -k_descent[i] / math.sqrt(rho)
                lo = 0.0
                hi = 1.0
                for _b in range(n_bisect):
                    mid = 0.5 * (lo + hi)
                    for j in range(3):
                        ym[j] = _hermite(mid, y[j], k1[j], y1[j], ke[j], h)
                    tm = t + mid * h
                    if kind == 0:
                        hit = ym[2] >= top[i]
                    elif kind == 1:
                        hit = (tm - t_start >= f_dur[i]) or (tm >= f_until[i])
                    else:
                        g = 0.0
                        if use_ground and not sea_level:
                            qla[0] = ym[0]
                            qlo[0] = ym[1]
                            bilinear_surface(ground, surf_axes, qla, qlo, ot)
                            g = ot[0]
                        hit = ym[2] <= g
                    if hit:
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
                time_out = t1 < t_lo or t1 > t_hi
                lw = y1[1]
                area_out = y1[0] < lat_lo or y1[0] > lat_hi
                if not global_lon:
                    if lon_lo <= lon_hi:
                        area_out = area_out or lw < lon_lo or lw > lon_hi
                    else:
                        area_out = area_out or (lw < lon_lo and lw > lon_hi)
                too_long = (t1 - t_in[i]) > max_duration
                if area_out:
                    status[i] = 1
                elif time_out:
                    status[i] = 2
                elif too_long:
                    status[i] = 3
                if status[i] != 0:
                    if not record and t != t_start:
                        traj[i, s, 1, 0] = t
                        traj[i, s, 1, 1] = y[0]
                        traj[i, s, 1, 2] = y[1]
                        traj[i, s, 1, 3] = y[2]
                        c = 2
                    break
            t = t1
            for j in range(3):
                y[j] = y1[j]
            if record or fired:
                if c >= max_pts:
                    return _ERR_OVERFLOW
                traj[i, s, c, 0] = t
                traj[i, s, c, 1] = y[0]
                traj[i, s, c, 2] = y[1]
                traj[i, s, c, 3] = y[2]
                c += 1
            done = fired
        npts[i, s] = c
        if status[i] != 0:
            for s2 in range(s + 1, n_stage):
                npts[i, s2] = 0
            break
    final[i, 0] = t
    final[i, 1] = y[0]
    final[i, 2] = y[1]
    final[i, 3] = y[2]
    return 0


def _all_members(grid, middle, ground, surf_axes, use_ground, r_dry, member,
                 t_in, lat_in, lon_in, alt_in, kinds, ascent, top, f_dur, f_until, k_descent,
                 nasa, sea_level, step, n_bisect, radius, bounds, global_lon, max_duration,
                 record, max_pts, traj, npts, final, status, above, below, codes):
    for i in range(t_in.shape[0]):
        codes[i] = _one_member(
            i, grid, middle, ground, surf_axes, use_ground, r_dry, member, t_in, lat_in,
            lon_in, alt_in, kinds, ascent, top, f_dur, f_until, k_descent, nasa, sea_level,
            step, n_bisect, radius, bounds, global_lon, max_duration, record, max_pts, traj,
            npts, final, status, above, below)


# One thread: a parallel (prange) variant was measured and dropped, because its results
# could differ from the serial kernel's in the last bit (different compiled code), and a
# prediction must not depend on where it ran (e.g. in-process vs a Dask worker).
_kernel_serial = njit(cache=True)(_all_members)


def _max_points(kinds: list[str], alt0, top, ascent, f_dur, f_until, t0, k_descent, step):
    """Upper bound of points per stage (buffer size); overflow falls back to generic."""
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
    grid, middle, ground, surf_axes, use_ground, r_dry = arrays
    n = time.shape[0]
    b = atmosphere.bounds
    bounds = np.array([to_epoch_seconds(b.time_start), to_epoch_seconds(b.time_end),
                       b.lat_min, b.lat_max, b.lon_min, b.lon_max])
    global_lon = (b.lon_max - b.lon_min) >= 359.999
    n_bisect = max(1, math.ceil(math.log2(step / event_tolerance)))
    kind_codes = np.array([STAGE_KINDS[k] for k in kinds], dtype=np.int64)
    max_pts = 2 if not record_trajectory else _max_points(
        kinds, altitude, top_altitude, ascent_rate, float_duration, float_until, time,
        descent_constant, step)
    traj = np.full((n, len(kinds), max_pts, 4), np.nan)
    npts = np.zeros((n, len(kinds)), dtype=np.int64)
    final = np.empty((n, 4))
    status = np.zeros(n, dtype=np.int8)
    above = np.zeros(n)
    below = np.zeros(n)
    member = (np.zeros(n, dtype=np.int64) if atmosphere_member is None
              else np.ascontiguousarray(atmosphere_member, dtype=np.int64))
    f64 = np.ascontiguousarray
    codes = np.zeros(n, dtype=np.int64)
    kernel = _kernel_serial
    try:
        kernel(
            grid, middle, ground, surf_axes, use_ground, r_dry, member,
            f64(time, dtype=np.float64), f64(latitude, dtype=np.float64),
            f64(wrap_longitude(longitude)), f64(altitude, dtype=np.float64), kind_codes,
            f64(ascent_rate, dtype=np.float64), f64(top_altitude, dtype=np.float64),
            f64(float_duration, dtype=np.float64), f64(float_until, dtype=np.float64),
            f64(descent_constant, dtype=np.float64), nasa_density, sea_level, float(step),
            n_bisect, float(earth_radius), bounds, global_lon, float(max_flight_duration),
            bool(record_trajectory), max_pts, traj, npts, final, status, above, below, codes,
        )
    except NumbaTypingError:  # the grid kernel's signature changed: generic solver
        return None
    if codes.any():  # NaN in the data or a full buffer: the generic solver reports it
        return None
    stages = []
    for s, kind in enumerate(kinds):
        width = int(npts[:, s].max()) if n else 0
        block = traj[:, s, :width]
        stages.append(StageTrajectory(kind, block[..., 0].copy(), block[..., 1].copy(),
                                      block[..., 2].copy(), block[..., 3].copy(),
                                      npts[:, s].astype(np.intp)))
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
