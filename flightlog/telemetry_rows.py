"""Turn a decoded frame into a telemetry row: SI columns, duplicate key, clock check.

Pure functions, no SQLite: :mod:`flightlog.store` writes what these return.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from firmware_bridge.frame import Frame
from firmware_bridge.plausibility import PLAUSIBLE_RANGES
from flightlog.schema import TELEMETRY_FIELD_COLUMNS

__all__ = [
    "CLOCK_OFFSET_LIMIT",
    "PLAUSIBLE_TIME_WINDOW",
    "implausible_reason",
    "without_implausible_values",
    "TelemetryRow",
    "dedup_key",
    "epoch_seconds",
    "telemetry_row",
]

#: A payload clock more than this far from the receiver's clock is flagged [s]. Chosen as
#: 60 s: well above receive latency and the 18 s GPS-UTC leap-second offset some decoders
#: report, and the point where SondeHub starts hiding frames as "in the future" and the
#: horusdemodlib uploader starts warning (telemetry-formats.md §6).
CLOCK_OFFSET_LIMIT = 60.0

#: Receive and payload times outside this window [UTC] are not telemetry: the frame is kept
#: raw with the reason (a GPS week roll-over, a corrupt or forged date). 2000-01-01 is
#: before any Stratoflight flight and any GPS receiver still flying; 2100-01-01 leaves
#: generations of margin and stays far inside what every reader (pandas nanosecond times
#: end in 2262) can hold, so one absurd date never makes a flight un-exportable.
PLAUSIBLE_TIME_WINDOW = (
    datetime(2000, 1, 1, tzinfo=UTC).timestamp(),
    datetime(2100, 1, 1, tzinfo=UTC).timestamp(),
)

#: Fields without which a frame is no position: outside their plausible range, the frame is
#: kept raw and left out of telemetry; any other field out of range is only left blank.
_POSITION_FIELDS = ("latitude", "longitude", "altitude")

#: (field, lowest, highest) of the measurements whose implausible values are left blank.
_MEASUREMENT_RANGES = tuple(
    (name, lowest, highest)
    for name, (lowest, highest) in PLAUSIBLE_RANGES.items()
    if name not in _POSITION_FIELDS and name in TELEMETRY_FIELD_COLUMNS
)

#: Range of an SQLite INTEGER (signed 64-bit); a sentence id outside it cannot be stored.
_SQLITE_INT_MIN, _SQLITE_INT_MAX = -(2**63), 2**63 - 1


def epoch_seconds(value: Any) -> float | None:
    """Seconds since the Unix epoch [s] from a tz-aware datetime or a number (None stays).

    Raises
    ------
    ValueError
        For a naive datetime: the flight log never guesses a time zone.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(
                f"time {value.isoformat()} has no time zone; the bridge must hand over UTC"
            )
        return value.timestamp()
    return float(value)


@dataclass(frozen=True, slots=True)
class TelemetryRow:
    """What the store writes to ``telemetry`` for one good frame.

    Attributes
    ----------
    received_at : float
        Receive time [s since epoch].
    payload_time : float or None
        Time stamped by the payload [s since epoch].
    clock_offset : float or None
        ``payload_time - received_at`` [s].
    clock_suspect : bool
        ``abs(clock_offset) > CLOCK_OFFSET_LIMIT``.
    callsign : str or None
        Payload identifier.
    sentence_id : int or None
        Payload frame counter.
    values : dict
        Canonical column name -> value in SI units (floats or None), one key per
        :data:`~flightlog.schema.TELEMETRY_FIELD_COLUMNS`.
    extras : dict
        Other decoded fields (JSON-serialisable).
    dedup_key : str or None
        Key shared by copies of the same frame heard by several receivers.
    """

    received_at: float
    payload_time: float | None
    clock_offset: float | None
    clock_suspect: bool
    callsign: str | None
    sentence_id: int | None
    values: dict[str, float | None]
    extras: dict[str, Any]
    dedup_key: str | None

    def extras_json(self) -> str | None:
        """Return the extras as JSON text, None when there are none."""
        return json.dumps(self.extras, sort_keys=True, default=str) if self.extras else None


def dedup_key(
    callsign: str | None, sentence_id: int | None, payload_time: float | None
) -> str | None:
    """Key identifying one transmitted frame, or None when it cannot be identified.

    Two receivers hearing the same transmission decode the same callsign, sentence id and
    payload time; all three (callsign may be empty) make the key. Without a sentence id or
    payload time there is no safe key (counters restart when a payload reboots), and such
    frames are never merged.
    """
    if sentence_id is None or payload_time is None:
        return None
    return f"{callsign or ''}|{int(sentence_id)}|{payload_time:.3f}"


