"""Numba kernels behind :class:`weather.grid_atmosphere.GridAtmosphere`.

The grid is two C-ordered float32 arrays: the geometric altitude of every level,
``(member, time, lat, lon, level)``, and ``[u, v, t]`` of every level,
``(member, time, lat, lon, level, 3)`` (passed flattened). Keeping the altitudes apart makes
a column's search touch ~3 cache lines instead of ~10. Every query point is
interpolated linearly in time, latitude and longitude (8 corners) and, in the vertical,
between the two pressure levels whose corner-blended geometric altitudes bracket the point
(the Tawhiri scheme: blend each level's altitude over the 8 corners first, then search).

The grid travels as one typed value, :class:`GridBundle` (a named tuple of arrays); the
per-point functions :func:`grid_point` and :func:`ground_point` take it and scalars, so a
compiled caller (the predictor's flight kernel) queries one point without re-boxing arrays,
and the batched :func:`sample_grid` is a loop over the same :func:`grid_point`.

The kernels are compiled once (``cache=True``) for a single signature: all float arrays
float64 and contiguous, the grid float32, member indices int64.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from weather import numba_runtime
from weather.constants import DRY_AIR_GAS_CONSTANT, STANDARD_GRAVITY

numba_runtime.load()  # before any compiled function loads: no scipy.linalg import

__all__ = [
    "FIELD_T",
    "GridBundle",
    "FIELD_U",
    "FIELD_V",
    "NFIELDS",
    "STATUS_ALTITUDE",
    "STATUS_LATITUDE",
    "STATUS_LONGITUDE",
    "STATUS_MEMBER",
    "STATUS_TIME",
    "bilinear_surface",
    "cell_order",
    "grid_point",
    "ground_point",
    "sample_grid",
    "surface_point",
]

#: Order of the fields in the last axis of the field grid.
FIELD_U, FIELD_V, FIELD_T = 0, 1, 2
NFIELDS = 3

#: Codes of the first bad query point, returned as ``index * 8 + code``.
STATUS_TIME, STATUS_LATITUDE, STATUS_LONGITUDE, STATUS_MEMBER, STATUS_ALTITUDE = 1, 2, 3, 4, 5

_R_DRY = DRY_AIR_GAS_CONSTANT  # [J kg-1 K-1]; numba freezes module globals as constants
_G0 = STANDARD_GRAVITY  # [m s-2]
_EDGE = 1e-9  # relative tolerance on grid edges (float rounding of queries at the edge)


@njit(cache=True, inline="always")
def _blend(arr, c0, c1, c2, c3, c4, c5, c6, c7, w0, w1, w2, w3, w4, w5, w6, w7, k):
    return (
        w0 * arr[c0 + k]
        + w1 * arr[c1 + k]
        + w2 * arr[c2 + k]
        + w3 * arr[c3 + k]
        + w4 * arr[c4 + k]
        + w5 * arr[c5 + k]
        + w6 * arr[c6 + k]
        + w7 * arr[c7 + k]
    )


class GridBundle(NamedTuple):
    """Everything the compiled kernels read of one gridded atmosphere, as one typed value.

    A numba-typed named tuple of arrays: compiled callers (the predictor's flight kernel)
    receive it once and call :func:`grid_point` / :func:`ground_point` with scalars, so no
    array is re-boxed per query. Read-only by convention.

    Attributes
    ----------
    alt_grid : float32[::1]
        Geometric altitude [m] of every level, flattened from ``(M, T, Y, X, L)``.
    field_grid : float32[::1]
        ``[u, v, t]`` of every level, flattened from ``(M, T, Y, X, L, 3)``.
    shape : int64[::1]
        ``(M, T, Y, X, L)``.
    times : float64[::1]
        Grid times [s since epoch], ascending.
    axes : float64[::1]
        ``(lat0, dlat, lon0, dlon, time_margin, max_time_gap)``: first latitude and spacing
        [deg], first longitude and spacing [deg], how far outside the time range [s] queries
        are held, and the longest interval between grid times [s] to interpolate across
        (a query strictly inside a longer gap is refused with STATUS_TIME).
    lnp : float64[::1]
        Natural log of the level pressures [ln Pa], level order of the grid.
    ground : float64[:, ::1]
        Ground elevation above mean sea level [m], ``(lat, lon)`` (a 2x2 dummy of zeros when
        ``has_ground`` is False).
    surface_axes : float64[::1]
        ``(lat0, dlat, lon0, dlon)`` [deg] of ``ground``.
    has_ground : bool
        Whether ``ground`` holds real orography.
    """

    alt_grid: np.ndarray
    field_grid: np.ndarray
    shape: np.ndarray
    times: np.ndarray
    axes: np.ndarray
    lnp: np.ndarray
    ground: np.ndarray
    surface_axes: np.ndarray
    has_ground: bool


@njit(cache=True, inline="always")
def grid_point(g, t, lat, lon, alt, m, want_thermo):
    """Interpolate the grid ``g`` (a :class:`GridBundle`) at one point; see the module docstring.

    Parameters
    ----------
    g : GridBundle
        The grid.
    t, lat, lon, alt : float
        Time [s since epoch], latitude [deg], longitude [deg, any convention], altitude [m].
    m : int
        Ensemble member of the data.
    want_thermo : bool
        Also compute temperature and pressure (else they are returned as 0).

    Returns
    -------
    (code, u, v, temperature, pressure, flag)
        ``code`` 0 inside the data, else one of STATUS_* (the other values are then 0);
        wind [m s-1], temperature [K], pressure [Pa]; ``flag`` 1 above the top level, 2
        below the lowest level, 0 between.
    """
    alt_grid = g.alt_grid
    field_grid = g.field_grid
    shape = g.shape
    times = g.times
    grid = g.axes
    lnp = g.lnp
    n_member, n_time, n_lat, n_lon, n_lev = shape[0], shape[1], shape[2], shape[3], shape[4]
    lat0, dlat, lon0, dlon, margin = grid[0], grid[1], grid[2], grid[3], grid[4]
    max_gap = grid[5]
    # strides counted in columns
    s_lat = n_lon
    s_time = n_lat * n_lon
    s_member = n_time * s_time
    t_first = times[0]
    t_last = times[n_time - 1]
    lon_span = (n_lon - 1) * dlon
    # ---- time
    if not (t >= t_first - margin and t <= t_last + margin):
        return STATUS_TIME, 0.0, 0.0, 0.0, 0.0, 0
    if t <= t_first:
        it0 = 0
        wt = 0.0
    elif t >= t_last:
        it0 = n_time - 1
        wt = 0.0
    else:
        lo = 0
        hi = n_time - 1
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if times[mid] <= t:
                lo = mid
            else:
                hi = mid
        it0 = lo
        gap = times[hi] - times[lo]
        wt = (t - times[lo]) / gap
        if wt > 0.0 and gap > max_gap:
            return STATUS_TIME, 0.0, 0.0, 0.0, 0.0, 0  # inside a gap of the data
    it1 = it0 + 1 if it0 + 1 < n_time else it0
    # ---- latitude
    fy = (lat - lat0) / dlat
    if not (fy >= -_EDGE * n_lat and fy <= (n_lat - 1) * (1.0 + _EDGE)):
        return STATUS_LATITUDE, 0.0, 0.0, 0.0, 0.0, 0
    iy = int(fy)
    if iy > n_lat - 2:
        iy = n_lat - 2
    if iy < 0:
        iy = 0
    wy = min(max(fy - iy, 0.0), 1.0)
    # ---- longitude (any convention, mapped into lon0 .. lon0 + 360)
    rel = (lon - lon0) % 360.0
    if rel > lon_span * (1.0 + _EDGE) and 360.0 - rel <= dlon * 1e-6:
        rel = 0.0  # a hair below lon0, rounded up to 360 by the modulo
    fx = rel / dlon
    if not (fx >= 0.0 and fx <= (n_lon - 1) * (1.0 + _EDGE)):
        return STATUS_LONGITUDE, 0.0, 0.0, 0.0, 0.0, 0
    ix = int(fx)
    if ix > n_lon - 2:
        ix = n_lon - 2
    wx = min(max(fx - ix, 0.0), 1.0)
    # ---- member
    if m < 0 or m >= n_member:
        return STATUS_MEMBER, 0.0, 0.0, 0.0, 0.0, 0
    if not math.isfinite(alt):
        return STATUS_ALTITUDE, 0.0, 0.0, 0.0, 0.0, 0
    # ---- corner columns and weights
    col0 = m * s_member + it0 * s_time + iy * s_lat + ix
    col1 = m * s_member + it1 * s_time + iy * s_lat + ix
    a0 = col0 * n_lev
    a1 = a0 + n_lev
    a2 = a0 + s_lat * n_lev
    a3 = a2 + n_lev
    a4 = col1 * n_lev
    a5 = a4 + n_lev
    a6 = a4 + s_lat * n_lev
    a7 = a6 + n_lev
    b00 = (1.0 - wy) * (1.0 - wx)
    b01 = (1.0 - wy) * wx
    b10 = wy * (1.0 - wx)
    b11 = wy * wx
    w0 = (1.0 - wt) * b00
    w1 = (1.0 - wt) * b01
    w2 = (1.0 - wt) * b10
    w3 = (1.0 - wt) * b11
    w4 = wt * b00
    w5 = wt * b01
    w6 = wt * b10
    w7 = wt * b11
    # ---- vertical: bracket the point between two levels by their altitudes blended
    # over the 8 corners. A binary search in the first corner's own column gives a
    # guess (one load per step); the blended altitudes then move it to the exact
    # bracket (usually no move at all).
    lo = 0
    hi = n_lev - 1
    while hi - lo > 1:
        mid = (lo + hi) >> 1
        if alt_grid[a0 + mid] <= alt:
            lo = mid
        else:
            hi = mid
    k0 = lo
    h_lo = _blend(alt_grid, a0, a1, a2, a3, a4, a5, a6, a7, w0, w1, w2, w3, w4, w5, w6, w7, k0)
    while h_lo > alt and k0 > 0:
        k0 -= 1
        h_lo = _blend(
            alt_grid, a0, a1, a2, a3, a4, a5, a6, a7, w0, w1, w2, w3, w4, w5, w6, w7, k0
        )
    flag = 0
    f = 0.0
    h_ref = h_lo
    if h_lo > alt:
        flag = 2  # below the lowest level
    else:
        h_hi = _blend(
            alt_grid, a0, a1, a2, a3, a4, a5, a6, a7, w0, w1, w2, w3, w4, w5, w6, w7, k0 + 1
        )
        while h_hi <= alt:
            k0 += 1
            h_lo = h_hi
            if k0 == n_lev - 1:
                break
            h_hi = _blend(
                alt_grid, a0, a1, a2, a3, a4, a5, a6, a7, w0, w1, w2, w3, w4, w5, w6, w7, k0 + 1
            )
        if k0 == n_lev - 1:
            flag = 1  # at or above the top level
            h_ref = h_lo
        else:
            f = (alt - h_lo) / (h_hi - h_lo) if h_hi > h_lo else 0.0
    k1 = k0 + 1 if k0 + 1 < n_lev else k0
    ka = k0 * 3
    kb = k1 * 3
    c0 = a0 * 3
    c1 = a1 * 3
    c2 = a2 * 3
    c3 = a3 * 3
    c4 = a4 * 3
    c5 = a5 * 3
    c6 = a6 * 3
    c7 = a7 * 3
    u0 = _blend(field_grid, c0, c1, c2, c3, c4, c5, c6, c7, w0, w1, w2, w3, w4, w5, w6, w7, ka)
    u1 = _blend(field_grid, c0, c1, c2, c3, c4, c5, c6, c7, w0, w1, w2, w3, w4, w5, w6, w7, kb)
    v0 = _blend(
        field_grid, c0, c1, c2, c3, c4, c5, c6, c7, w0, w1, w2, w3, w4, w5, w6, w7, ka + 1
    )
    v1 = _blend(
        field_grid, c0, c1, c2, c3, c4, c5, c6, c7, w0, w1, w2, w3, w4, w5, w6, w7, kb + 1
    )
    u = u0 + f * (u1 - u0)
    v = v0 + f * (v1 - v0)
    temp = 0.0
    pressure = 0.0
    if want_thermo:
        t0 = _blend(
            field_grid, c0, c1, c2, c3, c4, c5, c6, c7, w0, w1, w2, w3, w4, w5, w6, w7, ka + 2
        )
        t1 = _blend(
            field_grid, c0, c1, c2, c3, c4, c5, c6, c7, w0, w1, w2, w3, w4, w5, w6, w7, kb + 2
        )
        temp = t0 + f * (t1 - t0)
        if flag == 0:
            pressure = math.exp(lnp[k0] + f * (lnp[k1] - lnp[k0]))
        else:
            # held level's temperature, pressure continued hydrostatically (isothermal)
            pressure = math.exp(lnp[k0] - _G0 * (alt - h_ref) / (_R_DRY * temp))
    return 0, u, v, temp, pressure, flag


@njit(cache=True)
def sample_grid(
    g,
    q_time,
    q_lat,
    q_lon,
    q_alt,
    q_member,
    order,
    want_thermo,
    out_u,
    out_v,
    out_t,
    out_p,
    out_flag,
):
    """Interpolate the grid at many query points (one :func:`grid_point` per point).

    Parameters
    ----------
    g : GridBundle
        The grid.
    q_time, q_lat, q_lon, q_alt : float64[::1]
        Query time [s], latitude [deg], longitude [deg, any convention], altitude [m].
    q_member : int64[::1]
        Ensemble member per point (length 1 means the same member for all points).
    order : int64[::1]
        Order in which to visit the points (see :func:`cell_order`), or an empty
        array for 0..n-1. Results always go to each point's own index.
    want_thermo : bool
        Also compute temperature and pressure (else ``out_t``/``out_p`` are left alone).
    out_u, out_v, out_t, out_p : float64[::1]
        Results: wind [m s-1], temperature [K], pressure [Pa].
    out_flag : int8[::1]
        1 where the point was above the top level, 2 where below the lowest level.

    Returns
    -------
    int
        -1 when every point was inside the data; else ``index * 8 + code`` for the first
        bad point (codes STATUS_*), and the outputs are incomplete.
    """
    one_member = q_member.shape[0] == 1
    n = q_time.shape[0]
    reorder = order.shape[0] == n
    for j in range(n):
        i = order[j] if reorder else j
        m = q_member[0] if one_member else q_member[i]
        code, u, v, temp, pressure, flag = grid_point(
            g, q_time[i], q_lat[i], q_lon[i], q_alt[i], m, want_thermo
        )
        if code != 0:
            return i * 8 + code
        out_u[i] = u
        out_v[i] = v
        out_flag[i] = flag
        if want_thermo:
            out_t[i] = temp
            out_p[i] = pressure
    return -1


@njit(cache=True)
def cell_order(times, grid, n_lat, q_time, q_lat):
    """Visit order grouping query points by (time interval, latitude row): a counting sort.

    Random queries over a long dataset touch memory all over the grid; visiting the points
    cell row after cell row keeps the ~100 kB of grid they need in cache.

    Parameters
    ----------
    times : float64[::1]
        Grid times [s], ascending.
    grid : float64[::1]
        ``(lat0, dlat, ...)`` as for :func:`sample_grid`.
    n_lat : int
        Number of grid latitudes.
    q_time, q_lat : float64[::1]
        Query times [s] and latitudes [deg]; values outside the grid go to the first/last
        bucket (they are rejected later by :func:`sample_grid`).

    Returns
    -------
    int64[::1]
        A permutation of ``0..n-1``.
    """
    n = q_time.shape[0]
    n_time = times.shape[0]
    lat0 = grid[0]
    dlat = grid[1]
    n_bucket = n_time * n_lat
    bucket = np.empty(n, dtype=np.int64)
    counts = np.zeros(n_bucket + 1, dtype=np.int64)
    for i in range(n):
        bt = np.searchsorted(times, q_time[i])
        bt = min(max(bt, 0), n_time - 1)
        fy = (q_lat[i] - lat0) / dlat
        by = int(fy) if fy > 0.0 else 0  # NaN compares False: bucket 0
        by = min(by, n_lat - 1)
        b = bt * n_lat + by
        bucket[i] = b
        counts[b + 1] += 1
    for b in range(n_bucket):
        counts[b + 1] += counts[b]
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        b = bucket[i]
        order[counts[b]] = i
        counts[b] += 1
    return order


@njit(cache=True, inline="always")
def surface_point(field, grid, lat, lon):
    """Bilinear interpolation of a 2-D ``(lat, lon)`` field at one point.

    ``grid`` is ``(lat0, dlat, lon0, dlon)``. Returns ``(code, value)``: code 0 inside, else
    STATUS_LATITUDE / STATUS_LONGITUDE (value then 0).
    """
    n_lat, n_lon = field.shape
    lat0, dlat, lon0, dlon = grid[0], grid[1], grid[2], grid[3]
    lon_span = (n_lon - 1) * dlon
    fy = (lat - lat0) / dlat
    if not (fy >= -_EDGE * n_lat and fy <= (n_lat - 1) * (1.0 + _EDGE)):
        return STATUS_LATITUDE, 0.0
    iy = min(max(int(fy), 0), n_lat - 2)
    wy = min(max(fy - iy, 0.0), 1.0)
    rel = (lon - lon0) % 360.0
    if rel > lon_span * (1.0 + _EDGE) and 360.0 - rel <= dlon * 1e-6:
        rel = 0.0
    fx = rel / dlon
    if not (fx >= 0.0 and fx <= (n_lon - 1) * (1.0 + _EDGE)):
        return STATUS_LONGITUDE, 0.0
    ix = min(int(fx), n_lon - 2)
    wx = min(max(fx - ix, 0.0), 1.0)
    value = (1.0 - wy) * ((1.0 - wx) * field[iy, ix] + wx * field[iy, ix + 1]) + wy * (
        (1.0 - wx) * field[iy + 1, ix] + wx * field[iy + 1, ix + 1]
    )
    return 0, value


@njit(cache=True, inline="always")
def ground_point(g, lat, lon):
    """Ground elevation [m] of the grid ``g`` at one point; 0 without orography or outside."""
    if not g.has_ground:
        return 0.0
    code, value = surface_point(g.ground, g.surface_axes, lat, lon)
    return value if code == 0 else 0.0


@njit(cache=True)
def bilinear_surface(field, grid, q_lat, q_lon, out):
    """Bilinear interpolation of a 2-D ``(lat, lon)`` float64 field at points.

    ``grid`` is ``(lat0, dlat, lon0, dlon)``. Returns -1, or ``index * 8 + code`` of the first
    point outside (codes as :func:`sample_grid`).
    """
    for i in range(q_lat.shape[0]):
        code, value = surface_point(field, grid, q_lat[i], q_lon[i])
        if code != 0:
            return i * 8 + code
        out[i] = value
    return -1
