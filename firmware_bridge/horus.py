"""Horus Binary packets v1, v2 and v3, raw or as a hex line, decoded by horusdemodlib.

Project Horus's own library (``horusdemodlib``, LGPL-2.1+, a dependency, not copied)
decodes every layout: v1 (22 bytes), v2 (16 and 32 bytes, with the custom-field list
naming the 9-byte custom block; RS41ng's ascent rate, temperature, humidity and pressure
by default) and the ASN.1 v3 format (variable length, CRC first). Payload callsigns come
from the library's payload-ID list. Both lists are read from the copies the wheel ships;
nothing is ever downloaded (a receiving laptop in the field has no internet), so a
payload newer than the installed library shows its numeric ID.

:func:`parse_horus` turns the library's output into our frame contract (canonical names,
SI units) and never raises. :func:`encode_horus` writes the v2 32-byte packet the virtual
payload sends.
"""

from __future__ import annotations

import struct
import warnings
from collections.abc import Mapping
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path
from types import ModuleType
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
    "MAX_PACKET_BYTES",
    "TEST_PAYLOAD_ID",
    "encode_horus",
    "horus_crc_ok",
    "load_horusdemodlib",
    "parse_horus",
    "payload_callsign",
]

PROTOCOL = "horus"
HORUS_V2_LENGTH = 32
HORUS_V1_LENGTH = 22
#: Longest packet accepted [bytes]; v3 frames are at most 128 bytes.
MAX_PACKET_BYTES = 256
#: Payload id used when the callsign is not a number: 4FSKTEST-V2 in payload_id_list.txt.
TEST_PAYLOAD_ID = 256
#: Sensor names the library caches per v3 callsign; cleared past this many callsigns so
#: untrusted packets cannot grow it without bound.
_MAX_V3_NAME_CACHE = 64

_V2 = struct.Struct("<HH3BffHBBbB9sH")
_RS41NG = struct.Struct("<hhBHxx")
_HEX_DIGITS = frozenset(b"0123456789abcdefABCDEF")
_WHITESPACE = b" \t\r\n"

#: horusdemodlib output key -> (canonical field, conversion to SI).
_FIELDS = {
    "sequence_number": ("sentence_id", int),
    "latitude": ("latitude", float),
    "longitude": ("longitude", float),
    "altitude": ("altitude", float),
    "speed": ("ground_speed", lambda kmh: float(kmh) / 3.6),  # km/h -> m/s
    "satellites": ("satellites", int),
    "temperature": ("internal_temperature", lambda c: float(c) + 273.15),  # degC -> K
    "battery_voltage": ("battery_voltage", float),
    "ascent_rate": ("vertical_velocity", float),
    "ext_temperature": ("temperature", lambda c: float(c) + 273.15),
    "ext_humidity": ("relative_humidity", float),
    "ext_pressure": ("pressure", lambda hpa: float(hpa) * 100.0),  # hPa -> Pa
}
#: Library output keys that are bookkeeping, not telemetry.
_NOT_TELEMETRY = {
    "packet_format", "crc_ok", "payload_id", "raw", "modulation", "ukhas_str", "callsign",
    "custom_field_names", "time", "flags_raw",
}  # fmt: skip


@lru_cache(maxsize=1)
def load_horusdemodlib() -> tuple[ModuleType, ModuleType]:
    """Import horusdemodlib (quietly) with its payload lists read from its bundled copies.

    Returns
    -------
    decoder, payloads : module
        ``horusdemodlib.decoder`` and ``horusdemodlib.payloads``, lists loaded offline.
    """
    import horusdemodlib

    with warnings.catch_warnings():
        # asn1tools builds its ASN.1 grammar with pyparsing names pyparsing 3 deprecates
        # ('setName'); harmless, and not ours to fix.
        warnings.filterwarnings("ignore", category=DeprecationWarning, module="asn1tools")
        warnings.filterwarnings("ignore", message=".*deprecated - use", category=DeprecationWarning)
        from horusdemodlib import decoder, payloads

    bundled = Path(horusdemodlib.__file__).resolve().parent.parent
    payloads.update_payload_lists(
        payloads.read_payload_list(str(bundled / "payload_id_list.txt")),
        payloads.read_custom_field_list(str(bundled / "custom_field_list.json")),
    )
    return decoder, payloads


def payload_callsign(payload_id: int) -> str | None:
    """Callsign of a v1/v2 payload ID in horusdemodlib's (bundled) payload-ID list, or None."""
    _, payloads = load_horusdemodlib()
    return payloads.HORUS_PAYLOAD_LIST.get(int(payload_id))


def horus_crc_ok(packet: bytes) -> bool:
    """Whether the little-endian CRC16 in the last two bytes (v1/v2) matches the rest."""
    return len(packet) > 2 and crc16_ccitt_false(packet[:-2]) == int.from_bytes(
        packet[-2:], "little"
    )


