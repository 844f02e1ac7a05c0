"""What the terminal shows: positions with hemisphere letters, consoles that never hard-wrap.

One home for how a position is written for a person ("8.50000 W", never "-8.50000 E")
and for the console the commands print through.
"""

from __future__ import annotations

from datetime import UTC, datetime

from rich.console import Console

__all__ = [
    "format_latitude",
    "format_longitude",
    "format_position",
    "format_utc",
    "output_console",
]


def format_latitude(lat_deg: float, digits: int = 5) -> str:
    """``21.5`` -> ``"21.50000 N"``, ``-8.5`` -> ``"8.50000 S"`` [deg]."""
    return f"{abs(lat_deg):.{digits}f} {'S' if lat_deg < 0 else 'N'}"


def format_longitude(lon_deg: float, digits: int = 5) -> str:
    """``106.7`` -> ``"106.70000 E"``, ``-8.5`` -> ``"8.50000 W"`` [deg]."""
    lon = (lon_deg + 180.0) % 360.0 - 180.0 if abs(lon_deg) > 180.0 else lon_deg
    return f"{abs(lon):.{digits}f} {'W' if lon < 0 else 'E'}"


def format_position(lat_deg: float, lon_deg: float, digits: int = 5) -> str:
    """``(-8.5, -35.0)`` -> ``"8.50000 S 35.00000 W"``."""
    return f"{format_latitude(lat_deg, digits)} {format_longitude(lon_deg, digits)}"


def format_utc(when: datetime | float) -> str:
    """Write a UTC time for people, to the second: ``"2025-06-21 06:00:00Z"``.

    ``when`` is a datetime (naive = UTC) or seconds since 1970-01-01 [s].
    """
    if not isinstance(when, datetime):
        when = datetime.fromtimestamp(round(float(when)), tz=UTC)
    elif when.tzinfo is not None:
        when = when.astimezone(UTC)
    return when.strftime("%Y-%m-%d %H:%M:%SZ")


def output_console(stderr: bool = False) -> Console:
    """Make a console for command output that never inserts line breaks of its own.

    Long lines are left whole (the terminal folds them on screen), so ``strato predict |
    grep landing`` keeps the whole line.
    """
    return Console(stderr=stderr, soft_wrap=True, highlight=False)
