"""The compiled flight engine: one numba RK4 kernel over the member axis that flies a plan.

The kernel interprets a :class:`predictor.flight_plan.FlightPlan` (stages: ascent to a top
altitude, float for a duration and/or until a time, parachute descent) for every member in
parallel (numba ``prange``, all cores), on a gridded atmosphere handed over as one typed
:class:`weather.interpolation_kernels.GridBundle`, with the ERA5 ensemble (EDA) member of
each flight and the correlated SYNTHETIC wind perturbations of
:mod:`predictor.ensemble_wind` evaluated inside the loop. The scheme is the one of the
numpy solver (:mod:`predictor.solver`, the test oracle): fixed-step RK4, every stage end
located by bisection on the step's cubic Hermite interpolant, members leaving the data or
flying too long stopped with a status. The formulas come from
:mod:`predictor.flight_physics`, shared with the oracle.

There is no fallback: a kernel that cannot run raises (a typing error is a bug that the
tests catch); NaN winds in the data raise a ValueError naming the place.
"""

from __future__ import annotations

import math
import weakref
from typing import Any, NamedTuple

import numpy as np
import numpy.typing as npt
from numba import njit, prange

from predictor.flight_physics import (
    descent_speed,
    drift_rates,
    hermite,
    nasa_density,
    perturbation_frame,
    perturbation_point,
    wrap_lon,
)
from predictor.result import StageTrajectory
from predictor.solver import SolveOutput
from predictor.vocabulary import STAGE_KINDS, STATUSES
from weather.grid_atmosphere import R_DRY_AIR
from weather.interpolation_kernels import (
    STATUS_LATITUDE,
    STATUS_LONGITUDE,
    STATUS_TIME,
    grid_point,
    ground_point,
)

__all__ = ["KernelWinds", "fly_plan", "kernel_winds"]

_STATUS_ARRAY = np.array(STATUSES)
_STATUS_ARRAY.flags.writeable = False
_ASCENT, _FLOAT, _DESCENT = (STAGE_KINDS[k] for k in ("ascent", "float", "descent"))
#: Batches at least this large fly on all cores; smaller ones on one (same member function).
PARALLEL_MIN_MEMBERS = 32
#: Error codes of one member (0 = fine).
_ERR_NAN = 1
_ERR_OVERFLOW = 2


class Perturbation(NamedTuple):
    """Correlated wind perturbations for the kernel (tables of ``WindPerturbationField``)."""

    active: bool
    kx: np.ndarray  # (rows, 2 * modes) [rad m-1]
    ky: np.ndarray
    kz: np.ndarray
    kw: np.ndarray  # [rad s-1]
    b: np.ndarray  # [rad]
    t0: np.ndarray  # (rows,) reference time [s]
    lat0: float
    lon0: float
    amplitude: float  # sigma * sqrt(2 / modes) [m s-1]


class Settings(NamedTuple):
    """Scalar settings of one kernel run."""

    nasa: bool  # NASA three-layer density (else the data's p / (R T))
    sea_level: bool  # descent ends at sea level (else on the ground)
    r_dry: float  # gas constant of dry air [J kg-1 K-1]
    step: float  # RK4 step [s]
    n_bisect: int
    radius: float  # Earth radius at sea level [m]
    global_lon: bool
    max_duration: float  # [s]
    record: bool
    max_points: int  # buffer length per stage


class KernelWinds(NamedTuple):
    """What the kernel reads of an atmosphere: the grid, perturbations, member mapping."""

    grid: Any  # GridBundle
    perturbation: Perturbation
    data_member: npt.NDArray[np.int64] | None  # data member of each atmosphere member
    bounds: npt.NDArray[np.float64]  # (t0 [s], t1 [s], lat_min, lat_max, lon_min, lon_max)
    global_lon: bool


#: Per-atmosphere kernel view; weak keys, so a dropped atmosphere leaves the cache.
_WINDS: weakref.WeakKeyDictionary[Any, tuple[Any, KernelWinds]] = weakref.WeakKeyDictionary()
_NO_TABLE = np.zeros((1, 0))
_NO_PERTURBATION = Perturbation(
    False, _NO_TABLE, _NO_TABLE, _NO_TABLE, _NO_TABLE, _NO_TABLE, np.zeros(1), 0.0, 0.0, 0.0
)


