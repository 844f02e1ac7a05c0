"""Read flights back: a pandas DataFrame of telemetry plus the flight's metadata.

This is the door from ``flightlog`` to ``analysis``: canonical field names from
:mod:`firmware_bridge.fields` in SI units, times as ``datetime64[ns, UTC]``.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from flightlog.events import read_events
from flightlog.opening import reading_connection
from flightlog.schema import TELEMETRY_FIELD_COLUMNS
from flightlog.telemetry_rows import PLAUSIBLE_TIME_WINDOW

__all__ = ["list_flights", "read_events", "read_flight", "read_frames"]


def _utc(seconds: float | None) -> datetime | None:
    return None if seconds is None else datetime.fromtimestamp(seconds, tz=UTC)


def _to_utc_series(values: Any) -> pd.Series:
    seconds = pd.to_numeric(pd.Series(values, dtype="float64"))
    # Frames kept raw for an absurd time (year 2300, year 1) have no telemetry row, but their
    # receive times are listed here: outside the plausible window they read as NaT, so no
    # reader ever fails with "Out of bounds nanosecond timestamp".
    low, high = PLAUSIBLE_TIME_WINDOW
    seconds = seconds.where((seconds >= low) & (seconds < high))
    # float64 epoch seconds resolve ~0.2 us today: round to the microsecond they came from.
    return pd.to_datetime(seconds, unit="s", utc=True).astype("datetime64[ns, UTC]").dt.round("us")


def _flight_row(conn: sqlite3.Connection, flight_name: str) -> sqlite3.Row:
    row = conn.execute("SELECT * FROM flights WHERE name = ?", (flight_name,)).fetchone()
    if row is None:
        names = [r[0] for r in conn.execute("SELECT name FROM flights ORDER BY id")]
        raise ValueError(
            f"no flight named {flight_name!r} in this flight log; flights there: "
            f"{', '.join(names) or '(none)'} (see 'strato flights --db PATH')"
        )
    return row


#: Telemetry rows inside the plausible time window (logs written before the store checked
#: times may hold rows dated 2300 or year 1: readers leave them out like the store now does).
_PLAUSIBLE_ROW = (
    "received_at >= ? AND received_at < ? "
    "AND (payload_time IS NULL OR (payload_time >= ? AND payload_time < ?))"
)


def _left_out(conn: sqlite3.Connection, flight_id: int) -> dict[str, int]:
    """Frames kept raw and out of telemetry, by status (implausible, quarantined, ...)."""
    rows = conn.execute(
        "SELECT status, count(*) FROM frames WHERE flight_id = ? AND status != 'ok' "
        "GROUP BY status ORDER BY status",
        (flight_id,),
    )
    return {status: count for status, count in rows}


def _left_out_notes(left_out: dict[str, int]) -> list[str]:
    """Sentences for reports about frames kept raw but not in the telemetry."""
    notes = []
    if left_out.get("implausible"):
        notes.append(
            f"{left_out['implausible']} frames left out as implausible (a time outside "
            "2000-2100, no fields, or an impossible position); kept raw in the flight log"
        )
    if left_out.get("quarantined"):
        notes.append(
            f"{left_out['quarantined']} items quarantined (the store could not take them as "
            "they were); kept raw in the flight log with the reason"
        )
    return notes


def _metadata(conn: sqlite3.Connection, row: sqlite3.Row) -> dict[str, Any]:
    site = None
    if row["launch_latitude"] is not None and row["launch_longitude"] is not None:
        site = {
            "latitude": row["launch_latitude"],
            "longitude": row["launch_longitude"],
            "altitude": row["launch_altitude"],
        }
    return {
        "name": row["name"],
        "callsign": row["callsign"],
        "launch_site": site,
        "balloon": row["balloon"],
        "prediction": json.loads(row["prediction_json"]) if row["prediction_json"] else None,
        "settings": json.loads(row["settings_json"]) if row["settings_json"] else {},
        "events": read_events(conn, row["id"]),
        "created_at": _utc(row["created_at"]),
        "status": row["status"],
        "frames_left_out": (left_out := _left_out(conn, row["id"])),
        "notes": _left_out_notes(left_out),
    }


def read_flight(db_path: str | Path, flight_name: str) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Telemetry and metadata of one flight.

    Parameters
    ----------
    db_path : str or Path
        Flight-log database.
    flight_name : str
        Name of the flight.

    Returns
    -------
    data : pandas.DataFrame
        One row per distinct good frame (copies heard by several receivers appear once),
        sorted by ``time``. Columns: ``time`` (payload time, or receive time when the payload
        sent none; datetime64[ns, UTC]), ``received_at`` (datetime64[ns, UTC]),
        ``payload_time`` (datetime64[ns, UTC], NaT when absent), ``frame_id``,
        ``callsign``, ``sentence_id`` (nullable Int64), the canonical fields of
        :data:`firmware_bridge.fields.FIELD_UNITS` in their SI units (latitude [deg],
        longitude [deg], altitude [m], pressure [Pa], temperature [K], relative_humidity
        [%], ...; float64, NaN when not sent), any ``extra_*`` fields, ``clock_offset``
        (payload minus receive time [s]), ``clock_suspect`` (bool, offset beyond
        :data:`flightlog.telemetry_rows.CLOCK_OFFSET_LIMIT`) and ``heard_count``.
    metadata : dict
        ``name``, ``callsign``, ``launch_site`` (``{latitude, longitude, altitude}`` or
        None), ``balloon``, ``prediction`` (the pre-launch prediction JSON dict or None),
        ``settings``, ``events`` (list of ``{kind, time, data}``), ``created_at``,
        ``status``, ``notes`` (sentences for reports about frames left out),
        ``frames_left_out`` (frames not in the telemetry, by status:
        ``implausible`` for absurd times or positions, ``quarantined`` for items the store
        could not take, ``malformed``, ``bad_checksum``; each kept raw with its reason).

    Raises
    ------
    flightlog.errors.FlightLogNotFoundError
        If the database does not exist.
    flightlog.errors.FlightLogError
        If the file is not a flight log, or damaged (a ``ValueError``).
    ValueError
        If there is no flight of that name.
    """
    with reading_connection(db_path) as conn:
        flight = _flight_row(conn, flight_name)
        metadata = _metadata(conn, flight)
        columns = ", ".join(TELEMETRY_FIELD_COLUMNS)
        rows = conn.execute(
            "SELECT frame_id, received_at, payload_time, callsign, sentence_id, "
            f"{columns}, extras_json, clock_offset, clock_suspect, heard_count "
            f"FROM telemetry WHERE flight_id = ? AND {_PLAUSIBLE_ROW} ORDER BY frame_id",
            (flight["id"], *PLAUSIBLE_TIME_WINDOW, *PLAUSIBLE_TIME_WINDOW),
        ).fetchall()
    return _telemetry_frame(rows), metadata


