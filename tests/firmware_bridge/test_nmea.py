"""NMEA 0183: verified example sentences, the real u-blox log, round trips."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from firmware_bridge.encode import encode_telemetry
from firmware_bridge.nmea import KNOT, parse_nmea

RECEIVED = datetime(1994, 3, 23, 12, 0, 0, tzinfo=UTC)


def test_gga_example():
    # telemetry-formats.md section 2, verified example.
    frame = parse_nmea(
        b"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*47\r\n",
        received_at=RECEIVED,
    )
    assert frame.ok, frame.error
    f = frame.fields
    assert f["payload_time"] == datetime(1994, 3, 23, 12, 35, 19, tzinfo=UTC)
    assert f["latitude"] == pytest.approx(48 + 7.038 / 60)  # ddmm.mmm -> degrees
    assert f["longitude"] == pytest.approx(11 + 31.0 / 60)
    assert f["altitude"] == 545.4
    assert f["satellites"] == 8
    assert f["gps_fix"] == 3
    assert f["extra_geoid_separation"] == 46.9


def test_gga_southern_hemisphere():
    frame = parse_nmea(b"$GPGGA,015808.00,2726.53758,S,15126.05255,E,1,08,1.0,365.1,M,39.5,M,,*79")
    assert frame.ok
    assert frame.fields["latitude"] == pytest.approx(-(27 + 26.53758 / 60))
    assert frame.fields["longitude"] == pytest.approx(151 + 26.05255 / 60)


def test_rmc_example():
    frame = parse_nmea(b"$GPRMC,123519,A,4807.038,N,01131.000,E,022.4,084.4,230394,003.1,W*6A\r\n")
    assert frame.ok, frame.error
    f = frame.fields
    assert f["payload_time"] == datetime(1994, 3, 23, 12, 35, 19, tzinfo=UTC)  # date 230394
    assert f["ground_speed"] == pytest.approx(22.4 * 1852 / 3600)  # knots -> m/s
    assert f["heading"] == 84.4
    assert "gps_fix" not in f  # status A says valid, not 2D/3D


def test_no_fix_sentences_decode_without_position():
    gga = parse_nmea(b"$GPGGA,080021.46,,,,,0,00,99.99,,,,,,*6F\r\n", received_at=RECEIVED)
    assert gga.ok and gga.fields["gps_fix"] == 0 and "latitude" not in gga.fields
    rmc = parse_nmea(b"$GPRMC,080021.46,V,,,,,,,180317,,,N*78\r\n")
    assert rmc.ok and rmc.fields["gps_fix"] == 0
    assert rmc.fields["payload_time"] == datetime(2017, 3, 18, 8, 0, 21, 460000, tzinfo=UTC)


def test_other_sentence_types_kept_with_type_only():
    frame = parse_nmea(b"$GPGSV,3,3,10,29,03,327,,30,42,200,*71\r\n")
    assert frame.ok
    assert frame.fields == {"extra_nmea_type": "GPGSV"}


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        (b"$GPGGA,123519,4807.038,N,01131.000,E,1,08,0.9,545.4,M,46.9,M,,*48", "bad_checksum"),
        (b"GPGGA,123519*47", "malformed"),
        (b"$GPGGA,123519", "malformed"),
        (b"$GPGGA,123519*4", "malformed"),
        (b"", "malformed"),
    ],
)
def test_bad_inputs(raw, status):
    assert parse_nmea(raw).status == status


def _nmea(body: str) -> bytes:
    checksum = 0
    for byte in body.encode():
        checksum ^= byte
    return f"${body}*{checksum:02X}\r\n".encode()


def test_valid_checksum_bad_content_is_malformed():
    frame = parse_nmea(_nmea("GPGGA,123519,4807.038,X,01131.000,E,1,08,0.9,545.4,M,46.9,M,,"))
    assert frame.status == "malformed" and "hemisphere" in frame.error
    frame = parse_nmea(_nmea("GPGGA,123519,4807.038,N"))
    assert frame.status == "malformed" and "fields" in frame.error


@pytest.mark.realdata
def test_ublox_log_all_checksums_valid_and_position_at_launch_site(realdata):
    path = realdata / "telemetry" / "LetFik2_gps_LOG00236.TXT"
    lines = path.read_bytes().splitlines(keepends=True)
    received = datetime(2017, 3, 18, 8, 15, tzinfo=UTC)
    fixes = []
    for line in lines:
        frame = parse_nmea(line, received_at=received)
        assert frame.ok, (line, frame.error)
        if frame.fields["extra_nmea_type"] == "GPGGA" and frame.fields["gps_fix"]:
            fixes.append(frame.fields)
    assert len(lines) > 14000
    assert len(fixes) > 1000
    # SOURCES.md: on the ground at about 49.7175 N, 14.0978 E, ~453 m MSL, geoid 44.6 m.
    last = fixes[-1]
    assert last["latitude"] == pytest.approx(49.7175, abs=0.001)  # ~100 m GPS scatter
    assert last["longitude"] == pytest.approx(14.0978, abs=0.001)
    assert 400 < last["altitude"] < 500  # early fixes wander tens of metres
    assert last["extra_geoid_separation"] == 44.6
    assert last["payload_time"].date().isoformat() == "2017-03-18"


@settings(max_examples=200, deadline=None)
@given(
    when=st.datetimes(
        min_value=datetime(2000, 1, 1), max_value=datetime(2079, 12, 31), timezones=st.just(UTC)
    ).map(lambda t: t.replace(microsecond=t.microsecond // 10000 * 10000)),
    lat=st.floats(-89.9, 89.9),
    lon=st.floats(-179.9, 179.9),
    alt=st.floats(-400, 50000),
    speed=st.floats(0, 300),
    heading=st.floats(0, 359.99),
    sats=st.integers(0, 30),
)
def test_round_trip(when, lat, lon, alt, speed, heading, sats):
    fields = {
        "payload_time": when,
        "latitude": lat,
        "longitude": lon,
        "altitude": alt,
        "ground_speed": speed,
        "heading": heading,
        "satellites": sats,
    }
    raw = encode_telemetry("nmea", fields)
    gga_line, rmc_line = raw.splitlines(keepends=True)
    assert gga_line.endswith(b"\r\n") and rmc_line.endswith(b"\r\n")
    gga = parse_nmea(gga_line, received_at=when + timedelta(hours=1))
    rmc = parse_nmea(rmc_line)
    assert gga.ok and rmc.ok
    # 5 decimals of minutes: half a unit = 5e-6 / 60 degree.
    for decoded in (gga.fields, rmc.fields):
        assert decoded["latitude"] == pytest.approx(lat, abs=1e-7)
        assert decoded["longitude"] == pytest.approx(lon, abs=1e-7)
        assert decoded["payload_time"] == when
    assert gga.fields["altitude"] == pytest.approx(alt, abs=0.051)  # 1 decimal
    assert gga.fields["satellites"] == sats
    assert rmc.fields["ground_speed"] == pytest.approx(speed, abs=0.0006 * KNOT)  # 3 decimals kn
    assert rmc.fields["heading"] == pytest.approx(heading, abs=0.0051)