def kernel_winds(atmosphere: Any) -> KernelWinds | None:
    """Return the kernel's view of ``atmosphere``, or None when the kernel cannot fly it.

    The kernel flies a plain :class:`weather.grid_atmosphere.GridAtmosphere` (ERA5, GFS, the
    sample) and a :class:`predictor.ensemble_wind.PerturbedAtmosphere` over one (EDA
    members and/or correlated perturbations). Anything else (analytic atmospheres, other
    wrappers) is flown by the numpy solver.
    """
    try:
        cached = _WINDS.get(atmosphere)
    except TypeError:  # not weak-referenceable: built each time
        cached = None
    if cached is not None and cached[0] is atmosphere.bounds:
        return cached[1]
    from predictor.ensemble_wind import PerturbedAtmosphere
    from weather.grid_atmosphere import GridAtmosphere
    from weather.protocol import to_epoch_seconds

    base = atmosphere
    perturbation = _NO_PERTURBATION
    data_member = None
    if type(atmosphere) is PerturbedAtmosphere:
        base = atmosphere.base
        field = atmosphere.perturbation
        if field is not None and field.sigma != 0.0:
            kx, ky, kz, kw, b = field.tables()
            perturbation = Perturbation(
                True,
                kx,
                ky,
                kz,
                kw,
                b,
                field.reference_times(),
                float(field.lat0),
                float(field.lon0),
                float(field.amplitude),
            )
        data_member = np.zeros(atmosphere.n_members, dtype=np.int64)  # the base's default
        if atmosphere.data_members is not None:
            data_member = np.ascontiguousarray(atmosphere.data_members, dtype=np.int64)
    if type(base) is not GridAtmosphere:  # subclasses may answer differently
        return None
    bd = atmosphere.bounds
    bounds = np.array(
        [to_epoch_seconds(bd.time_start), to_epoch_seconds(bd.time_end)]
        + [bd.lat_min, bd.lat_max, bd.lon_min, bd.lon_max]
    )
    bounds.flags.writeable = False
    winds = KernelWinds(
        base.kernel_bundle(),
        perturbation,
        data_member,
        bounds,
        bool((bd.lon_max - bd.lon_min) >= 359.999),
    )
    try:
        _WINDS[atmosphere] = (bd, winds)  # atmospheres are immutable: build once
    except TypeError:
        pass
    return winds


@njit(cache=True, inline="always")
def _stage_over(kind, t, t_start, alt, ground, top, f_dur, f_until):
    """Tell whether the stage is over: top reached, float over, or ground reached."""
    if kind == _ASCENT:
        return alt >= top
    if kind == _FLOAT:
        return (t - t_start >= f_dur) or (t >= f_until)
    return alt <= ground


@njit(cache=True, inline="always")
def _ground(g, kind, lat, lon, sea_level):
    if kind != _DESCENT or sea_level:
        return 0.0
    return ground_point(g, lat, lon)


@njit(cache=True, inline="always")
def _put(traj, i, s, c, t, y0, y1, y2):
    traj[i, s, c, 0] = t
    traj[i, s, c, 1] = y0
    traj[i, s, c, 2] = y1
    traj[i, s, c, 3] = y2


@njit(cache=True, inline="always")
def _left_data(t1, lat, lon, bounds, global_lon):
    """0 inside the data, 1 outside the area, 2 outside the time range."""
    lat_lo, lat_hi, lon_lo, lon_hi = bounds[2], bounds[3], bounds[4], bounds[5]
    area_out = lat < lat_lo or lat > lat_hi
    if not global_lon:
        if lon_lo <= lon_hi:
            area_out = area_out or lon < lon_lo or lon > lon_hi
        else:
            area_out = area_out or (lon < lon_lo and lon > lon_hi)
    if area_out:
        return 1
    if t1 < bounds[0] or t1 > bounds[1]:
        return 2
    return 0


