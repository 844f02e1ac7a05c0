"""Our binary frame: COBS and CRC32 vectors, the documented example, round trips, errors."""

from __future__ import annotations

import struct
import zlib
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.binary_frame import FIELD_IDS, encode_binary_frame, parse_frame
from firmware_bridge.cobs import CobsError, cobs_decode, cobs_encode
from firmware_bridge.crc import crc32_ieee
from firmware_bridge.encode import encode_telemetry

# telemetry-formats.md section 8, verified COBS vectors.
COBS_VECTORS = [("11002200", "0211022201"), ("11220033", "0311220233"), ("00", "0101")]


@pytest.mark.parametrize(("data", "encoded"), COBS_VECTORS)
def test_cobs_vectors(data, encoded):
    assert cobs_encode(bytes.fromhex(data)).hex() == encoded
    assert cobs_decode(bytes.fromhex(encoded)).hex() == data


def test_crc32_check_value_and_note_example():
    assert crc32_ieee(b"123456789") == 0xCBF43926  # CRC-32/IEEE catalogue check value
    # Notes section 8: payload 01 02 00 03 -> CRC32-LE AD 3D 75 03 -> wire ... 00.
    payload = bytes.fromhex("01020003")
    crc = crc32_ieee(payload).to_bytes(4, "little")
    assert crc.hex() == "ad3d7503"
    assert (cobs_encode(payload + crc) + b"\0").hex() == "0301020603ad3d750300"


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=700))
def test_cobs_round_trip_and_no_zero(data):
    encoded = cobs_encode(data)
    assert 0 not in encoded
    assert len(encoded) <= len(data) + len(data) // 254 + 1  # COBS overhead bound
    assert cobs_decode(encoded) == data


@pytest.mark.parametrize("bad", [b"", b"\x05\x01", b"\x02\x00"])
def test_cobs_rejects_invalid(bad):
    with pytest.raises(CobsError):
        cobs_decode(bad)


# The worked example in docs/protocol.md section "Example" (built by hand there, byte by byte).
DOC_FIELDS = {
    "sentence_id": 7,
    "callsign": "S1",
    "payload_time": datetime(2026, 7, 8, 12, 0, 0, tzinfo=UTC),
    "latitude": 49.7175,
    "altitude": 453.0,
}


def test_documented_example_layout():
    wire = encode_binary_frame(DOC_FIELDS)
    body = cobs_decode(wire[:-1])
    expected = (
        bytes([1])
        + struct.pack("<I", 7)
        + bytes([0x01, 0x09, 2])
        + b"S1"
        + bytes([0x02, 0x03])
        + struct.pack("<I", 1783512000)  # 2026-07-08T12:00:00Z
        + bytes([0x03, 0x05])
        + struct.pack("<i", 497175000)  # 49.7175 deg / 1e-7
        + bytes([0x05, 0x05])
        + struct.pack("<i", 453000)  # 453 m / 1e-3
    )
    expected += (zlib.crc32(expected) & 0xFFFFFFFF).to_bytes(4, "little")
    assert body == expected
    assert wire.hex() == DOCUMENTED_WIRE_HEX


DOCUMENTED_WIRE_HEX = "03010701011701090253310203c03b4e6a0305d849a21d050588e906059909990400"


def test_protocol_doc_shows_the_example():
    doc = Path(__file__).resolve().parents[2] / "docs" / "protocol.md"
    text = doc.read_text(encoding="utf-8").replace(" ", "").replace("\n", "").lower()
    assert DOCUMENTED_WIRE_HEX in text


def test_decode_fields_and_units():
    frame = parse_frame(encode_binary_frame(DOC_FIELDS))
    assert frame.ok, frame.error
    assert frame.fields == {
        "sentence_id": 7,
        "callsign": "S1",
        "payload_time": DOC_FIELDS["payload_time"],
        "latitude": pytest.approx(49.7175),
        "altitude": pytest.approx(453.0),
    }


def test_corrupted_frame_is_bad_checksum():
    wire = bytearray(encode_binary_frame(DOC_FIELDS))
    wire[12] ^= 0x01  # a data byte (not a COBS code byte)
    frame = parse_frame(bytes(wire))
    assert frame.status == "bad_checksum"
    assert "CRC32" in frame.error


