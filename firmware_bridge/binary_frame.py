"""The Stratoflight binary frame: COBS-framed, versioned, typed TLV fields, CRC32.

Layout before COBS (all integers little-endian; full specification in docs/protocol.md)::

    offset  size  content
    0       1     version (= 1)
    1       4     sequence number, uint32
    5       ...   fields: field id (uint8) | type code (uint8) | value
    n-4     4     CRC-32/IEEE 802.3 (zlib.crc32) of bytes 0 .. n-5

On the wire: ``COBS(frame) + 0x00``. Integer values of a field are scaled by the field's
scale (e.g. latitude int32 x 1e-7 degree); floating values are in the field's SI unit.
Parsing never raises.
"""

from __future__ import annotations

import struct
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from firmware_bridge.cobs import CobsError, cobs_decode, cobs_encode
from firmware_bridge.crc import crc32_ieee
from firmware_bridge.frame import Frame
from firmware_bridge.protocol_common import bad_checksum, malformed, ok_frame, receive_time

__all__ = [
    "FIELD_IDS",
    "FRAME_VERSION",
    "MAX_FRAME_BYTES",
    "TYPE_CODES",
    "encode_binary_frame",
    "parse_frame",
]

PROTOCOL = "frame"
FRAME_VERSION = 1
#: Largest decoded frame (header + fields + CRC) a decoder accepts [bytes].
MAX_FRAME_BYTES = 1024
_HEADER = struct.Struct("<BI")

#: Type code -> (name, struct format or None for the length-prefixed UTF-8 string).
TYPE_CODES: dict[int, tuple[str, str | None]] = {
    0x01: ("u8", "<B"),
    0x02: ("u16", "<H"),
    0x03: ("u32", "<I"),
    0x04: ("i16", "<h"),
    0x05: ("i32", "<i"),
    0x06: ("i64", "<q"),
    0x07: ("f32", "<f"),
    0x08: ("f64", "<d"),
    0x09: ("str", None),
}
_TYPE_BY_NAME = {name: code for code, (name, _) in TYPE_CODES.items()}
_STRUCTS = {code: struct.Struct(fmt) for code, (_, fmt) in TYPE_CODES.items() if fmt}
_FLOAT_TYPES = {0x07, 0x08}

#: Field id -> (canonical name, scale of integer values, default type name).
FIELD_IDS: dict[int, tuple[str, float, str]] = {
    0x01: ("callsign", 1.0, "str"),
    0x02: ("payload_time", 1.0, "u32"),  # seconds since 1970-01-01T00:00:00Z
    0x03: ("latitude", 1e-7, "i32"),  # degree_north
    0x04: ("longitude", 1e-7, "i32"),  # degree_east
    0x05: ("altitude", 1e-3, "i32"),  # m above MSL
    0x06: ("satellites", 1.0, "u8"),
    0x07: ("ground_speed", 1e-2, "i32"),  # m s-1
    0x08: ("heading", 1e-2, "i32"),  # degree
    0x09: ("vertical_velocity", 1e-2, "i32"),  # m s-1
    0x0A: ("pressure", 1e-2, "i32"),  # Pa
    0x0B: ("temperature", 1e-2, "i32"),  # K
    0x0C: ("relative_humidity", 1e-2, "i32"),  # %
    0x0D: ("internal_temperature", 1e-2, "i32"),  # K
    0x0E: ("battery_voltage", 1e-3, "i32"),  # V
    0x0F: ("radiation_counts", 1.0, "u32"),  # count
    0x10: ("gps_fix", 1.0, "u8"),
}
_ID_BY_NAME = {name: fid for fid, (name, _, _) in FIELD_IDS.items()}
_INT_FIELDS = {"satellites", "radiation_counts", "gps_fix"}


def parse_frame(raw: bytes, *, received_at: datetime | None = None, source: str = "") -> Frame:
    """Decode one binary frame (COBS-encoded, with or without its 0x00 delimiter).

    Parameters
    ----------
    raw : bytes
        ``COBS(frame)`` optionally followed by 0x00 (leading 0x00 bytes are ignored).
    received_at : datetime, optional
        Receive time (tz-aware UTC; default now).
    source : str
        Link name copied into the frame.

    Returns
    -------
    Frame
        ``sentence_id`` from the header and every field under its canonical name in SI
        units (payload_time as a UTC datetime); unknown field ids as ``extra_<id>``.
    """
    received_at = receive_time(received_at)
    try:
        return _parse(raw, received_at, source)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise on input
        return malformed(raw, received_at, source, PROTOCOL, f"cannot decode: {exc}")


