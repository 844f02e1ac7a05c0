"""The flight record: a durable SQLite log, the recorder, a live view and exports.

Public API: :func:`read_flight` and :func:`list_flights` (for analysis),
:class:`FlightStore` and :func:`run_logging_session` (recording), :func:`default_db_path`.
``import flightlog`` stays light: pandas (and the session's link and recorder) load only
when first used.
"""

from __future__ import annotations

from flightlog.events import EVENT_KINDS, FlightEvent
from flightlog.paths import default_db_path
from flightlog.store import FlightStore, RecordResult, StoreWriteError

__all__ = [
    "EVENT_KINDS",
    "FlightEvent",
    "FlightStore",
    "RecordResult",
    "SessionSummary",
    "StoreWriteError",
    "default_db_path",
    "list_flights",
    "read_events",
    "read_flight",
    "read_frames",
    "run_logging_session",
]

_LAZY = {
    "list_flights": "flightlog.reading",
    "read_events": "flightlog.reading",
    "read_flight": "flightlog.reading",
    "read_frames": "flightlog.reading",
    "SessionSummary": "flightlog.session",
    "run_logging_session": "flightlog.session",
}


def __getattr__(name: str):
    """Load the pandas-based readers on first use."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'flightlog' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
