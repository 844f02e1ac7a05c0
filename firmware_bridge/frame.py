"""The frame: what firmware_bridge hands to flightlog for every chunk of bytes it delimits."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

__all__ = [
    "Frame",
    "LINK_EVENTS",
    "LinkEvent",
    "RawChunk",
    "PROTOCOLS",
    "STATUS_BAD_CHECKSUM",
    "STATUS_MALFORMED",
    "STATUS_OK",
    "STATUSES",
]

STATUS_OK = "ok"
STATUS_BAD_CHECKSUM = "bad_checksum"
STATUS_MALFORMED = "malformed"
STATUSES = (STATUS_OK, STATUS_BAD_CHECKSUM, STATUS_MALFORMED)

#: Protocol names used in frames, on the command line and in the flight log.
PROTOCOLS = ("ukhas", "nmea", "horus", "frame", "jsonl", "unknown")


@dataclass(frozen=True, slots=True)
class Frame:
    """One delimited unit of telemetry, decoded or not.

    Attributes
    ----------
    raw : bytes
        The bytes exactly as received (delimiters included where the protocol has them).
    received_at : datetime
        Receive time on this computer (tz-aware UTC).
    source : str
        Where it came from, e.g. ``serial:/dev/ttyUSB0``, ``udp:0.0.0.0:55673``.
    protocol : str
        One of :data:`PROTOCOLS`.
    status : str
        One of :data:`STATUSES`.
    error : str or None
        Why it did not decode (None when ``status == "ok"``).
    fields : dict
        Decoded fields under canonical names in SI units (see
        :data:`firmware_bridge.fields.FIELD_UNITS`); empty unless decoded.
    """

    raw: bytes
    received_at: datetime
    source: str
    protocol: str
    status: str
    error: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when the frame decoded and its checksum matched."""
        return self.status == STATUS_OK


#: Kinds of link event the bridge reports besides frames.
LINK_EVENTS = ("link_opened", "link_lost", "link_restored", "link_error")


@dataclass(frozen=True, slots=True)
class LinkEvent:
    """Something that happened to the link rather than a frame.

    Attributes
    ----------
    kind : str
        One of :data:`LINK_EVENTS`.
    at : datetime
        When it happened (tz-aware UTC).
    source : str
        The link, as in :attr:`Frame.source`.
    detail : str
        Human-readable detail (the OS error, the retry delay, ...).
    """

    kind: str
    at: datetime
    source: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class RawChunk:
    """Bytes exactly as one read returned them, before any decoding.

    The bridge hands every chunk to its consumer before the frames decoded from it, so a
    recorder can store what arrived before anything else is done with it.

    Attributes
    ----------
    data : bytes
        The bytes read.
    received_at : datetime
        When the read returned (tz-aware UTC).
    source : str
        The link, as in :attr:`Frame.source`.
    """

    data: bytes
    received_at: datetime
    source: str