def decode_body(data: bytes) -> tuple[str, str | None, dict[str, Any]]:
    """Check and decode a frame after COBS decoding: (status, error, fields)."""
    if len(data) < _HEADER.size + 4:
        return "malformed", f"{len(data)} bytes is shorter than header + CRC (9)", {}
    if len(data) > MAX_FRAME_BYTES:
        return "malformed", f"{len(data)} bytes exceeds the {MAX_FRAME_BYTES}-byte limit", {}
    sent = int.from_bytes(data[-4:], "little")
    computed = crc32_ieee(data[:-4])
    if sent != computed:
        return "bad_checksum", f"CRC32 mismatch: sent {sent:08X}, computed {computed:08X}", {}
    version, seq = _HEADER.unpack_from(data)
    if version != FRAME_VERSION:
        return "malformed", f"version {version} is not supported (this decoder reads 1)", {}
    fields: dict[str, Any] = {"sentence_id": seq}
    pos = _HEADER.size
    end = len(data) - 4
    while pos < end:
        if pos + 2 > end:
            return "malformed", f"truncated field header at offset {pos}", {}
        fid, code = data[pos], data[pos + 1]
        pos += 2
        if code == 0x09:
            if pos >= end:
                return "malformed", f"truncated string length at offset {pos}", {}
            length = data[pos]
            if pos + 1 + length > end:
                return "malformed", f"string of {length} bytes overruns the frame", {}
            try:
                value: Any = data[pos + 1 : pos + 1 + length].decode("utf-8")
            except UnicodeDecodeError:
                return "malformed", f"field {fid} is not valid UTF-8", {}
            pos += 1 + length
        elif code in _STRUCTS:
            unpacker = _STRUCTS[code]
            if pos + unpacker.size > end:
                return "malformed", f"field {fid} overruns the frame", {}
            (value,) = unpacker.unpack_from(data, pos)
            pos += unpacker.size
        else:
            return "malformed", f"unknown type code 0x{code:02X} for field id {fid}", {}
        known = FIELD_IDS.get(fid)
        if known is None:
            name, scale = f"extra_{fid}", 1.0
        else:
            name, scale = known[0], known[1]
        if name in fields:
            return "malformed", f"field {name!r} (id {fid}) appears twice", {}
        if name == "callsign" or name == "payload_time":
            if (name == "callsign") != isinstance(value, str):
                return "malformed", f"field {name!r} has the wrong type code 0x{code:02X}", {}
        if name == "payload_time":
            if value != value or not -1e11 < value < 1e11:
                return "malformed", f"payload_time {value!r} is out of range", {}
            value = datetime.fromtimestamp(value, UTC)
        elif isinstance(value, int) and scale != 1.0:
            value = value * scale
        elif code in _FLOAT_TYPES:
            value = float(value)
        fields[name] = value
    return "ok", None, fields


def _parse(raw: bytes, received_at: datetime, source: str) -> Frame:
    start = 0
    while start < len(raw) and raw[start] == 0:
        start += 1
    end = len(raw)
    if end > start and raw[end - 1] == 0:
        end -= 1
    if end - start > MAX_FRAME_BYTES + MAX_FRAME_BYTES // 254 + 2:
        return malformed(raw, received_at, source, PROTOCOL, "longer than the frame limit")
    try:
        data = cobs_decode(raw[start:end])
    except CobsError as exc:
        return malformed(raw, received_at, source, PROTOCOL, f"COBS: {exc}")
    status, error, fields = decode_body(data)
    if status == "ok":
        return ok_frame(raw, received_at, source, PROTOCOL, fields)
    if status == "bad_checksum":
        return bad_checksum(raw, received_at, source, PROTOCOL, error or "")
    return malformed(raw, received_at, source, PROTOCOL, error or "")


def _encode_value(fid: int, name: str, scale: float, type_name: str, value: Any) -> bytes:
    code = _TYPE_BY_NAME[type_name]
    if type_name == "str":
        data = str(value).encode("utf-8")
        if len(data) > 255:
            raise ValueError(f"field {name!r} is longer than 255 bytes in UTF-8")
        return bytes((fid, code, len(data))) + data
    packer = _STRUCTS[code]
    if code not in _FLOAT_TYPES:
        value = round(value / scale)
    try:
        return bytes((fid, code)) + packer.pack(value)
    except struct.error as exc:
        raise ValueError(f"field {name!r} = {value!r} does not fit {type_name}: {exc}") from None


def encode_binary_frame(
    fields: Mapping[str, Any], *, types: Mapping[str, str] | None = None
) -> bytes:
    r"""Encode a binary frame: COBS-encoded, followed by the 0x00 delimiter.

    Parameters
    ----------
    fields : mapping
        Canonical fields in SI units (see :data:`FIELD_IDS`); ``sentence_id`` goes into
        the header (0 when absent); ``payload_time`` a tz-aware datetime; ``extra_<id>``
        keys with id 17..255 are sent as f64 (i32 when an int, str when a string). Other
        keys are ignored.
    types : mapping, optional
        Per-field type name override (``"f32"``, ``"i32"``, ...), e.g. to send
        ``{"pressure": "f32"}``.

    Returns
    -------
    bytes
        ``COBS(frame) + b"\x00"``.
    """
    types = dict(types or {})
    seq = int(fields.get("sentence_id") or 0)
    if not 0 <= seq <= 0xFFFFFFFF:
        raise ValueError(f"sentence_id {seq} must fit in uint32")
    body = bytearray(_HEADER.pack(FRAME_VERSION, seq))
    for name, value in fields.items():
        if value is None or name == "sentence_id":
            continue
        if name in _ID_BY_NAME:
            fid = _ID_BY_NAME[name]
            _, scale, type_name = FIELD_IDS[fid]
        elif name.startswith("extra_") and name[6:].isdigit() and 17 <= int(name[6:]) <= 255:
            fid, scale = int(name[6:]), 1.0
            if isinstance(value, str):
                type_name = "str"
            else:
                type_name = "i32" if isinstance(value, int) else "f64"
        else:
            continue
        type_name = types.get(name, type_name)
        if type_name not in _TYPE_BY_NAME:
            raise ValueError(f"unknown type {type_name!r}; use one of {sorted(_TYPE_BY_NAME)}")
        if name == "payload_time":
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise ValueError("payload_time must be a tz-aware datetime")
            stamp = value.timestamp()
            if name not in types and value.microsecond:
                type_name = "f64"
            value = stamp if type_name in ("f32", "f64") else round(stamp)
        body += _encode_value(fid, name, scale, type_name, value)
    body += crc32_ieee(bytes(body)).to_bytes(4, "little")
    if len(body) > MAX_FRAME_BYTES:
        raise ValueError(f"frame of {len(body)} bytes exceeds {MAX_FRAME_BYTES} bytes")
    return cobs_encode(bytes(body)) + b"\x00"
