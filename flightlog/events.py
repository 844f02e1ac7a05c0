"""Flight events: what the log records besides frames."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from firmware_bridge.frame import LINK_EVENTS

__all__ = ["EVENT_KINDS", "FLIGHT_PHASE_EVENTS", "FlightEvent", "read_events"]

#: Events from phase detection (:mod:`flightlog.phase_detection`).
FLIGHT_PHASE_EVENTS = ("launch", "burst", "float", "landing")

#: Every kind of event the log stores.
EVENT_KINDS = (
    *FLIGHT_PHASE_EVENTS,
    *LINK_EVENTS,
    "clock_offset",  # payload clock far from the receiver clock (data: offset_s, limit_s)
    "clock_ok",  # payload clock back within the limit
    "prediction",  # in-flight landing prediction (data: landing lat/lon/time, basis)
    "recording_started",
    "recording_stopped",
    "write_error",  # the store could not write (disk full, read-only); data says why
    "write_recovered",  # writing works again after a write_error
    "data_dropped",  # the in-memory queue overflowed while the store could not write
)


@dataclass(frozen=True, slots=True)
class FlightEvent:
    """Something that happened during a flight.

    Attributes
    ----------
    kind : str
        One of :data:`EVENT_KINDS`.
    time : datetime
        When it happened (tz-aware UTC).
    data : dict
        JSON-serialisable details; keys say their units (e.g. ``altitude_m``).
    """

    kind: str
    time: datetime
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.kind not in EVENT_KINDS:
            raise ValueError(f"unknown flight event kind {self.kind!r}; use one of {EVENT_KINDS}")
        if self.time.tzinfo is None or self.time.utcoffset() is None:
            raise ValueError(f"event time {self.time.isoformat()} has no time zone; give UTC")


def read_events(conn: sqlite3.Connection, flight_id: int) -> list[dict[str, Any]]:
    """Events of a flight in time order: ``{kind, time (UTC datetime), data (dict)}``."""
    rows = conn.execute(
        "SELECT kind, time, data_json FROM events WHERE flight_id = ? ORDER BY time, id",
        (flight_id,),
    )
    return [
        {
            "kind": kind,
            "time": datetime.fromtimestamp(time, tz=UTC),
            "data": json.loads(data) if data else {},
        }
        for kind, time, data in rows
    ]
