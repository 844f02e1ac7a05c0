"""Readers for Stratoflight's own flight exports: the flight-log CSV and the log database."""

from __future__ import annotations

import io
from pathlib import Path

import pandas as pd

from analysis.columns import finish_profile

__all__ = ["CSV_UNIT_SUFFIXES", "parse_flight_csv", "read_flight_db"]

#: Unit suffixes of the flight-log CSV export (``<field>_<unit>``), stripped on reading.
CSV_UNIT_SUFFIXES = (
    "_pa", "_k", "_percent", "_v", "_m_s", "_deg", "_db", "_hz", "_count", "_m", "_s",
)  # fmt: skip


def _canonical_name(column: str) -> str:
    for suffix in sorted(CSV_UNIT_SUFFIXES, key=len, reverse=True):
        if column.endswith(suffix):
            return column[: -len(suffix)]
    return column


def parse_flight_csv(text: str) -> tuple[pd.DataFrame, dict]:
    """Parse the flight-log CSV export (``time`` ISO UTC, ``latitude``, ..., ``<field>_<unit>``).

    Every ``<field>_<unit>`` column is already in SI units (the unit suffix says which), so
    only the suffix is stripped.
    """
    table = pd.read_csv(io.StringIO(text))
    table = table.rename(columns={c: _canonical_name(c) for c in table.columns})
    table["time"] = pd.to_datetime(table["time"], utc=True, format="ISO8601")
    if "received_at" in table:
        table["received_at"] = pd.to_datetime(table["received_at"], utc=True, format="ISO8601")
    return finish_profile(table), {"format": "flight_csv"}


def read_flight_db(db_path: str | Path, flight_name: str) -> tuple[pd.DataFrame, dict]:
    """Read one flight from the flight-log database through ``flightlog.read_flight``.

    Returns the canonical profile and the flight's metadata (name, callsign, launch site,
    balloon, the stored ``prediction`` and ``events``).
    """
    from flightlog import read_flight

    frame, metadata = read_flight(db_path, flight_name)
    metadata = dict(metadata)
    metadata.setdefault("name", flight_name)
    metadata["format"] = "flightlog_db"
    # A flight logged from a simulator ('strato log --synthetic') is labelled as such.
    metadata["synthetic"] = bool((metadata.get("settings") or {}).get("synthetic"))
    return finish_profile(frame), metadata
