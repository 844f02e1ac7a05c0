"""Horus Binary v1/v2/v3 through horusdemodlib: the library's own test vectors and the
verified packets from the notes, CRC failures, callsigns from its payload-ID list (offline),
round trips of the virtual payload's packets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.encode import encode_telemetry
from firmware_bridge.horus import (
    encode_horus,
    horus_crc_ok,
    load_horusdemodlib,
    parse_horus,
    payload_callsign,
)

# telemetry-formats.md section 4, verified vector: ID 31415, seq 4, 23:12:17, temperature
# 26 degC, battery 164 -> 3.22 V, ext_temperature 22.1 degC, ext_pressure 1017.3 hPa.
V2_HEX = b"B77A0400170C110000000000000000000000001AA40000DD0000BD2700009C1B"
RECEIVED = datetime(2026, 7, 8, 23, 30, tzinfo=UTC)


def test_v2_reference_packet_hex_line():
    frame = parse_horus(V2_HEX + b"\n", received_at=RECEIVED)
    assert frame.ok, frame.error
    f = frame.fields
    assert f["callsign"] == "HORUS-V2" and f["extra_payload_id"] == 31415  # payload-ID list
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
    assert frame.fields["callsign"] == "HORUSBINARY" and frame.fields["sentence_id"] == 18


def test_flipped_bit_is_bad_checksum():
    packet = bytearray(bytes.fromhex(V2_HEX.decode()))
    packet[8] ^= 0x10
    frame = parse_horus(bytes(packet))
    assert frame.status == "bad_checksum"
    assert "1B9C" in frame.error


@pytest.mark.parametrize("raw", [b"", b"B77A", b"\x00" * 15, V2_HEX[:-1] + b"\n"])
def test_wrong_lengths_are_malformed(raw):
    assert parse_horus(raw).status == "malformed"


def test_other_lengths_are_checked_as_v3():
    """64 bytes that are no hex line could be a v3 packet: its leading CRC decides."""
    frame = parse_horus(b"zz" * 32)
    assert frame.status == "bad_checksum" and "v3 CRC16 at the start" in frame.error


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
    assert decoded["extra_payload_id"] == 31415
    fields["callsign"] = payload_callsign(31415)
    for name, value in fields.items():
        if isinstance(value, float):
            assert decoded[name] == pytest.approx(value, rel=1e-9, abs=1e-9), name
        else:
            assert decoded[name] == value, name


def test_non_numeric_callsign_uses_test_payload_id():
    raw = encode_horus({"callsign": "STRATO1", "payload_time": RECEIVED}, payload_id=None)
    assert parse_horus(raw).fields["callsign"] == "4FSKTEST-V2"


# horusdemodlib's own test vectors (horusdemodlib/decoder.py, HorusDecoderTests).
LIBRARY_V1 = b"\x01\x12\x00\x00\x00\x23" + b"\x00" * 12 + b"\x1c\x9a\x95\x45"
LIBRARY_V2_16 = b"\x01\x12\x02\x00\x02\xbc\xeb!AR\x10\x00\xff\x00\xe1\x7e"
LIBRARY_V2_32 = (b"\x00\x01\x02\x00\x0c\x22\x38" + b"\x00" * 14
                 + bytes(range(1, 10)) + b"\xb4\xc6")  # fmt: skip


@pytest.mark.parametrize("hex_line", [False, True])
def test_library_vectors_v1_and_both_v2_sizes(hex_line):
    def parse(packet):
        raw = packet.hex().upper().encode() + b"\n" if hex_line else packet
        frame = parse_horus(raw, received_at=RECEIVED)
        assert frame.ok, frame.error
        return frame.fields

    v1 = parse(LIBRARY_V1)
    assert (v1["callsign"], v1["sentence_id"], v1["extra_payload_id"]) == ("HORUSBINARY", 18, 1)
    assert v1["payload_time"] == datetime(2026, 7, 9, 0, 0, 35, tzinfo=UTC)  # next day
    v2_16 = parse(LIBRARY_V2_16)  # 16-byte v2: fixed-point position, time in 2 s steps
    assert v2_16["latitude"] == pytest.approx(-34.0, abs=1e-4)
    assert v2_16["longitude"] == pytest.approx(138.0, abs=1e-4)
    assert v2_16["altitude"] == 16.0 and v2_16["battery_voltage"] == 5.0
    v2_32 = parse(LIBRARY_V2_32)  # id 256: the default (RS41ng) custom block
    assert v2_32["callsign"] == "4FSKTEST-V2" and v2_32["sentence_id"] == 2
    assert v2_32["payload_time"] == datetime(2026, 7, 8, 12, 34, 56, tzinfo=UTC)
    assert v2_32["vertical_velocity"] == pytest.approx(5.13)  # 0x0201 cm/s
    assert v2_32["relative_humidity"] == 5.0
    assert v2_32["pressure"] == pytest.approx(0x0706 * 10.0)  # 0.1 hPa steps -> Pa


def _v3_packet(**overrides) -> bytes:
    """A v3 packet made as horusdemodlib's own tests make one: its ASN.1 (UPER) encoder and
    its CRC16 in front."""
    load_horusdemodlib()  # imports the library without its dependencies' deprecation noise
    from horusdemodlib.checksums import add_packet_crc
    from horusdemodlib.decoder import HORUS_ASN

    data = {
        "payloadCallsign": "VK5QI-9", "sequenceNumber": 1234, "timeOfDaySeconds": 12 * 3600 + 5,
        "latitude": -3461234, "longitude": 13865432, "altitudeMeters": 25123,
        "velocityHorizontalKilometersPerHour": 36, "gnssSatellitesVisible": 11,
        "ascentRateCentimetersPerSecond": 512, "pressurehPa-x10": 127,
        "temperatureCelsius-x10": {"internal": -52, "external": -456},
        "humidityPercentage": 12, "milliVolts": {"battery": 3300},
    }  # fmt: skip
    data.update(overrides)
    return add_packet_crc(HORUS_ASN.encode("Telemetry", data, check_constraints=True), tail=False)


@pytest.mark.parametrize("hex_line", [False, True])
def test_v3_asn1_packet(hex_line):
    packet = _v3_packet()
    raw = packet.hex().encode() + b"\r\n" if hex_line else packet
    frame = parse_horus(raw, received_at=RECEIVED, source="udp:test")
    assert frame.ok, frame.error
    f = frame.fields
    assert f["callsign"] == "VK5QI-9" and f["sentence_id"] == 1234
    assert f["payload_time"] == datetime(2026, 7, 8, 12, 0, 5, tzinfo=UTC)
    assert (f["latitude"], f["longitude"], f["altitude"]) == (-34.61234, 138.65432, 25123.0)
    assert f["ground_speed"] == pytest.approx(10.0) and f["satellites"] == 11
    assert f["vertical_velocity"] == pytest.approx(5.12)
    assert f["pressure"] == pytest.approx(1270.0)  # 12.7 hPa
    assert f["temperature"] == pytest.approx(-45.6 + 273.15)
    assert f["internal_temperature"] == pytest.approx(-5.2 + 273.15)
    assert f["relative_humidity"] == 12.0 and f["battery_voltage"] == pytest.approx(3.3)


def test_v3_bad_crc_and_broken_constraints_are_not_ok():
    packet = bytearray(_v3_packet())
    packet[5] ^= 0x01
    assert parse_horus(bytes(packet)).status == "bad_checksum"
    load_horusdemodlib()  # imports the library without its dependencies' deprecation noise
    from horusdemodlib.checksums import add_packet_crc
    from horusdemodlib.decoder import HORUS_ASN

    too_high = {"payloadCallsign": "X", "sequenceNumber": 1, "timeOfDaySeconds": 5,
                "latitude": 0, "longitude": 0, "altitudeMeters": 51000}  # fmt: skip
    body = HORUS_ASN.encode("Telemetry", too_high, check_constraints=False)
    frame = parse_horus(add_packet_crc(body, tail=False))
    assert frame.status == "malformed" and "cannot decode" in frame.error


def test_payload_lists_are_the_bundled_ones_and_never_downloaded(monkeypatch):
    """The receiving laptop has no internet: the lists come from the wheel's copies."""
    import requests

    def no_network(*args, **kwargs):
        raise AssertionError("horusdemodlib tried to download a list")

    monkeypatch.setattr(requests, "get", no_network)
    assert payload_callsign(256) == "4FSKTEST-V2" and payload_callsign(1) == "HORUSBINARY"
    assert payload_callsign(65535) is None
    assert parse_horus(LIBRARY_V2_32).fields["callsign"] == "4FSKTEST-V2"
