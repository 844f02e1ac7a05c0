"""Our richer endpoints beside Tawhiri's: predictions, ensembles, plans, burst, coastline.

One prediction with land/sea and coast distance, an ensemble (P(sea), zones), a
launch-window plan, the burst calculator and the coastline.

Parameters mirror the CLI's options (``lat``, ``lon``, ``time``, ``ascent_rate``...) and go
through the same checks (:mod:`stratoflight.options`, :mod:`stratoflight.web.params`); the
work is done by :mod:`predictor` and :mod:`terrain`.
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from stratoflight.web.answers import json_response, strict_json
from stratoflight.web.params import (
    RequestError,
    get_choice,
    get_float,
    get_int,
    get_time,
    input_errors,
)

__all__ = ["routes"]

#: Largest body accepted on POST /api/ensemble (GeoJSON zones) [bytes].
MAX_BODY_BYTES = 256 * 1024

#: Largest coastline box one request may ask for [degrees of latitude or longitude].
MAX_COAST_SPAN_DEG = 30.0


def _sample_launch(atmosphere: Any) -> dict[str, Any]:
    """Return the default launch on the synthetic sample: its site [deg], 06:00 of day one."""
    from weather.sample_atmosphere import SAMPLE_LAUNCH_SITE

    return {
        "latitude": SAMPLE_LAUNCH_SITE.latitude,
        "longitude": SAMPLE_LAUNCH_SITE.longitude,
        "time": atmosphere.bounds.time_start.replace(hour=6),
    }


def _launch(query: Any, atmosphere: Any) -> dict[str, Any]:
    """Launch position, time and altitude (defaults: the sample's site and time)."""
    synthetic = bool(getattr(atmosphere, "synthetic", False))
    lat = get_float(query, "lat", required=not synthetic, low=-90, high=90, unit="degrees")
    lon = get_float(query, "lon", required=not synthetic, low=-180, high=360, unit="degrees")
    when = get_time(query, "time", required=not synthetic)
    sample = _sample_launch(atmosphere)
    return {
        "launch_time": sample["time"] if when is None else when,
        "latitude": sample["latitude"] if lat is None else lat,
        "longitude": sample["longitude"] if lon is None else lon,
        "altitude": get_float(query, "alt", required=False, low=-500, high=10000, unit="m"),
    }


def _positive(query: Any, name: str, high: float, unit: str, **rule: Any) -> float | None:
    """Read an optional positive number (0 < x <= high) such as a rate or a mass."""
    return get_float(
        query, name, required=False, low=0, low_open=True, high=high, unit=unit, **rule
    )


def _balloon_inputs(query: Any) -> dict[str, Any]:
    """Payload [kg], gas and neck lift [kg] of the balloon parameters (all optional)."""
    return {
        "payload": _positive(query, "payload", 50, "kg"),
        "gas": get_choice(query, "gas", ("helium", "hydrogen"), "helium"),
        "neck_lift": _positive(query, "neck_lift", 100, "kg"),
    }


def _flight(query: Any, launch_altitude: float | None) -> Any:
    """Build the :class:`predictor.FlightSpec` of rate or balloon parameters (the CLI's rules)."""
    from stratoflight.options import flight_spec_from_options

    balloon = query.get("balloon") or None
    if balloon is not None and len(balloon) > 40:
        raise RequestError("Parameter 'balloon' is too long; see /api/balloons for the names.")
    with input_errors():
        return flight_spec_from_options(
            ascent_rate=_positive(query, "ascent_rate", 100, "m/s", default=5.0),
            burst_altitude=_positive(query, "burst_altitude", 60000, "m"),
            descent_rate=_positive(query, "descent_rate", 100, "m/s", default=5.0),
            balloon=balloon,
            launch_altitude=launch_altitude,
            **_balloon_inputs(query),
        )


async def predict_endpoint(request: Request) -> Response:
    """One flight: the ``strato predict --json`` document plus the landing's coast distance."""
    context = request.app.state.context
    query = request.query_params
    launch = _launch(query, context.atmosphere)
    flight = _flight(query, launch["altitude"])

    def fly() -> dict[str, Any]:
        from predictor import predict

        with context.engine_lock, input_errors():
            result = predict(
                context.atmosphere,
                **launch,
                ascent_rate=flight.ascent_rate,
                burst_altitude=flight.burst_altitude,
                descent_rate=flight.descent_rate,
            )
        document = result.to_dict()
        if flight.burst is not None:
            document["balloon"] = flight.burst.as_dict()
        return document

    return json_response(await run_in_threadpool(fly))


async def _zones(request: Request) -> tuple[Any, ...]:
    """Zones from a POST body of GeoJSON polygons (size-limited), else none."""
    if request.method != "POST":
        return ()
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_BODY_BYTES:
            raise RequestError(
                f"The zones GeoJSON is larger than {MAX_BODY_BYTES // 1024} KiB.", status=413
            )
    if not body.strip():
        return ()
    from predictor.zones import parse_zones_geojson

    try:
        return tuple(parse_zones_geojson(body))
    except (ValueError, json.JSONDecodeError) as exc:
        raise RequestError(f"The zones in the request body are not usable GeoJSON: {exc}") from None


async def ensemble_endpoint(request: Request) -> Response:
    """Fly an ensemble: landings, P(sea), zone probabilities, ellipses; members capped."""
    context = request.app.state.context
    query = request.query_params
    launch = _launch(query, context.atmosphere)
    flight = _flight(query, launch["altitude"])
    members = get_int(query, "members", default=50, low=2, high=context.max_members)
    seed = get_int(query, "seed", default=0, low=0, high=2**31 - 1)
    zones = await _zones(request)

    def fly() -> dict[str, Any]:
        from predictor import predict_ensemble
        from predictor.ensemble_outputs import ensemble_document, with_coast_distances

        with context.engine_lock, input_errors():
            ens = predict_ensemble(
                context.atmosphere,
                launch["launch_time"],
                launch["latitude"],
                launch["longitude"],
                flight,
                members,
                altitude=launch["altitude"],
                seed=seed,
                zones=zones,
                record_trajectory=False,
            )
        return with_coast_distances(ensemble_document(ens), ens)

    return json_response(await run_in_threadpool(fly))


async def plan_endpoint(request: Request) -> Response:
    """Plan a launch window: a launch every few hours, each slot's P(safe) and P(sea)."""
    context = request.app.state.context
    query = request.query_params
    launch = _launch(query, context.atmosphere)
    flight = _flight(query, launch["altitude"])
    start = get_time(query, "from")
    end = get_time(query, "to")
    every = get_float(query, "every", required=False, default=3.0, low=0.25, high=48, unit="h")
    members = get_int(query, "members", default=10, low=1, high=context.max_members)
    max_km = get_float(query, "max_distance", required=False, low=0, low_open=True, unit="km")
    if end <= start:
        raise RequestError("Parameter 'to' must be after 'from'.")
    from predictor.planner import PlanSettings, launch_slots

    with input_errors():
        slots = launch_slots(start, end, every)
    if len(slots) * members > context.max_plan_flights:
        raise RequestError(
            f"This plan would fly {len(slots)} launches x {members} members; one request may "
            f"fly at most {context.max_plan_flights}. Use fewer members, a shorter window "
            "or a longer 'every' (or 'strato plan' for big studies)."
        )
    settings = PlanSettings(
        launch["latitude"],
        launch["longitude"],
        flight,
        altitude=launch["altitude"],
        n_members=members,
        max_distance=None if max_km is None else max_km * 1000.0,
    )

    def fly() -> dict[str, Any]:
        from predictor.plan_outputs import plan_document
        from predictor.planner import plan_slots

        with context.engine_lock, input_errors():
            result = plan_slots(context.atmosphere, slots, settings)
        synthetic = bool(getattr(context.atmosphere, "synthetic", False))
        return plan_document(result, climatology=False, synthetic=synthetic)

    return json_response(await run_in_threadpool(fly))


async def burst_endpoint(request: Request) -> Response:
    """Run the burst calculator: balloon + payload + gas -> ascent rate and burst altitude."""
    from predictor import estimate_burst
    from predictor.balloons import balloon_names

    query = request.query_params
    names = tuple(balloon_names())
    balloon = get_choice(query, "balloon", names, "")
    if not balloon:
        raise RequestError("Parameter 'balloon' not provided in request.")
    inputs = _balloon_inputs(query)
    if inputs["payload"] is None:
        raise RequestError("Parameter 'payload' not provided in request.")
    if inputs["neck_lift"] is None:
        inputs["ascent_rate"] = _positive(query, "ascent_rate", 20, "m/s", default=5.0)
    alt = get_float(query, "alt", required=False, default=0.0, low=-500, high=10000, unit="m")
    with input_errors():
        estimate = estimate_burst(
            balloon,
            inputs.pop("payload"),
            inputs.pop("gas"),
            launch_altitude=alt,
            **inputs,
        )
    return json_response(estimate.as_dict())


async def balloons_endpoint(request: Request) -> Response:
    """List the balloon models the burst calculator knows."""
    from predictor.balloons import BALLOONS

    return json_response({"balloons": [b.as_dict() for b in BALLOONS.values()]})


def area_box(atmosphere: Any) -> tuple[float, float, float, float]:
    """Return the box ``(south, west, north, east)`` [deg] of the overview coastline.

    The atmosphere's area with a 1-degree margin (clipped to the globe and to
    :data:`MAX_COAST_SPAN_DEG`).
    """
    b = atmosphere.bounds
    south, north = max(-90.0, b.lat_min - 1.0), min(90.0, b.lat_max + 1.0)
    west, east = max(-180.0, b.lon_min - 1.0), min(180.0, b.lon_max + 1.0)
    if west >= east:  # an area across the antimeridian: the overview shows its west part
        east = 180.0
    north = min(north, south + MAX_COAST_SPAN_DEG)
    east = min(east, west + MAX_COAST_SPAN_DEG)
    return south, west, north, east


@functools.lru_cache(maxsize=32)
def coastline_text(south: float, west: float, north: float, east: float) -> str:
    """Return the land of a box as GeoJSON text, kept for the next request of the same box."""
    from terrain.basemap import land_geojson

    return strict_json(land_geojson(south, west, north, east))


async def coastline_endpoint(request: Request) -> Response:
    """Land polygons as GeoJSON (the offline basemap), from :mod:`terrain`.

    Without parameters: the whole area of the winds (see :func:`area_box`); with
    ``south``, ``west``, ``north``, ``east`` [deg]: that box, rounded outwards to 0.1 deg.
    """
    query = request.query_params
    if not any(k in query for k in ("south", "west", "north", "east")):
        box = area_box(request.app.state.context.atmosphere)
    else:
        south = get_float(query, "south", low=-90, high=90, unit="degrees")
        north = get_float(query, "north", low=-90, high=90, unit="degrees")
        west = get_float(query, "west", low=-180, high=180, unit="degrees")
        east = get_float(query, "east", low=-180, high=180, unit="degrees")
        if north <= south or east <= west:
            raise RequestError("The box needs south < north and west < east.")
        if north - south > MAX_COAST_SPAN_DEG or east - west > MAX_COAST_SPAN_DEG:
            raise RequestError(f"The box may span at most {MAX_COAST_SPAN_DEG:g} degrees.")
        box = (
            max(-90.0, math.floor(south * 10) / 10),
            max(-180.0, math.floor(west * 10) / 10),
            min(90.0, math.ceil(north * 10) / 10),
            min(180.0, math.ceil(east * 10) / 10),
        )
    text = await run_in_threadpool(coastline_text, *box)
    return Response(text, media_type="application/json")


async def info_endpoint(request: Request) -> Response:
    """Say what this server flies on: atmosphere, area, times, limits, default launch."""
    from stratoflight.web.tawhiri import dataset_label, rfc3339

    context = request.app.state.context
    atmosphere = context.atmosphere
    b = atmosphere.bounds
    synthetic = bool(getattr(atmosphere, "synthetic", False))
    launch = None
    if synthetic:
        launch = _sample_launch(atmosphere)
        launch["time"] = rfc3339(launch["time"])
    return json_response(
        {
            "atmosphere": {
                "source": str(getattr(atmosphere, "source", "")),
                "synthetic": synthetic,
                "dataset": dataset_label(atmosphere),
                "time_start": rfc3339(b.time_start),
                "time_end": rfc3339(b.time_end),
                "south": b.lat_min,
                "north": b.lat_max,
                "west": b.lon_min,
                "east": b.lon_max,
            },
            "default_launch": launch,
            "limits": {"max_members": context.max_members},
            "flight_log": context.db_path is not None,
        }
    )


def routes() -> list[Route]:
    """List the richer endpoints."""
    return [
        Route("/api/info", info_endpoint),
        Route("/api/predict", predict_endpoint),
        Route("/api/ensemble", ensemble_endpoint, methods=["GET", "POST"]),
        Route("/api/plan", plan_endpoint),
        Route("/api/burst", burst_endpoint),
        Route("/api/balloons", balloons_endpoint),
        Route("/api/coastline", coastline_endpoint),
    ]
