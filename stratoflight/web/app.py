"""The ASGI application of ``strato serve``: routes, the access token and error answers.

Routes (all JSON unless said):

- ``GET /api/v1/`` Tawhiri API v1 (:mod:`stratoflight.web.tawhiri`).
- ``GET /api/predict``, ``/api/ensemble`` (``POST`` with GeoJSON zones too), ``/api/plan``,
  ``/api/burst``, ``/api/balloons``, ``/api/coastline``, ``/api/info``: our richer answers
  (:mod:`stratoflight.web.planning_api`).
- ``GET /api/flights``, ``/api/flights/{name}/track``, ``/api/live`` (server-sent events):
  the flight log, read-only (:mod:`stratoflight.web.live`).
- ``GET /`` the map app; ``/static/...`` its files (Leaflet ships inside the package).

Every error answer has Tawhiri's shape ``{"error": {"type", "description"}}``; tracebacks
go to the server's log, never to the client.
"""

from __future__ import annotations

import hmac
import logging
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from stratoflight.errors import UserError
from stratoflight.web.answers import json_response
from stratoflight.web.params import RequestError
from stratoflight.web.tawhiri import tawhiri_error

__all__ = ["STATIC_DIR", "ServerContext", "build_app"]

#: The map app's files (HTML, JS, CSS, the vendored Leaflet and its licence).
STATIC_DIR = Path(__file__).parent / "static"

#: Name of the cookie that carries the access token after the first visit with ?token=.
TOKEN_COOKIE = "strato_token"

log = logging.getLogger("stratoflight.web")


@dataclass
class ServerContext:
    """What every request shares: the open atmosphere, the flight log and the limits.

    Attributes
    ----------
    atmosphere : Atmosphere
        Opened once at start (``--winds`` files or the SYNTHETIC sample).
    db_path : Path or None
        Flight-log database, opened read-only per request (``--db``).
    token : str or None
        Access token every request must carry (None on loopback).
    max_members : int
        Largest ensemble one request may ask for.
    engine_lock : threading.Lock
        One prediction at a time (the atmosphere's caches are not shared across threads).
    """

    atmosphere: Any
    db_path: Path | None = None
    token: str | None = None
    max_members: int = 200
    max_plan_flights: int = 600
    engine_lock: threading.Lock = field(default_factory=threading.Lock)


def error_response(status: int, kind: str, description: str) -> Response:
    """Return a JSON error in Tawhiri's shape."""
    return json_response(tawhiri_error(kind, description, datetime.now(UTC)), status)


class _TokenGate:
    """ASGI middleware: refuse requests without the access token (when one is set).

    The token may come as ``Authorization: Bearer TOKEN``, ``?token=TOKEN`` (Tawhiri clients
    can only change a URL) or the cookie set on the first visit with ``?token=``.
    """

    def __init__(self, app: Any, token: str | None) -> None:
        self.app = app
        self.token = token

    def _given(self, request: Request) -> str | None:
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:].strip()
        return request.query_params.get("token") or request.cookies.get(TOKEN_COOKIE)

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if self.token is None or scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        given = self._given(request) or ""
        if not hmac.compare_digest(given.encode(), self.token.encode()):
            response = error_response(
                401,
                "AuthenticationException",
                "This server needs its access token: add ?token=... to the URL "
                "(printed by 'strato serve' at start).",
            )
            await response(scope, receive, send)
            return
        if request.query_params.get("token") and scope["path"] == "/":

            async def send_with_cookie(message: Any) -> None:
                if message["type"] == "http.response.start":
                    cookie = (
                        f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                    ).encode()
                    message.setdefault("headers", []).append((b"set-cookie", cookie))
                await send(message)

            await self.app(scope, receive, send_with_cookie)
            return
        await self.app(scope, receive, send)


async def _request_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestError)
    return error_response(exc.status, exc.kind, exc.description)


async def _input_error(request: Request, exc: Exception) -> Response:
    """Answer a :class:`UserError` from the CLI's shared option checks with a 400."""
    return error_response(400, "RequestException", str(exc))


async def _internal_error(request: Request, exc: Exception) -> Response:
    log.exception("internal error answering %s", request.url.path, exc_info=exc)
    return error_response(
        500, "InternalException", "The server failed to answer; its log says why."
    )


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_response(404, "NotFoundException", f"Nothing at {request.url.path}.")


async def _index(request: Request) -> Response:
    return FileResponse(STATIC_DIR / "index.html", headers={"Cache-Control": "no-cache"})


def build_app(context: ServerContext) -> Starlette:
    """Build the Starlette application for ``context`` (run it with uvicorn)."""
    from stratoflight.web import live, planning_api, tawhiri_api

    routes = [
        Route("/", _index),
        Route("/api/v1/", tawhiri_api.endpoint),
        Route("/api/v1", tawhiri_api.endpoint),
        *planning_api.routes(),
        *live.routes(),
        Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(_TokenGate, token=context.token)],
        exception_handlers={
            RequestError: _request_error,
            UserError: _input_error,
            404: _not_found,
            Exception: _internal_error,
        },
    )
    app.state.context = context
    return app