def _wire(body: bytes) -> bytes:
    return cobs_encode(body + crc32_ieee(body).to_bytes(4, "little")) + b"\0"


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (bytes([2, 0, 0, 0, 0]), "version 2"),
        (bytes([1, 0, 0, 0, 0, 0x03, 0x42, 1]), "unknown type code"),
        (bytes([1, 0, 0, 0, 0, 0x03, 0x05, 1, 2]), "overruns"),
        (bytes([1, 0, 0, 0, 0, 0x01, 0x09, 10, 65]), "overruns"),
        (bytes([1, 0, 0, 0, 0, 0x06, 0x01, 1, 0x06, 0x01, 2]), "twice"),
        (bytes([1, 0, 0, 0, 0, 0x01, 0x01, 1]), "wrong type"),
        (bytes([1, 0, 0, 0, 0, 0x01]), "truncated"),
    ],
)
def test_valid_crc_but_bad_layout_is_malformed(body, why):
    frame = parse_frame(_wire(body))
    assert frame.status == "malformed"
    assert why in frame.error


def test_unknown_field_ids_are_kept_as_extras():
    body = bytes([1, 5, 0, 0, 0, 0x42, 0x02]) + struct.pack("<H", 513)
    frame = parse_frame(_wire(body))
    assert frame.ok and frame.fields == {"sentence_id": 5, "extra_66": 513}


def test_float_types_and_overrides():
    wire = encode_telemetry(
        "frame", {"pressure": 1234.5678, "sentence_id": 1}, types={"pressure": "f64"}
    )
    assert parse_frame(wire).fields["pressure"] == 1234.5678


_finite = {"allow_nan": False, "allow_infinity": False}


@settings(max_examples=300, deadline=None)
@given(
    seq=st.integers(0, 2**32 - 1),
    callsign=st.text(max_size=20),
    when=st.datetimes(
        min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    alt=st.floats(-1000, 2_000_000),
    pressure=st.floats(0, 200_000),
    temperature=st.floats(0, 400),
    battery=st.floats(0, 100),
    sats=st.integers(0, 255),
    counts=st.integers(0, 2**32 - 1),
    extra=st.floats(**_finite),
)
def test_round_trip(
    seq, callsign, when, lat, lon, alt, pressure, temperature, battery, sats, counts, extra
):
    fields = {
        "sentence_id": seq,
        "callsign": callsign,
        "payload_time": when,
        "latitude": lat,
        "longitude": lon,
        "altitude": alt,
        "pressure": pressure,
        "temperature": temperature,
        "battery_voltage": battery,
        "satellites": sats,
        "radiation_counts": counts,
        "extra_200": extra,
    }
    wire = encode_telemetry("frame", fields)
    assert wire.endswith(b"\0") and 0 not in wire[:-1]
    frame = parse_frame(wire)
    assert frame.ok, frame.error
    got = frame.fields
    assert got["sentence_id"] == seq and got["callsign"] == callsign
    # Sub-second times go as f64 seconds: float64 resolution at ~4e9 s is ~0.5 us.
    assert abs((got["payload_time"] - when).total_seconds()) < 2e-6
    # Scaled integers: error at most half a step of the field's scale.
    for name in ("latitude", "longitude", "altitude", "pressure", "temperature", "battery_voltage"):
        scale = next(s for (n, s, _) in FIELD_IDS.values() if n == name)
        assert got[name] == pytest.approx(fields[name], abs=scale / 2 * 1.001), name
    assert got["satellites"] == sats and got["radiation_counts"] == counts
    assert got["extra_200"] == extra  # f64 exact


def test_encoder_errors():
    with pytest.raises(ValueError, match="does not fit"):
        encode_binary_frame({"latitude": 1e9})
    with pytest.raises(ValueError, match="unknown type"):
        encode_binary_frame({"latitude": 1.0}, types={"latitude": "q128"})
    with pytest.raises(ValueError, match="tz-aware"):
        encode_binary_frame({"payload_time": datetime(2020, 1, 1)})
