"""The map app in real headless Chromium, offline: loads, predicts, ensembles, plans."""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.network_local


def wait_for(driver, script: str, timeout: float = 120.0):
    """Poll a JavaScript expression until it is truthy; return its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = driver.execute_script(f"return {script};")
        if value:
            return value
        time.sleep(0.1)
    message = driver.execute_script("return document.getElementById('message').textContent;")
    raise AssertionError(f"timed out waiting for {script}; page says: {message!r}")


def keep_screenshot(driver, tmp_path: Path, name: str) -> Path:
    """Save a screenshot; copy it to $STRATO_SCREENSHOTS when set (for people to look at)."""
    path = tmp_path / name
    driver.save_screenshot(str(path))
    folder = os.environ.get("STRATO_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / name)
    return path


def external_requests(driver, base_url: str) -> list[str]:
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);"
    )
    return [n for n in names if not n.startswith(base_url) and not n.startswith("data:")]


def test_page_loads_without_network_and_draws_a_prediction(sample_server, browser, tmp_path):
    browser.get(sample_server.base_url + "/")
    wait_for(browser, "window.strato && window.strato.state.ready")
    assert browser.execute_script("return typeof L") == "object"  # Leaflet from the package
    assert browser.find_element("id", "synthetic-banner").is_displayed()
    browser.find_element("id", "predict-button").click()
    wait_for(browser, "window.strato.state.predictions >= 1")
    doc = browser.execute_script("return window.strato.lastPrediction;")
    ascent = browser.find_elements("css selector", "path.track-ascent")
    descent = browser.find_elements("css selector", "path.track-descent")
    assert len(ascent) == 1 and len(descent) == 1
    assert len(browser.find_elements("css selector", "path.landing-marker")) == 1
    text = browser.find_element("id", "predict-result").text
    landing = doc["landing"]
    assert f"{landing['latitude']:.4f} N" in text
    assert ("SEA" if landing["surface"] == "sea" else "LAND") in text
    # the drawn track is the prediction's: the ascent path runs from the launch to the burst
    path = ascent[0].get_attribute("d")
    start = browser.execute_script(
        "var p = window.strato.map.latLngToLayerPoint(arguments[0]); return [p.x, p.y];",
        [doc["launch"]["latitude"], doc["launch"]["longitude"]],
    )
    end = browser.execute_script(
        "var p = window.strato.map.latLngToLayerPoint(arguments[0]); return [p.x, p.y];",
        [doc["burst"]["latitude"], doc["burst"]["longitude"]],
    )
    first = [float(v) for v in path[1:].split("L")[0].split()]
    last = [float(v) for v in path.split("L")[-1].split()]
    assert abs(first[0] - start[0]) <= 1.5 and abs(first[1] - start[1]) <= 1.5
    assert abs(last[0] - end[0]) <= 1.5 and abs(last[1] - end[1]) <= 1.5
    # a scale bar and a north arrow on the map
    assert browser.find_element("css selector", ".leaflet-control-scale-line").text.strip()
    assert "N" in browser.find_element("css selector", ".north-arrow").text
    assert external_requests(browser, sample_server.base_url) == []
    shot = keep_screenshot(browser, tmp_path, "map-prediction.png")
    assert shot.stat().st_size > 10_000


def test_ensemble_cloud_and_launch_window_heat_map(sample_server, browser, tmp_path):
    browser.get(sample_server.base_url + "/")
    wait_for(browser, "window.strato && window.strato.state.ready")
    members = browser.find_element("id", "members")
    members.clear()
    members.send_keys("30")
    browser.find_element("id", "ensemble-button").click()
    wait_for(browser, "window.strato.state.ensembles >= 1")
    assert len(browser.find_elements("css selector", "path.member-marker")) == 30
    assert "P(sea) =" in browser.find_element("id", "ensemble-result").text
    assert browser.find_elements("css selector", "path.ellipse")
    for field, value in (("plan-to", "2025-06-21T18:00:00Z"), ("plan-members", "3")):
        box = browser.find_element("id", field)
        box.clear()
        box.send_keys(value)
    browser.find_element("id", "plan-button").click()
    wait_for(browser, "window.strato.state.plans >= 1")
    cells = browser.find_elements("css selector", "td.heat-cell")
    assert len(cells) == 7  # 00:00 .. 18:00 every 3 h
    assert all(c.text.isdigit() for c in cells)
    keep_screenshot(browser, tmp_path, "map-ensemble-plan.png")


def test_bad_input_shows_the_servers_message_not_a_crash(sample_server, browser):
    browser.get(sample_server.base_url + "/")
    wait_for(browser, "window.strato && window.strato.state.ready")
    lat = browser.find_element("id", "lat")
    lat.clear()
    lat.send_keys("123")
    browser.find_element("id", "predict-button").click()
    message = wait_for(
        browser,
        "document.getElementById('message').textContent.includes('lat')"
        " && document.getElementById('message').textContent",
    )
    assert "at most 90" in message
