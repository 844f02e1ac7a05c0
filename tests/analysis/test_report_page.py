"""The HTML report reads like a report, and the skew-T shows the whole sounding."""

from __future__ import annotations

import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest

from analysis.cleaning import clean_flight, monotonic_ascent
from analysis.plots import skewt_temperature_limits
from analysis.read_profile import read_profile
from analysis.report import build_report

DATA = Path(__file__).resolve().parents[1] / "data" / "soundings"
OUN_2023 = DATA / "uwyo_72357_OUN_2023052212.html"  # 257 levels to 5.8 hPa


class _Outline(HTMLParser):
    """Headings in order, the text of the first table, and where <pre> blocks sit."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[str] = []
        self.first_table: list[str] = []
        self.pre_outside_details = 0
        self._stack: list[str] = []
        self._tables_done = 0

    def handle_starttag(self, tag, attrs):
        self._stack.append(tag)
        if tag == "pre" and "details" not in self._stack:
            self.pre_outside_details += 1

    def handle_endtag(self, tag):
        while self._stack and self._stack.pop() != tag:
            pass
        if tag == "table" and "table" not in self._stack:
            self._tables_done += 1

    def handle_data(self, data):
        if self._stack and self._stack[-1] == "h2":
            self.headings.append(data.strip())
        if "table" in self._stack and self._tables_done == 0 and data.strip():
            self.first_table.append(data.strip())


@pytest.fixture(scope="module")
def oun_report(tmp_path_factory):
    out = tmp_path_factory.mktemp("oun")
    profile, metadata = read_profile(OUN_2023)
    summary = build_report(profile, metadata, out, show_progress=False)
    return summary, out


def test_headline_first_then_tables_raw_json_folded(oun_report):
    """OUN 72357, 2023-05-22 12Z (UWyo page): the page opens with the headline table
    (top, tropopauses, K/TT/Showalter with units, each parcel's CAPE, precipitable water),
    shows the parcels as a table and keeps raw JSON only inside a closed <details>."""
    summary, out = oun_report
    page = (out / "report.html").read_text()
    outline = _Outline()
    outline.feed(page)
    assert outline.headings[0] == "Headline"
    assert "Parcels" in outline.headings
    assert outline.pre_outside_details == 0
    text = " ".join(outline.first_table)
    assert "top of the record" in text and "hPa" in text
    assert "first tropopause (WMO lapse rate)" in text
    assert f"{summary['stability']['k_index_c']:.1f} °C" in text
    for parcel in ("surface parcel", "500 m mixed-layer parcel", "most-unstable parcel"):
        assert parcel in text
    assert "precipitable water, surface to 500 hPa" in text
    assert "<details><summary>Raw summary" in page
    assert "<details open" not in page
    # what the source published is shown beside ours
    assert "What the source itself reports" in outline.headings
    assert "Showalter index" in page


@pytest.mark.skipif(shutil.which("chromium") is None, reason="needs /usr/bin/chromium")
def test_report_page_in_chromium(oun_report):
    """Headless Chromium parses the page: the headline table is there and the raw JSON
    stays folded (no open attribute on <details>)."""
    _, out = oun_report
    result = subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--dump-dom",
         (out / "report.html").as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    if result.returncode != 0 or "<html" not in result.stdout:
        pytest.skip(f"chromium could not run here: {result.stderr[-300:]}")
    dom = result.stdout
    assert 'class="headline"' in dom
    assert dom.index("Headline") < dom.index("Raw summary")
    assert "<details open" not in dom


def test_skewt_frame_holds_the_whole_sounding():
    """OUN 2023-05-22 12Z to 5.8 hPa: with the limits chosen, every temperature point,
    stratosphere included, falls inside the frame; the old fixed -90..45 degC frame put the
    top kilometres outside it."""
    profile, _ = read_profile(OUN_2023)
    rows = monotonic_ascent(clean_flight(profile).ascent)
    p = rows["pressure"].to_numpy() / 100.0
    t = rows["temperature"].to_numpy() - 273.15
    bottom, top = 1050.0, p.min() * 0.9
    skew = np.tan(np.deg2rad(30.0)) * 1.05  # the report's frame: 0.85*9 in high, 0.56*13 wide

    def fractions(xmin, xmax):
        f = np.log(bottom / p) / np.log(bottom / top)
        return (t - xmin) / (xmax - xmin) + skew * f

    inside = fractions(*skewt_temperature_limits(p, t, bottom, top, skew))
    assert inside.min() >= 0.0 and inside.max() <= 1.0
    assert fractions(-90.0, 45.0).max() > 1.0  # the old frame lost the stratosphere