def _as_float(name: str, value: Any) -> float | None:
    if value is None:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"telemetry field {name!r} is not a number: {value!r}") from exc
    return number if math.isfinite(number) else None


def _sentence_id(value: Any) -> int:
    """Return the payload frame counter as an int SQLite can store (signed 64-bit)."""
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError) as exc:
        raise ValueError(f"sentence_id {value!r} is not an integer") from exc
    if not _SQLITE_INT_MIN <= number <= _SQLITE_INT_MAX:
        raise ValueError(
            f"sentence_id {number} does not fit in a signed 64-bit integer (the payload "
            "counter is corrupt or the sender is not a payload); the frame's bytes are kept"
        )
    return number


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    return value


def telemetry_row(frame: Frame) -> TelemetryRow:
    """Build the telemetry row of a good frame.

    Parameters
    ----------
    frame : Frame
        A frame with ``status == "ok"``; its ``fields`` use the canonical names and SI units
        of :mod:`firmware_bridge.fields`.

    Returns
    -------
    TelemetryRow
    """
    fields = dict(frame.fields)
    received_at = epoch_seconds(frame.received_at)
    assert received_at is not None
    payload_time = epoch_seconds(fields.pop("payload_time", None))
    callsign = fields.pop("callsign", None)
    callsign = None if callsign is None else str(callsign)
    sentence_id = fields.pop("sentence_id", None)
    sentence_id = None if sentence_id is None else _sentence_id(sentence_id)
    values = {name: _as_float(name, fields.pop(name, None)) for name in TELEMETRY_FIELD_COLUMNS}
    extras = {name: _jsonable(value) for name, value in fields.items()}
    offset = None if payload_time is None else payload_time - received_at
    return TelemetryRow(
        received_at=received_at,
        payload_time=payload_time,
        clock_offset=offset,
        clock_suspect=offset is not None and abs(offset) > CLOCK_OFFSET_LIMIT,
        callsign=callsign,
        sentence_id=sentence_id,
        values=values,
        extras=extras,
        dedup_key=dedup_key(callsign, sentence_id, payload_time),
    )


def _when(seconds: float) -> str:
    try:
        when = datetime.fromtimestamp(seconds, tz=UTC).replace(tzinfo=None)
        return when.isoformat(sep=" ", timespec="seconds") + "Z"  # %Y drops year 1's zeros
    except (OverflowError, OSError, ValueError):
        return f"{seconds:g} s from 1970"


def implausible_reason(row: TelemetryRow) -> str | None:
    """Why a decoded frame cannot be telemetry (None when it can).

    A receive or payload time outside :data:`PLAUSIBLE_TIME_WINDOW`, a frame without any
    position, time or measurement (e.g. the JSON object ``{}``), or a latitude, longitude or
    altitude outside :data:`firmware_bridge.plausibility.PLAUSIBLE_RANGES` (altitude
    ``1e308``).
    """
    low, high = PLAUSIBLE_TIME_WINDOW
    for name, seconds in (("receive time", row.received_at), ("payload time", row.payload_time)):
        if seconds is not None and not low <= seconds < high:
            return (
                f"implausible {name} {_when(seconds)} (outside 2000-01-01..2100-01-01 UTC); "
                "kept raw, left out of telemetry and exports"
            )
    if row.payload_time is None and all(value is None for value in row.values.values()):
        return "no telemetry field (no position, time or measurement); kept raw"
    for name in _POSITION_FIELDS:
        value = row.values.get(name)
        lowest, highest = PLAUSIBLE_RANGES[name]
        if value is not None and not lowest <= value <= highest:
            return (
                f"implausible {name} {value:g} (outside {lowest:g}..{highest:g}); kept raw, "
                "left out of telemetry and exports"
            )
    return None


def without_implausible_values(row: TelemetryRow) -> tuple[TelemetryRow, str | None]:
    """Blank measurements outside their plausible range; return the row and a note (or None).

    The frame's raw bytes keep the sent values; only the telemetry columns are left empty,
    so one bad sensor never costs the position of a frame.
    """
    values = row.values
    bad = [
        f"{name} {values[name]:g} outside {lowest:g}..{highest:g}"
        for name, lowest, highest in _MEASUREMENT_RANGES
        if values[name] is not None and not lowest <= values[name] <= highest
    ]
    if not bad:
        return row, None
    values = dict(values)
    for text in bad:
        values[text.split(" ", 1)[0]] = None
    return replace(row, values=values), "implausible values left blank: " + "; ".join(bad)
