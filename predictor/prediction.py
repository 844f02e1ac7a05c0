"""The predictor's Python API: request -> plan -> solve -> result.

:func:`predict` handles one flight or an ensemble: every numeric argument may be an array
over members (shape (n_members,)); scalars apply to all members.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import numpy as np
import numpy.typing as npt

from localization import _
from predictor.constants import (
    DEFAULT_EVENT_TOLERANCE_S,
    DEFAULT_STEP_S,
)
from predictor.flight_plan import build_plan, check_profile_and_model
from predictor.landing_surface import landing_surface, with_coast_distance
from predictor.result import FlightPoints, PredictionResult, PredictionWarning, iso_utc
from predictor.sea_landing import fall_to_sea_level
from predictor.solver import MAX_FLIGHT_DURATION_S, solve, wrap_longitude
from weather.protocol import Atmosphere, to_epoch_seconds

__all__ = ["atmosphere_settings", "predict", "predict_landings", "to_epoch_array"]

FloatArray = npt.NDArray[np.float64]
TimeLike = datetime | float | Sequence[datetime] | Sequence[float] | npt.NDArray[Any]

#: Integers below this size convert to float64 exactly (the plain-number fast path).
_EXACT_INT = 2**53
#: The last atmosphere bounds seen with their first/last time [s] (bounds are immutable).
_LAST_BOUNDS: list[tuple[Any, float, float]] = [(None, 0.0, 0.0)]


def to_epoch_array(when: TimeLike | None, name: str) -> FloatArray | None:
    """Convert times to float64 seconds since the epoch [s], shape (n,) or (1,).

    Accepts a timezone-aware datetime, a number of seconds since the epoch, or a sequence /
    array of either (numpy ``datetime64`` arrays are read as UTC). Naive datetimes are
    refused (Stratoflight never guesses a time zone).
    """
    if when is None:
        return None
    if isinstance(when, datetime):
        return np.array([to_epoch_seconds(when)])
    arr = np.asarray(when)
    if np.issubdtype(arr.dtype, np.datetime64):
        return np.atleast_1d(arr.astype("datetime64[ns]").astype(np.int64) / 1e9)
    if arr.dtype == object:
        flat = [to_epoch_seconds(w) if isinstance(w, datetime) else float(w) for w in arr.ravel()]
        return np.asarray(flat, dtype=np.float64)
    try:
        return np.atleast_1d(arr.astype(np.float64))
    except (TypeError, ValueError) as exc:
        raise ValueError(
            _(
                "{name} must be a timezone-aware datetime or seconds since the epoch, got {when!r}"
            ).format(name=name, when=when)
        ) from exc


def _array(value: Any, name: str) -> FloatArray | None:
    if value is None:
        return None
    kind = type(value)
    if kind is float or (kind is int and -_EXACT_INT < value < _EXACT_INT):
        # a plain number (the common single-flight call): no array machinery
        number = float(value)
        if not math.isfinite(number):
            raise ValueError(
                _("{name} must be a finite number, got {value!r}").format(name=name, value=value)
            )
        return np.array([number])
    arr = np.atleast_1d(np.asarray(value, dtype=np.float64))
    if arr.ndim != 1:
        raise ValueError(
            _("{name} must be a number or a 1-D array over members, got shape {shape}").format(
                name=name, shape=arr.shape
            )
        )
    if not np.isfinite(arr).all():
        raise ValueError(
            _("{name} must be a finite number, got {value!r}").format(name=name, value=value)
        )
    return arr


def _setting(arr: FloatArray | None) -> Any:
    """One scalar when all members share the value, else the per-member array."""
    if arr is None:
        return None
    if arr.shape[0] == 1 or (arr == arr[0]).all():
        return float(arr[0])
    return arr


def _time_setting(arr: FloatArray | None) -> Any:
    """ISO UTC text of a time setting; a per-member array of texts when members differ."""
    if arr is None:
        return None
    if arr.shape[0] == 1 or (arr == arr[0]).all():
        return iso_utc(float(arr[0]))
    return np.array([iso_utc(float(v)) for v in arr], dtype=object)


def _bounds_seconds(bounds: Any) -> tuple[float, float]:
    """Return the first and last time of ``bounds`` [s since epoch] (last answer kept)."""
    cached = _LAST_BOUNDS[0]  # one read: (bounds, t0, t1), safe with threads
    if cached[0] is not bounds:
        cached = (bounds, to_epoch_seconds(bounds.time_start), to_epoch_seconds(bounds.time_end))
        _LAST_BOUNDS[0] = cached
    return cached[1], cached[2]


def _check_inside(
    atmosphere: Atmosphere,
    t: FloatArray,
    lat: FloatArray,
    lon: FloatArray,
    what: str,
    wrapped: FloatArray | None = None,
) -> None:
    """Refuse points outside the data's time range or area (``wrapped``: ``lon`` wrapped)."""
    b = atmosphere.bounds
    t0, t1 = _bounds_seconds(b)
    lo = wrap_longitude(lon) if wrapped is None else wrapped
    if t.shape[0] == 1:  # one flight: plain numbers, same tests as below
        tv, la, lw = float(t[0]), float(lat[0]), float(lo[0])
        bad_time = tv < t0 or tv > t1
        bad_lat = la < -90 or la > 90
        out = la < b.lat_min or la > b.lat_max
        if (b.lon_max - b.lon_min) < 359.999:
            if b.lon_min <= b.lon_max:
                out = out or lw < b.lon_min or lw > b.lon_max
            else:
                out = out or (lw < b.lon_min and lw > b.lon_max)
        if not (bad_time or bad_lat or out):
            return
    bad_t = (t < t0) | (t > t1)
    if bad_t.any():
        raise ValueError(
            _(
                "{what} time {value} is outside the atmosphere data ({value2} to "
                "{value3}); choose a time inside or load data covering it"
            ).format(
                what=what,
                value=iso_utc(t[bad_t][0]),
                value2=b.time_start.isoformat(),
                value3=b.time_end.isoformat(),
            )
        )
    if ((lat < -90) | (lat > 90)).any():
        raise ValueError(
            _("latitude must be within -90..90 degrees, got {value:g}").format(value=lat[0])
        )
    bad = (lat < b.lat_min) | (lat > b.lat_max)
    if (b.lon_max - b.lon_min) < 359.999:
        if b.lon_min <= b.lon_max:
            bad |= (lo < b.lon_min) | (lo > b.lon_max)
        else:
            bad |= (lo < b.lon_min) & (lo > b.lon_max)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            _(
                "{what} position {value:g}, {value2:g} is outside the atmosphere data"
                " (latitude {lat_min:g}..{lat_max:g}, longitude "
                "{lon_min:g}..{lon_max:g} degrees); choose a place inside or load "
                "data covering it"
            ).format(
                what=what,
                value=lat[i],
                value2=lon[i],
                lat_min=b.lat_min,
                lat_max=b.lat_max,
                lon_min=b.lon_min,
                lon_max=b.lon_max,
            )
        )


