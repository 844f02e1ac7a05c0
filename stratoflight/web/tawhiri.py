"""The Tawhiri API v1 (``GET /api/v1/``): its request rules and its answer's JSON shape.

Clients of the public SondeHub/CUSF predictor (chasemapper, radiosonde_auto_rx, the SondeHub
front end) parse exactly these keys; see ../shared/notes/tawhiri-api.md. This module only
translates: parameters -> :func:`predictor.predict` keyword arguments, and a
:class:`predictor.PredictionResult` -> Tawhiri's JSON. The flight itself is the library's.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from stratoflight.web.params import RequestError, get_choice, get_float, get_time

__all__ = [
    "PROFILES",
    "TAWHIRI_VERSION",
    "dataset_label",
    "parse_request",
    "rfc3339",
    "tawhiri_answer",
    "tawhiri_error",
]

#: Profiles of Tawhiri's API and the predictor's profile each one flies.
PROFILES = {"standard_profile": "standard", "float_profile": "float"}

#: The ``version`` Tawhiri echoes in every ``request``.
TAWHIRI_VERSION = 1

#: Descent rate used after a float's end [m s-1]; Tawhiri's float answer stops at the end of
#: the float, so this never shows, but the predictor flies a cut-down after the float.
_FLOAT_CUTDOWN_DESCENT_RATE = 5.0


def rfc3339(when: datetime | float) -> str:
    """Write an RFC 3339 UTC time with a ``Z``, as Tawhiri does (``2025-06-21T06:00:00Z``)."""
    if not isinstance(when, datetime):
        when = datetime.fromtimestamp(float(when), tz=UTC)
    text = when.astimezone(UTC).isoformat().replace("+00:00", "Z")
    return text


def dataset_label(atmosphere: Any) -> str:
    """Name the ``dataset`` an atmosphere answers for: its first hour (RFC 3339)."""
    start = atmosphere.bounds.time_start
    return rfc3339(start.replace(minute=0, second=0, microsecond=0))


def parse_request(query: Mapping[str, str], dataset: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Check a Tawhiri query; return its echo (``request``) and ``predict`` keyword arguments.

    Parameters
    ----------
    query : mapping of str to str
        The query parameters as received (untrusted).
    dataset : str
        The dataset this server answers for (see :func:`dataset_label`).

    Returns
    -------
    (dict, dict)
        The parsed request in Tawhiri's shape, and keyword arguments for
        :func:`predictor.predict` (longitude moved to -180..180).

    Raises
    ------
    RequestError
        Naming the missing, unparsable or invalid parameter (HTTP 400), or an unknown
        dataset (HTTP 404, ``InvalidDatasetException``).
    """
    profile = get_choice(query, "profile", tuple(PROFILES), "standard_profile")
    lat = get_float(query, "launch_latitude", low=-90.0, high=90.0, unit="degrees")
    lon = get_float(query, "launch_longitude", low=0.0, high=360.0, high_open=True, unit="degrees")
    when = get_time(query, "launch_datetime")
    alt = get_float(query, "launch_altitude", required=False, low=-500.0, high=10000.0, unit="m")
    ascent = get_float(query, "ascent_rate", low=0.0, low_open=True, high=100.0, unit="m/s")
    wanted = query.get("dataset", "latest") or "latest"
    if wanted != "latest":
        asked = get_time(query, "dataset")
        if rfc3339(asked) != dataset:
            raise RequestError(
                f"No matching dataset found: this server has {dataset} (or ask for 'latest').",
                status=404,
                kind="InvalidDatasetException",
            )
    floor = -500.0 if alt is None else alt
    request: dict[str, Any] = {
        "profile": profile,
        "launch_latitude": lat,
        "launch_longitude": lon,
        "launch_datetime": rfc3339(when),
        "ascent_rate": ascent,
    }
    kwargs: dict[str, Any] = {
        "launch_time": when,
        "latitude": lat,
        "longitude": lon - 360.0 if lon > 180.0 else lon,
        "altitude": alt,
        "ascent_rate": ascent,
    }
    if profile == "standard_profile":
        burst = get_float(query, "burst_altitude", low=floor, low_open=True, high=60000.0, unit="m")
        descent = get_float(query, "descent_rate", low=0.0, low_open=True, high=100.0, unit="m/s")
        request.update(burst_altitude=burst, descent_rate=descent)
        kwargs.update(profile="standard", burst_altitude=burst, descent_rate=descent)
    else:
        float_alt = get_float(
            query, "float_altitude", low=floor, low_open=True, high=60000.0, unit="m"
        )
        stop = get_time(query, "stop_datetime")
        if stop <= when:
            raise RequestError("Parameter 'stop_datetime' must be after 'launch_datetime'.")
        request.update(float_altitude=float_alt, stop_datetime=rfc3339(stop))
        kwargs.update(
            profile="float",
            float_altitude=float_alt,
            float_until=stop,
            descent_rate=_FLOAT_CUTDOWN_DESCENT_RATE,
        )
    if alt is not None:
        request["launch_altitude"] = alt
    request["dataset"] = dataset
    request["version"] = TAWHIRI_VERSION
    return request, kwargs


def _stage(result: Any, name: str) -> dict[str, Any]:
    """One stage in Tawhiri's shape: longitudes 0..360."""
    stage = result.stage(name).to_dict(0)
    for point in stage["trajectory"]:
        point["longitude"] = point["longitude"] % 360.0
    return stage


def tawhiri_answer(
    request: Mapping[str, Any], result: Any, started: datetime, completed: datetime
) -> dict[str, Any]:
    """Tawhiri's success JSON for one flight.

    Parameters
    ----------
    request : mapping
        The echo from :func:`parse_request`.
    result : PredictionResult
        A single-member prediction.
    started, completed : datetime
        When the server started and finished the request (UTC).

    Returns
    -------
    dict
        ``request``, ``prediction`` (stages ascent+descent, or ascent+float), ``metadata``,
        ``warnings`` (``{code: {count, description, seconds}}``; ``seconds`` is ours).
    """
    echo = dict(request)
    if "launch_altitude" not in echo:  # Tawhiri echoes the ground it looked up
        echo["launch_altitude"] = float(result.launch.altitude[0])
    names = ("ascent", "float") if request["profile"] == "float_profile" else ("ascent", "descent")
    stages = [_stage(result, name) for name in names if name in result.stage_names]
    warnings: dict[str, Any] = {}
    for code, warning in result.warnings.items():
        if warning.fired[0]:
            entry = warning.to_dict(0)
            warnings[code] = {"count": 1, **entry}
    return {
        "request": echo,
        "prediction": stages,
        "metadata": {"start_datetime": rfc3339(started), "complete_datetime": rfc3339(completed)},
        "warnings": warnings,
    }


def tawhiri_error(kind: str, description: str, started: datetime) -> dict[str, Any]:
    """Tawhiri's failure JSON: ``{"error": {"type", "description"}, "metadata": {...}}``."""
    now = datetime.now(UTC)
    return {
        "error": {"type": kind, "description": description},
        "metadata": {"start_datetime": rfc3339(started), "complete_datetime": rfc3339(now)},
    }
