"""Run the map app and API on uvicorn: bind the socket, choose the token, warm the engine."""

from __future__ import annotations

import ipaddress
import secrets
import socket
from collections.abc import Callable
from typing import Any

__all__ = ["bind", "is_loopback", "make_token", "serve", "warm_up"]


def is_loopback(host: str) -> bool:
    """Tell whether ``host`` is ``localhost`` or a loopback address (127.0.0.0/8, ::1)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def make_token() -> str:
    """Make a fresh random access token (URL-safe, 128 bits)."""
    return secrets.token_urlsafe(16)


def bind(host: str, port: int) -> socket.socket:
    """Open a listening TCP socket on ``host``:``port`` (port 0 picks a free one).

    Raises
    ------
    OSError
        When the address is in use or not on this machine (the message says which).
    """
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    family, _type, _proto, _name, address = infos[0]
    # proto=IPPROTO_TCP matters: asyncio turns Nagle off (TCP_NODELAY) only on sockets that
    # say they are TCP; with proto 0 every answer waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError:
        sock.close()
        raise
    sock.listen(512)
    sock.set_inheritable(True)
    return sock


def warm_up(atmosphere: Any) -> None:
    """Warm the server: fly a flight at the middle of the data, cut the overview coastline.

    The first requests then find compiled code and cached coastline tiles.
    """
    from predictor import predict

    b = atmosphere.bounds
    lat = 0.5 * (b.lat_min + b.lat_max)
    lon = 0.5 * (b.lon_min + b.lon_max)
    when = b.time_start + (b.time_end - b.time_start) / 4
    try:
        predict(
            atmosphere, when, lat, lon, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0
        )
        predict(
            atmosphere,
            when,
            lat,
            lon,
            ascent_rate=5.0,
            profile="float",
            float_altitude=20000.0,
            float_duration=3600.0,
            descent_rate=5.0,
        )
    except ValueError:  # e.g. the flight leaves a small area: warming is best effort
        pass
    from stratoflight.web.planning_api import area_box, coastline_text

    coastline_text(*area_box(atmosphere))  # the map app's first basemap, ready in memory


def serve(app: Any, sock: socket.socket, on_ready: Callable[[], None] | None = None) -> None:
    """Serve ``app`` on the bound socket until interrupted (Ctrl-C)."""
    import uvicorn

    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        lifespan="off",
        timeout_keep_alive=30,
        limit_concurrency=1000,
        timeout_graceful_shutdown=2,
    )
    server = uvicorn.Server(config)
    if on_ready is not None:
        on_ready()
    server.run(sockets=[sock])
