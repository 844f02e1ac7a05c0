"""The flight-log database: its tables, its connection settings and its durability choice.

Durability
----------
The log runs SQLite in WAL mode with ``PRAGMA synchronous = FULL``. In WAL mode FULL makes
SQLite fsync the write-ahead log at every commit, so a commit that has returned survives a
killed process, an OS crash and a power cut (as far as the drive honours flushes). NORMAL
would only protect against process crashes: the newest commits may roll back after a power
loss, because the WAL is synced only at checkpoints. A flight laptop may lose power (flat
battery, pulled plug, sleep gone wrong), and a telemetry link delivers at most a few hundred
frames per second, so the cost of FULL (one fsync per commit, about 0.2 ms on an SSD and a
few ms on an SD card; see ``../shared/notes/telemetry-formats.md`` §9) is affordable,
especially since the recorder commits in small batches.

Tables (schema version 1)
-------------------------
``flights``
    one row per flight: unique name, payload callsign, launch site, balloon, the
    pre-launch prediction as JSON, creation time, status.
``raw_chunks``
    every read from the link, exactly as it arrived, stored before anything decoded from it.
``frames``
    every delimited frame: raw bytes, receive time, source, protocol, decode status and
    error (bad frames are kept with the reason).
``telemetry``
    decoded fields of good frames in SI units, one row per distinct frame (frames heard by
    several receivers share one row; ``heard_count`` counts them), linked to its first frame.
``events``
    launch, burst, float, landing, link lost/restored, clock warnings, in-flight predictions.

All times in the database are float seconds since the Unix epoch (UTC).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

__all__ = [
    "BUSY_TIMEOUT_MS",
    "JOURNAL_MODE",
    "SCHEMA_VERSION",
    "SYNCHRONOUS",
    "TELEMETRY_FIELD_COLUMNS",
    "connect",
]

#: Journal mode of every flight log.
JOURNAL_MODE = "wal"
#: Synchronous level: FULL, so a returned commit survives power loss (see module notes).
SYNCHRONOUS = "FULL"
#: How long a writer waits for another connection's lock [ms].
BUSY_TIMEOUT_MS = 5000

#: Canonical telemetry fields stored in their own REAL columns of ``telemetry`` (schema
#: version 1). Other decoded fields (extras, fields added to the canonical list later) are
#: kept in the ``extras_json`` column.
TELEMETRY_FIELD_COLUMNS: tuple[str, ...] = (
    "latitude",
    "longitude",
    "altitude",
    "satellites",
    "ground_speed",
    "heading",
    "vertical_velocity",
    "pressure",
    "temperature",
    "relative_humidity",
    "internal_temperature",
    "battery_voltage",
    "radiation_counts",
    "snr",
    "frequency",
    "gps_fix",
)

#: The latest schema version this code writes (stored in ``PRAGMA user_version``).
SCHEMA_VERSION = 1


def connect(path: str | Path) -> sqlite3.Connection:
    """Open a flight-log database for writing with the durability settings.

    Use :func:`flightlog.opening.open_for_writing` (checks the file is a flight log first)
    or :func:`flightlog.opening.open_for_reading` (never writes) rather than this.

    Parameters
    ----------
    path : str or Path
        Database file.

    Returns
    -------
    sqlite3.Connection
        In autocommit mode (``isolation_level=None``): callers open transactions with
        ``BEGIN IMMEDIATE`` explicitly, so a commit happens exactly where the code says.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    conn.execute("PRAGMA foreign_keys = ON")
    mode = conn.execute(f"PRAGMA journal_mode = {JOURNAL_MODE}").fetchone()[0]
    if str(mode).lower() != JOURNAL_MODE:
        conn.close()
        raise OSError(
            f"could not switch {path} to WAL journal mode (got {mode!r}); the flight "
            "log needs a local file system that supports shared memory (not a network "
            "share)"
        )
    conn.execute(f"PRAGMA synchronous = {SYNCHRONOUS}")
    return conn
