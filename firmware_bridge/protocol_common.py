"""Helpers shared by the protocol parsers: receive times, time-of-day dating, frame building.

Kept free of any protocol knowledge so each parser module stays small.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from firmware_bridge.frame import STATUS_BAD_CHECKSUM, STATUS_MALFORMED, STATUS_OK, Frame

__all__ = [
    "bad_checksum",
    "date_time_of_day",
    "malformed",
    "ok_frame",
    "receive_time",
]

_HALF_DAY = timedelta(hours=12)
_ONE_DAY = timedelta(days=1)


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
    candidate = received_at.replace(
        hour=hour, minute=minute, second=second, microsecond=microsecond
    )
    offset = candidate - received_at
    if offset > _HALF_DAY:
        candidate -= _ONE_DAY
    elif offset < -_HALF_DAY:
        candidate += _ONE_DAY
    return candidate


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