@njit(cache=True)
def _fly_member(i, g, pert, kinds, params, start, data_member, pert_row, bounds, cfg, out, err):
    """Fly member ``i`` through every stage; 0, or an error code (``err[i]`` says where)."""
    traj, npts, final, status, above, below = out
    h = cfg.step
    t_lo, t_hi = bounds[0], bounds[1]
    lat_lo, lat_hi, lon_lo, lon_hi = bounds[2], bounds[3], bounds[4], bounds[5]
    clamp_lon = (not cfg.global_lon) and lon_lo <= lon_hi
    ascent = params[i, 0]
    top = params[i, 1]
    f_dur = params[i, 2]
    f_until = params[i, 3]
    k_descent = params[i, 4]
    m = data_member[i]
    row = pert_row[i]
    t0_pert = pert.t0[row] if pert.active else 0.0
    frame = perturbation_frame(pert.lat0, pert.lon0)
    y = np.empty(3)
    y1 = np.empty(3)
    ya = np.empty(3)
    ym = np.empty(3)
    k = np.empty((5, 3))  # RK4 stages k1..k4, then the derivative at the step's end
    work = np.empty(pert.kx.shape[1])  # the perturbation's cosines

    t = start[i, 0]
    for j in range(3):
        y[j] = start[i, j + 1]
    status[i] = 0
    for s in range(kinds.shape[0]):
        kind = kinds[s]
        thermo = kind == _DESCENT and not cfg.nasa
        t_start = t
        _put(traj, i, s, 0, t, y[0], y[1], y[2])
        c = 1
        gr = _ground(g, kind, y[0], y[1], cfg.sea_level)
        done = _stage_over(kind, t, t_start, y[2], gr, top, f_dur, f_until)
        while not done:
            # evaluations 0-3: the RK4 stages; 4: the derivative at the step's end, only
            # when the step ended the stage (for the Hermite bisection)
            t1 = t + h
            fired = False
            stopped = False
            flag0 = 0
            n_eval = 4
            e = 0
            while e < n_eval:
                if e == 4:
                    te = t1
                    for j in range(3):
                        ya[j] = y1[j]
                elif e == 0:
                    te = t
                    for j in range(3):
                        ya[j] = y[j]
                else:
                    frac = 1.0 if e == 3 else 0.5
                    te = t + frac * h
                    for j in range(3):
                        ya[j] = y[j] + (frac * h) * k[e - 1, j]
                # members leaving the data are stopped after the step; the query is held
                # inside so that a step's stages poking out are answered at the edge
                qt = min(max(te, t_lo), t_hi)
                qla = min(max(ya[0], lat_lo), lat_hi)
                qlo = wrap_lon(ya[1])
                if clamp_lon:
                    qlo = min(max(qlo, lon_lo), lon_hi)
                code, u, v, temp, pressure, flag = grid_point(g, qt, qla, qlo, ya[2], m, thermo)
                if code == STATUS_TIME or code == STATUS_LATITUDE or code == STATUS_LONGITUDE:
                    # inside the bounds but not in the data (a gap between the file's
                    # times): this member stops at its last point, the others fly on
                    status[i] = 2 if code == STATUS_TIME else 1
                    if not cfg.record and t != t_start:
                        _put(traj, i, s, 1, t, y[0], y[1], y[2])
                        c = 2
                    stopped = True
                    break
                if code != 0 or not (math.isfinite(u) and math.isfinite(v)):
                    err[i, 0] = te
                    err[i, 1] = ya[0]
                    err[i, 2] = ya[1]
                    err[i, 3] = ya[2]
                    return _ERR_NAN
                if pert.active:
                    du, dv = perturbation_point(
                        pert.kx, pert.ky, pert.kz, pert.kw, pert.b, row,
                        qt, qla, qlo, ya[2], t0_pert, frame, pert.amplitude, work,
                    )  # fmt: skip
                    u += du
                    v += dv
                k[e, 0], k[e, 1] = drift_rates(u, v, ya[0], ya[2], cfg.radius)
                if kind == _ASCENT:
                    k[e, 2] = ascent
                elif kind == _FLOAT:
                    k[e, 2] = 0.0
                else:
                    rho = nasa_density(ya[2]) if cfg.nasa else pressure / (cfg.r_dry * temp)
                    if not (math.isfinite(rho) and rho > 0.0):
                        err[i, 0] = te
                        err[i, 1] = ya[0]
                        err[i, 2] = ya[1]
                        err[i, 3] = ya[2]
                        return _ERR_NAN
                    k[e, 2] = descent_speed(k_descent, rho)
                if e == 0:
                    flag0 = flag
                elif e == 3:
                    for j in range(3):
                        weighted = k[0, j] + 2.0 * k[1, j] + 2.0 * k[2, j] + k[3, j]
                        y1[j] = y[j] + (h / 6.0) * weighted
                    gr = _ground(g, kind, y1[0], y1[1], cfg.sea_level)
                    fired = _stage_over(kind, t1, t_start, y1[2], gr, top, f_dur, f_until)
                    if fired:
                        n_eval = 5
                e += 1
            if stopped:
                break
            dt_used = h
            if fired:
                # bisect on the cubic Hermite interpolant of the step
                lo = 0.0
                hi = 1.0
                for _b in range(cfg.n_bisect):
                    mid = 0.5 * (lo + hi)
                    for j in range(3):
                        ym[j] = hermite(mid, y[j], k[0, j], y1[j], k[4, j], h)
                    gr = _ground(g, kind, ym[0], ym[1], cfg.sea_level)
                    if _stage_over(kind, t + mid * h, t_start, ym[2], gr, top, f_dur, f_until):
                        hi = mid
                    else:
                        lo = mid
                for j in range(3):
                    y1[j] = hermite(hi, y[j], k[0, j], y1[j], k[4, j], h)
                t1 = t + hi * h
                dt_used = hi * h
            if flag0 == 1:
                above[i] += dt_used
            elif flag0 == 2:
                below[i] += dt_used
            y1[1] = wrap_lon(y1[1])
            if not fired:
                out_code = _left_data(t1, y1[0], y1[1], bounds, cfg.global_lon)
                if out_code == 0 and (t1 - start[i, 0]) > cfg.max_duration:
                    out_code = 3
                if out_code != 0:
                    status[i] = out_code
                    if not cfg.record and t != t_start:
                        _put(traj, i, s, 1, t, y[0], y[1], y[2])
                        c = 2
                    break
            t = t1
            for j in range(3):
                y[j] = y1[j]
            if cfg.record or fired:
                if c >= cfg.max_points:
                    return _ERR_OVERFLOW
                _put(traj, i, s, c, t, y[0], y[1], y[2])
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


