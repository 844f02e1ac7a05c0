"""NMEA 0183 sentences from a GPS receiver on the serial line (GGA and RMC decoded).

Checksum: 8-bit XOR of every byte strictly between ``$`` and ``*``, two hex digits. GGA
gives time of day, position, fix quality, satellites and altitude above mean sea level;
RMC gives date and time, validity, position, speed over ground and course. Other sentence
types with a valid checksum are returned ``ok`` with only ``extra_nmea_type`` set, so a
log of a GPS keeps every line. Parsing never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from firmware_bridge.crc import xor8
from firmware_bridge.frame import Frame
from firmware_bridge.protocol_common import (
    bad_checksum,
    date_time_of_day,
    malformed,
    ok_frame,
    printable_ascii,
    receive_time,
)

__all__ = ["KNOT", "encode_nmea", "parse_nmea"]

PROTOCOL = "nmea"
#: One knot [m s-1] (1852 m per hour).
KNOT = 1852.0 / 3600.0


def _time_of_day(text: str) -> tuple[int, int, int, int]:
    """``hhmmss[.ss]`` -> (h, m, s, microseconds); raises ValueError."""
    if len(text) < 6 or not text[:6].isdigit():
        raise ValueError(f"time {text!r} is not hhmmss.ss")
    h, m, s = int(text[0:2]), int(text[2:4]), int(text[4:6])
    micro = 0
    if len(text) > 6:
        if text[6] != "." or not text[7:].isdigit():
            raise ValueError(f"time {text!r} is not hhmmss.ss")
        micro = int(round(float("0" + text[6:]) * 1e6))
        micro = min(micro, 999_999)
    if h > 23 or m > 59 or s > 60:
        raise ValueError(f"time {text!r} out of range")
    return h, m, min(s, 59), micro


def _coordinate(value: str, hemisphere: str, positive: str, negative: str, limit: float):
    """``dddmm.mmmm`` + hemisphere letter -> signed degrees; None when empty."""
    if value == "" and hemisphere == "":
        return None
    if hemisphere not in (positive, negative):
        raise ValueError(f"hemisphere {hemisphere!r} is not {positive} or {negative}")
    number = float(value)
    if not number >= 0:
        raise ValueError(f"coordinate {value!r} is negative or not a number")
    degrees = int(number // 100)
    minutes = number - 100 * degrees
    if minutes >= 60:
        raise ValueError(f"coordinate {value!r} has {minutes:.4f} minutes (must be < 60)")
    result = degrees + minutes / 60.0
    if result > limit:
        raise ValueError(f"coordinate {value!r} is beyond {limit:g} degrees")
    return -result if hemisphere == negative else result


def parse_nmea(raw: bytes, *, received_at: datetime | None = None, source: str = "") -> Frame:
    r"""Decode one NMEA 0183 sentence.

    Parameters
    ----------
    raw : bytes
        ``$TTSSS,...*hh`` with optional ``\r\n``.
    received_at : datetime, optional
        Receive time (tz-aware UTC; default now); dates GGA's time of day.
    source : str
        Link name copied into the frame.

    Returns
    -------
    Frame
        For GGA: payload_time, latitude, longitude, altitude [m above MSL], satellites,
        gps_fix (0 without a fix, 3 with one: GGA carries an altitude), ``extra_hdop``,
        ``extra_geoid_separation`` [m]. For RMC: payload_time (with RMC's date), latitude,
        longitude, ground_speed [m s-1], heading [degree], gps_fix 0 when the status is V.
        Every ok frame has ``extra_nmea_type`` (e.g. ``"GPGGA"``).
    """
    received_at = receive_time(received_at)
    try:
        return _parse(raw, received_at, source)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise on input
        return malformed(raw, received_at, source, PROTOCOL, f"cannot decode: {exc}")


def _parse(raw: bytes, received_at: datetime, source: str) -> Frame:
    line = raw.lstrip(b" \t\r\n")
    end = len(line)
    while end and line[end - 1] in b"\r\n":
        end -= 1
    if not line.startswith(b"$"):
        return malformed(raw, received_at, source, PROTOCOL, "does not start with '$'")
    star = line.rfind(b"*", 1, end)
    if star < 0 or end - star != 3:
        return malformed(raw, received_at, source, PROTOCOL, "no '*hh' checksum at the end")
    body = line[1:star]
    try:
        expected = int(line[star + 1 : end], 16)
    except ValueError:
        return malformed(raw, received_at, source, PROTOCOL, "checksum is not two hex digits")
    actual = xor8(body)
    if expected != actual:
        return bad_checksum(
            raw,
            received_at,
            source,
            PROTOCOL,
            f"XOR mismatch: sent {expected:02X}, computed {actual:02X}",
        )
    text, problem = printable_ascii(body)
    if problem:
        return malformed(raw, received_at, source, PROTOCOL, problem)
    parts = text.split(",")
    kind = parts[0]
    if not (kind.isalnum() and kind.isupper() and len(kind) >= 3):
        return malformed(raw, received_at, source, PROTOCOL, f"bad sentence type {kind!r}")
    fields: dict[str, Any] = {"extra_nmea_type": kind}
    try:
        if kind.endswith("GGA") and not kind.startswith("P"):
            _gga(parts, fields, received_at)
        elif kind.endswith("RMC") and not kind.startswith("P"):
            _rmc(parts, fields)
    except (ValueError, IndexError) as exc:
        return malformed(raw, received_at, source, PROTOCOL, f"{kind}: {exc}")
    return ok_frame(raw, received_at, source, PROTOCOL, fields)


def _gga(parts: list[str], fields: dict[str, Any], received_at: datetime) -> None:
    if len(parts) < 15:
        raise ValueError(f"has {len(parts) - 1} fields, GGA needs 14")
    if parts[1]:
        h, m, s, micro = _time_of_day(parts[1])
        fields["payload_time"] = date_time_of_day(h, m, s, micro, received_at)
    quality = int(parts[6]) if parts[6] else 0
    fields["gps_fix"] = 3 if quality > 0 and parts[9] else 0
    fields["extra_fix_quality"] = quality
    if parts[7]:
        fields["satellites"] = int(parts[7])
    if parts[8]:
        fields["extra_hdop"] = float(parts[8])
    lat = _coordinate(parts[2], parts[3], "N", "S", 90.0)
    lon = _coordinate(parts[4], parts[5], "E", "W", 180.0)
    if lat is not None and lon is not None:
        fields["latitude"] = lat
        fields["longitude"] = lon
    if parts[9]:
        if parts[10] not in ("M", ""):
            raise ValueError(f"altitude unit {parts[10]!r} is not M")
        fields["altitude"] = float(parts[9])
    if parts[11]:
        fields["extra_geoid_separation"] = float(parts[11])


def _rmc(parts: list[str], fields: dict[str, Any]) -> None:
    if len(parts) < 12:
        raise ValueError(f"has {len(parts) - 1} fields, RMC needs at least 11")
    if parts[1] and parts[9]:
        h, m, s, micro = _time_of_day(parts[1])
        date = parts[9]
        if len(date) != 6 or not date.isdigit():
            raise ValueError(f"date {date!r} is not ddmmyy")
        yy = int(date[4:6])
        fields["payload_time"] = datetime(
            2000 + yy if yy < 80 else 1900 + yy,
            int(date[2:4]),
            int(date[0:2]),
            h,
            m,
            s,
            micro,
            tzinfo=UTC,
        )
    if parts[2] == "V":
        fields["gps_fix"] = 0
    elif parts[2] != "A":
        raise ValueError(f"status {parts[2]!r} is not A or V")
    lat = _coordinate(parts[3], parts[4], "N", "S", 90.0)
    lon = _coordinate(parts[5], parts[6], "E", "W", 180.0)
    if lat is not None and lon is not None:
        fields["latitude"] = lat
        fields["longitude"] = lon
    if parts[7]:
        fields["ground_speed"] = float(parts[7]) * KNOT
    if parts[8]:
        fields["heading"] = float(parts[8])


def _ddmm(value: float, width: int) -> str:
    magnitude = abs(value)
    degrees = int(magnitude)
    minutes = round((magnitude - degrees) * 60.0, 5)
    if minutes >= 60.0:
        degrees, minutes = degrees + 1, 0.0
    return f"{degrees:0{width}d}{minutes:08.5f}"


def _sentence(body: str) -> bytes:
    data = body.encode("ascii")
    return b"$" + data + f"*{xor8(data):02X}\r\n".encode("ascii")


def encode_nmea(
    fields: Mapping[str, Any],
    *,
    talker: str = "GP",
    hdop: float = 1.0,
    geoid_separation: float | None = None,
) -> bytes:
    r"""Encode a GGA and an RMC sentence, each ending in ``\r\n``.

    Parameters
    ----------
    fields : mapping
        ``payload_time`` (tz-aware datetime, required), ``latitude`` [degree_north],
        ``longitude`` [degree_east], ``altitude`` [m above MSL], ``satellites``,
        ``ground_speed`` [m s-1], ``heading`` [degree], ``gps_fix`` (0 = no fix). Missing
        position fields are sent empty with fix quality 0 and RMC status V.
    talker : str
        Two-letter talker id (``GP`` GPS, ``GN`` multi-GNSS).
    hdop : float
        Horizontal dilution of precision written into GGA.
    geoid_separation : float, optional
        Geoid height above the ellipsoid [m]; empty when None.

    Returns
    -------
    bytes
        ``$..GGA,...*hh\r\n$..RMC,...*hh\r\n``.
    """
    when = fields.get("payload_time")
    if not isinstance(when, datetime) or when.tzinfo is None:
        raise ValueError("NMEA encoding needs payload_time as a tz-aware datetime")
    if len(talker) != 2 or not talker.isalpha():
        raise ValueError(f"talker must be two letters, not {talker!r}")
    when = when.astimezone(UTC)
    hhmmss = when.strftime("%H%M%S") + f".{when.microsecond // 10000:02d}"
    lat, lon = fields.get("latitude"), fields.get("longitude")
    has_fix = lat is not None and lon is not None and fields.get("gps_fix", 3) != 0
    if lat is not None and lon is not None:
        lat_s = f"{_ddmm(lat, 2)},{'N' if lat >= 0 else 'S'}"
        lon_s = f"{_ddmm(lon, 3)},{'E' if lon >= 0 else 'W'}"
    else:
        lat_s = lon_s = ","
    alt = fields.get("altitude")
    alt_s = f"{alt:.1f},M" if alt is not None and has_fix else ","
    geoid_s = f"{geoid_separation:.1f},M" if geoid_separation is not None else ","
    sats = fields.get("satellites")
    sats_s = f"{int(sats):02d}" if sats is not None else ""
    gga = (
        f"{talker}GGA,{hhmmss},{lat_s},{lon_s},{1 if has_fix else 0},{sats_s},"
        f"{hdop:.2f},{alt_s},{geoid_s},,"
    )
    speed = fields.get("ground_speed")
    course = fields.get("heading")
    speed_s = f"{speed / KNOT:.3f}" if speed is not None else ""
    course_s = f"{course:.2f}" if course is not None else ""
    rmc = (
        f"{talker}RMC,{hhmmss},{'A' if has_fix else 'V'},{lat_s},{lon_s},{speed_s},"
        f"{course_s},{when.strftime('%d%m%y')},,,{'A' if has_fix else 'N'}"
    )
    return _sentence(gga) + _sentence(rmc)
