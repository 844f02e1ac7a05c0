"""US Standard Atmosphere 1976 (0-86 km): temperature, pressure and density by altitude.

Used wherever no file gives temperature (analytic test atmospheres, the fallback for the
parachute descent model) and by the built-in sample atmosphere.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from weather.constants import (
    DRY_AIR_GAS_CONSTANT,
    EARTH_RADIUS_USSA,
    MOLAR_GAS_CONSTANT_USSA,
    MOLAR_MASS_DRY_AIR,
    STANDARD_GRAVITY,
)

__all__ = [
    "DRY_AIR_GAS_CONSTANT",
    "EARTH_RADIUS_USSA",
    "G0",
    "geometric_to_geopotential",
    "geopotential_to_geometric",
    "ussa1976",
    "ussa1976_density",
    "ussa1976_pressure",
    "ussa1976_temperature",
]

#: Standard gravity [m s-2] (:data:`weather.constants.STANDARD_GRAVITY`).
G0 = STANDARD_GRAVITY
_R_STAR = MOLAR_GAS_CONSTANT_USSA
_M0 = MOLAR_MASS_DRY_AIR
_SPECIFIC_R = _R_STAR / _M0

# Layer bases: geopotential altitude [m], lapse rate [K m-1] (USSA 1976, table 4).
_BASE_H = np.array([0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0])
_LAPSE = np.array([-0.0065, 0.0, 0.001, 0.0028, 0.0, -0.0028, -0.002])
_TOP_H = 84852.0


def _layer_bases() -> tuple[np.ndarray, np.ndarray]:
    temps = [288.15]
    pressures = [101325.0]
    for i in range(1, len(_BASE_H)):
        dh = _BASE_H[i] - _BASE_H[i - 1]
        t_b, p_b, lapse = temps[-1], pressures[-1], _LAPSE[i - 1]
        t_top = t_b + lapse * dh
        if lapse == 0.0:
            p_top = p_b * np.exp(-G0 * dh / (_SPECIFIC_R * t_b))
        else:
            p_top = p_b * (t_b / t_top) ** (G0 / (_SPECIFIC_R * lapse))
        temps.append(t_top)
        pressures.append(p_top)
    return np.array(temps), np.array(pressures)


_BASE_T, _BASE_P = _layer_bases()


def geometric_to_geopotential(altitude: npt.ArrayLike) -> np.ndarray:
    """Convert geometric altitude to geopotential altitude.

    Parameters
    ----------
    altitude : array-like
        Geometric altitude above mean sea level [m].

    Returns
    -------
    numpy.ndarray
        Geopotential altitude [m'] (USSA 1976 effective radius).
    """
    z = np.asarray(altitude, dtype=np.float64)
    return EARTH_RADIUS_USSA * z / (EARTH_RADIUS_USSA + z)


def geopotential_to_geometric(geopotential_altitude: npt.ArrayLike) -> np.ndarray:
    """Convert geopotential altitude to geometric altitude (inverse of the function above).

    Parameters
    ----------
    geopotential_altitude : array-like
        Geopotential altitude [m'].

    Returns
    -------
    numpy.ndarray
        Geometric altitude above mean sea level [m].
    """
    h = np.asarray(geopotential_altitude, dtype=np.float64)
    return EARTH_RADIUS_USSA * h / (EARTH_RADIUS_USSA - h)


def ussa1976(altitude: npt.ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Temperature, pressure and density of the US Standard Atmosphere 1976.

    Parameters
    ----------
    altitude : array-like
        Geometric altitude above mean sea level [m]. Values above 86 km hold the 86 km
        state; values below sea level extrapolate the lowest layer.

    Returns
    -------
    temperature : numpy.ndarray
        Air temperature [K].
    pressure : numpy.ndarray
        Air pressure [Pa].
    density : numpy.ndarray
        Air density [kg m-3].

    Notes
    -----
    Seven layers of constant lapse rate in geopotential altitude, hydrostatic pressure with
    R* = 8.31432 J mol-1 K-1 and M0 = 0.0289644 kg mol-1 (NOAA/NASA/USAF, "U.S. Standard
    Atmosphere, 1976", NOAA-S/T 76-1562, section 1.2).
    """
    h = np.minimum(geometric_to_geopotential(altitude), _TOP_H)
    layer = np.clip(np.searchsorted(_BASE_H, h, side="right") - 1, 0, len(_BASE_H) - 1)
    h_b = _BASE_H[layer]
    t_b = _BASE_T[layer]
    p_b = _BASE_P[layer]
    lapse = _LAPSE[layer]
    dh = h - h_b
    temperature = t_b + lapse * dh
    isothermal = lapse == 0.0
    safe_lapse = np.where(isothermal, 1.0, lapse)
    with np.errstate(divide="ignore", invalid="ignore"):
        p_grad = p_b * (t_b / temperature) ** (G0 / (_SPECIFIC_R * safe_lapse))
    p_iso = p_b * np.exp(-G0 * dh / (_SPECIFIC_R * t_b))
    pressure = np.where(isothermal, p_iso, p_grad)
    density = pressure / (_SPECIFIC_R * temperature)
    return temperature, pressure, density


def ussa1976_temperature(altitude: npt.ArrayLike) -> np.ndarray:
    """Air temperature of the US Standard Atmosphere 1976 [K] at altitude [m]."""
    return ussa1976(altitude)[0]


def ussa1976_pressure(altitude: npt.ArrayLike) -> np.ndarray:
    """Air pressure of the US Standard Atmosphere 1976 [Pa] at altitude [m]."""
    return ussa1976(altitude)[1]


def ussa1976_density(altitude: npt.ArrayLike) -> np.ndarray:
    """Air density of the US Standard Atmosphere 1976 [kg m-3] at altitude [m]."""
    return ussa1976(altitude)[2]
