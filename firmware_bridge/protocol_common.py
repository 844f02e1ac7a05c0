"""Helpers shared by the protocol parsers: receive times, time-of-day dating, frame building.

Kept free of any protocol knowledge so each parser module stays small.
"""

from __future__ import annotations

import math
import re
from datetime import UTC, datetime, timedelta
from typing import Any

from firmware_bridge.frame import STATUS_BAD_CHECKSUM, STATUS_MALFORMED, STATUS_OK, Frame

__all__ = [
    "printable_ascii",
    "bad_checksum",
    "date_time_of_day",
    "malformed",
    "ok_frame",
    "receive_time",
    "strict_float",
    "strict_int",
]

#: A decimal number as payloads send it: optional sign, digits with at most one point,
#: optional exponent. No underscores, spaces, ``inf`` or ``nan`` (Python's ``float()``
#: accepts ``1_000``, ``" 1"``, ``"infinity"``; a telemetry field must not).
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")
_INTEGER = re.compile(r"[+-]?[0-9]+")


def strict_float(text: str) -> float:
    """Read a telemetry number strictly: plain decimal notation, finite.

    Raises
    ------
    ValueError
        For anything else: ``"1_000"``, ``"nan"``, ``"inf"``, ``"0x10"``, ``"1e999"``, text
        with inner spaces; the message quotes the text.
    """
    if not isinstance(text, str) or not _DECIMAL.fullmatch(text):
        raise ValueError(f"{text!r} is not a plain decimal number")
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text!r} is too large to be a number")
    return value


def strict_int(text: str) -> int:
    """Read a telemetry integer strictly (optional sign and digits only, at most 18 of them).

    Raises
    ------
    ValueError
        For ``"1_000"``, ``"+ 1"``, ``"1.0"``, ``"٣"`` (non-ASCII digits), or more than 18 digits.
    """
    if not isinstance(text, str) or not _INTEGER.fullmatch(text) or len(text.lstrip("+-")) > 18:
        raise ValueError(f"{text!r} is not a plain integer")
    return int(text)


def receive_time(received_at: datetime | None) -> datetime:
    """Return ``received_at`` as tz-aware UTC, or the current UTC time when it is None.

    A naive datetime is taken to be UTC already (the bridge always passes aware times).
    """
    if received_at is None:
        return datetime.now(UTC)
    if received_at.tzinfo is UTC:
        return received_at
    if received_at.tzinfo is None:
        return received_at.replace(tzinfo=UTC)
    if received_at.utcoffset() != timedelta(0):
        return received_at.astimezone(UTC)
    return received_at


def date_time_of_day(
    hour: int, minute: int, second: int, microsecond: int, received_at: datetime
) -> datetime:
    """Date a time of day (UTC) sent without a date, using the receive time.

    The payload clock and the receiver clock agree to within minutes, so the candidate on
    the receive date, the day before or the day after that lies within 12 h of the receive
    time is chosen. This handles midnight rollover both ways (payload at 23:59:59 received
    at 00:00:01 is dated the previous day; payload at 00:00:01 received at 23:59:59 the
    next day), as pysondehub ``fix_datetime`` does for the hours 23 and 0.

    Parameters
    ----------
    hour, minute, second, microsecond : int
        Time of day sent by the payload (UTC), already range-checked.
    received_at : datetime
        Receive time, tz-aware UTC.

    Returns
    -------
    datetime
        tz-aware UTC payload time.
    """
    cached = _day_cache.get(received_at)
    if cached is None:
        midnight = received_at.replace(hour=0, minute=0, second=0, microsecond=0)
        cached = (midnight, (received_at - midnight).total_seconds())
        if len(_day_cache) > 16:
            _day_cache.clear()
        _day_cache[received_at] = cached
    midnight, received_seconds = cached
    seconds = hour * 3600 + minute * 60 + second
    offset = seconds + microsecond * 1e-6 - received_seconds
    if offset > 43_200.0:
        seconds -= 86_400
    elif offset < -43_200.0:
        seconds += 86_400
    return midnight + timedelta(seconds=seconds, microseconds=microsecond)


#: receive time -> (its UTC midnight, seconds since that midnight); a few entries only.
_day_cache: dict[datetime, tuple[datetime, float]] = {}


def ok_frame(
    raw: bytes, received_at: datetime, source: str, protocol: str, fields: dict[str, Any]
) -> Frame:
    """Build a decoded frame whose checksum matched."""
    return Frame(raw, received_at, source, protocol, STATUS_OK, None, fields)


def malformed(raw: bytes, received_at: datetime, source: str, protocol: str, error: str) -> Frame:
    """Build a frame that could not be decoded; ``error`` says why."""
    return Frame(raw, received_at, source, protocol, STATUS_MALFORMED, error, {})


def bad_checksum(
    raw: bytes, received_at: datetime, source: str, protocol: str, error: str
) -> Frame:
    """Build a frame whose checksum failed; nothing in it is trusted, so no fields."""
    return Frame(raw, received_at, source, protocol, STATUS_BAD_CHECKSUM, error, {})


def printable_ascii(body: bytes) -> tuple[str, str | None]:
    """Decode a text sentence's body, refusing what a sentence never holds.

    Parameters
    ----------
    body : bytes
        The checksummed part of a UKHAS or NMEA sentence.

    Returns
    -------
    text : str
        The body as text ("" when it is refused).
    problem : str or None
        Why it is refused (a non-ASCII byte, a control character), else None.
    """
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        return "", "non-ASCII byte in sentence"
    if not text.isprintable():
        return "", "control character in sentence"
    return text, None