def predict(
    atmosphere: Atmosphere,
    launch_time: TimeLike,
    latitude: npt.ArrayLike,
    longitude: npt.ArrayLike,
    altitude: npt.ArrayLike | None = None,
    *,
    ascent_rate: npt.ArrayLike | None = None,
    burst_altitude: npt.ArrayLike | None = None,
    descent_rate: npt.ArrayLike | None = None,
    profile: str = "standard",
    float_altitude: npt.ArrayLike | None = None,
    float_duration: npt.ArrayLike | None = None,
    float_until: TimeLike | None = None,
    step: float = DEFAULT_STEP_S,
    model: str = "stratoflight",
    event_tolerance: float = DEFAULT_EVENT_TOLERANCE_S,
    record_trajectory: bool = True,
    atmosphere_member: npt.ArrayLike | None = None,
    max_flight_duration: float = MAX_FLIGHT_DURATION_S,
    compiled: bool = True,
    from_stage: str | None = None,
) -> PredictionResult:
    """Predict a balloon flight (or an ensemble of flights) through an atmosphere.

    Parameters
    ----------
    atmosphere : weather.protocol.Atmosphere
        Winds, density, ground and land/sea (``weather.open_atmosphere(...)``, the sample
        atmosphere, or an analytic one).
    launch_time : datetime, float or array
        Launch time (timezone-aware) or seconds since the epoch [s]; for ``descent`` the
        time at the start point.
    latitude, longitude : float or ndarray
        Launch (or descent start) position [degree_north], [degree_east]; longitudes in
        0..360 are accepted.
    altitude : float or ndarray, optional
        Launch altitude above mean sea level [m]; default the ground (the atmosphere's
        orography, or sea level without surface data). Required for ``descent``.
    ascent_rate : float or ndarray
        Ascent rate [m s-1] (standard, float).
    burst_altitude : float or ndarray
        Burst altitude [m] (standard; optional upper limit for float).
    descent_rate : float or ndarray
        Descent rate at sea-level density v0 [m s-1].
    profile : {"standard", "float", "descent"}
        Flight profile (see :data:`predictor.constants.PROFILES`).
    float_altitude : float or ndarray
        Float altitude [m] (float).
    float_duration : float or ndarray
        Float time after reaching the float altitude [s] (float).
    float_until : datetime, float or array
        End of the float [UTC datetime or s since epoch] (float).
    step : float
        RK4 step [s].
    model : {"stratoflight", "cusf"}
        Physics: ``stratoflight`` (density from the data with USSA 1976 fallback, rho0 =
        1.2250 kg m-3, landing on the ground) or ``cusf`` (NASA three-layer density, CUSF
        drag constant 1.1045, landing at sea level) for comparison with the classic CUSF
        predictor.
    event_tolerance : float
        Burst, float end and landing are located to this time tolerance [s].
    record_trajectory : bool
        Keep every step's point (default); False keeps only stage start/end points, for
        large ensembles that need only landings.
    atmosphere_member : int or ndarray of int, optional
        Ensemble member of the atmosphere data each flight uses.
    max_flight_duration : float
        Members still flying after this time [s] stop (status ``exceeded_max_duration``).
    from_stage : {"float"}, optional
        Start the flight in this stage of the profile instead of at launch: ``"float"``
        (float profile) floats from the start point at its altitude until
        ``float_duration`` / ``float_until``, then descends (in-flight prediction during a
        float; ``float_altitude`` is then not needed).
    compiled : bool
        Fly gridded atmospheres (GridAtmosphere, and ensembles' PerturbedAtmosphere over
        one) with the compiled kernel (:mod:`predictor.flight_kernel`); other atmospheres,
        and ``compiled=False``, use the numpy solver (:mod:`predictor.solver`, same scheme,
        the kernel's test oracle). ``settings["solver"]`` says which ran.

    Returns
    -------
    PredictionResult
        Trajectories, launch/burst/landing points, surface, warnings and settings, with a
        member axis of length n_members.

    Raises
    ------
    ValueError
        For bad input (unknown profile or model, non-positive rates, burst or float
        altitude below the launch, float above burst, launch outside the data's area or
        time, NaN winds in the data); the message names the problem and the bounds.
    """
    check_profile_and_model(profile, model)
    if not (np.isfinite(step) and step > 0):
        raise ValueError(
            _("step must be a positive number of seconds, got {step}").format(step=step)
        )

    # ---- request: numbers and arrays over members
    t_launch = to_epoch_array(launch_time, "launch_time")
    lat = _array(latitude, "latitude")
    lon = _array(longitude, "longitude")
    alt = _array(altitude, "altitude")
    ascent = _array(ascent_rate, "ascent_rate")
    burst = _array(burst_altitude, "burst_altitude")
    descent = _array(descent_rate, "descent_rate")
    f_alt = _array(float_altitude, "float_altitude")
    f_dur = _array(float_duration, "float_duration")
    f_until = to_epoch_array(float_until, "float_until")
    member = (
        None
        if atmosphere_member is None
        else np.atleast_1d(np.asarray(atmosphere_member, dtype=np.intp))
    )

    given = [
        a
        for a in (t_launch, lat, lon, alt, ascent, burst, descent, f_alt, f_dur, f_until, member)
        if a is not None
    ]
    n = _member_count(given)

    def full(a: FloatArray | None) -> FloatArray | None:
        if a is None:
            return None
        if a.shape == (n,):
            return a.astype(np.float64)  # a copy, like the broadcast below
        return np.broadcast_to(a, (n,)).astype(np.float64)

    t_launch, lat, lon = full(t_launch), full(lat), full(lon)
    if member is not None:
        member = np.broadcast_to(member, (n,))
        if np.any((member < 0) | (member >= atmosphere.ensemble_size)):
            raise ValueError(
                _(
                    "atmosphere_member must be within 0..{value} (the data have "
                    "{ensemble_size} member(s))"
                ).format(
                    value=atmosphere.ensemble_size - 1,
                    ensemble_size=atmosphere.ensemble_size,
                )
            )
    wrapped = wrap_longitude(lon)
    _check_inside(atmosphere, t_launch, lat, lon, "launch", wrapped)
    lon = wrapped
    ground = np.asarray(atmosphere.ground_elevation(lat, lon), dtype=np.float64)
    if alt is None:
        if profile == "descent" or from_stage is not None:
            raise ValueError(
                _("a prediction starting in flight needs the start altitude (altitude=...)")
            )
        alt = ground.copy()
    alt = full(alt)

    # ---- plan: the flight described once (validated)
    termination = "sea_level" if model == "cusf" else "ground"
    land_limit = ground if termination == "ground" else np.zeros(n)
    plan = build_plan(
        profile,
        model,
        n,
        launch_time=t_launch,
        launch_altitude=alt,
        land_limit=land_limit,
        ascent_rate=ascent,
        burst_altitude=burst,
        descent_rate=descent,
        float_altitude=f_alt,
        float_duration=f_dur,
        float_until=f_until,
        where=(lat, lon),
        from_stage=from_stage,
    )
    physics = plan.physics

    # ---- solve: the compiled kernel on gridded data, the numpy solver otherwise
    start = (t_launch, lat, lon, alt)
    options = dict(
        step=step,
        event_tolerance=event_tolerance,
        record_trajectory=record_trajectory,
        atmosphere_member=member,
        max_flight_duration=max_flight_duration,
    )
    winds = None
    if compiled:
        from predictor.flight_kernel import kernel_winds

        winds = kernel_winds(atmosphere)
    if winds is not None:
        from predictor.flight_kernel import fly_plan

        solver_name = "rk4-compiled"
        out = fly_plan(winds, plan, start, **options)
    else:
        solver_name = "rk4-numpy"
        _check_launch_wind(atmosphere, start, member)
        out = solve(atmosphere, plan.stages(atmosphere), *start, **options)

    landed = out.status == "landed"
    nan = np.where(landed, 1.0, np.nan)
    landing = FlightPoints(
        out.time * nan, out.latitude * nan, out.longitude * nan, out.altitude * nan
    )
    # land or sea first; the distance to the shore once the landings are final
    shore = landing_surface(atmosphere, landing.latitude, landing.longitude, coast_distance=False)
    stages = tuple(out.stages)
    if termination == "ground":  # at sea the ground is sea level, not the coarse orography
        stages, landing, shore = fall_to_sea_level(
            atmosphere, stages, landing, shore, plan.descent_rate,
            physics["sea_level_density_kg_m3"], physics["earth_radius_m"], member,
            append=record_trajectory,
        )  # fmt: skip
    shore = with_coast_distance(shore, landing.latitude, landing.longitude)
    descent_stage = stages[-1]

    warnings = _warnings(atmosphere, out, model, n)
    settings: dict[str, Any] = {
        "profile": profile,
        "model": model,
        "launch_altitude_m": _setting(alt),
        "ascent_rate_m_s": _setting(ascent) if profile != "descent" else None,
        "burst_altitude_m": _setting(burst),
        "descent_rate_sea_level_m_s": _setting(descent),
        "float_altitude_m": _setting(f_alt),
        "float_duration_s": _setting(f_dur),
        "float_until": _time_setting(f_until),
        "step_s": float(step),
        "solver": solver_name,
        "event_tolerance_s": float(event_tolerance),
        "earth_radius_m": physics["earth_radius_m"],
        "density_source": physics["density_source"],
        "sea_level_density_kg_m3": physics["sea_level_density_kg_m3"],
        "termination": physics["termination"],
        "atmosphere_member": None if member is None else _setting(member.astype(float)),
        **atmosphere_settings(atmosphere),
        "surface_source": shore.source,
    }
    settings = {k: v for k, v in settings.items() if v is not None}
    return PredictionResult(
        stages=stages,
        launch=FlightPoints(t_launch, lat, lon, alt),
        burst=descent_stage.start,
        landing=landing,
        surface=shore.surface,
        status=out.status,
        warnings=warnings,
        settings=settings,
        atmosphere_source=atmosphere.source,
        synthetic=bool(atmosphere.synthetic),
        coast_distance_m=shore.coast_distance_m,
        coast_bearing_deg=shore.coast_bearing_deg,
    )


