"""Physical constants and mode names of the predictor, each with its source."""

from __future__ import annotations

from predictor.vocabulary import MODELS, PROFILES
from weather.constants import EARTH_RADIUS

__all__ = [
    "CUSF_DRAG_CONSTANT",
    "DEFAULT_EVENT_TOLERANCE_S",
    "DEFAULT_STEP_S",
    "EARTH_RADIUS",
    "MEAN_EARTH_RADIUS",
    "MODELS",
    "PROFILES",
    "SEA_LEVEL_DENSITY",
]

# EARTH_RADIUS [m] (6 371 009 m, the value CUSF and Tawhiri use; the balloon moves on a
# sphere of radius R + h) lives in weather.constants; distances shown to people are WGS84
# geodesics from terrain.geodesy.

#: The same radius under its round-one name (the value is :data:`EARTH_RADIUS`; there is
#: one Earth sphere now). New code uses ``weather.constants.EARTH_RADIUS``.
MEAN_EARTH_RADIUS = EARTH_RADIUS

#: Sea-level air density the sea-level descent rate refers to [kg m-3]: the US Standard
#: Atmosphere 1976 sea-level value, so ``v(0) = v0`` exactly in that atmosphere.
SEA_LEVEL_DENSITY = 1.2250

#: CUSF / Tawhiri drag constant: descent ``dh/dt = -v0 * c / sqrt(rho)`` with c = 1.1045,
#: i.e. an implied sea-level density c**2 = 1.2199 kg m-3 (jonsowman/cusf-standalone-predictor
#: ``pred_src``, cuspaceflight/tawhiri ``models.py``; see notes/predictor-physics.md §1.4).
CUSF_DRAG_CONSTANT = 1.1045

#: Default solver step [s] (as Tawhiri).
DEFAULT_STEP_S = 60.0

#: Default time tolerance to which stage ends are located by bisection [s].
DEFAULT_EVENT_TOLERANCE_S = 0.01
