"""UKHAS sentences: reference checksums, example sentences, the real LetFik2 log, round trips."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.crc import crc16_ccitt_false, fletcher16_256_habitat, fletcher16_habitat, xor8
from firmware_bridge.encode import encode_telemetry
from firmware_bridge.plausibility import check_plausibility
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC, encode_ukhas, parse_ukhas

RECEIVED = datetime(2017, 3, 18, 12, 0, 0, tzinfo=UTC)

# (text between $$ and *, CRC16, XOR, Fletcher-16 habitat, Fletcher-16-256 habitat):
# telemetry-formats.md section 1.3, "verified vectors" (from habitat checksums.py doctests).
CHECKSUM_VECTORS = [
    (b"habitat", 0x3EFB, 0x63, 0xDF49, 0xDD3E),
    (b"hello,world", 0xE408, 0x2C, 0x6C62, 0x6848),
    (b"habitat,1,00:00:00,0.0,0.0,0,0.0,hab", 0xEE5E, 0x0B, 0xE3A6, 0xDBF5),
]


@pytest.mark.parametrize(("text", "crc16", "xor", "fl16", "fl16_256"), CHECKSUM_VECTORS)
def test_checksums_match_habitat_vectors(text, crc16, xor, fl16, fl16_256):
    assert crc16_ccitt_false(text) == crc16
    assert xor8(text) == xor
    assert fletcher16_habitat(text) == fl16
    assert fletcher16_256_habitat(text) == fl16_256


def test_crc16_check_value():
    # CRC-16/CCITT-FALSE catalogue check value for "123456789".
    assert crc16_ccitt_false(b"123456789") == 0x29B1


def test_xor8_long_input_matches_bytewise():
    data = bytes(range(256)) * 3 + b"tail"
    expected = 0
    for byte in data:
        expected ^= byte
    assert xor8(data) == expected


# Example sentences with correct checksums, telemetry-formats.md section 1.4.
def test_habitat_example_with_extras():
    frame = parse_ukhas(
        b"$$habitat,123,12:45:06,-35.1032,138.8568,4285,3.6,hab*5681\n", received_at=RECEIVED
    )
    assert frame.ok, frame.error
    f = frame.fields
    assert f["callsign"] == "habitat"
    assert f["sentence_id"] == 123
    assert f["payload_time"] == datetime(2017, 3, 18, 12, 45, 6, tzinfo=UTC)
    assert f["latitude"] == pytest.approx(-35.1032)
    assert f["longitude"] == pytest.approx(138.8568)
    assert f["altitude"] == 4285.0
    assert f["extra_1"] == pytest.approx(3.6)
    assert f["extra_2"] == "hab"


def test_minimal_sentence_and_real_pits_sentence():
    assert parse_ukhas(b"$$habitat,123,12:45:06,-35.1032,138.8568,4285*5260\n").ok
    pits = (
        b"$$RTLS3,1,14:59:07,51.95068,-2.54703,00059,0,0,11,34.7,26.5,987,35.7,0.50,0.00000,"
        b"0.00000,0.0,0,None,92,0,0,0,0,0.0,0.0,0.0,0.0,0.0,0,0,0,0,0,0.0,0,0,0.0,0,0,0.0,0.0*FA61"
    )
    frame = parse_ukhas(pits, received_at=RECEIVED)
    assert frame.ok, frame.error
    assert frame.fields["altitude"] == 59.0
    assert frame.fields["extra_13"] == "None"


def test_horus_reference_sentences():
    # horusdemodlib test vectors (realdata/telemetry/SOURCES.md, "Reference strings").
    horus = parse_ukhas(b"$$HORUS,6,06:43:16,0.000000,0.000000,0,0,0,1801,20*1DA2")
    assert horus.ok and horus.fields["sentence_id"] == 6
    dirk = parse_ukhas(
        b"$$$DirkDuyvel,416,143957,53.15629,7.29188,10925,14,2.88,11,2640,1,80*3C6C",
        received_at=RECEIVED,
    )
    assert dirk.ok, dirk.error
    assert dirk.fields["callsign"] == "DirkDuyvel"
    assert dirk.fields["payload_time"] == datetime(2017, 3, 18, 14, 39, 57, tzinfo=UTC)
    assert dirk.fields["altitude"] == 10925.0


def test_horus_v2_rendered_as_ukhas():
    frame = parse_ukhas(
        b"$$UNKNOWN_PAYLOAD_ID,4,23:12:17,0.00000,0.00000,0,0,0,26,3.22,0.00,22.1,0,1017.3*5540"
    )
    assert frame.ok, frame.error


def test_placeholder_checksum_is_rejected_with_the_real_crc_in_the_error():
    # habitat docs example with placeholder *ABCD; its real CRC is 262C (notes 1.4).
    frame = parse_ukhas(b"$$habitat,123,13:16:24,51.123,0.123,11000*ABCD\n")
    assert frame.status == "bad_checksum"
    assert "262C" in frame.error
    assert frame.fields == {}
    assert parse_ukhas(b"$$habitat,123,13:16:24,51.123,0.123,11000*262C\n").ok


def test_lower_case_checksum_accepted():
    assert parse_ukhas(b"$$habitat,123,12:45:06,-35.1032,138.8568,4285*5260").ok
    assert parse_ukhas(b"$$habitat,123,13:16:24,51.123,0.123,11000*262c\n").ok


def test_xor_checksum():
    body = b"habitat,123,12:45:06,-35.1032,138.8568,4285"
    line = b"$$" + body + f"*{xor8(body):02X}\n".encode()
    assert parse_ukhas(line).ok
    assert parse_ukhas(line.replace(b"4285", b"4286")).status == "bad_checksum"


@pytest.mark.parametrize(
    ("raw", "why"),
    [
        (b"", "does not start"),
        (b"$$", "no '*'"),
        (b"$$habitat,1,12:00:00,1,2,3*12345\n", "hex digits"),
        (b"$$habitat,1,12:00:00,1,2,3*ZZZZ\n", "hex digits"),
        (b"habitat,1*0000", "does not start"),
    ],
)
def test_malformed_inputs_say_why(raw, why):
    frame = parse_ukhas(raw)
    assert frame.status == "malformed"
    assert why in frame.error
    assert frame.raw == raw


def _with_crc(body: bytes) -> bytes:
    return b"$$" + body + f"*{crc16_ccitt_false(body):04X}\n".encode()


@pytest.mark.parametrize(
    ("body", "why"),
    [
        (b"hab itat,1,12:00:00,1,2,3", "callsign"),
        (b"habitat,1,25:00:00,1,2,3", "time"),
        (b"habitat,1,12:00:00,91,2,3", "bad position"),
        (b"habitat,1,12:00:00,1,2", "missing"),
        (b"habitat,1,12:00:00,5075.5,2,3", "minutes"),
        (b"habitat,x1,12:00:00,1,2,3", "sentence id"),
    ],
)
def test_valid_checksum_but_bad_content_is_malformed(body, why):
    frame = parse_ukhas(_with_crc(body))
    assert frame.status == "malformed", frame
    assert why in frame.error


def test_midnight_rollover_both_ways():
    line = _with_crc(b"P,1,23:59:59,1,2,3")
    just_after_midnight = datetime(2026, 7, 9, 0, 0, 2, tzinfo=UTC)
    assert parse_ukhas(line, received_at=just_after_midnight).fields["payload_time"] == datetime(
        2026, 7, 8, 23, 59, 59, tzinfo=UTC
    )
    line = _with_crc(b"P,1,00:00:01,1,2,3")
    just_before_midnight = datetime(2026, 7, 8, 23, 59, 58, tzinfo=UTC)
    assert parse_ukhas(line, received_at=just_before_midnight).fields["payload_time"] == datetime(
        2026, 7, 9, 0, 0, 1, tzinfo=UTC
    )


def test_field_spec_maps_units_and_keeps_unknown_extras():
    spec = [("satellites", "int"), ("temperature", "degC"), ("pressure", "hPa"), "heading"]
    frame = parse_ukhas(_with_crc(b"P,1,12:00:00,1,2,3,7,-56.5,226.32,270,9,x"), spec)
    f = frame.fields
    assert f["satellites"] == 7
    assert f["temperature"] == pytest.approx(216.65)  # -56.5 degC + 273.15
    assert f["pressure"] == pytest.approx(22632.0)  # 226.32 hPa
    assert f["heading"] == 270.0
    assert f["extra_5"] == 9  # fifth field after the altitude, beyond the spec
    assert f["extra_6"] == "x"


def test_bad_field_spec_unit_gives_malformed_frame_not_exception():
    frame = parse_ukhas(_with_crc(b"P,1,12:00:00,1,2,3,7"), [("satellites", "furlong")])
    assert frame.status == "malformed"
    assert "furlong" in frame.error


def _letfik_rows(realdata):
    path = realdata / "telemetry" / "LetFik2_HabHub_data.txt"
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


LETFIK_SPEC = [("satellites", "int"), "extra_candy_noise", "extra_candy_flux"]


@pytest.mark.realdata
def test_all_letfik2_sentences_decode_and_match_habhub(realdata):
    rows = _letfik_rows(realdata)
    assert len(rows) == 899  # SOURCES.md: 899 sentences, all CRCs valid
    implausible = []
    for row in rows:
        frame = parse_ukhas(row["_sentence"].encode("ascii"), LETFIK_SPEC, received_at=RECEIVED)
        assert frame.ok, (row["_sentence"], frame.error)
        f = frame.fields
        # habhub's own decoded columns are the oracle; they print ~8 decimals, hence 1e-6.
        assert f["latitude"] == pytest.approx(float(row["latitude"]), abs=1e-6)
        assert f["longitude"] == pytest.approx(float(row["longitude"]), abs=1e-6)
        assert f["altitude"] == pytest.approx(float(row["altitude"]))
        assert f["satellites"] == int(row["satellites"])
        assert f["payload_time"].strftime("%H:%M:%S") == row["time"]
        if check_plausibility(f):
            implausible.append(row["_sentence"])
    # The GPS-garbage sentences with valid CRCs (0, 0 and negative altitude) are flagged.
    assert "$$LetFik2,00:00:00,   0.00000,   0.00000,-5952.1,071,17,0*FF91" in implausible
    assert all(",   0.00000,   0.00000," in s for s in implausible)


def test_plausibility_messages_for_the_garbage_sentence():
    frame = parse_ukhas(b"$$LetFik2,00:00:00,   0.00000,   0.00000,-5952.1,071,17,0*FF91")
    assert frame.ok
    problems = check_plausibility(frame.fields)
    assert any("altitude" in p for p in problems)
    assert any("0, 0" in p for p in problems)


# ----------------------------------------------------------------- round trips
_times = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2099, 12, 31), timezones=st.just(UTC)
).map(lambda t: t.replace(microsecond=0))
_callsigns = st.from_regex(r"[A-Za-z0-9/_-]{1,12}", fullmatch=True)


@settings(max_examples=300, deadline=None)
@given(
    callsign=_callsigns,
    sentence_id=st.integers(0, 10**6),
    when=_times,
    lat=st.floats(-90, 90),
    lon=st.floats(-180, 180),
    alt=st.floats(-500, 60000),
    temperature=st.floats(150, 350),
    pressure=st.floats(1, 110000),
    sats=st.integers(0, 40),
    position_format=st.sampled_from(["decimal", "ddmm"]),
    checksum=st.sampled_from(["crc16", "xor"]),
)
def test_round_trip(
    callsign,
    sentence_id,
    when,
    lat,
    lon,
    alt,
    temperature,
    pressure,
    sats,
    position_format,
    checksum,
):
    fields = {
        "callsign": callsign,
        "sentence_id": sentence_id,
        "payload_time": when,
        "latitude": lat,
        "longitude": lon,
        "altitude": alt,
        "temperature": temperature,
        "pressure": pressure,
        "satellites": sats,
    }
    raw = encode_telemetry(
        "ukhas",
        fields,
        field_spec=STRATO_UKHAS_FIELD_SPEC,
        position_format=position_format,
        checksum=checksum,
    )
    assert raw.endswith(b"\n") and raw.startswith(b"$$")
    # Received within a few hours of the payload time, so the date is recovered.
    frame = parse_ukhas(raw, STRATO_UKHAS_FIELD_SPEC, received_at=when + timedelta(hours=3))
    assert frame.ok, (raw, frame.error)
    f = frame.fields
    assert f["callsign"] == callsign and f["sentence_id"] == sentence_id
    assert f["payload_time"] == when
    # 5 decimals of degrees (or of minutes) -> half a unit in the last place.
    assert f["latitude"] == pytest.approx(lat, abs=5.1e-6)
    assert f["longitude"] == pytest.approx(lon, abs=5.1e-6)
    assert f["altitude"] == pytest.approx(alt, abs=0.5)  # whole metres
    assert f["temperature"] == pytest.approx(temperature, abs=0.0051)  # 2 decimals of degC
    assert f["pressure"] == pytest.approx(pressure, abs=0.51)  # 2 decimals of hPa
    assert f["satellites"] == sats


def test_encoder_rejects_bad_input_clearly():
    with pytest.raises(ValueError, match="callsign"):
        encode_ukhas({"payload_time": RECEIVED, "latitude": 0, "longitude": 0, "altitude": 0})
    with pytest.raises(ValueError, match="tz-aware"):
        encode_ukhas(
            {
                "callsign": "A",
                "payload_time": datetime(2020, 1, 1),
                "latitude": 0,
                "longitude": 0,
                "altitude": 0,
            }
        )
    with pytest.raises(ValueError, match="unknown protocol"):
        encode_telemetry("morse", {})
    with pytest.raises(ValueError, match="unexpected keyword"):
        encode_telemetry(
            "ukhas",
            {
                "callsign": "A",
                "payload_time": RECEIVED,
                "latitude": 0,
                "longitude": 0,
                "altitude": 0,
            },
            colour="red",
        )
