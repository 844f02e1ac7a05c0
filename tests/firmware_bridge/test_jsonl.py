"""JSON lines: our unit-suffixed keys, auto_rx/SondeHub and Horus UDP objects, round trips."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.encode import encode_telemetry
from firmware_bridge.jsonl import JSON_KEYS, parse_jsonl

RECEIVED = datetime(2026, 7, 8, 12, 0, tzinfo=UTC)


def test_our_keys_carry_units():
    line = encode_telemetry(
        "jsonl", {"altitude": 1000.0, "pressure": 89874.6, "payload_time": RECEIVED}
    )
    assert json.loads(line) == {
        "altitude_m": 1000.0,
        "pressure_pa": 89874.6,
        "payload_time_utc": "2026-07-08T12:00:00Z",
    }
    assert line.endswith(b"\n") and line.count(b"\n") == 1


def test_auto_rx_style_object_converted_to_si_and_sentinels_dropped():
    # Values from the first frame of the auto_rx log in realdata/telemetry (SOURCES.md);
    # temp -273 and pressure -1 are auto_rx's "no data" markers (notes section 5.1).
    obj = {
        "frame": 5,
        "id": "Y0532363",
        "datetime": "2026-07-08T11:53:05.001Z",
        "lat": 21.01849,
        "lon": 105.80368,
        "alt": 2180.3,
        "temp": -273,
        "humidity": -1,
        "pressure": -1,
        "vel_v": 6.0,
        "sats": 9,
        "batt": 2.9,
        "frequency": 403.0,
    }
    frame = parse_jsonl(json.dumps(obj).encode() + b"\n")
    assert frame.ok, frame.error
    assert frame.fields == {
        "sentence_id": 5,
        "callsign": "Y0532363",
        "payload_time": datetime(2026, 7, 8, 11, 53, 5, 1000, tzinfo=UTC),
        "latitude": 21.01849,
        "longitude": 105.80368,
        "altitude": 2180.3,
        "vertical_velocity": 6.0,
        "satellites": 9,
        "battery_voltage": 2.9,
        "frequency": pytest.approx(403e6),
    }


def test_sondehub_style_units():
    frame = parse_jsonl(b'{"temp": -56.5, "pressure": 226.32, "humidity": 12}')
    assert frame.fields["temperature"] == pytest.approx(216.65)  # degC -> K
    assert frame.fields["pressure"] == pytest.approx(22632.0)  # hPa -> Pa


def test_horus_udp_summary():
    frame = parse_jsonl(
        b'{"type": "PAYLOAD_SUMMARY", "callsign": "HORUS", "latitude": -34.9, '
        b'"longitude": 138.6, "altitude": 12000, "speed": 36, "time": "11:59:00"}\n',
        received_at=RECEIVED,
    )
    assert frame.ok
    assert frame.fields["ground_speed"] == pytest.approx(10.0)  # 36 km/h
    assert frame.fields["payload_time"] == datetime(2026, 7, 8, 11, 59, tzinfo=UTC)
    assert frame.fields["extra_type"] == "PAYLOAD_SUMMARY"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"[1, 2]\n", "not a JSON object"),
        (b'{"lat": 1', "invalid JSON"),
        (b'{"lat": "north"}', "lat"),
        (b'{"lat": 95}', "latitude"),
        (b'{"datetime": "2026-07-08T11:53:05"}', "time zone"),
        (b"\xff\xfe{", "not a JSON object"),
        (b'{"sats": 2.5}', "integer"),
    ],
)
def test_malformed(raw, why):
    frame = parse_jsonl(raw)
    assert frame.status == "malformed"
    assert why in frame.error


_finite = st.floats(allow_nan=False, allow_infinity=False)


@settings(max_examples=200, deadline=None)
@given(
    values=st.fixed_dictionaries(
        {},
        optional={
            "callsign": st.text(max_size=10),
            "sentence_id": st.integers(0, 2**40),
            "payload_time": st.datetimes(timezones=st.just(UTC)),
            "latitude": st.floats(-90, 90),
            "longitude": st.floats(-180, 180),
            "altitude": _finite,
            "pressure": _finite,
            "temperature": _finite,
            "satellites": st.integers(0, 99),
            "extra_note": st.text(max_size=10),
        },
    )
)
def test_round_trip(values):
    frame = parse_jsonl(encode_telemetry("jsonl", values))
    assert frame.ok, frame.error
    assert frame.fields == values


def test_every_canonical_field_has_a_unit_key():
    from firmware_bridge.fields import FIELD_UNITS

    assert set(JSON_KEYS) == set(FIELD_UNITS)