def parse_horus(
    raw: bytes,
    *,
    received_at: datetime | None = None,
    source: str = "",
) -> Frame:
    """Decode a Horus Binary v1, v2 or v3 packet given raw or as a hex line.

    Parameters
    ----------
    raw : bytes
        The packet bytes, or its hexadecimal text (optional surrounding white space).
    received_at : datetime, optional
        Receive time (tz-aware UTC; default now); dates the packet's time of day.
    source : str
        Link name copied into the frame.

    Returns
    -------
    Frame
        callsign (from the payload-ID list; the numeric ID when unlisted; v3 sends its
        callsign), sentence_id, payload_time, latitude, longitude, altitude [m],
        ground_speed [m s-1], satellites, internal_temperature [K], battery_voltage [V],
        vertical_velocity [m s-1], temperature [K], relative_humidity [%], pressure [Pa]
        where the packet has them; other custom fields as ``extra_<name>``.
    """
    received_at = receive_time(received_at)
    try:
        return _parse(raw, received_at, source)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise on input
        return malformed(raw, received_at, source, PROTOCOL, f"cannot decode: {exc}")


def _packet_bytes(raw: bytes) -> bytes | str:
    """Return the packet as bytes, or a sentence saying why it is not one."""
    text = raw.strip(_WHITESPACE)
    if text and _HEX_DIGITS.issuperset(text):
        if len(text) % 2:
            return f"{len(text)} hex digits: an odd count is no packet"
        packet = bytes.fromhex(text.decode("ascii"))
    else:
        packet = raw
    if not 16 <= len(packet) <= MAX_PACKET_BYTES:
        return (
            f"{len(packet)} bytes: a Horus packet has 16 to {MAX_PACKET_BYTES} bytes "
            "(v1 22, v2 16 or 32, v3 up to 128), raw or as hex digits"
        )
    return packet


def _parse(raw: bytes, received_at: datetime, source: str) -> Frame:
    packet = _packet_bytes(raw)
    if isinstance(packet, str):
        return malformed(raw, received_at, source, PROTOCOL, packet)
    decoder, _ = load_horusdemodlib()
    try:
        decoded = decoder.decode_packet(packet)
    except ValueError as exc:
        if "Unknown Packet Length" in str(exc):  # not 16/22/32 bytes: v3 or nothing
            sent, computed = int.from_bytes(packet[:2], "little"), crc16_ccitt_false(packet[2:])
            return bad_checksum(
                raw, received_at, source, PROTOCOL,
                f"{len(packet)} bytes: not a v1/v2 length, and the v3 CRC16 at the start "
                f"does not match (sent {sent:04X}, computed {computed:04X})",
            )  # fmt: skip
        if "CRC" not in str(exc):
            raise
        sent = int.from_bytes(packet[-2:], "little")
        computed = crc16_ccitt_false(packet[:-2])
        return bad_checksum(
            raw, received_at, source, PROTOCOL,
            f"CRC16 mismatch: sent {sent:04X}, computed {computed:04X} "
            f"({len(packet)} bytes; no v3 CRC at the start either)",
        )  # fmt: skip
    finally:
        if len(decoder.HORUS_V3_NAME_CACHE) > _MAX_V3_NAME_CACHE:
            decoder.HORUS_V3_NAME_CACHE.clear()
    return ok_frame(raw, received_at, source, PROTOCOL, _frame_fields(packet, decoded, received_at))


def _frame_fields(packet: bytes, decoded: dict[str, Any], received_at: datetime) -> dict:
    v3 = decoded.get("modulation") == "Horus Binary v3"
    callsign = str(decoded.get("callsign", ""))
    if not v3:
        number = int.from_bytes(packet[:2], "little") if len(packet) == 32 else packet[0]
        if callsign in ("", "UNKNOWN_PAYLOAD_ID"):
            callsign = str(number)
        fields: dict[str, Any] = {"callsign": callsign, "extra_payload_id": number}
    else:
        fields = {"callsign": callsign}
    hh, mm, ss = (int(part) for part in str(decoded["time"]).split(":"))
    fields["payload_time"] = date_time_of_day(hh, mm, ss, 0, received_at)
    for key, value in decoded.items():
        if key in _FIELDS:
            name, convert = _FIELDS[key]
            fields[name] = convert(value)
        elif key not in _NOT_TELEMETRY and isinstance(value, int | float | str | bool):
            fields[f"extra_{key}"] = value
    if not (-90.0 <= fields["latitude"] <= 90.0 and -180.0 <= fields["longitude"] <= 180.0):
        raise ValueError(f"position {fields['latitude']}, {fields['longitude']} out of range")
    return fields


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
