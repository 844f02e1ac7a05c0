"""Stage terminators: vectorised "has this stage ended?" tests.

Signature: ``terminator(t, lat, lon, alt, idx, t_start) -> bool array``, where ``idx`` are
the members' indices into the full member axis (for per-member thresholds) and ``t_start``
is when each member began the stage [s since epoch]. A terminator must be False at the start
of its stage and True once the stage has ended; the solver locates the change by bisection.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import numpy.typing as npt

from weather.protocol import Atmosphere

__all__ = [
    "Terminator",
    "make_any_terminator",
    "make_burst_terminator",
    "make_duration_terminator",
    "make_ground_terminator",
    "make_time_terminator",
    "sea_level_terminator",
]

FloatArray = npt.NDArray[np.float64]
Terminator = Callable[
    [FloatArray, FloatArray, FloatArray, FloatArray, npt.NDArray[np.intp], FloatArray],
    npt.NDArray[np.bool_],
]


def _per_member(value: npt.ArrayLike) -> FloatArray:
    return np.atleast_1d(np.asarray(value, dtype=np.float64))


def _pick(arr: FloatArray, idx: npt.NDArray[np.intp]) -> FloatArray:
    return arr if arr.shape[0] == 1 else arr[idx]


def make_burst_terminator(burst_altitude: npt.ArrayLike) -> Terminator:
    """End the stage when the altitude reaches ``burst_altitude`` [m] (per member)."""
    burst = _per_member(burst_altitude)

    def burst_terminator(t, lat, lon, alt, idx, t_start):
        return alt >= _pick(burst, idx)

    return burst_terminator


def make_time_terminator(end_time: npt.ArrayLike) -> Terminator:
    """End the stage at ``end_time`` [s since epoch] (per member)."""
    end = _per_member(end_time)

    def time_terminator(t, lat, lon, alt, idx, t_start):
        return t >= _pick(end, idx)

    return time_terminator


def make_duration_terminator(duration: npt.ArrayLike) -> Terminator:
    """End the stage ``duration`` [s] after each member began it."""
    dur = _per_member(duration)

    def duration_terminator(t, lat, lon, alt, idx, t_start):
        return t - t_start >= _pick(dur, idx)

    return duration_terminator


def sea_level_terminator(t, lat, lon, alt, idx, t_start):
    """End the stage at sea level (altitude <= 0 m)."""
    return alt <= 0.0


def make_ground_terminator(atmosphere: Atmosphere) -> Terminator:
    """End the stage on the ground: ``alt <= atmosphere.ground_elevation(lat, lon)``.

    Without surface data (``atmosphere.has_surface`` False) this is sea level; the predictor
    reports that as the ``no_surface_data`` warning.
    """
    if not atmosphere.has_surface:
        return sea_level_terminator

    def ground_terminator(t, lat, lon, alt, idx, t_start):
        return alt <= atmosphere.ground_elevation(lat, lon)

    return ground_terminator


def make_any_terminator(*terminators: Terminator) -> Terminator:
    """End the stage when any of ``terminators`` does."""
    if not terminators:
        raise ValueError("make_any_terminator needs at least one terminator")

    def any_terminator(t, lat, lon, alt, idx, t_start):
        fired = terminators[0](t, lat, lon, alt, idx, t_start)
        for term in terminators[1:]:
            fired = fired | term(t, lat, lon, alt, idx, t_start)
        return fired

    return any_terminator
