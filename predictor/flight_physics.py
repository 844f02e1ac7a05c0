"""The flight's physics formulas, written once for the compiled kernel and the numpy path.

Every function here is a numba ``njit`` function of plain arithmetic: the flight kernel
(:mod:`predictor.flight_kernel`) calls them on scalars inside its loop, and the numpy
oracle (:mod:`predictor.models`, :mod:`predictor.solver`, :mod:`predictor.nasa_atmosphere`,
:mod:`predictor.ensemble_wind`) calls the very same functions on arrays (numba compiles one
version per argument type). Nothing else in the predictor restates these formulas.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from weather import numba_runtime
from weather.constants import EARTH_RADIUS

numba_runtime.load()  # before any compiled function loads: no scipy.linalg import

__all__ = [
    "DEG_PER_RAD",
    "descent_speed",
    "drift_rates",
    "hermite",
    "nasa_density",
    "nasa_density_array",
    "perturbation_frame",
    "perturbation_point",
    "perturbation_points",
    "smooth_cos",
    "wrap_lon",
]

#: Degrees per radian.
DEG_PER_RAD = 180.0 / math.pi
_R_PERT = EARTH_RADIUS  # numba freezes module globals as constants


@njit(cache=True)
def drift_rates(u, v, lat, alt, earth_radius):
    """Wind drift on a sphere: ``(dlat/dt, dlon/dt)`` [deg s-1].

    ``dlat/dt = v / (R + h)`` and ``dlon/dt = u / ((R + h) cos(lat))`` (in degrees), with
    wind ``u``, ``v`` [m s-1], latitude [deg], altitude ``h`` [m] and the sea-level radius
    ``R`` [m]; ``cos(lat)`` is kept >= 1e-9 (poles stay finite). Scalars or arrays.
    """
    r = earth_radius + alt
    coslat = np.maximum(np.cos(np.radians(lat)), 1e-9)
    return DEG_PER_RAD * v / r, DEG_PER_RAD * u / (r * coslat)


@njit(cache=True)
def descent_speed(v0_sqrt_rho0, rho):
    """Vertical speed under a parachute at terminal velocity [m s-1] (negative: down).

    ``dh/dt = -v0 sqrt(rho0) / sqrt(rho)``, i.e. ``v(h) = v0 sqrt(rho0 / rho(h))`` with
    ``v0_sqrt_rho0`` = ``v0 * sqrt(rho0)`` [m s-1 kg^0.5 m^-1.5] and the air density
    ``rho`` [kg m-3] (notes/predictor-physics.md §1.4). Scalars or arrays.
    """
    return -v0_sqrt_rho0 / np.sqrt(rho)


@njit(cache=True)
def nasa_density(h):
    """NASA Glenn three-layer air density [kg m-3] at altitude ``h`` [m] (one number).

    See :func:`predictor.nasa_atmosphere.nasa_three_layer_density` for the layers.
    """
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
def nasa_density_array(h):
    """:func:`nasa_density` of every element of a float64 array [kg m-3]."""
    out = np.empty(h.shape)
    flat_h = h.reshape(-1)
    flat_out = out.reshape(-1)
    for i in range(flat_h.shape[0]):
        flat_out[i] = nasa_density(flat_h[i])
    return out


@njit(cache=True)
def hermite(theta, y0, f0, y1, f1, h):
    """Cubic Hermite interpolant of an RK4 step at ``theta`` in 0..1 (dense output).

    ``y0``, ``y1`` are the states at the step's ends, ``f0``, ``f1`` their derivatives and
    ``h`` the step [s]. Scalars or arrays.
    """
    t2 = theta * theta
    t3 = t2 * theta
    return (
        (2 * t3 - 3 * t2 + 1) * y0
        + (t3 - 2 * t2 + theta) * h * f0
        + (-2 * t3 + 3 * t2) * y1
        + (t3 - t2) * h * f1
    )


@njit(cache=True)
def wrap_lon(lon):
    """One longitude [deg] wrapped into -180 <= lon < 180 (kept exactly when inside)."""
    if lon >= -180.0 and lon < 180.0:
        return lon
    return (lon + 180.0) % 360.0 - 180.0


_TWO_PI = 2.0 * math.pi
_INV_TWO_PI = 1.0 / _TWO_PI
# Taylor coefficients of cos, (-1)^n / (2n)!, n = 0..14 (the last term < 3e-16 on [-pi, pi])
(_C0, _C1, _C2, _C3, _C4, _C5, _C6, _C7, _C8, _C9, _C10, _C11, _C12, _C13,
 _C14) = ((-1) ** n / math.factorial(2 * n) for n in range(15))  # fmt: skip


@njit(cache=True, inline="always")
def smooth_cos(x):
    """cos(x) by a degree-28 polynomial after reduction to [-pi, pi]; |error| < 3e-14 [1].

    For the wind perturbations' sums of cosines (phases of tens of radians): plain
    arithmetic that the compiler vectorises, about 8x cheaper than the C library's cos.
    """
    r = x - _TWO_PI * np.floor(x * _INV_TWO_PI + 0.5)  # stays a float (math.floor: an int)
    z = r * r
    p = _C14
    p = p * z + _C13
    p = p * z + _C12
    p = p * z + _C11
    p = p * z + _C10
    p = p * z + _C9
    p = p * z + _C8
    p = p * z + _C7
    p = p * z + _C6
    p = p * z + _C5
    p = p * z + _C4
    p = p * z + _C3
    p = p * z + _C2
    p = p * z + _C1
    return p * z + _C0


@njit(cache=True, inline="always")
def perturbation_frame(lat0, lon0):
    """Return the perturbation field's reference point as :func:`perturbation_point` reads it.

    Returns ``(lat0 [rad], R cos(lat0) [m rad-1], lon0 [deg])``: computed once per
    member (not at every wind evaluation).
    """
    return math.radians(lat0), _R_PERT * math.cos(math.radians(lat0)), lon0


@njit(cache=True, inline="always")
def perturbation_point(kx, ky, kz, kw, b, row, t, lat, lon, alt, t0, frame, amplitude, work):
    """Correlated wind perturbation ``(du, dv)`` [m s-1] of one member at one point.

    The random-Fourier-feature field of :mod:`predictor.ensemble_wind`:
    ``amplitude * sum_m cos(kx x + ky y + kz z + w t + b)`` over the u modes (the first half
    of the member's table row) and the v modes (the second half), with ``x``/``y`` the
    east/north distances [m] from (``lat0``, ``lon0``), ``z`` the altitude [m] and ``t``
    the time [s] since the member's reference time ``t0``.

    Parameters
    ----------
    kx, ky, kz, kw, b : float64[:, ::1]
        Wavenumbers [rad m-1], [rad s-1] and phases [rad], ``(n_members, 2 * modes)``.
    row : int
        The member's row.
    t, lat, lon, alt : float
        Time [s since epoch], position [deg] and altitude [m].
    t0 : float
        The member's reference time [s].
    frame : tuple
        :func:`perturbation_frame` of the reference point (``lat0``, ``lon0``) [deg].
    amplitude : float
        ``sigma * sqrt(2 / modes)`` [m s-1].
    work : float64[::1]
        Scratch space of ``2 * modes`` values (the cosines, computed in one vector loop).
    """
    n = kx.shape[1]
    modes = n // 2
    rlat0, x_scale, lon0 = frame
    dlon = (lon - lon0 + 180.0) % 360.0 - 180.0
    x = x_scale * math.radians(dlon)
    y = _R_PERT * (math.radians(lat) - rlat0)
    tt = t - t0
    for j in range(n):
        work[j] = smooth_cos(
            kx[row, j] * x + ky[row, j] * y + kz[row, j] * alt + kw[row, j] * tt + b[row, j]
        )
    # the u and v sums in one loop: two independent chains of additions (each in the same
    # order as a sum of its own, so the same result) that the CPU overlaps
    acc_u = 0.0
    acc_v = 0.0
    for j in range(modes):
        acc_u += work[j]
        acc_v += work[modes + j]
    return amplitude * acc_u, amplitude * acc_v


@njit(cache=True)
def perturbation_points(kx, ky, kz, kw, b, rows, t, lat, lon, alt, t0, lat0, lon0, amplitude):
    """:func:`perturbation_point` at many points; ``rows[i]`` owns point ``i``.

    ``t0`` is per row (float64[::1]). Returns ``(du, dv)`` [m s-1] arrays.
    """
    n = rows.shape[0]
    du = np.empty(n)
    dv = np.empty(n)
    work = np.empty(kx.shape[1])
    frame = perturbation_frame(lat0, lon0)
    for i in range(n):
        r = rows[i]
        du[i], dv[i] = perturbation_point(
            kx, ky, kz, kw, b, r, t[i], lat[i], lon[i], alt[i], t0[r], frame, amplitude, work
        )
    return du, dv
