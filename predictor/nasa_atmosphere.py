"""The NASA Glenn three-layer "Earth atmosphere model" used by CUSF and Tawhiri."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from predictor.flight_physics import nasa_density_array

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
    flat = np.ascontiguousarray(h.reshape(-1))
    return nasa_density_array(flat).reshape(h.shape)
