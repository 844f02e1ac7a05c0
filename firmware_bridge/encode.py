"""One entry point that turns canonical SI fields into on-the-wire telemetry bytes.

Used for round-trip tests and by the virtual payload. Each protocol also has its own
encoder (:func:`~firmware_bridge.ukhas.encode_ukhas`, ...), whose keyword options
``encode_telemetry`` passes through.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firmware_bridge.binary_frame import encode_binary_frame
from firmware_bridge.horus import encode_horus
from firmware_bridge.jsonl import encode_jsonl
from firmware_bridge.nmea import encode_nmea
from firmware_bridge.ukhas import encode_ukhas

__all__ = ["ENCODABLE_PROTOCOLS", "encode_telemetry"]

_ENCODERS = {
    "ukhas": encode_ukhas,
    "nmea": encode_nmea,
    "horus": encode_horus,
    "frame": encode_binary_frame,
    "jsonl": encode_jsonl,
}
#: Protocol names :func:`encode_telemetry` accepts.
ENCODABLE_PROTOCOLS = tuple(_ENCODERS)


def encode_telemetry(protocol: str, fields: Mapping[str, Any], **options: Any) -> bytes:
    r"""Encode one telemetry record as complete on-the-wire bytes.

    Parameters
    ----------
    protocol : {"ukhas", "nmea", "horus", "frame", "jsonl"}
        Wire format.
    fields : mapping
        Canonical field names and SI units (see ``firmware_bridge.fields.FIELD_UNITS``);
        ``payload_time`` is a tz-aware datetime.
    **options
        Passed to the protocol's encoder: ``ukhas``: ``field_spec``, ``checksum``
        (``"crc16"``/``"xor"``), ``position_format``, ``altitude_decimals``; ``nmea``:
        ``talker``, ``hdop``, ``geoid_separation``; ``horus``: ``hex_line``,
        ``payload_id``; ``frame``: ``types``.

    Returns
    -------
    bytes
        A UKHAS line ending ``*CRC\n``; NMEA GGA and RMC lines ending ``\r\n``; a Horus
        v2 32-byte packet (or its hex line with ``hex_line=True``); a COBS-encoded binary
        frame with its trailing 0x00; a JSON line ending ``\n``.

    Raises
    ------
    ValueError
        Unknown protocol, unknown option, or fields the format cannot carry.

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> t = datetime(2026, 7, 8, 12, 0, 0, tzinfo=timezone.utc)
    >>> encode_telemetry("ukhas", {"callsign": "STRATO1", "sentence_id": 1,
    ...     "payload_time": t, "latitude": 49.7175, "longitude": 14.0978, "altitude": 453})
    b'$$STRATO1,1,12:00:00,49.71750,14.09780,453*2190\n'
    """
    try:
        encoder = _ENCODERS[protocol]
    except KeyError:
        raise ValueError(
            f"unknown protocol {protocol!r}; choose one of {', '.join(ENCODABLE_PROTOCOLS)}"
        ) from None
    try:
        return encoder(fields, **options)
    except TypeError as exc:
        if "keyword argument" in str(exc):
            raise ValueError(f"{protocol} encoder: {exc}") from None
        raise
