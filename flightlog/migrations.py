"""Schema migrations of the flight log, keyed by ``PRAGMA user_version``.

Each migration takes the database from version ``n - 1`` to ``n`` inside one transaction,
so a crash during an upgrade leaves the previous version intact. To change the schema, append
a new function to :data:`MIGRATIONS` (never edit a released one) and bump
:data:`flightlog.schema.SCHEMA_VERSION`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from flightlog.schema import SCHEMA_VERSION, TELEMETRY_FIELD_COLUMNS

__all__ = ["MIGRATIONS", "migrate", "schema_version"]


def _v1_initial(conn: sqlite3.Connection) -> None:
    """Create the first schema: flights, raw_chunks, frames, telemetry, events."""
    field_columns = ",\n    ".join(f"{name} REAL" for name in TELEMETRY_FIELD_COLUMNS)
    script = f"""
CREATE TABLE flights (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    callsign TEXT,
    launch_latitude REAL,
    launch_longitude REAL,
    launch_altitude REAL,
    balloon TEXT,
    prediction_json TEXT,
    settings_json TEXT,
    created_at REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'recording'
);
CREATE TABLE raw_chunks (
    id INTEGER PRIMARY KEY,
    flight_id INTEGER NOT NULL REFERENCES flights(id),
    received_at REAL NOT NULL,
    source TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE INDEX raw_chunks_flight ON raw_chunks(flight_id, id);
CREATE TABLE frames (
    id INTEGER PRIMARY KEY,
    flight_id INTEGER NOT NULL REFERENCES flights(id),
    chunk_id INTEGER REFERENCES raw_chunks(id),
    raw BLOB NOT NULL,
    received_at REAL NOT NULL,
    source TEXT NOT NULL,
    protocol TEXT NOT NULL,
    status TEXT NOT NULL,
    error TEXT
);
CREATE INDEX frames_flight ON frames(flight_id, id);
CREATE TABLE telemetry (
    frame_id INTEGER PRIMARY KEY REFERENCES frames(id),
    flight_id INTEGER NOT NULL REFERENCES flights(id),
    dedup_key TEXT,
    heard_count INTEGER NOT NULL DEFAULT 1,
    received_at REAL NOT NULL,
    payload_time REAL,
    clock_offset REAL,
    clock_suspect INTEGER NOT NULL DEFAULT 0,
    callsign TEXT,
    sentence_id INTEGER,
    {field_columns},
    extras_json TEXT
);
CREATE UNIQUE INDEX telemetry_dedup ON telemetry(flight_id, dedup_key);
CREATE INDEX telemetry_flight_time ON telemetry(flight_id, payload_time);
CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    flight_id INTEGER NOT NULL REFERENCES flights(id),
    kind TEXT NOT NULL,
    time REAL NOT NULL,
    data_json TEXT
);
CREATE INDEX events_flight ON events(flight_id, time);
"""
    # One statement at a time: executescript() would COMMIT the migration's transaction.
    for statement in script.split(";"):
        if statement.strip():
            conn.execute(statement)


#: Migration ``i`` takes the schema from version ``i`` to ``i + 1``.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_v1_initial,)


def schema_version(conn: sqlite3.Connection) -> int:
    """Return the schema version stored in the database (0 for a new, empty file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the database to :data:`~flightlog.schema.SCHEMA_VERSION`.

    Parameters
    ----------
    conn : sqlite3.Connection
        A writable connection in autocommit mode (see :func:`flightlog.schema.connect`).

    Returns
    -------
    int
        The schema version after migrating.

    Raises
    ------
    ValueError
        If the database was written by a newer Stratoflight (its version is unknown here).
    """
    if len(MIGRATIONS) != SCHEMA_VERSION:
        raise RuntimeError("MIGRATIONS and SCHEMA_VERSION disagree")  # programming error
    version = schema_version(conn)
    if version > SCHEMA_VERSION:
        raise ValueError(
            f"this flight log has schema version {version}, newer than the {SCHEMA_VERSION} "
            "this Stratoflight understands; upgrade Stratoflight to read or extend it"
        )
    while version < SCHEMA_VERSION:
        conn.execute("BEGIN IMMEDIATE")
        try:
            # Re-read under the write lock: another process may have migrated meanwhile.
            version = schema_version(conn)
            if version < SCHEMA_VERSION:
                MIGRATIONS[version](conn)
                version += 1
                conn.execute(f"PRAGMA user_version = {version}")
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    return version
