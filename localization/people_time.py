"""Times for people: in their zone, always naming it, with UTC beside it.

The people's zone is ``strato --tz ZONE``, else ``TZ``, else the system zone. A time is
shown as ``2025-06-21 08:41 +07 (01:41 UTC)`` (English) or ``21/06/2025 08:41 +07
(01:41 UTC)`` (Vietnamese); in the UTC zone simply ``2025-06-21 01:41 UTC``. Files and
machine interfaces stay UTC and never use this.
"""

from __future__ import annotations

import math
import os
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from localization.language import _, current_language

__all__ = [
    "configure_zone",
    "format_clock",
    "format_time",
    "people_zone",
    "people_zone_name",
]

_state: dict[str, tzinfo | None] = {"zone": None}

#: Date patterns (Unicode/CLDR, as Babel reads them) of each language.
_DATE_PATTERN = {"en": "yyyy-MM-dd", "vi": "dd/MM/yyyy"}
_BABEL_LOCALE = {"en": "en_US", "vi": "vi_VN"}


def _zone_from_name(name: str) -> tzinfo:
    name = name.strip().lstrip(":")
    if name.upper() in ("UTC", "Z", "GMT", "ETC/UTC", "UTC0"):
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(
            _(
                "time zone {name!r} is not known; give an IANA zone name such as "
                "Asia/Ho_Chi_Minh or UTC"
            ).format(name=name)
        ) from exc


def _system_zone() -> tzinfo:
    """Return the system zone: the IANA name behind /etc/localtime, else the C offset."""
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
        marker = "zoneinfo/"
        if marker in target:
            return _zone_from_name(target.split(marker, 1)[1])
    except (OSError, ValueError):
        pass
    zone = datetime.now().astimezone().tzinfo
    return zone if zone is not None else UTC


def configure_zone(zone: str | None = None) -> tzinfo:
    """Choose the people's zone: ``zone`` (e.g. ``--tz``), else ``TZ``, else the system's.

    Raises
    ------
    ValueError
        When ``zone`` is not a known IANA zone name (an unknown ``TZ`` falls back to the
        system zone, as the C library does).
    """
    if zone:
        chosen = _zone_from_name(zone)
    else:
        chosen = None
        env = os.environ.get("TZ")
        if env:
            try:
                chosen = _zone_from_name(env)
            except ValueError:
                chosen = None
        if chosen is None:
            chosen = _system_zone()
    _state["zone"] = chosen
    return chosen


def people_zone() -> tzinfo:
    """Return the people's time zone (configured, else from ``TZ`` or the system)."""
    zone = _state["zone"]
    if zone is None:
        zone = configure_zone()
    return zone


def _is_utc(zone: tzinfo, when: datetime) -> bool:
    return zone is UTC or (
        getattr(zone, "key", "") in ("UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu")
    ) or (zone.utcoffset(when) == timedelta(0) and zone.tzname(when) in ("UTC", "GMT"))


def people_zone_name(when: datetime | None = None) -> str:
    """Return the short name of the people's zone at ``when`` (e.g. ``+07``, ``UTC``)."""
    moment = when or datetime.now(UTC)
    local = moment.astimezone(people_zone())
    if _is_utc(people_zone(), local):
        return "UTC"
    name = local.tzname()
    if name:
        return name
    offset = local.utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds() // 60)
    sign = "+" if minutes >= 0 else "-"
    return f"{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def _as_aware(when: datetime | float) -> datetime:
    if not isinstance(when, datetime):  # seconds since the Unix epoch [s]
        return datetime.fromtimestamp(round(float(when), 3), tz=UTC)
    if when.tzinfo is None:  # our own times are UTC inside; a naive one is UTC too
        return when.replace(tzinfo=UTC)
    return when


def _date(when: datetime) -> str:
    from babel.dates import format_date

    language = current_language()
    return format_date(
        when.date(), _DATE_PATTERN.get(language, "yyyy-MM-dd"), locale=_BABEL_LOCALE[language]
    )


def format_clock(when: datetime | float, *, seconds: bool = False) -> str:
    """Return only the people's clock time with the zone, e.g. ``08:41 +07 (01:41 UTC)``."""
    return format_time(when, seconds=seconds, date=False)


def format_time(when: datetime | float, *, seconds: bool = False, date: bool = True) -> str:
    """Return ``when`` in the people's zone, naming the zone, with UTC beside it.

    Parameters
    ----------
    when : datetime or float
        An aware time (naive times are our UTC), or seconds since the Unix epoch [s].
    seconds : bool
        Show seconds.
    date : bool
        Show the date (the UTC part shows its own date only when it differs).

    Returns
    -------
    str
        E.g. ``2025-06-21 08:41 +07 (01:41 UTC)``; ``2025-06-21 01:41 UTC`` in UTC.
    """
    if not isinstance(when, datetime) and not math.isfinite(float(when)):
        return "–"
    moment = _as_aware(when)
    zone = people_zone()
    local = moment.astimezone(zone)
    utc = moment.astimezone(UTC)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    head = f"{_date(local)} " if date else ""
    if _is_utc(zone, local):
        return f"{head}{utc.strftime(clock)} UTC"
    utc_part = utc.strftime(clock)
    if date and utc.date() != local.date():
        utc_part = f"{_date(utc)} {utc_part}"
    return f"{head}{local.strftime(clock)} {people_zone_name(moment)} ({utc_part} UTC)"
