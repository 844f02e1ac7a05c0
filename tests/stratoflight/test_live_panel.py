"""The live panel shows what the crew asks for, and fits 80 columns without cutting events."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from types import SimpleNamespace

from rich.console import Console

from flightlog.events import FlightEvent
from flightlog.live_view import LiveView
from flightlog.phase_observer import PhaseObserver
from flightlog.recorder import RecorderStats


def _render(view: LiveView) -> str:
    console = Console(width=80, record=True, soft_wrap=True, color_system=None)
    console.print(view)
    return console.export_text()


def test_panel_content_at_80_columns():
    now = datetime(2026, 12, 6, 13, 0, tzinfo=UTC).timestamp()
    phases = PhaseObserver()
    phases.last_row = SimpleNamespace(
        payload_time=now,
        received_at=now,
        values={
            "latitude": 20.8,
            "longitude": 106.9,
            "altitude": 18632.0,
            "battery_voltage": 4.87,
            "satellites": 9.0,
            "temperature": 220.15,
            "internal_temperature": 283.15,
        },
    )
    stats = RecorderStats()
    long_detail = "payload clock 9 h 41 min ahead of the receiver; rows marked clock_suspect"
    stats.events.append(
        FlightEvent("clock_offset", datetime(2026, 12, 6, 13, tzinfo=UTC), {"detail": long_detail})
    )
    latest = {
        "landing_latitude": 20.75,
        "landing_longitude": 107.05,
        "landing_time_s": now + 42 * 60,
        "landing_time": "2026-12-06T13:42:00+00:00",
        "basis": "ascent",
        "landing_surface": "sea",
    }
    text = _render(LiveView("rehearsal", stats, phases, SimpleNamespace(latest=latest)))
    assert all(len(line) <= 80 for line in text.splitlines())
    flat = re.sub(r"[\s│]+", " ", text)
    assert "battery 4.87 V" in flat and "9 satellites" in flat
    assert "air -53.0 degC" in flat and "inside 10.0 degC" in flat
    assert "time to landing 42 min" in flat
    assert "land or sea SEA" in flat
    latest["landing_place"] = "lands at sea, 2.8 km from the coast, bearing 63°"
    text = _render(LiveView("rehearsal", stats, phases, SimpleNamespace(latest=latest)))
    assert "land or sea lands at sea, 2.8 km from the coast" in re.sub(r"[\s│]+", " ", text)
    assert long_detail in flat  # folded onto more lines, never cut
