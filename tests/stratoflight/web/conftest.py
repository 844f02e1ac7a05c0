"""Real ``strato serve`` processes on 127.0.0.1 and real headless Chromium for the web tests."""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

#: Chromium flags that work on this machine; no network beyond 127.0.0.1 (every other host
#: resolves to nothing, so a page that needs the internet fails visibly).
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    "--window-size=1280,800",
)


class Server:
    """A running ``strato serve`` child process and its printed lines."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stratoflight.cli", "serve", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env={**os.environ, **(env or {})},
        )
        self.lines: list[str] = []
        self._queue: queue.Queue[str] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.base_url = ""
        self.token: str | None = None
        deadline = time.monotonic() + 300.0
        while not self.base_url:
            try:
                line = self._queue.get(timeout=max(0.1, deadline - time.monotonic()))
            except queue.Empty:
                self.stop()
                raise RuntimeError(
                    "strato serve did not start:\n" + "\n".join(self.lines)
                ) from None
            if line.startswith("map app: "):
                url = line.split(": ", 1)[1].strip()
                if "?token=" in url:
                    url, self.token = url.split("?token=")
                self.base_url = url.rstrip("/")
            if self.process.poll() is not None and self._queue.empty():
                raise RuntimeError("strato serve exited:\n" + "\n".join(self.lines))

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))
            self._queue.put(line.rstrip("\n"))

    @property
    def port(self) -> int:
        return int(self.base_url.rsplit(":", 1)[1])

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self._reader.join(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()


@pytest.fixture(scope="session")
def sample_server() -> Iterator[Server]:
    """``strato serve`` on the SYNTHETIC sample, no flight log, port chosen by the system."""
    server = Server([])
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def start_server() -> Iterator:
    """Start servers with given arguments; all stopped at the end of the test."""
    started: list[Server] = []

    def start(*args: str) -> Server:
        server = Server(list(args))
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


def start_browser(
    profile: Path,
    args: tuple[str, ...] = (),
    prefs: dict | None = None,
    env: dict[str, str] | None = None,
):
    """Start headless Debian Chromium through its chromedriver (skips when either is absent).

    ``args`` and ``prefs`` add Chromium flags and preferences (e.g. a browser language);
    ``env`` is the browser's environment (e.g. its ``TZ``).
    """
    if not (Path(CHROMIUM).exists() and Path(CHROMEDRIVER).exists()):
        pytest.skip(
            f"needs {CHROMIUM} and {CHROMEDRIVER} (apt-get install chromium chromium-driver)"
        )
    webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium")
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*CHROMIUM_FLAGS, *args):
        options.add_argument(flag)
    if prefs:
        options.add_experimental_option("prefs", prefs)
    options.add_argument(f"--user-data-dir={profile}")
    service = Service(executable_path=shutil.which(CHROMEDRIVER) or CHROMEDRIVER, env=env)
    driver = webdriver.Chrome(options=options, service=service)
    driver.set_page_load_timeout(60)
    return driver


@pytest.fixture
def browser(tmp_path: Path) -> Iterator:
    """Headless Debian Chromium driven by its chromedriver (skips when either is absent)."""
    driver = start_browser(tmp_path / "chromium-profile")
    try:
        yield driver
    finally:
        driver.quit()
