"""Flight models: small factories returning vectorised rate-of-change functions.

Every model has the signature ``model(t, lat, lon, alt, air, idx) -> (dlat, dlon, dalt)``:

- ``t``, ``lat``, ``lon``, ``alt``: arrays of the members being integrated [s since epoch],
  [deg], [deg], [m];
- ``air``: the :class:`weather.protocol.AtmosphereSample` at those points (the solver samples
  the atmosphere once per evaluation, for all members and all models);
- ``idx``: the members' indices into the full member axis, so per-member parameters
  (``rate[idx]``) follow the members still flying.

The result is ``(dlat/dt [deg s-1], dlon/dt [deg s-1], dalt/dt [m s-1])``. Models are summed
with :func:`make_linear_model` (the shape of Tawhiri's ``models.py``, vectorised over members).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from localization import _
from predictor.constants import CUSF_DRAG_CONSTANT, EARTH_RADIUS, SEA_LEVEL_DENSITY
from predictor.flight_physics import descent_speed, drift_rates
from predictor.nasa_atmosphere import nasa_three_layer_density
from weather.protocol import AtmosphereSample
from weather.standard_atmosphere import ussa1976_density

__all__ = [
    "DENSITY_SOURCES",
    "Model",
    "make_constant_ascent",
    "make_float",
    "make_linear_model",
    "make_parachute_descent",
    "make_wind_drift",
]

FloatArray = npt.NDArray[np.float64]
Rates = tuple[FloatArray, FloatArray, FloatArray]
Model = Callable[
    [FloatArray, FloatArray, FloatArray, FloatArray, AtmosphereSample, npt.NDArray[np.intp]],
    Rates,
]

#: Where the parachute descent takes air density from: the atmosphere's own density (ERA5
#: temperature and pressure; USSA 1976 where the atmosphere has none), USSA 1976 only, or the
#: NASA Glenn three-layer model (CUSF parity).
DENSITY_SOURCES = ("atmosphere", "ussa1976", "nasa3layer")


def _per_member(value: npt.ArrayLike, name: str) -> FloatArray:
    arr = np.atleast_1d(np.asarray(value, dtype=np.float64))
    if arr.ndim != 1:
        raise ValueError(
            _("{name} must be a number or a 1-D array over members, got shape {shape}").format(
                name=name, shape=arr.shape
            )
        )
    return arr


def _pick(arr: FloatArray, idx: npt.NDArray[np.intp]) -> FloatArray:
    """Per-member parameter for the members ``idx`` (a length-1 array applies to all)."""
    return arr if arr.shape[0] == 1 else arr[idx]


def make_constant_ascent(ascent_rate: npt.ArrayLike) -> Model:
    """Constant vertical speed upwards.

    Parameters
    ----------
    ascent_rate : float or ndarray, shape (n_members,)
        Ascent rate [m s-1].
    """
    rate = _per_member(ascent_rate, "ascent_rate")

    def constant_ascent(t, lat, lon, alt, air, idx):
        zero = np.zeros_like(alt)
        return zero, zero, np.broadcast_to(_pick(rate, idx), alt.shape)

    return constant_ascent


def make_float() -> Model:
    """Float at constant altitude: no vertical motion (the wind still drifts the balloon)."""

    def float_model(t, lat, lon, alt, air, idx):
        zero = np.zeros_like(alt)
        return zero, zero, zero

    return float_model


def make_parachute_descent(
    sea_level_rate: npt.ArrayLike,
    density: str = "atmosphere",
    sea_level_density: float = SEA_LEVEL_DENSITY,
) -> Model:
    """Descent under a parachute at terminal speed, ``v(h) = v0 sqrt(rho0 / rho(h))``.

    Parameters
    ----------
    sea_level_rate : float or ndarray, shape (n_members,)
        Descent rate at sea-level density ``v0`` [m s-1] (positive).
    density : {"atmosphere", "ussa1976", "nasa3layer"}
        Where rho(h) comes from (see :data:`DENSITY_SOURCES`). ``atmosphere`` uses the
        sample's density and falls back to USSA 1976 where it is not finite (no
        temperature in the data).
    sea_level_density : float
        rho0 [kg m-3]; 1.2250 (USSA 1976 sea level) by default. The CUSF parity mode passes
        ``CUSF_DRAG_CONSTANT**2`` (1.2199), which reproduces CUSF's ``-v0 * 1.1045 / sqrt(rho)``.

    Notes
    -----
    Terminal velocity at every instant, no acceleration phase: for fixed drag area C_D A,
    ``v = sqrt(2 m g / (rho C_D A))``, so ``v sqrt(rho)`` is constant (CUSF, Tawhiri; see
    notes/predictor-physics.md §1.4).
    """
    if density not in DENSITY_SOURCES:
        raise ValueError(
            _("unknown density source {density!r}; choose one of {DENSITY_SOURCES}").format(
                density=density, DENSITY_SOURCES=DENSITY_SOURCES
            )
        )
    v0_sqrt_rho0 = _per_member(sea_level_rate, "descent_rate") * np.sqrt(sea_level_density)

    def parachute_descent(t, lat, lon, alt, air, idx):
        if density == "nasa3layer":
            rho = nasa_three_layer_density(alt)
        elif density == "ussa1976":
            rho = ussa1976_density(alt)
        else:
            rho = np.asarray(air.density, dtype=np.float64)
            missing = ~np.isfinite(rho)
            if missing.any():
                rho = np.where(missing, ussa1976_density(alt), rho)
        zero = np.zeros_like(alt)
        return zero, zero, descent_speed(_pick(v0_sqrt_rho0, idx), rho)

    return parachute_descent


def make_wind_drift(earth_radius: float = EARTH_RADIUS) -> Model:
    """Horizontal motion with the wind on a sphere of radius ``earth_radius + alt``.

    ``dlat/dt = v / (R + h)`` and ``dlon/dt = u / ((R + h) cos(lat))`` (in degrees), with the
    wind (u, v) [m s-1] from the atmosphere sample the solver took at the members' positions.

    Parameters
    ----------
    earth_radius : float
        Radius of the sphere at sea level [m].
    """

    def wind_drift(t, lat, lon, alt, air, idx):
        dlat, dlon = drift_rates(
            np.asarray(air.u, dtype=np.float64),
            np.asarray(air.v, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            np.asarray(alt, dtype=np.float64),
            float(earth_radius),
        )
        return dlat, dlon, np.zeros_like(alt)

    return wind_drift


def make_linear_model(*models: Model) -> Model:
    """Sum of models (e.g. ascent + wind drift)."""
    if not models:
        raise ValueError(_("make_linear_model needs at least one model"))

    def linear_model(t, lat, lon, alt, air, idx):
        dlat, dlon, dalt = models[0](t, lat, lon, alt, air, idx)
        for m in models[1:]:
            a, b, c = m(t, lat, lon, alt, air, idx)
            dlat = dlat + a
            dlon = dlon + b
            dalt = dalt + c
        return dlat, dlon, dalt

    return linear_model


# CUSF constant re-exported for profiles that build the parity mode.
CUSF_SEA_LEVEL_DENSITY = CUSF_DRAG_CONSTANT**2
