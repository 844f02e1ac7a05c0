"""The NASA Glenn three-layer "Earth atmosphere model" used by CUSF and Tawhiri."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

__all__ = ["nasa_three_layer_density"]


def nasa_three_layer_density(altitude: npt.ArrayLike) -> np.ndarray:
    """Air density of the NASA Glenn three-layer atmosphere.

    Parameters
    ----------
    altitude : array-like
        Altitude [m] (CUSF and Tawhiri feed it the geometric altitude).

    Returns
    -------
    numpy.ndarray
        Air density [kg m-3].

    Notes
    -----
    Layers, with T in degC and p in kPa (NASA Glenn Research Center, "Earth Atmosphere
    Model", as coded in CUSF ``pred_src/altitude.c:get_density`` and Tawhiri ``models.py``;
    constants quoted in notes/predictor-physics.md §2):

    - h <= 11 000 m: T = 15.04 - 0.00649 h, p = 101.29 ((T + 273.1) / 288.08)^5.256
    - 11 000 < h <= 25 000 m: T = -56.46, p = 22.65 exp(1.73 - 0.000157 h)
    - h > 25 000 m: T = -131.21 + 0.00299 h, p = 2.488 ((T + 273.1) / 216.6)^-11.388

    and rho = p / (0.2869 (T + 273.1)).
    """
    h = np.asarray(altitude, dtype=np.float64)
    low = h <= 11000.0
    high = h > 25000.0
    t_low = 15.04 - 0.00649 * h
    t_high = -131.21 + 0.00299 * h
    temperature = np.where(low, t_low, np.where(high, t_high, -56.46))
    with np.errstate(over="ignore", invalid="ignore"):
        p_low = 101.29 * ((t_low + 273.1) / 288.08) ** 5.256
        p_mid = 22.65 * np.exp(1.73 - 0.000157 * h)
        p_high = 2.488 * ((t_high + 273.1) / 216.6) ** -11.388
    pressure = np.where(low, p_low, np.where(high, p_high, p_mid))
    return pressure / (0.2869 * (temperature + 273.1))