@njit(cache=True)
def _fly_serial(g, pert, kinds, params, start, data_member, pert_row, bounds, cfg, out, err, codes):
    """Every member, one after the other (small batches: no thread start-up)."""
    for i in range(start.shape[0]):
        codes[i] = _fly_member(
            i, g, pert, kinds, params, start, data_member, pert_row, bounds, cfg, out, err
        )


@njit(cache=True, parallel=True)
def _fly_all(g, pert, kinds, params, start, data_member, pert_row, bounds, cfg, out, err, codes):
    """Every member, in parallel over the cores (members are independent)."""
    for i in prange(start.shape[0]):
        codes[i] = _fly_member(
            i, g, pert, kinds, params, start, data_member, pert_row, bounds, cfg, out, err
        )


def _max_points(plan: Any, alt0: np.ndarray, t0: np.ndarray, step: float) -> int:
    """Upper bound of recorded points per stage (the trajectory buffer's length)."""
    n = 3
    for kind in plan.kinds:
        if kind == "ascent":
            n = max(n, int(((plan.top_altitude - alt0) / plan.ascent_rate / step).max()) + 4)
        elif kind == "float":
            dur = np.minimum(plan.float_duration, plan.float_until - t0)
            n = max(n, int(np.where(np.isfinite(dur), dur, 0.0).max() / step) + 4)
        else:
            # terminal speed is at least ~0.9 v0 anywhere below the top (rho <= ~1.5)
            top = np.maximum(plan.top_altitude, alt0) if plan.kinds[0] != "descent" else alt0
            n = max(n, int((top / (0.9 * plan.descent_rate)).max() / step) + 4)
    return n


#: Stage kind codes of each plan's stage names (a handful of distinct tuples).
_KIND_CODES: dict[tuple[str, ...], np.ndarray] = {}


