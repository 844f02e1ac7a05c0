"""``strato serve`` speed: a warm Tawhiri prediction through HTTP, 100 concurrent requests,
and how soon the map page is usable.

Goals (issue 13): warm single prediction through ``/api/v1/`` <= 5 ms at p50 (client and
server on this machine); the server stays up under 100 concurrent requests; the map page
usable in under 1 s on localhost. The same prediction flown in-process is measured in the
same run, so the HTTP overhead is a measured ratio.

Run: ``.venv/bin/python benchmarks/bench_serve.py``
"""

from __future__ import annotations

import http.client
import json
import queue
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL_P50_S = 5e-3
GOAL_PAGE_S = 1.0
CONCURRENT = 100
REQUESTS = 300


def start_server() -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "stratoflight.cli", "serve", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        line = lines.get(timeout=300)
        if line.startswith("map app: "):
            return process, line.split(": ", 1)[1].strip().rstrip("/")
    process.kill()
    raise RuntimeError("strato serve did not start")


def tawhiri_query() -> str:
    from weather.sample_atmosphere import SAMPLE_LAUNCH_SITE

    return "/api/v1/?" + urlencode(
        {
            "launch_latitude": SAMPLE_LAUNCH_SITE.latitude,
            "launch_longitude": SAMPLE_LAUNCH_SITE.longitude,
            "launch_datetime": "2025-06-21T06:00:00Z",
            "ascent_rate": 5,
            "burst_altitude": 30000,
            "descent_rate": 5,
        }
    )


def in_process_p50(n: int = 100) -> float:
    from predictor import predict
    from weather.sample_atmosphere import SAMPLE_LAUNCH_SITE, open_sample_atmosphere

    atm = open_sample_atmosphere()
    when = datetime(2025, 6, 21, 6, tzinfo=UTC)
    site = SAMPLE_LAUNCH_SITE

    def fly():
        return predict(
            atm,
            when,
            site.latitude,
            site.longitude,
            ascent_rate=5.0,
            burst_altitude=30000.0,
            descent_rate=5.0,
        )

    fly()
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        fly()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def http_latencies(base: str, path: str, n: int) -> list[float]:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    times = []
    try:
        for _ in range(n):
            t0 = time.perf_counter()
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            times.append(time.perf_counter() - t0)
            assert response.status == 200, body[:200]
        json.loads(body)
    finally:
        conn.close()
    return times


def concurrent_burst(base: str, path: str) -> tuple[int, int, float]:
    parts = urlsplit(base)
    start = threading.Barrier(CONCURRENT)

    def one(_: int) -> int:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        try:
            start.wait()
            conn.request("GET", path)
            response = conn.getresponse()
            response.read()
            return response.status
        except OSError:
            return -1
        finally:
            conn.close()

    t0 = time.perf_counter()
    with ThreadPoolExecutor(CONCURRENT) as pool:
        statuses = list(pool.map(one, range(CONCURRENT)))
    wall = time.perf_counter() - t0
    return sum(s == 200 for s in statuses), len(statuses), wall


def page_usable_s(base: str) -> float | None:
    if not (Path("/usr/bin/chromium").exists() and Path("/usr/bin/chromedriver").exists()):
        print("map page: skipped (needs /usr/bin/chromium and /usr/bin/chromedriver)")
        return None
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    profile = tempfile.mkdtemp(prefix="strato-bench-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(options=options, service=Service("/usr/bin/chromedriver"))
    try:
        results = []
        for _ in range(3):
            driver.get(base + "/")
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                done = driver.execute_script(
                    "return window.strato && window.strato.state.ready && "
                    "window.strato.state.coastline > 0 && performance.now();"
                )
                if done:
                    break
                time.sleep(0.01)
            # time from the start of navigation to: settings loaded, basemap drawn
            results.append(float(done) / 1000.0)
        return statistics.median(results)
    finally:
        driver.quit()


def main() -> int:
    process, base = start_server()
    try:
        path = tawhiri_query()
        http_latencies(base, path, 20)  # warm the connection and caches
        times = http_latencies(base, path, REQUESTS)
        p50, p90 = statistics.median(times), sorted(times)[int(0.9 * len(times))]
        library = in_process_p50()
        print(
            f"warm Tawhiri prediction through HTTP: p50 {p50 * 1e3:.2f} ms, "
            f"p90 {p90 * 1e3:.2f} ms ({REQUESTS} requests, one keep-alive connection)"
        )
        print(
            f"  same prediction in-process: p50 {library * 1e3:.2f} ms; "
            f"HTTP/JSON adds x{p50 / library:.2f}"
        )
        print(
            f"  goal p50 <= {GOAL_P50_S * 1e3:.0f} ms: ratio {p50 / GOAL_P50_S:.2f} "
            f"({'met' if p50 <= GOAL_P50_S else 'NOT met'})"
        )
        ok, total, wall = concurrent_burst(base, path)
        alive = http_latencies(base, "/api/info", 1)
        print(
            f"{CONCURRENT} concurrent requests: {ok}/{total} answered 200 in {wall:.2f} s; "
            f"server still up afterwards: {'yes' if alive and process.poll() is None else 'NO'}"
        )
        page = page_usable_s(base)
        if page is not None:
            print(
                f"map page usable (settings + coastline drawn) after {page:.3f} s (median of 3)"
                f"; goal < {GOAL_PAGE_S:.0f} s: ratio {page / GOAL_PAGE_S:.2f} "
                f"({'met' if page < GOAL_PAGE_S else 'NOT met'})"
            )
        return 0 if ok == total and process.poll() is None else 1
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())