def _telemetry_frame(rows: list[sqlite3.Row]) -> pd.DataFrame:
    n = len(rows)

    def column(name: str) -> list[Any]:
        return [row[name] for row in rows]

    received = _to_utc_series(column("received_at"))
    payload = _to_utc_series([np.nan if v is None else v for v in column("payload_time")])
    data: dict[str, Any] = {
        "time": payload.where(payload.notna(), received),
        "received_at": received,
        "payload_time": payload,
        "frame_id": pd.Series(column("frame_id"), dtype="int64"),
        "callsign": pd.Series(column("callsign"), dtype="object"),
        "sentence_id": pd.Series(column("sentence_id"), dtype="Int64"),
    }
    for name in TELEMETRY_FIELD_COLUMNS:
        data[name] = pd.Series([np.nan if v is None else v for v in column(name)], dtype="float64")
    extras = [json.loads(text) if text else {} for text in column("extras_json")]
    for name in sorted({key for extra in extras for key in extra}):
        values = [extra.get(name) for extra in extras]
        numeric = all(
            v is None or (isinstance(v, int | float) and not isinstance(v, bool)) for v in values
        )
        if numeric:  # numbers as float64 (NaN where absent), anything else kept as objects
            data[name] = pd.Series([np.nan if v is None else v for v in values], dtype="float64")
        else:
            data[name] = pd.Series(values, dtype="object")
    data["clock_offset"] = pd.Series(
        [np.nan if v is None else v for v in column("clock_offset")], dtype="float64"
    )
    data["clock_suspect"] = pd.Series([bool(v) for v in column("clock_suspect")], dtype="bool")
    data["heard_count"] = pd.Series(column("heard_count"), dtype="int64")
    frame = pd.DataFrame(data, index=pd.RangeIndex(n))
    return frame.sort_values(["time", "frame_id"], kind="stable").reset_index(drop=True)


