"""THE parser for times people type (``--time``, ``--start``, ``--from`` ...): one rule.

- ``now`` is the current time.
- An ISO 8601 time with a zone (``2025-06-21T08:41+07:00``, ``2025-06-21T01:41Z``) or
  followed by an IANA zone name (``2025-06-21T08:41 Asia/Ho_Chi_Minh``) is converted to UTC.
- A time without a zone (``2025-06-21T06:00``, or a bare date ``2025-06-21`` = midnight)
  is taken as UTC, and :attr:`ParsedTime.naive` tells the caller to say so.

Everything comes back as an aware UTC ``datetime``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from localization.language import _

__all__ = ["ParsedTime", "TimeFormatError", "parse_time"]

#: Words meaning "the current time" (English and Vietnamese).
_NOW_WORDS = ("now", "bây giờ")


class TimeFormatError(ValueError):
    """A typed time that is not understood; the message says how to write it."""


@dataclass(frozen=True)
class ParsedTime:
    """A time as a person typed it, converted to UTC.

    Attributes
    ----------
    utc : datetime
        The time, aware, in UTC.
    naive : bool
        True when the text named no zone, so it was taken as UTC.
    text : str
        The text as typed.
    """

    utc: datetime
    naive: bool
    text: str

    def note(self, option: str) -> str | None:
        """Say that a zone-less time was taken as UTC (None when it had a zone)."""
        if not self.naive:
            return None
        return _("{option} {text} has no time zone; taken as UTC").format(
            option=option, text=self.text
        )


def _error(text: str, option: str) -> TimeFormatError:
    return TimeFormatError(
        _(
            "{option} {text!r} is not a time; write an ISO 8601 time with its zone, e.g. "
            "2025-06-21T08:41+07:00 or 2025-06-21T01:41Z (a time without a zone is taken "
            "as UTC), or now"
        ).format(option=option, text=text)
    )


def _split_zone_name(raw: str) -> tuple[str, ZoneInfo | None]:
    """Split ``2025-06-21T08:41 Asia/Ho_Chi_Minh`` into the time and its named zone."""
    head, sep, tail = raw.rpartition(" ")
    if sep and "/" in tail:
        try:
            return head.strip(), ZoneInfo(tail)
        except (ZoneInfoNotFoundError, ValueError):
            return raw, None
    return raw, None


def parse_time(
    text: str | datetime, option: str = "time", *, now: datetime | None = None
) -> ParsedTime:
    """Parse a time a person typed (or gave as a ``datetime``) into UTC.

    Parameters
    ----------
    text : str or datetime
        E.g. ``2025-06-21T08:41+07:00``, ``2025-06-21T01:41Z``, ``2025-06-21T06:00``
        (taken as UTC), ``2025-06-21`` (midnight UTC) or ``now``.
    option : str
        What the time was given to, for messages (e.g. ``"--time"``).
    now : datetime, optional
        The current time for ``now`` (default: the clock).

    Returns
    -------
    ParsedTime
        The UTC time and whether the text named no zone.

    Raises
    ------
    TimeFormatError
        When the text is not a time; the message shows how to write one.
    """
    if isinstance(text, datetime):
        if text.tzinfo is None or text.utcoffset() is None:
            return ParsedTime(text.replace(tzinfo=UTC), True, text.isoformat())
        return ParsedTime(text.astimezone(UTC), False, text.isoformat())
    shown = str(text).strip()
    if shown.lower() in _NOW_WORDS:
        moment = now if now is not None else datetime.now(UTC)
        return ParsedTime(moment.astimezone(UTC).replace(microsecond=0), False, shown)
    raw, zone = _split_zone_name(shown)
    if raw[-1:] in ("Z", "z"):
        raw = raw[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise _error(shown, option) from exc
    if zone is not None:
        if when.tzinfo is not None:
            raise _error(shown, option)
        return ParsedTime(when.replace(tzinfo=zone).astimezone(UTC), False, shown)
    if when.tzinfo is None or when.utcoffset() is None:
        return ParsedTime(when.replace(tzinfo=UTC), True, shown)
    return ParsedTime(when.astimezone(UTC), False, shown)
