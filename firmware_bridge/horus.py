"""Horus Binary packets (horusdemodlib layouts), raw or as a hex line.

Supported: v2 32-byte packets (struct ``<HH3sffHBBbB9sH``) with the default RS41ng custom
block (``<hhBHxx``: ascent rate 0.01 m s-1, external temperature 0.1 degC, humidity %,
pressure 0.1 hPa) and v1 22-byte packets (``<BH3sffHBBbBH``). The CRC16-CCITT-FALSE over
all other bytes sits little-endian in the last two bytes. Parsing never raises.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from firmware_bridge.crc import crc16_ccitt_false
from firmware_bridge.frame import Frame
from firmware_bridge.protocol_common import (
    bad_checksum,
    date_time_of_day,
    malformed,
    ok_frame,
    receive_time,
)

__all__ = [
    "HORUS_V1_LENGTH",
    "HORUS_V2_LENGTH",
    "TEST_PAYLOAD_ID",
    "encode_horus",
    "horus_crc_ok",
    "parse_horus",
]

PROTOCOL = "horus"
HORUS_V2_LENGTH = 32
HORUS_V1_LENGTH = 22
#: Payload id used when the callsign is not a number: 4FSKTEST-V2 in payload_id_list.txt.
TEST_PAYLOAD_ID = 256

_V2 = struct.Struct("<HH3BffHBBbB9sH")
_V1 = struct.Struct("<BH3BffHBBbBH")
_RS41NG = struct.Struct("<hhBHxx")
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")


def horus_crc_ok(packet: bytes) -> bool:
    """Whether the little-endian CRC16 in the last two bytes matches the rest."""
    return len(packet) > 2 and crc16_ccitt_false(packet[:-2]) == int.from_bytes(
        packet[-2:], "little"
    )


def parse_horus(
    raw: bytes,
    *,
    received_at: datetime | None = None,
    source: str = "",
    custom_format: str | None = "rs41ng",
) -> Frame:
    """Decode a Horus Binary packet given raw (22/32 bytes) or as a hex line.

    Parameters
    ----------
    raw : bytes
        The packet bytes, or its hexadecimal text (44/64 digits, optional newline).
    received_at : datetime, optional
        Receive time (tz-aware UTC; default now); dates the packet's time of day.
    source : str
        Link name copied into the frame.
    custom_format : {"rs41ng", None}
        How to read the v2 9-byte custom block; None keeps it as ``extra_custom`` (hex).

    Returns
    -------
    Frame
        callsign (payload id as text), sentence_id, payload_time, latitude, longitude,
        altitude [m], ground_speed [m s-1], satellites, internal_temperature [K],
        battery_voltage [V], and from the RS41ng block vertical_velocity [m s-1],
        temperature [K], relative_humidity [%], pressure [Pa].
    """
    received_at = receive_time(received_at)
    try:
        return _parse(raw, received_at, source, custom_format)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise on input
        return malformed(raw, received_at, source, PROTOCOL, f"cannot decode: {exc}")


def _parse(raw: bytes, received_at: datetime, source: str, custom_format) -> Frame:
    packet = raw
    if len(raw) not in (HORUS_V1_LENGTH, HORUS_V2_LENGTH):
        text = raw.strip()
        if not text or not _HEX_DIGITS.issuperset(text) or len(text) % 2:
            return malformed(
                raw,
                received_at,
                source,
                PROTOCOL,
                f"{len(raw)} bytes: neither a 22/32-byte packet nor a hex line",
            )
        packet = bytes.fromhex(text.decode("ascii"))
    if len(packet) not in (HORUS_V1_LENGTH, HORUS_V2_LENGTH):
        return malformed(
            raw,
            received_at,
            source,
            PROTOCOL,
            f"packet of {len(packet)} bytes; only Horus v1 (22) and v2 (32) are supported",
        )
    sent = int.from_bytes(packet[-2:], "little")
    computed = crc16_ccitt_false(packet[:-2])
    if sent != computed:
        return bad_checksum(
            raw,
            received_at,
            source,
            PROTOCOL,
            f"CRC16 mismatch: sent {sent:04X}, computed {computed:04X}",
        )
    if len(packet) == HORUS_V2_LENGTH:
        (pid, seq, hh, mm, ss, lat, lon, alt, speed, sats, temp, batt, custom, _) = _V2.unpack(
            packet
        )
    else:
        (pid, seq, hh, mm, ss, lat, lon, alt, speed, sats, temp, batt, _) = _V1.unpack(packet)
        custom = None
    if hh > 23 or mm > 59 or ss > 59:
        return malformed(raw, received_at, source, PROTOCOL, f"time {hh}:{mm}:{ss} invalid")
    if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
        return malformed(raw, received_at, source, PROTOCOL, f"position {lat}, {lon} invalid")
    fields: dict[str, Any] = {
        "callsign": str(pid),
        "sentence_id": seq,
        "payload_time": date_time_of_day(hh, mm, ss, 0, received_at),
        "latitude": float(lat),
        "longitude": float(lon),
        "altitude": float(alt),
        "ground_speed": speed / 3.6,
        "satellites": sats,
        "internal_temperature": temp + 273.15,
        "battery_voltage": 5.0 * batt / 255.0,
    }
    if custom is not None:
        if custom_format == "rs41ng":
            ascent, ext_temp, humidity, pressure = _RS41NG.unpack(custom)
            fields["vertical_velocity"] = ascent / 100.0
            fields["temperature"] = ext_temp / 10.0 + 273.15
            fields["relative_humidity"] = float(humidity)
            fields["pressure"] = pressure * 10.0  # 0.1 hPa = 10 Pa
        else:
            fields["extra_custom"] = custom.hex().upper()
    return ok_frame(raw, received_at, source, PROTOCOL, fields)


def _clip(value: float, low: int, high: int) -> int:
    return int(min(max(round(value), low), high))


def encode_horus(
    fields: Mapping[str, Any], *, hex_line: bool = False, payload_id: int | None = None
) -> bytes:
    r"""Encode a Horus Binary v2 32-byte packet with the RS41ng custom block.

    Parameters
    ----------
    fields : mapping
        ``payload_time`` (tz-aware datetime, required), ``sentence_id``, ``latitude``,
        ``longitude``, ``altitude`` [m, clipped to 0..65535], ``ground_speed`` [m s-1],
        ``satellites``, ``internal_temperature`` [K], ``battery_voltage`` [V, 0..5],
        ``vertical_velocity`` [m s-1], ``temperature`` [K], ``relative_humidity`` [%],
        ``pressure`` [Pa]. Missing values are sent as 0.
    hex_line : bool
        Return the packet as upper-case hex text with ``\n`` (as horusdemodlib prints
        it) instead of the 32 raw bytes.
    payload_id : int, optional
        Horus payload id; default the callsign when it is a number, else 256
        (4FSKTEST-V2).

    Returns
    -------
    bytes
        32 bytes, or 65 bytes of hex line.
    """
    when = fields.get("payload_time")
    if not isinstance(when, datetime) or when.tzinfo is None:
        raise ValueError("Horus encoding needs payload_time as a tz-aware datetime")
    when = when.astimezone(UTC)
    if payload_id is None:
        callsign = str(fields.get("callsign", ""))
        payload_id = int(callsign) if callsign.isdigit() else TEST_PAYLOAD_ID
    if not 0 <= payload_id <= 0xFFFF:
        raise ValueError(f"payload_id {payload_id} must be in 0..65535")

    def get(name: str) -> float:
        value = fields.get(name)
        return 0.0 if value is None else float(value)

    temperature = fields.get("temperature")
    custom = _RS41NG.pack(
        _clip(get("vertical_velocity") * 100.0, -32768, 32767),
        _clip((temperature - 273.15) * 10.0, -32768, 32767) if temperature is not None else 0,
        _clip(get("relative_humidity"), 0, 255),
        _clip(get("pressure") / 10.0, 0, 65535),
    )
    internal = fields.get("internal_temperature")
    body = _V2.pack(
        payload_id,
        int(fields.get("sentence_id") or 0) & 0xFFFF,
        when.hour,
        when.minute,
        when.second,
        get("latitude"),
        get("longitude"),
        _clip(get("altitude"), 0, 65535),
        _clip(get("ground_speed") * 3.6, 0, 255),
        _clip(get("satellites"), 0, 255),
        _clip(internal - 273.15, -128, 127) if internal is not None else 0,
        _clip(get("battery_voltage") * 255.0 / 5.0, 0, 255),
        custom,
        0,
    )[:-2]
    packet = body + crc16_ccitt_false(body).to_bytes(2, "little")
    if hex_line:
        return packet.hex().upper().encode("ascii") + b"\n"
    return packet