def read_frames(db_path: str | Path, flight_name: str) -> pd.DataFrame:
    """Every frame of a flight as received (raw bytes, status, error), in arrival order.

    Columns: ``frame_id``, ``received_at`` (datetime64[ns, UTC]), ``source``,
    ``protocol``, ``status``, ``error``, ``raw`` (bytes).
    """
    with reading_connection(db_path) as conn:
        flight = _flight_row(conn, flight_name)
        rows = conn.execute(
            "SELECT id, received_at, source, protocol, status, error, raw FROM frames "
            "WHERE flight_id = ? ORDER BY id",
            (flight["id"],),
        ).fetchall()
    return pd.DataFrame(
        {
            "frame_id": pd.Series([r["id"] for r in rows], dtype="int64"),
            "received_at": _to_utc_series([r["received_at"] for r in rows]),
            "source": pd.Series([r["source"] for r in rows], dtype="object"),
            "protocol": pd.Series([r["protocol"] for r in rows], dtype="object"),
            "status": pd.Series([r["status"] for r in rows], dtype="object"),
            "error": pd.Series([r["error"] for r in rows], dtype="object"),
            "raw": pd.Series([bytes(r["raw"]) for r in rows], dtype="object"),
        }
    )


def list_flights(db_path: str | Path) -> list[dict[str, Any]]:
    """Every flight in a database with counts and times, oldest first.

    Returns
    -------
    list of dict
        ``name``, ``callsign``, ``status``, ``created_at`` (UTC datetime), ``frames``,
        ``good_frames``, ``bad_frames`` (of them ``implausible_frames``: absurd time or
        position, and ``quarantined_frames``: items the store could not take; both kept
        raw and left out of telemetry), ``telemetry_rows``, ``first_time``, ``last_time``
        (UTC datetimes of the first/last telemetry, None when there is none),
        ``max_altitude`` [m] (None when unknown), ``events``.
    """
    with reading_connection(db_path) as conn:
        rows = conn.execute(
            """
SELECT f.id, f.name, f.callsign, f.status, f.created_at,
  (SELECT count(*) FROM frames WHERE flight_id = f.id) AS frames,
  (SELECT count(*) FROM frames WHERE flight_id = f.id AND status = 'ok') AS good_frames,
  (SELECT count(*) FROM frames WHERE flight_id = f.id AND status = 'implausible')
    AS implausible_frames,
  (SELECT count(*) FROM frames WHERE flight_id = f.id AND status = 'quarantined')
    AS quarantined_frames,
  (SELECT count(*) FROM telemetry WHERE flight_id = f.id) AS telemetry_rows,
  (SELECT min(coalesce(payload_time, received_at)) FROM telemetry WHERE flight_id = f.id)
    AS first_time,
  (SELECT max(coalesce(payload_time, received_at)) FROM telemetry WHERE flight_id = f.id)
    AS last_time,
  (SELECT max(altitude) FROM telemetry WHERE flight_id = f.id) AS max_altitude,
  (SELECT count(*) FROM events WHERE flight_id = f.id) AS events
FROM flights AS f ORDER BY f.id
"""
        ).fetchall()
    return [
        {
            "name": r["name"],
            "callsign": r["callsign"],
            "status": r["status"],
            "created_at": _utc(r["created_at"]),
            "frames": r["frames"],
            "good_frames": r["good_frames"],
            "bad_frames": r["frames"] - r["good_frames"],
            "implausible_frames": r["implausible_frames"],
            "quarantined_frames": r["quarantined_frames"],
            "telemetry_rows": r["telemetry_rows"],
            "first_time": _utc(r["first_time"]),
            "last_time": _utc(r["last_time"]),
            "max_altitude": r["max_altitude"],
            "events": r["events"],
        }
        for r in rows
    ]
