"""A flight described once: the plan both solvers fly.

:func:`build_plan` turns a profile's settings (per-member arrays) into a validated
:class:`FlightPlan`: the stage kinds in order, every member's parameters (ascent rate, top
altitude, float duration / end, sea-level descent rate) and the physics (density source,
rho0, termination). The compiled kernel (:mod:`predictor.flight_kernel`) reads the plan's
arrays; the numpy oracle gets the same plan as (model, terminator) stages from
:meth:`FlightPlan.stages`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from localization import _
from predictor.result import iso_utc
from predictor.vocabulary import MODELS, PROFILES

__all__ = ["FlightPlan", "build_plan"]

FloatArray = npt.NDArray[np.float64]

#: Stage kinds of each profile, in flight order.
PROFILE_STAGES = {
    "standard": ("ascent", "descent"),
    "float": ("ascent", "float", "descent"),
    "descent": ("descent",),
}


@dataclass(frozen=True)
class FlightPlan:
    """The stages of a flight and every member's parameters (arrays of shape (n,)).

    Attributes
    ----------
    profile : str
        One of :data:`predictor.vocabulary.PROFILES`.
    model : str
        One of :data:`predictor.vocabulary.MODELS`.
    kinds : tuple of str
        Stage kinds in flight order (``ascent``, ``float``, ``descent``).
    ascent_rate : ndarray
        Ascent rate [m s-1] (0 when there is no ascent).
    top_altitude : ndarray
        Where the ascent ends [m]: the burst altitude (standard) or float altitude (float).
    float_duration : ndarray
        Float time after reaching the float altitude [s] (inf when unused).
    float_until : ndarray
        End of the float [s since epoch] (inf when unused).
    descent_rate : ndarray
        Descent rate at sea-level density v0 [m s-1].
    physics : dict
        :func:`predictor.profiles.descent_physics` of the model.
    """

    profile: str
    model: str
    kinds: tuple[str, ...]
    ascent_rate: FloatArray
    top_altitude: FloatArray
    float_duration: FloatArray
    float_until: FloatArray
    descent_rate: FloatArray
    physics: dict[str, Any]

    @property
    def n_members(self) -> int:
        """Number of members."""
        return int(self.descent_rate.shape[0])

    def stages(self, atmosphere: Any) -> list[Any]:
        """Return the plan as (model, terminator) stages for the numpy solver (the oracle)."""
        from predictor.profiles import descent_profile, float_profile, standard_profile

        if self.profile == "standard":
            return standard_profile(
                atmosphere, self.ascent_rate, self.top_altitude, self.descent_rate, self.model
            )
        if self.profile == "float":
            stages = float_profile(
                atmosphere,
                self.ascent_rate,
                self.top_altitude,
                self.descent_rate,
                self.float_duration,
                self.float_until,
                self.model,
            )
            return stages[len(stages) - len(self.kinds) :]  # from the plan's first stage
        return descent_profile(atmosphere, self.descent_rate, self.model)


def _positive(arr: FloatArray | None, name: str, unit: str) -> FloatArray:
    if arr is None:
        raise ValueError(
            _("{name} [{unit}] is required for this profile").format(name=name, unit=unit)
        )
    if (arr <= 0).any():
        raise ValueError(
            _(
                "{name} must be positive, got {value:g} {unit}; give the speed as a "
                "positive number (the direction follows from the stage)"
            ).format(name=name, value=arr[arr <= 0][0], unit=unit)
        )
    return arr


def check_profile_and_model(profile: str, model: str) -> None:
    """Refuse a profile or descent model that is not one of the known ones.

    Raises
    ------
    ValueError
        Naming the unknown value and the allowed ones.
    """
    if profile not in PROFILES:
        raise ValueError(
            _("unknown profile {profile!r}; choose one of {PROFILES}").format(
                profile=profile, PROFILES=PROFILES
            )
        )
    if model not in MODELS:
        raise ValueError(
            _("unknown model {model!r}; choose one of {MODELS}").format(model=model, MODELS=MODELS)
        )


def build_plan(
    profile: str,
    model: str,
    n: int,
    *,
    launch_time: FloatArray,
    launch_altitude: FloatArray,
    land_limit: FloatArray,
    ascent_rate: FloatArray | None = None,
    burst_altitude: FloatArray | None = None,
    descent_rate: FloatArray | None = None,
    float_altitude: FloatArray | None = None,
    float_duration: FloatArray | None = None,
    float_until: FloatArray | None = None,
    where: tuple[FloatArray, FloatArray] | None = None,
    from_stage: str | None = None,
) -> FlightPlan:
    """Validate a profile's settings and return its plan.

    Arrays have one value or one per member (``n``); ``launch_altitude`` and
    ``land_limit`` (ground or sea level under the launch [m]) have one per member.
    ``where`` = (latitude, longitude) [deg] names the place in messages. ``from_stage``
    ``"float"`` (float profile only) starts the plan in the float at the start altitude (an
    in-flight prediction during a float; no ``float_altitude`` then).

    Raises
    ------
    ValueError
        Unknown profile or model, non-positive rates, burst or float altitude not above the
        launch, float above burst, a float without an end, a descent starting underground.
    """
    from predictor.profiles import descent_physics

    check_profile_and_model(profile, model)
    physics = descent_physics(model)
    alt = launch_altitude

    def full(a: FloatArray | None, default: float) -> FloatArray:
        if a is None:
            return np.full(n, default)
        if a.shape == (n,) and a.dtype == np.float64 and a.flags.c_contiguous:
            return a
        if a.shape == (1,):
            return np.full(n, float(a[0]))
        return np.ascontiguousarray(np.broadcast_to(a, (n,)), dtype=np.float64)

    descent = full(_positive(descent_rate, "descent_rate", "m s-1"), 0.0)
    ascent = np.zeros(n)
    top = np.zeros(n)
    f_dur = np.full(n, np.inf)
    f_until = np.full(n, np.inf)
    if profile == "standard":
        ascent = full(_positive(ascent_rate, "ascent_rate", "m s-1"), 0.0)
        if burst_altitude is None:
            raise ValueError(_("burst_altitude [m] is required for the standard profile"))
        top = full(burst_altitude, 0.0)
        low = top <= alt
        if low.any():
            i = int(np.flatnonzero(low)[0])
            raise ValueError(
                _(
                    "burst altitude {value:g} m is not above the launch altitude "
                    "{value2:g} m; give a burst altitude above the launch"
                ).format(value=top[i], value2=alt[i])
            )
    elif profile == "float" and from_stage == "float":
        top = np.array(alt, dtype=np.float64)  # floating where it is
        if float_duration is None and float_until is None:
            raise ValueError(_("a float needs float_duration [s] or float_until (a time)"))
        if float_duration is not None:
            f_dur = full(float_duration, np.inf)
        if float_until is not None:
            f_until = full(float_until, np.inf)
    elif profile == "float":
        ascent = full(_positive(ascent_rate, "ascent_rate", "m s-1"), 0.0)
        if float_altitude is None:
            raise ValueError(_("float_altitude [m] is required for the float profile"))
        top = full(float_altitude, 0.0)
        if np.any(top <= alt):
            i = int(np.flatnonzero(top <= alt)[0])
            raise ValueError(
                _(
                    "float altitude {value:g} m is not above the launch altitude {value2:g} m"
                ).format(value=top[i], value2=alt[i])
            )
        if burst_altitude is not None:
            burst = full(burst_altitude, 0.0)
            if np.any(top >= burst):
                i = int(np.flatnonzero(top >= burst)[0])
                raise ValueError(
                    _(
                        "float altitude {value:g} m is not below the burst altitude "
                        "{value2:g} m; a balloon cannot float above its burst "
                        "altitude (lower the float altitude or raise the burst "
                        "altitude)"
                    ).format(value=top[i], value2=burst[i])
                )
        if float_duration is None and float_until is None:
            raise ValueError(
                _("the float profile needs float_duration [s] or float_until (a time)")
            )
        if float_duration is not None:
            if np.any(float_duration < 0):
                raise ValueError(
                    _("float_duration must not be negative, got {value:g} s").format(
                        value=float_duration.min()
                    )
                )
            f_dur = full(float_duration, np.inf)
        if float_until is not None:
            f_until = full(float_until, np.inf)
            if np.any(f_until <= launch_time):
                raise ValueError(
                    _("float_until {value} is not after the launch {value2}").format(
                        value=iso_utc(float(np.min(f_until))),
                        value2=iso_utc(float(launch_time[0])),
                    )
                )
    else:
        under = alt <= land_limit
        if under.any():
            i = int(np.flatnonzero(under)[0])
            place = "" if where is None else f" at {where[0][i]:g}, {where[1][i]:g}"
            raise ValueError(
                _(
                    "descent start altitude {value:g} m is not above the {value2} "
                    "({value3:g} m){place}"
                ).format(
                    value=alt[i],
                    value2="ground" if physics["termination"] == "ground" else "sea level",
                    value3=land_limit[i],
                    place=place,
                )
            )
    kinds = PROFILE_STAGES[profile]
    if from_stage is not None:
        if from_stage not in kinds or profile != "float" or from_stage != "float":
            raise ValueError(
                _(
                    "from_stage {from_stage!r} is not offered for the {profile} "
                    "profile (only 'float' with the float profile; for a descent use "
                    "profile='descent')"
                ).format(from_stage=from_stage, profile=profile)
            )
        kinds = kinds[kinds.index(from_stage) :]
    return FlightPlan(profile, model, kinds, ascent, top, f_dur, f_until, descent, physics)
