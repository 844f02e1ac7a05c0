"""Live flights from the flight log: the list, each track as GeoJSON, and server-sent events.

The log is read through :mod:`flightlog`'s read-only readers (``list_flights``,
``read_flight``), never written. ``/api/live`` polls the log once a second and sends an
event when a flight changed, so the map follows ``strato log`` as it writes.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from stratoflight.web.answers import json_response
from stratoflight.web.params import RequestError, get_float

__all__ = ["POLL_INTERVAL_S", "flight_geojson", "routes"]

log = logging.getLogger("stratoflight.web")

#: How often ``/api/live`` looks at the log [s].
POLL_INTERVAL_S = 1.0

#: A comment line is sent this often so proxies keep the stream open [s].
KEEPALIVE_S = 15.0

#: Longest flight name accepted in a URL [characters].
MAX_NAME_LENGTH = 200


def _iso(value: Any) -> Any:
    return value.isoformat().replace("+00:00", "Z") if isinstance(value, datetime) else value


def _db(request: Request) -> Any:
    path = request.app.state.context.db_path
    if path is None:
        raise RequestError(
            "This server has no flight log; start it with 'strato serve --db FILE'.",
            status=404,
            kind="NotFoundException",
        )
    return path


def _flights(db_path: Any) -> list[dict[str, Any]]:
    """Every flight with ISO times; an empty list while the log does not exist yet."""
    from flightlog import list_flights

    if not db_path.exists():
        return []
    return [{k: _iso(v) for k, v in row.items()} for row in list_flights(db_path)]


def _finite(value: Any) -> float | None:
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return number if math.isfinite(number) else None


def flight_geojson(data: Any, metadata: dict[str, Any]) -> dict[str, Any]:
    """Turn a recorded flight into a GeoJSON FeatureCollection.

    Features (``properties.kind``): ``track`` (LineString, lon/lat/alt), ``position`` (the
    latest fix: time, altitude [m]), phase events (``launch``, ``burst``, ``landing``...) and
    ``predicted_landing`` (the latest in-flight prediction from the log's events).
    """
    from flightlog.export_tracks import track_points

    points = track_points(data)
    features: list[dict[str, Any]] = []
    coords = [
        [float(lon), float(lat)] + ([float(alt)] if alt == alt else [])
        for lat, lon, alt in zip(
            points["latitude"], points["longitude"], points["altitude"], strict=True
        )
    ]
    name = metadata["name"]
    if coords:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": coords},
                "properties": {"kind": "track", "flight": name, "points": len(coords)},
            }
        )
        last = points.iloc[-1]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": coords[-1][:2]},
                "properties": {
                    "kind": "position",
                    "time": _iso(last["time"].to_pydatetime()),
                    "altitude_m": _finite(last["altitude"]),
                },
            }
        )
    latest_prediction = None
    for event in metadata.get("events", []):
        info = event["data"]
        if event["kind"] == "prediction":
            latest_prediction = event
        elif "latitude" in info and "longitude" in info:
            lat, lon = _finite(info["latitude"]), _finite(info["longitude"])
            if lat is not None and lon is not None:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {"type": "Point", "coordinates": [lon, lat]},
                        "properties": {"kind": event["kind"], "time": _iso(event["time"])},
                    }
                )
    if latest_prediction is not None:
        info = latest_prediction["data"]
        lat = _finite(info.get("landing_latitude"))
        lon = _finite(info.get("landing_longitude"))
        if lat is not None and lon is not None:
            features.append(
                {
                    "type": "Feature",
                    "geometry": {"type": "Point", "coordinates": [lon, lat]},
                    "properties": {
                        "kind": "predicted_landing",
                        "made_at": _iso(latest_prediction["time"]),
                        "landing_time": info.get("landing_time"),
                    },
                }
            )
    synthetic = bool(metadata.get("settings", {}).get("synthetic"))
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {
            "flight": name,
            "callsign": metadata.get("callsign"),
            "status": metadata.get("status"),
            "synthetic": synthetic,
        },
    }


async def flights_endpoint(request: Request) -> Response:
    """``GET /api/flights``: every flight in the log."""
    db_path = _db(request)
    return json_response({"flights": await run_in_threadpool(_flights, db_path)})


async def track_endpoint(request: Request) -> Response:
    """``GET /api/flights/{name}/track``: one flight as GeoJSON."""
    from flightlog import read_flight

    db_path = _db(request)
    name = request.path_params["name"]
    if len(name) > MAX_NAME_LENGTH:
        raise RequestError("The flight name is too long.")
    if not db_path.exists():
        raise RequestError(f"No flight named {name!r} yet.", status=404, kind="NotFoundException")

    def read() -> dict[str, Any]:
        try:
            data, metadata = read_flight(db_path, name)
        except ValueError as exc:
            raise RequestError(str(exc), status=404, kind="NotFoundException") from None
        return flight_geojson(data, metadata)

    return json_response(await run_in_threadpool(read))


async def chase_endpoint(request: Request) -> Response:
    """``GET /api/chase?lat&lon&to_lat&to_lon``: distance [m] and bearing [deg] to a point.

    WGS84 geodesic (:mod:`terrain.geodesy`, the one home of people-facing distances).
    """
    from terrain import geodesy

    query = request.query_params
    lat = get_float(query, "lat", low=-90, high=90, unit="degrees")
    lon = get_float(query, "lon", low=-180, high=360, unit="degrees")
    to_lat = get_float(query, "to_lat", low=-90, high=90, unit="degrees")
    to_lon = get_float(query, "to_lon", low=-180, high=360, unit="degrees")
    distance, bearing = geodesy.inverse(lat, lon, to_lat, to_lon)
    return json_response({"distance_m": float(distance), "bearing_deg": float(bearing)})


def _signature(flights: list[dict[str, Any]]) -> str:
    keys = ("name", "telemetry_rows", "events", "status", "last_time")
    return json.dumps([[f.get(k) for k in keys] for f in flights], default=str)


async def _stream(request: Request, db_path: Any) -> AsyncIterator[str]:
    """``flights`` events whenever the log changed; a keep-alive comment now and then."""
    last, quiet = None, 0.0
    yield "retry: 2000\n\n"
    while not await request.is_disconnected():
        try:
            flights = await run_in_threadpool(_flights, db_path)
        except Exception:  # noqa: BLE001 (a busy or damaged log must not end the stream)
            log.exception("reading the flight log %s for /api/live", db_path)
            description = "The flight log could not be read just now; trying again."
            yield f"event: problem\ndata: {json.dumps({'description': description})}\n\n"
            flights = None
        if flights is not None:
            signature = _signature(flights)
            if signature != last:
                last, quiet = signature, 0.0
                yield f"event: flights\ndata: {json.dumps({'flights': flights})}\n\n"
        quiet += POLL_INTERVAL_S
        if quiet >= KEEPALIVE_S:
            quiet = 0.0
            yield ": keep-alive\n\n"
        await asyncio.sleep(POLL_INTERVAL_S)


async def live_endpoint(request: Request) -> Response:
    """``GET /api/live``: server-sent events following the flight log."""
    db_path = _db(request)
    return StreamingResponse(
        _stream(request, db_path),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def routes() -> list[Route]:
    """List the live routes."""
    return [
        Route("/api/flights", flights_endpoint),
        Route("/api/flights/{name}/track", track_endpoint),
        Route("/api/chase", chase_endpoint),
        Route("/api/live", live_endpoint),
    ]
