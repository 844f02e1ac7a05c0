"""Horus Binary v1/v2: the verified packets from the notes, CRC failures, round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.encode import encode_telemetry
from firmware_bridge.horus import encode_horus, horus_crc_ok, parse_horus

# telemetry-formats.md section 4, verified vector: ID 31415, seq 4, 23:12:17, temperature
# 26 degC, battery 164 -> 3.22 V, ext_temperature 22.1 degC, ext_pressure 1017.3 hPa.
V2_HEX = b"B77A0400170C110000000000000000000000001AA40000DD0000BD2700009C1B"
RECEIVED = datetime(2026, 7, 8, 23, 30, tzinfo=UTC)


def test_v2_reference_packet_hex_line():
    frame = parse_horus(V2_HEX + b"\n", received_at=RECEIVED)
    assert frame.ok, frame.error
    f = frame.fields
    assert f["callsign"] == "31415"
    assert f["sentence_id"] == 4
    assert f["payload_time"] == datetime(2026, 7, 8, 23, 12, 17, tzinfo=UTC)
    assert f["internal_temperature"] == pytest.approx(26 + 273.15)
    assert f["battery_voltage"] == pytest.approx(5 * 164 / 255)  # 3.22 V as rendered
    assert f["temperature"] == pytest.approx(22.1 + 273.15)
    assert f["pressure"] == pytest.approx(101730.0)  # 1017.3 hPa
    assert f["latitude"] == 0.0 and f["altitude"] == 0.0


def test_v2_reference_packet_raw_bytes():
    packet = bytes.fromhex(V2_HEX.decode())
    assert len(packet) == 32 and horus_crc_ok(packet)
    assert parse_horus(packet, received_at=RECEIVED).fields["sentence_id"] == 4


def test_v1_reference_packet():
    # Notes section 4: 01 12 00 00 00 23 + 12 x 00 + 1C 9A 95 45 -> id 1, seq 18, CRC 0x4595.
    packet = bytes.fromhex("011200000023" + "00" * 12 + "1C9A9545")
    frame = parse_horus(packet)
    assert frame.ok, frame.error
    assert frame.fields["callsign"] == "1" and frame.fields["sentence_id"] == 18


def test_flipped_bit_is_bad_checksum():
    packet = bytearray(bytes.fromhex(V2_HEX.decode()))
    packet[8] ^= 0x10
    frame = parse_horus(bytes(packet))
    assert frame.status == "bad_checksum"
    assert "1B9C" in frame.error


@pytest.mark.parametrize("raw", [b"", b"B77A", b"zz" * 32, b"\x00" * 31, V2_HEX[:-2] + b"\n"])
def test_wrong_lengths_are_malformed(raw):
    assert parse_horus(raw).status == "malformed"


@settings(max_examples=200, deadline=None)
@given(
    seq=st.integers(0, 65535),
    when=st.datetimes(
        min_value=datetime(2001, 1, 1), max_value=datetime(2090, 1, 1), timezones=st.just(UTC)
    ).map(lambda t: t.replace(microsecond=0)),
    lat=st.floats(-90, 90, width=32),
    lon=st.floats(-180, 180, width=32),
    alt=st.integers(0, 65535),
    speed_kmh=st.integers(0, 255),
    sats=st.integers(0, 255),
    internal_c=st.integers(-128, 127),
    batt=st.integers(0, 255),
    ascent=st.integers(-32768, 32767),
    ext_t=st.integers(-32768, 32767),
    humidity=st.integers(0, 255),
    pressure=st.integers(0, 65535),
    hex_line=st.booleans(),
)
def test_round_trip(
    seq,
    when,
    lat,
    lon,
    alt,
    speed_kmh,
    sats,
    internal_c,
    batt,
    ascent,
    ext_t,
    humidity,
    pressure,
    hex_line,
):
    fields = {
        "callsign": "31415",
        "sentence_id": seq,
        "payload_time": when,
        "latitude": lat,
        "longitude": lon,
        "altitude": float(alt),
        "ground_speed": speed_kmh / 3.6,
        "satellites": sats,
        "internal_temperature": internal_c + 273.15,
        "battery_voltage": batt * 5 / 255,
        "vertical_velocity": ascent / 100,
        "temperature": ext_t / 10 + 273.15,
        "relative_humidity": float(humidity),
        "pressure": pressure * 10.0,
    }
    raw = encode_telemetry("horus", fields, hex_line=hex_line)
    assert len(raw) == (65 if hex_line else 32)
    frame = parse_horus(raw, received_at=when + timedelta(hours=2))
    assert frame.ok, frame.error
    decoded = frame.fields
    # Values chosen on the wire grid, so they come back exactly (float32 for lat/lon).
    for name, value in fields.items():
        if isinstance(value, float):
            assert decoded[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name
        else:
            assert decoded[name] == value, name


def test_non_numeric_callsign_uses_test_payload_id():
    raw = encode_horus({"callsign": "STRATO1", "payload_time": RECEIVED}, payload_id=None)
    assert parse_horus(raw).fields["callsign"] == "256"
