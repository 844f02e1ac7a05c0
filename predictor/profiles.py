"""Flight profiles: lists of (model, terminator) stages for the solver.

- :func:`standard_profile`: constant ascent to the burst altitude, then parachute descent;
- :func:`float_profile`: ascent to a float altitude, float for a duration and/or until a
  time, then parachute descent;
- :func:`descent_profile`: parachute descent only (in-flight re-prediction after burst).

Wind drift is added to every stage. ``model="cusf"`` builds the CUSF parity physics: NASA
three-layer density with the CUSF drag constant and the end of the flight at sea level.
"""

from __future__ import annotations

import numpy.typing as npt

from localization import _
from predictor.constants import CUSF_DRAG_CONSTANT, EARTH_RADIUS, MODELS, SEA_LEVEL_DENSITY
from predictor.models import (
    make_constant_ascent,
    make_float,
    make_linear_model,
    make_parachute_descent,
    make_wind_drift,
)
from predictor.solver import Stage
from predictor.terminators import (
    make_any_terminator,
    make_burst_terminator,
    make_duration_terminator,
    make_ground_terminator,
    make_time_terminator,
    sea_level_terminator,
)
from weather.protocol import Atmosphere

__all__ = ["descent_profile", "descent_physics", "float_profile", "standard_profile"]


def _check_model(model: str) -> None:
    if model not in MODELS:
        raise ValueError(
            _("unknown model {model!r}; choose one of {MODELS}").format(model=model, MODELS=MODELS)
        )


def descent_physics(model: str) -> dict[str, object]:
    """Return the descent settings a model uses (density source, rho0, termination, radius).

    Returns
    -------
    dict
        ``density_source``, ``sea_level_density_kg_m3``, ``termination`` ("ground" or
        "sea_level") and ``earth_radius_m``.
    """
    _check_model(model)
    if model == "cusf":
        return {
            "density_source": "nasa3layer",
            "sea_level_density_kg_m3": CUSF_DRAG_CONSTANT**2,
            "termination": "sea_level",
            "earth_radius_m": EARTH_RADIUS,
        }
    return {
        "density_source": "atmosphere",
        "sea_level_density_kg_m3": SEA_LEVEL_DENSITY,
        "termination": "ground",
        "earth_radius_m": EARTH_RADIUS,
    }


def _descent_stage(atmosphere: Atmosphere, descent_rate: npt.ArrayLike, model: str) -> Stage:
    physics = descent_physics(model)
    descent = make_parachute_descent(
        descent_rate,
        density=str(physics["density_source"]),
        sea_level_density=float(physics["sea_level_density_kg_m3"]),
    )
    terminator = (
        sea_level_terminator
        if physics["termination"] == "sea_level"
        else make_ground_terminator(atmosphere)
    )
    return Stage("descent", make_linear_model(descent, make_wind_drift(EARTH_RADIUS)), terminator)


def _ascent_stage(ascent_rate: npt.ArrayLike, top_altitude: npt.ArrayLike) -> Stage:
    model = make_linear_model(make_constant_ascent(ascent_rate), make_wind_drift(EARTH_RADIUS))
    return Stage("ascent", model, make_burst_terminator(top_altitude))


def standard_profile(
    atmosphere: Atmosphere,
    ascent_rate: npt.ArrayLike,
    burst_altitude: npt.ArrayLike,
    descent_rate: npt.ArrayLike,
    model: str = "stratoflight",
) -> list[Stage]:
    """Ascent at ``ascent_rate`` [m s-1] to ``burst_altitude`` [m], then descent.

    ``descent_rate`` is the sea-level descent rate v0 [m s-1]. Arrays are per member.
    """
    _check_model(model)
    return [
        _ascent_stage(ascent_rate, burst_altitude),
        _descent_stage(atmosphere, descent_rate, model),
    ]


def float_profile(
    atmosphere: Atmosphere,
    ascent_rate: npt.ArrayLike,
    float_altitude: npt.ArrayLike,
    descent_rate: npt.ArrayLike,
    float_duration: npt.ArrayLike | None = None,
    float_until: npt.ArrayLike | None = None,
    model: str = "stratoflight",
) -> list[Stage]:
    """Ascent to ``float_altitude`` [m], float, then descent (cut-down).

    The float ends after ``float_duration`` [s] from reaching the float altitude, or at
    ``float_until`` [s since epoch], whichever comes first (at least one is required).
    """
    _check_model(model)
    ends = []
    if float_duration is not None:
        ends.append(make_duration_terminator(float_duration))
    if float_until is not None:
        ends.append(make_time_terminator(float_until))
    if not ends:
        raise ValueError(_("a float profile needs float_duration or float_until (or both)"))
    float_stage = Stage(
        "float",
        make_linear_model(make_float(), make_wind_drift(EARTH_RADIUS)),
        make_any_terminator(*ends),
    )
    return [
        _ascent_stage(ascent_rate, float_altitude),
        float_stage,
        _descent_stage(atmosphere, descent_rate, model),
    ]


def descent_profile(
    atmosphere: Atmosphere, descent_rate: npt.ArrayLike, model: str = "stratoflight"
) -> list[Stage]:
    """Parachute descent only, at sea-level descent rate ``descent_rate`` [m s-1]."""
    return [_descent_stage(atmosphere, descent_rate, model)]
