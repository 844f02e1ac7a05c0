"""Untrusted HTTP: internal failures answer 500 without a traceback; 100 requests at once."""

from __future__ import annotations

import http.client
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from test_tawhiri_api import LAUNCH, get

from stratoflight.web.server import bind

pytestmark = pytest.mark.network_local


class BrokenAtmosphere:
    """An atmosphere whose every question fails (as a damaged file might)."""

    synthetic = False

    @property
    def bounds(self):
        raise RuntimeError("secret internal detail /home/user/era5.nc")


def test_an_internal_failure_is_a_500_in_tawhiris_shape_without_a_traceback():
    import uvicorn

    from stratoflight.web.app import ServerContext, build_app

    sock = bind("127.0.0.1", 0)
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(
            build_app(ServerContext(BrokenAtmosphere())), log_level="critical", lifespan="off"
        )
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while not server.started and time.monotonic() < deadline:
            time.sleep(0.05)
        for path in ("/api/info", "/api/v1/"):
            status, doc, body = get(f"http://127.0.0.1:{port}", path, LAUNCH)
            assert status == 500
            assert doc["error"] == {
                "type": "InternalException",
                "description": "The server failed to answer; its log says why.",
            }
            assert "Traceback" not in body and "secret" not in body and "era5.nc" not in body
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def test_the_server_answers_100_concurrent_requests_and_stays_up(sample_server):
    host, port = "127.0.0.1", sample_server.port
    path = "/api/v1/?" + "&".join(f"{k}={v}" for k, v in LAUNCH.items())
    start = threading.Barrier(100)

    def one(_: int) -> int:
        conn = http.client.HTTPConnection(host, port, timeout=120)
        try:
            start.wait()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            return response.status
        finally:
            conn.close()

    with ThreadPoolExecutor(100) as pool:
        statuses = list(pool.map(one, range(100)))
    assert statuses == [200] * 100
    assert sample_server.process.poll() is None
    status, _, _ = get(sample_server.base_url, "/api/info")
    assert status == 200
