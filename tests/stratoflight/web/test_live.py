"""Live flights: ``strato log`` writes a simulated flight while the server and the page follow."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from test_map_page import keep_screenshot, wait_for
from test_tawhiri_api import get

pytestmark = [pytest.mark.network_local, pytest.mark.slow]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def logging_flight(tmp_path: Path) -> Iterator[Path]:
    """``strato simulate`` (SYNTHETIC payload, JSON lines over TCP) into ``strato log`` with
    in-flight landing predictions every 2 s; yields the log's path."""
    db = tmp_path / "live.sqlite"
    port = free_port()
    strato = [sys.executable, "-m", "stratoflight.cli"]
    out = (tmp_path / "processes.txt").open("w")
    simulate = subprocess.Popen(
        [
            *strato,
            "simulate",
            "--to",
            f"tcp://127.0.0.1:{port}",
            "--protocol",
            "jsonl",
            "--speedup",
            "8",
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
    )
    log = None
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # wait for the simulated payload's TCP server
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.2)
        log = subprocess.Popen(
            [
                *strato,
                "log",
                f"tcp://127.0.0.1:{port}",
                "--protocol",
                "jsonl",
                "--db",
                str(db),
                "--flight",
                "live",
                "--no-live",
                "--synthetic",
                "--winds",
                "sample",
                "--burst-altitude",
                "30000",
                "--prediction-interval",
                "2",
            ],
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        yield db
    finally:
        for process in (log, simulate):
            if process is not None and process.poll() is None:
                process.terminate()
                try:
                    process.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        out.close()


def read_events(response, count: int, timeout: float) -> list[dict]:
    """Read ``count`` ``flights`` events from an open SSE response."""
    events, kind = [], None
    deadline = time.monotonic() + timeout
    while len(events) < count and time.monotonic() < deadline:
        line = response.readline().decode().rstrip("\n")
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: ") and kind == "flights":
            events.append(json.loads(line[6:]))
    return events


def test_server_sent_events_follow_the_log_as_it_is_written(start_server, logging_flight):
    server = start_server("--db", str(logging_flight))
    with urllib.request.urlopen(server.base_url + "/api/live", timeout=60) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = read_events(response, 4, timeout=180)
    rows = [e["flights"][0]["telemetry_rows"] for e in events if e["flights"]]
    assert len(rows) >= 2 and rows == sorted(rows) and rows[-1] > rows[0]
    status, track, _ = get(server.base_url, "/api/flights/live/track")
    assert status == 200
    kinds = [f["properties"]["kind"] for f in track["features"]]
    assert "track" in kinds and "position" in kinds
    assert track["properties"]["synthetic"] is True
    line = next(f for f in track["features"] if f["properties"]["kind"] == "track")
    assert line["geometry"]["coordinates"][0][:2] == pytest.approx([106.68, 20.86], abs=0.01)
    status, doc, _ = get(server.base_url, "/api/flights/nope/track")
    assert status == 404 and "no flight named 'nope'" in doc["error"]["description"]


def test_page_shows_the_live_flight_advancing_and_the_chase(
    start_server, logging_flight, browser, tmp_path
):
    server = start_server("--db", str(logging_flight))
    browser.get(server.base_url + "/")
    wait_for(browser, "window.strato && window.strato.state.ready")
    wait_for(browser, "!document.getElementById('live-section').hidden")
    first = int(wait_for(browser, "document.getElementById('live-result').dataset.points"))
    marker = browser.find_element("css selector", "path.live-position")
    start_xy = browser.execute_script(
        "var m = null; window.strato.map.eachLayer(function (l) {"
        " if (l.options && l.options.className === 'live-position') m = l.getLatLng(); });"
        " return [m.lat, m.lng];"
    )
    assert marker is not None
    later = int(
        wait_for(
            browser,
            f"Number(document.getElementById('live-result').dataset.points) > {first} + 10"
            " && document.getElementById('live-result').dataset.points",
            timeout=180,
        )
    )
    assert later > first + 10
    end_xy = browser.execute_script(
        "var m = null; window.strato.map.eachLayer(function (l) {"
        " if (l.options && l.options.className === 'live-position') m = l.getLatLng(); });"
        " return [m.lat, m.lng];"
    )
    assert end_xy != start_xy  # the payload moved on the map
    text = browser.find_element("id", "live-result").text
    assert "live" in text and "positions" in text and "SYNTHETIC" in text
    assert browser.execute_script("return window.strato.state.liveUpdates") >= 2
    # the in-flight predicted landing is drawn, and the chase car gets distance and bearing
    wait_for(browser, "document.querySelector('path.live-predicted-landing')", timeout=180)
    assert "Predicted landing:" in browser.find_element("id", "live-result").text
    chase = browser.find_element("id", "chase")
    chase.send_keys("20.95, 106.75\n")  # a chase car north-east of the launch site
    wait_for(browser, "document.querySelector('path.chase-marker')")
    shown = wait_for(
        browser,
        "document.getElementById('chase-result').textContent.includes('bearing')"
        " && document.getElementById('chase-result').textContent",
    )
    assert "To the predicted landing:" in shown and " km" in shown
    km = float(shown.split("landing: ")[1].split(" km")[0])
    assert 10 < km < 200  # a chase car near Hai Phong, a landing off Cat Ba
    keep_screenshot(browser, tmp_path, "map-live.png")
