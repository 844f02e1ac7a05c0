"""The map app follows the browser's language: Vietnamese page, local times, decimal commas.

Real ``strato serve`` on 127.0.0.1 and real headless Chromium whose language is Vietnamese
and whose zone is Asia/Ho_Chi_Minh (UTC+7); the same server answers an English browser in
English (the API itself stays English and UTC).
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.stratoflight.web.conftest import start_browser
from tests.stratoflight.web.test_map_page import wait_for

pytestmark = pytest.mark.network_local


@pytest.fixture
def vietnamese_browser(tmp_path: Path):
    """Headless Chromium asking for Vietnamese, in the Hai Phong zone."""
    driver = start_browser(
        tmp_path / "chromium-profile-vi",
        args=("--lang=vi-VN",),
        prefs={"intl.accept_languages": "vi-VN,vi"},
        env={**os.environ, "TZ": "Asia/Ho_Chi_Minh", "LANGUAGE": "vi", "LANG": "vi_VN.UTF-8"},
    )
    try:
        yield driver
    finally:
        driver.quit()


def test_map_app_in_vietnamese_with_local_times(sample_server, vietnamese_browser):
    browser = vietnamese_browser
    browser.get(sample_server.base_url + "/")
    wait_for(browser, "window.strato && window.strato.state.ready")
    assert browser.execute_script("return navigator.language").lower().startswith("vi")
    assert browser.execute_script("return document.documentElement.lang") == "vi"
    assert browser.find_element("id", "synthetic-banner").text.startswith("Khí quyển TỔNG HỢP")
    assert browser.find_element("id", "predict-button").text == "Dự báo"
    browser.find_element("id", "predict-button").click()
    wait_for(browser, "window.strato.state.predictions >= 1")
    doc = browser.execute_script("return window.strato.lastPrediction;")
    text = browser.find_element("id", "predict-result").text
    assert "Hạ cánh:" in text and "Thời gian bay:" in text
    # the API answered in UTC; the page shows Hai Phong time (UTC+7), zone named, UTC beside
    landing_utc = doc["landing"]["datetime"]  # e.g. 2025-06-21T08:25:44.000Z
    assert landing_utc.endswith("Z")
    hour = (int(landing_utc[11:13]) + 7) % 24
    assert re.search(
        rf"\d\d/\d\d/\d{{4}} {hour:02d}:{landing_utc[14:16]} GMT\+7 "
        rf"\({landing_utc[11:16]} UTC\)",
        text,
    ), text
    assert f"{doc['landing']['latitude']:.4f}".replace(".", ",") in text  # decimal comma


def test_english_browser_still_gets_english(sample_server, browser):
    browser.get(sample_server.base_url + "/")
    wait_for(browser, "window.strato && window.strato.state.ready")
    assert browser.execute_script("return document.documentElement.lang") == "en"
    assert browser.find_element("id", "predict-button").text == "Predict"
