"""Where the server listens and who may ask it: loopback by default, a token otherwise."""

from __future__ import annotations

import socket
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from test_tawhiri_api import get

from stratoflight.web.server import bind, is_loopback

pytestmark = pytest.mark.network_local


def listening_addresses(port: int) -> list[str]:
    """Local addresses with a socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            local, state = line.split()[1], line.split()[3]
            address, hex_port = local.split(":")
            if state == "0A" and int(hex_port, 16) == port:  # 0A = LISTEN
                found.append(address)
    return found


def other_addresses() -> list[str]:
    """This machine's outward IPv4 address, if it has one (a UDP "connect" sends nothing)."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: only picks the route, no packet leaves
        address = probe.getsockname()[0]
    except OSError:
        return []
    finally:
        probe.close()
    return [] if address.startswith("127.") else [address]


def test_default_server_listens_on_loopback_only(sample_server):
    assert sample_server.token is None
    assert "this machine only" in "\n".join(sample_server.lines)
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to read the listening sockets from")
    assert listening_addresses(sample_server.port) == ["0100007F"]  # 127.0.0.1, nothing else
    for address in other_addresses():
        with pytest.raises(OSError):
            socket.create_connection((address, sample_server.port), timeout=2).close()


def test_only_loopback_hosts_go_without_a_token():
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.20")
    assert not is_loopback("chase-car.local")


def test_a_server_with_a_token_refuses_requests_without_it():
    import uvicorn

    from stratoflight.web.app import ServerContext, build_app
    from weather.sample_atmosphere import open_sample_atmosphere

    context = ServerContext(open_sample_atmosphere(), token="s3cret-token")
    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(build_app(context), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        status, doc, _ = get(base, "/api/info")
        assert status == 401
        assert doc["error"]["type"] == "AuthenticationException"
        assert "token" in doc["error"]["description"]
        status, _, _ = get(base, "/api/info", {"token": "wrong"})
        assert status == 401
        status, doc, _ = get(base, "/api/info", {"token": "s3cret-token"})
        assert status == 200 and doc["atmosphere"]["synthetic"] is True
        request = urllib.request.Request(
            base + "/api/info", headers={"Authorization": "Bearer s3cret-token"}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
        # the page visited with ?token= sets a cookie, so the app's own requests pass
        with urllib.request.urlopen(base + "/?token=s3cret-token", timeout=30) as response:
            cookie = response.headers["set-cookie"]
        assert cookie.startswith("strato_token=s3cret-token") and "HttpOnly" in cookie
        request = urllib.request.Request(
            base + "/api/balloons", headers={"Cookie": cookie.split(";")[0]}
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(base + "/static/app.js", timeout=30)
        assert refused.value.code == 401
        refused.value.close()
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_the_listening_socket_says_it_is_tcp_so_asyncio_turns_nagle_off():
    """With proto 0, asyncio skips TCP_NODELAY and every answer waits for a delayed ACK."""
    sock = bind("127.0.0.1", 0)
    try:
        assert sock.proto == socket.IPPROTO_TCP
        client = socket.create_connection(sock.getsockname()[:2], timeout=5)
        accepted, _ = sock.accept()
        try:
            assert accepted.proto == socket.IPPROTO_TCP
        finally:
            accepted.close()
            client.close()
    finally:
        sock.close()