def _kind_codes(kinds: tuple[str, ...]) -> np.ndarray:
    """Return the kernel's int64 codes of a plan's stage kinds (built once per tuple).

    Callers must not write into the array (it stays writeable: the kernel's compiled
    signature takes a writeable array).
    """
    codes = _KIND_CODES.get(kinds)
    if codes is None:
        codes = np.array([STAGE_KINDS[k] for k in kinds], dtype=np.int64)
        _KIND_CODES[kinds] = codes
    return codes


def fly_plan(
    winds: KernelWinds,
    plan: Any,
    start: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray],
    *,
    step: float,
    event_tolerance: float,
    record_trajectory: bool,
    atmosphere_member: npt.NDArray[np.intp] | None,
    max_flight_duration: float,
) -> Any:
    """Fly ``plan`` from ``start`` = (time [s], lat [deg], lon [deg], alt [m]) per member.

    ``atmosphere_member`` is each flight's member of the atmosphere (for a
    PerturbedAtmosphere: its ensemble member, which picks the perturbation row and the data
    member). Returns a :class:`predictor.solver.SolveOutput`.

    Raises
    ------
    ValueError
        NaN winds (missing data) where a member flies; the message names the place.
    """
    t0, lat, lon, alt = start
    n = t0.shape[0]
    kinds = _kind_codes(plan.kinds)
    params = np.empty((n, 5))
    params[:, 0] = plan.ascent_rate
    params[:, 1] = plan.top_altitude
    params[:, 2] = plan.float_duration
    params[:, 3] = plan.float_until
    params[:, 4] = plan.descent_rate * math.sqrt(plan.physics["sea_level_density_kg_m3"])
    members = (
        np.zeros(n, dtype=np.int64)
        if atmosphere_member is None
        else np.ascontiguousarray(np.broadcast_to(atmosphere_member, (n,)), dtype=np.int64)
    )
    pert_row = members
    data_member = members if winds.data_member is None else winds.data_member[members]
    data_member = np.ascontiguousarray(data_member, dtype=np.int64)
    st = np.empty((n, 4))
    st[:, 0] = t0
    st[:, 1] = lat
    st[:, 2] = lon
    st[:, 3] = alt
    max_points = _max_points(plan, alt, t0, step) if record_trajectory else 2
    while True:
        cfg = Settings(
            plan.physics["density_source"] == "nasa3layer",
            plan.physics["termination"] == "sea_level" or not winds.grid.has_ground,
            float(R_DRY_AIR),
            float(step),
            int(max(1, math.ceil(math.log2(step / event_tolerance)))),
            float(plan.physics["earth_radius_m"]),
            winds.global_lon,
            float(max_flight_duration),
            bool(record_trajectory),
            int(max_points),
        )
        traj = np.full((n, len(kinds), max_points, 4), np.nan)
        npts = np.zeros((n, len(kinds)), dtype=np.int64)
        final = np.empty((n, 4))
        status = np.zeros(n, dtype=np.int8)
        above = np.zeros(n)
        below = np.zeros(n)
        err = np.zeros((n, 4))
        codes = np.zeros(n, dtype=np.int64)
        out = (traj, npts, final, status, above, below)
        fly = _fly_all if n >= PARALLEL_MIN_MEMBERS else _fly_serial
        fly(
            winds.grid, winds.perturbation, kinds, params, st, data_member, pert_row,
            winds.bounds, cfg, out, err, codes,
        )  # fmt: skip
        if not codes.any() or not (codes == _ERR_OVERFLOW).any():
            break
        max_points *= 2  # a longer flight than the bound foresaw: larger buffer
    if codes.any() and (codes == _ERR_NAN).any():
        i = int(np.flatnonzero(codes == _ERR_NAN)[0])
        te, la, lo, al = err[i]
        raise ValueError(
            f"the atmosphere has no wind (NaN, missing data in the file) at time {te:.0f} s "
            f"since epoch, latitude {la:.4f}, longitude {lo:.4f}, altitude {al:.0f} m; use a "
            "file without gaps there or a different launch"
        )
    widths = npts.max(axis=0).tolist() if n else [0] * len(kinds)
    stages = []
    for s, kind in enumerate(plan.kinds):
        block = traj[:, s, : int(widths[s])]
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
