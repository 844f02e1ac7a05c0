"""Protocol detection for --protocol auto."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from firmware_bridge.detect import detect_protocol, detect_stream_protocol
from firmware_bridge.encode import encode_telemetry

FIELDS = {
    "callsign": "S1",
    "sentence_id": 1,
    "payload_time": datetime(2026, 7, 8, tzinfo=UTC),
    "latitude": 1.0,
    "longitude": 2.0,
    "altitude": 3.0,
}


@pytest.mark.parametrize(
    ("protocol", "options"),
    [("ukhas", {}), ("nmea", {}), ("jsonl", {}), ("frame", {}), ("horus", {"hex_line": True})],
)
def test_encoded_frames_are_detected(protocol, options):
    raw = encode_telemetry(protocol, FIELDS, **options)
    first = raw.split(b"\n")[0] + b"\n" if protocol == "nmea" else raw
    assert detect_protocol(first) == protocol


@pytest.mark.parametrize(
    ("chunk", "expected"),
    [
        (b"\r\n$$X,1*00\n", "ukhas"),
        (b"$GPGGA,*00\r\n", "nmea"),
        (b"$gpgga\n", "unknown"),
        (b'  {"a":1}\n', "jsonl"),
        (b"AB" * 32 + b"\n", "horus"),
        (b"AB" * 31 + b"\n", "horus"),  # 31-byte hex line: a v3 packet's length
        (b"AB" * 15 + b"\n", "unknown"),  # shorter than any Horus packet
        (b"ABC" * 21 + b"\n", "unknown"),  # odd number of hex digits
        (b"", "unknown"),
        (b"$", "unknown"),
        (b"abc\x00", "frame"),
    ],
)
def test_rules(chunk, expected):
    assert detect_protocol(chunk) == expected


def test_stream_majority():
    ukhas = encode_telemetry("ukhas", FIELDS)
    nmea = encode_telemetry("nmea", FIELDS)
    assert detect_stream_protocol(ukhas + nmea) == "nmea"  # two lines per NMEA record
    assert detect_stream_protocol(ukhas * 3) == "ukhas"
    frames = encode_telemetry("frame", FIELDS) * 3
    assert detect_stream_protocol(frames) == "frame"
    assert detect_stream_protocol(b"\x13\x37 noise") == "unknown"