def _member_count(given: list[np.ndarray]) -> int:
    """Count the members: the common length of the arguments (length-1 ones broadcast)."""
    if all(a.ndim == 1 for a in given):
        lengths = {a.shape[0] for a in given}
        longer = lengths - {1}
        if len(longer) <= 1 and given:
            return longer.pop() if longer else 1
    try:
        return int(np.broadcast_shapes(*(a.shape for a in given))[0])
    except ValueError as exc:
        raise ValueError(
            _(
                "array arguments must all have the same length (one value per member)"
                " or be single numbers; got lengths {value}"
            ).format(value=sorted({a.shape[0] for a in given}))
        ) from exc


def _check_launch_wind(atmosphere: Atmosphere, start: tuple, member: Any) -> None:
    """Refuse NaN winds in the data where the flight starts (before integrating)."""
    t_launch, lat, lon, alt = start
    first = atmosphere.sample(t_launch, lat, lon, alt, member)
    bad = ~(np.isfinite(first.u) & np.isfinite(first.v))
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            _(
                "the atmosphere data have no wind (NaN) at the launch point "
                "{value:g}, {value2:g}, {value3:g} m, {value4}; the file has missing "
                "values there: use complete data"
            ).format(value=lat[i], value2=lon[i], value3=alt[i], value4=iso_utc(t_launch[i]))
        )


