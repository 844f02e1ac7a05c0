"""The crew's live view of ``strato log`` in Vietnamese, with clock times in the local zone."""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace

from rich.console import Console

import localization
from flightlog.live_view import LiveView, parse_chase
from flightlog.phase_observer import PhaseObserver
from flightlog.recorder import RecorderStats
from flightlog.store import FlightStore


def _frames(ids):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "flightlog"))
    try:
        from _flightlog_helpers import frames_for
    finally:
        sys.path.pop(0)
    return frames_for(ids)


def _render(view: LiveView) -> str:
    console = Console(record=True, width=160, color_system=None)
    console.print(view)
    return console.export_text()


def test_live_view_in_vietnamese_with_local_clock(tmp_path):
    with FlightStore(tmp_path / "log.sqlite", "f") as store:
        result = store.record(_frames([1, 2, 3]))
    phases = PhaseObserver()
    phases(result)
    stats = RecorderStats(frames_ok=3, frames_bad=1, last_frame_at=datetime.now(UTC))
    predictor = SimpleNamespace(
        latest={
            "landing_latitude": 20.7,
            "landing_longitude": 106.9,
            "landing_time": "2026-06-01T01:41:00+00:00",
            "basis": "descent",
            "synthetic_atmosphere": True,
        }
    )
    view = LiveView("hp", stats, phases, predictor, chase=parse_chase("52.0,0.1"))

    localization.configure("vi", "Asia/Ho_Chi_Minh")
    text = _render(view)
    for label in ("vị trí cuối", "độ cao", "giai đoạn", "từ xe đuổi theo", "điểm hạ cánh dự báo"):
        assert label in text
    assert "trước khi phóng" in text  # the phase, translated
    assert "tốt 3  hỏng 1" in text
    # the predicted landing at 01:41 UTC is 08:41 in Hai Phong, both shown, zone named
    assert "08:41:00 +07 (01:41:00 UTC) (hạ xuống) khí quyển TỔNG HỢP" in text
    assert re.search(r"\d+,\d{2} km, phương vị \d+ độ", text)  # decimal comma

    localization.configure("en", "UTC")
    english = _render(view)
    assert "last fix" in english and "01:41:00 UTC (descent) SYNTHETIC atmosphere" in english
