"""Helpers for the flight-log tests: UKHAS sentences, frames (synthetic values), spills."""

from __future__ import annotations

import binascii
from datetime import UTC, datetime, timedelta
from pathlib import Path

from firmware_bridge.frame import Frame, RawChunk
from flightlog.recorder import Recorder
from flightlog.store import FlightStore

T0 = datetime(2026, 6, 1, 9, 0, 0, tzinfo=UTC)


def ukhas_sentence(
    callsign: str, sentence_id: int, when: datetime, lat: float, lon: float, alt: float
) -> bytes:
    """A UKHAS sentence with its CRC16-CCITT-FALSE (telemetry-formats.md §1.2)."""
    body = f"{callsign},{sentence_id},{when:%H:%M:%S},{lat:.5f},{lon:.5f},{alt:.0f}".encode()
    return b"$$" + body + b"*%04X\n" % binascii.crc_hqx(body, 0xFFFF)


def good_frame(
    sentence_id: int,
    *,
    received_at: datetime | None = None,
    payload_time: datetime | None = None,
    source: str = "serial:/dev/test",
    callsign: str = "TEST",
    altitude: float = 1000.0,
    **fields: float,
) -> Frame:
    """A decoded frame as the bridge would hand it over (synthetic values)."""
    payload_time = payload_time or T0 + timedelta(seconds=sentence_id)
    received_at = received_at or payload_time + timedelta(seconds=0.4)
    values = {
        "callsign": callsign,
        "sentence_id": sentence_id,
        "payload_time": payload_time,
        "latitude": 52.0 + sentence_id * 1e-4,
        "longitude": 0.1 + sentence_id * 1e-4,
        "altitude": altitude,
        **fields,
    }
    raw = ukhas_sentence(
        callsign, sentence_id, payload_time, values["latitude"], values["longitude"], altitude
    )
    return Frame(raw, received_at, source, "ukhas", "ok", None, values)


def chunk_and_frame(sentence_id: int, **kwargs) -> list:
    """The raw chunk of a frame followed by the frame, as the bridge yields them."""
    frame = good_frame(sentence_id, **kwargs)
    return [RawChunk(frame.raw, frame.received_at, frame.source), frame]


def frames_for(ids, **kwargs) -> list:
    """Chunks and frames for several sentence ids."""
    items: list = []
    for i in ids:
        items += chunk_and_frame(i, **kwargs)
    return items


def spill_ten_frames(store: FlightStore, spill: Path) -> None:
    """Make ``store`` read-only and record ten frames into it: all of them go to ``spill``.

    The store stays read-only (``PRAGMA query_only``) for the caller to lift.
    """
    store.connection.execute("PRAGMA query_only = ON")
    Recorder(store, max_pending=4, spill_path=spill).run(
        iter(frames_for(range(1, 11))), final_retry=0.2
    )
