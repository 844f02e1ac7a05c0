"""Valid frames of every protocol for the stream-decoder and fuzz tests (synthetic values)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firmware_bridge.encode import encode_telemetry
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC

T0 = datetime(2026, 7, 8, 12, 0, 0, tzinfo=UTC)


def sample_fields(i: int) -> dict:
    """Synthetic payload state number ``i`` (a slow ascent over the FIK-2 launch site)."""
    return {
        "callsign": "STRATO1",
        "sentence_id": i,
        "payload_time": T0 + timedelta(seconds=5 * i),
        "latitude": 49.7175 + 0.001 * i,
        "longitude": 14.0978 + 0.002 * i,
        "altitude": 453.0 + 25.0 * i,
        "satellites": 8 + i % 5,
        "temperature": 288.15 - 0.16 * i,
        "pressure": 95000.0 - 290.0 * i,
        "battery_voltage": 3.9,
    }


def wire_units(protocol: str, i: int) -> list[bytes]:
    """On-the-wire frames for record ``i``; NMEA gives two sentences (GGA, RMC)."""
    fields = sample_fields(i)
    if protocol == "ukhas":
        return [encode_telemetry("ukhas", fields, field_spec=STRATO_UKHAS_FIELD_SPEC)]
    if protocol == "nmea":
        return encode_telemetry("nmea", fields).splitlines(keepends=True)
    if protocol == "horus":
        return [encode_telemetry("horus", fields, hex_line=True)]
    if protocol == "horus-binary":
        return [encode_telemetry("horus", fields)]
    return [encode_telemetry(protocol, fields)]


TEXT_AND_FRAME = ("ukhas", "nmea", "horus", "frame", "jsonl")