def atmosphere_settings(atmosphere: Atmosphere) -> dict[str, Any]:
    """Name the wind data for the settings: ``atmosphere_source``, ``data_source``, ``model_run``.

    ``data_source`` is the product (e.g. "GFS", "ERA5") and ``model_run`` the forecast run
    (YYYYMMDDHH, comma-separated if several) when the atmosphere says so (GFS files do);
    ``atmosphere_time_margin_s`` is the time [s] answered beyond the data's first/last time
    when that is not zero. Unknown entries are left out.
    """
    out: dict[str, Any] = {"atmosphere_source": str(atmosphere.source)}
    for key in ("data_source", "model_run"):
        value = getattr(atmosphere, key, None)
        if value:
            out[key] = str(value)
    margin = float(getattr(atmosphere, "time_margin", 0.0) or 0.0)
    if margin > 0.0:
        out["atmosphere_time_margin_s"] = margin
    return out


def _warnings(atmosphere: Atmosphere, out: Any, model: str, n: int) -> dict[str, PredictionWarning]:
    nan = np.full(n, np.nan)
    every = np.ones(n, dtype=bool)
    found = []
    above = out.seconds_above_top > 0
    if above.any():
        found.append(
            PredictionWarning(
                "above_top_level",
                "time spent above the data's top level; winds there are held at the top "
                "level's values",
                above,
                out.seconds_above_top,
            )
        )
    below = out.seconds_below_bottom > 0
    if below.any():
        found.append(
            PredictionWarning(
                "below_lowest_level",
                "time spent below the data's lowest level; winds there are held at the lowest "
                "level's values",
                below,
                out.seconds_below_bottom,
            )
        )
    left = out.status != "landed"
    if left.any():
        found.append(
            PredictionWarning(
                "left_data",
                "the flight left the data's area or time range (or ran too long) before "
                "landing; no landing is predicted: load data covering the whole flight",
                left,
                nan,
            )
        )
    if n == 0:  # the warnings below fire for every member: none fire without members
        return {w.code: w for w in found}
    if model == "cusf":
        found.append(
            PredictionWarning(
                "sea_level_termination",
                "model 'cusf' ends the flight at sea level like the classic CUSF predictor, "
                "ignoring terrain",
                every,
                nan,
            )
        )
    elif not atmosphere.has_surface:
        found.append(
            PredictionWarning(
                "no_surface_data",
                "the atmosphere has no ground elevation: landing assumed at sea level "
                "(land or sea still comes from the coastline)",
                every,
                nan,
            )
        )
    if atmosphere.synthetic:
        found.append(
            PredictionWarning(
                "synthetic_atmosphere",
                "the atmosphere is SYNTHETIC (made-up winds): this is not a forecast",
                every,
                nan,
            )
        )
    return {w.code: w for w in found}


def predict_landings(
    atmosphere: Atmosphere,
    launch_time: TimeLike,
    latitude: npt.ArrayLike,
    longitude: npt.ArrayLike,
    altitude: npt.ArrayLike | None = None,
    **kwargs: Any,
) -> PredictionResult:
    """:func:`predict` without trajectory recording: the cheap way to many landings.

    Same arguments as :func:`predict` (``record_trajectory`` is forced False). Each stage
    keeps only its start and end points, so memory is O(n_members); read
    ``result.landing``, ``result.burst``, ``result.surface`` and ``result.status``.
    """
    kwargs["record_trajectory"] = False
    return predict(atmosphere, launch_time, latitude, longitude, altitude, **kwargs)
