"""Plausibility checks for decoded fields: a valid checksum does not make a fix true.

A GPS can emit garbage that the payload then checksums correctly (LetFik2 sent
``$$LetFik2,00:00:00,   0.00000,   0.00000,-5952.1,...*FF91``). These checks flag such
frames; they never change or drop them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

__all__ = ["PLAUSIBLE_RANGES", "check_plausibility", "is_plausible"]

#: Field -> (lowest, highest) plausible value in SI units, with the reason for the bounds.
PLAUSIBLE_RANGES: dict[str, tuple[float, float]] = {
    "latitude": (-90.0, 90.0),
    "longitude": (-180.0, 180.0),
    # Dead Sea shore is -430 m; balloons burst below ~55 km (record 53.7 km).
    "altitude": (-500.0, 60_000.0),
    "satellites": (0, 64),
    # CoCom limit: receivers stop above 515 m/s; balloons stay far below.
    "ground_speed": (0.0, 515.0),
    "heading": (0.0, 360.0),
    # Free fall after burst reaches ~100 m/s in thin air; ascent rarely exceeds 15 m/s.
    "vertical_velocity": (-200.0, 100.0),
    # Above sea-level record (108.4 kPa) down to ~0 at 60 km.
    "pressure": (0.0, 110_000.0),
    # Coldest tropopause ~ -95 degC; sunlit sensors rarely exceed +60 degC.
    "temperature": (150.0, 350.0),
    "internal_temperature": (150.0, 370.0),
    "relative_humidity": (0.0, 110.0),
    "battery_voltage": (0.0, 60.0),
    "gps_fix": (0, 3),
}

#: Payload clock against receive clock [s]; SondeHub hides frames > 1 day old.
MAX_CLOCK_OFFSET = timedelta(hours=24)


def check_plausibility(fields: Mapping[str, Any], received_at: datetime | None = None) -> list[str]:
    """List what is implausible about decoded fields (empty list when all looks sane).

    Parameters
    ----------
    fields : mapping
        Decoded canonical fields (SI units).
    received_at : datetime, optional
        Receive time; when given, a payload_time more than 24 h away is flagged.

    Returns
    -------
    list of str
        One message per problem, e.g. ``"altitude -5952.1 m outside -500..60000"``.
    """
    problems: list[str] = []
    for name, (low, high) in PLAUSIBLE_RANGES.items():
        value = fields.get(name)
        if value is None or isinstance(value, str | bool):
            continue
        try:
            number = float(value)
        except (TypeError, ValueError):
            problems.append(f"{name} {value!r} is not a number")
            continue
        if not low <= number <= high:  # also catches NaN
            problems.append(f"{name} {number:g} outside {low:g}..{high:g}")
    lat, lon = fields.get("latitude"), fields.get("longitude")
    if lat == 0 and lon == 0:
        problems.append("position 0, 0 (no GPS fix reported as a position)")
    when = fields.get("payload_time")
    if received_at is not None and isinstance(when, datetime) and when.tzinfo is not None:
        if abs(when - received_at) > MAX_CLOCK_OFFSET:
            problems.append(f"payload_time {when.isoformat()} is over 24 h from receive time")
    return problems


def is_plausible(fields: Mapping[str, Any], received_at: datetime | None = None) -> bool:
    """Return True when :func:`check_plausibility` finds nothing."""
    return not check_plausibility(fields, received_at)
