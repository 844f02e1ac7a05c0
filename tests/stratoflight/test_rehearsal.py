"""The field crew's rehearsal (docs/field_crew.md) replayed at several receive-clock hours.

The receive clock is injected in-process (``firmware_bridge.bridge._now``), never wall
time: the payload's UKHAS times of day (12:00 onwards, sped up) must be dated continuously
within the flight whatever the laptop clock says, including 00:00-02:30 UTC, where dating
each sentence by nearness to the receive clock split the flight across two days.
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from stratoflight.cli import app

runner = CliRunner()

#: Receive-clock start times [UTC]: the old failure window 00:00-02:30 and others.
HOURS = ("00:00", "01:10", "02:25", "06:00", "11:55", "23:50")


def _invoke(args: list[str]):
    result = runner.invoke(app, args, catch_exceptions=False)
    assert "Traceback" not in result.output
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def sentences(tmp_path_factory) -> Path:
    """The doc's simulated UKHAS flight, written to a file (as fast as possible)."""
    path = tmp_path_factory.mktemp("sim") / "payload.txt"
    _invoke(["simulate", "--to", f"file://{path}", "--protocol", "ukhas", "--speedup", "max"])
    return path


class FakeClock:
    """A receive clock starting at ``start`` that runs 1/20 s per read (like --speedup 20)."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=0.05)
        return self.now


@pytest.mark.slow
@pytest.mark.parametrize("hour", HOURS)
def test_rehearsal_is_continuous_at_any_hour(sentences, tmp_path, monkeypatch, hour):
    h, m = (int(x) for x in hour.split(":"))
    start = datetime(2026, 12, 6, h, m, tzinfo=UTC)
    monkeypatch.setattr("firmware_bridge.bridge._now", FakeClock(start))
    db = tmp_path / "flights.sqlite"
    log = _invoke(
        [
            "log",
            f"file://{sentences}",
            "--protocol",
            "ukhas",
            "--fields",
            "strato",
            "--flight",
            "rehearsal",
            "--synthetic",
            "--db",
            str(db),
            "--no-live",
        ]
    )
    assert "phase landed" in log.output

    listing = _invoke(["flights", "--db", str(db)]).output
    assert "rehearsal" in listing and "landed" in listing and "SYNTHETIC" in listing

    out = tmp_path / "rehearsal.csv"
    _invoke(
        ["export", "--db", str(db), "--flight", "rehearsal", "--format", "csv", "--out", str(out)]
    )
    with open(out, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    times = [datetime.fromisoformat(r["time"].replace("Z", "+00:00")) for r in rows]
    altitudes = [float(r["altitude"]) for r in rows]
    # One day: the payload's 12:00:00 on the date nearest the receive clock, then onwards.
    anchor = start.replace(hour=12, minute=0, second=0)
    if anchor - start > timedelta(hours=12):
        anchor -= timedelta(days=1)
    elif start - anchor > timedelta(hours=12):
        anchor += timedelta(days=1)
    assert times[0] == anchor
    assert all(b > a for a, b in zip(times, times[1:], strict=False)), "times go backwards"
    assert times[-1] - times[0] < timedelta(hours=4)
    top = altitudes.index(max(altitudes))
    assert max(altitudes) > 29_000
    assert 0 < top < len(rows) - 1  # descent after launch and burst
    assert altitudes[-1] < 100  # landed at the real end, not frozen at altitude

    report_dir = tmp_path / "report"
    _invoke(["report", "--db", str(db), "--flight", "rehearsal", "--out", str(report_dir)])
    summary = json.loads((report_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["synthetic"] is True
    launch = datetime.fromisoformat(summary["launch"]["datetime"])
    burst = datetime.fromisoformat(summary["burst"]["datetime"])
    landing = datetime.fromisoformat(summary["landing"]["datetime"])
    assert launch < burst < landing
    assert landing.date() in (times[0].date(), times[-1].date())
    assert summary["landing"]["altitude_m"] < 100
    assert summary["burst"]["altitude_m"] > 29_000

    gpx = tmp_path / "rehearsal.gpx"
    _invoke(
        ["export", "--db", str(db), "--flight", "rehearsal", "--format", "gpx", "--out", str(gpx)]
    )
    import xml.etree.ElementTree as ET

    ns = {"g": "http://www.topografix.com/GPX/1/1"}
    points = ET.parse(gpx).getroot().findall(".//g:trkpt", ns)
    gpx_times = [p.find("g:time", ns).text for p in points]
    assert gpx_times == sorted(gpx_times)
    assert float(points[-1].find("g:ele", ns).text) < 100


@pytest.mark.slow
def test_resumed_flight_keeps_counting_and_dating(sentences, tmp_path, monkeypatch):
    """A logger restarted mid-flight continues the totals and the flight's date."""
    lines = sentences.read_bytes().splitlines(keepends=True)
    first, second = tmp_path / "first.txt", tmp_path / "second.txt"
    first.write_bytes(b"".join(lines[:6000]))
    second.write_bytes(b"".join(lines[6000:]))
    db = tmp_path / "flights.sqlite"
    common = ["--protocol", "ukhas", "--fields", "strato", "--flight", "resumed", "--synthetic"]
    common += ["--db", str(db), "--no-live"]
    monkeypatch.setattr(
        "firmware_bridge.bridge._now", FakeClock(datetime(2026, 12, 6, 1, 0, tzinfo=UTC))
    )
    _invoke(["log", f"file://{first}", *common])
    # restarted at a receive time that alone would date the payload's 13:40 on the next day
    monkeypatch.setattr(
        "firmware_bridge.bridge._now", FakeClock(datetime(2026, 12, 7, 2, 30, tzinfo=UTC))
    )
    log = _invoke(["log", f"file://{second}", *common]).output
    assert "resuming" in log
    assert f"totals ok {len(lines)} bad 0" in log.replace("\n", " ")
    out = tmp_path / "resumed.csv"
    _invoke(["export", "--db", str(db), "--flight", "resumed", "--out", str(out)])
    with open(out, newline="", encoding="utf-8") as handle:
        times = [r["time"] for r in csv.DictReader(handle)]
    assert len(times) == len(lines)
    assert times == sorted(times) and times[-1].startswith("2026-12-06")
