"""Open a file as a flight log only when it is one, and never change one that is not.

A flight log carries ``PRAGMA application_id`` = :data:`APPLICATION_ID` and its schema
version in ``PRAGMA user_version`` (logs of the first release have id 0 but version 1 and
the five tables; they are recognised and stamped with the id when next written). Before a
writable connection is made (which would switch the file to WAL mode and create tables),
the file is checked through a read-only connection: SQLite header, size against the page
count the header states (truncation), application id, schema version, tables and
``PRAGMA quick_check``. A foreign, damaged or unreadable file raises one of the errors of
:mod:`flightlog.errors` and is left exactly as it was.

Readers (``flights``, ``export``, ``report``) never write, not even the ``-wal``/``-shm``
files a read-only SQLite connection would otherwise create and leave behind. A log closed
cleanly has all its data in the main file (the last writer checkpoints and removes the WAL),
so without a ``-wal`` file it is opened ``immutable=1`` (which also works on read-only media
and for users with read permission only). With a ``-wal`` file (a logger is recording, or
was killed) it is opened ``mode=ro`` to see the newest commits, and ``immutable=1`` only if
that cannot work (no ``-shm`` can be made on read-only media).
"""

from __future__ import annotations

import errno
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from flightlog.errors import (
    DamagedFlightLogError,
    FlightLogError,
    FlightLogNotFoundError,
    NotAFlightLogError,
)
from flightlog.migrations import migrate
from flightlog.schema import BUSY_TIMEOUT_MS, SCHEMA_VERSION, connect

__all__ = [
    "APPLICATION_ID",
    "FLIGHT_LOG_TABLES",
    "open_for_reading",
    "open_for_writing",
    "reading_connection",
]

#: ``PRAGMA application_id`` of a Stratoflight flight log ("STLG" in ASCII).
APPLICATION_ID = 0x53544C47

#: Tables every flight log of schema version 1 has.
FLIGHT_LOG_TABLES = frozenset({"flights", "raw_chunks", "frames", "telemetry", "events"})

_HEADER = b"SQLite format 3\x00"
_FIX = "give another --db PATH (a new file name starts a new flight log)"


def _header_state(path: Path) -> bool:
    """Check the file itself; True when it holds a database, False when new or empty.

    Raises
    ------
    NotAFlightLogError, DamagedFlightLogError
        A folder, a file that is not SQLite, or an SQLite file shorter than it says.
    """
    if path.is_dir():
        raise NotAFlightLogError(
            f"{path} is a folder, not a flight-log file; give the .sqlite file with --db"
        )
    try:
        size = path.stat().st_size
        if size == 0:
            return False
        with open(path, "rb") as handle:
            head = handle.read(100)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise FlightLogError(
            f"cannot read the flight log {path}: {exc.strerror or exc}; check the file's "
            f"permissions or {_FIX}"
        ) from exc
    if not head.startswith(_HEADER[: len(head)]) or len(head) < len(_HEADER):
        preview = head[:16].decode("ascii", "backslashreplace")
        raise NotAFlightLogError(
            f"{path} is not a Stratoflight flight log: it is not an SQLite database "
            "(it starts with "
            f"{preview!r}); Stratoflight leaves it untouched; {_FIX}"
        )
    if len(head) < 100:
        raise DamagedFlightLogError(
            f"{path} is a truncated SQLite file ({size} bytes, shorter than its 100-byte "
            f"header); restore it from a copy or {_FIX}"
        )
    page_size = int.from_bytes(head[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    pages = int.from_bytes(head[28:32], "big")
    header_valid = head[24:28] == head[92:96]  # the in-header size is trusted only then
    wal = path.with_name(path.name + "-wal")
    # With a WAL, an interrupted checkpoint (a full disk) may leave the main file shorter
    # than its header says while the WAL still holds those pages: not a truncation.
    pending_wal = wal.exists() and wal.stat().st_size > 0
    short = header_valid and pages and size < pages * page_size and not pending_wal
    if page_size < 512 or short:
        raise DamagedFlightLogError(
            f"{path} is truncated: {size} bytes where its header says {pages} pages of "
            f"{page_size} bytes ({pages * page_size} bytes); restore it from a copy or {_FIX}"
        )
    return True


def _check_ours(conn: sqlite3.Connection, path: Path, *, quick_check: bool) -> bool:
    """Check a database is a flight log; True when it is, False when it is a blank database.

    Raises
    ------
    NotAFlightLogError, DamagedFlightLogError, FlightLogError
    """
    try:
        app_id = int(conn.execute("PRAGMA application_id").fetchone()[0])
        version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        tables = {
            row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")
        }
    except sqlite3.OperationalError:
        raise  # cannot be read this way (locked, no -shm possible): the caller decides
    except sqlite3.DatabaseError as exc:
        raise DamagedFlightLogError(
            f"{path} is a damaged SQLite file ({exc}); restore it from a copy or {_FIX}"
        ) from exc
    if app_id == 0 and version == 0 and not tables:
        return False  # a blank database: nothing in it to harm
    legacy = app_id == 0 and version >= 1 and FLIGHT_LOG_TABLES <= tables  # first release
    ours = app_id == APPLICATION_ID or legacy
    if not ours:
        listed = ", ".join(sorted(tables)[:6]) or "none"
        raise NotAFlightLogError(
            f"{path} is another program's SQLite database, not a Stratoflight flight log "
            "(application id "
            f"{app_id:#x}, tables: {listed}); Stratoflight leaves it untouched; {_FIX}"
        )
    if version > SCHEMA_VERSION:
        raise FlightLogError(
            f"{path} has flight-log schema version {version}, newer than the {SCHEMA_VERSION} "
            "this Stratoflight understands; upgrade Stratoflight to read or extend it"
        )
    missing = FLIGHT_LOG_TABLES - tables
    if missing:
        raise DamagedFlightLogError(
            f"{path} is an incomplete flight log: the table(s) {', '.join(sorted(missing))} "
            f"are missing; restore it from a copy or {_FIX}"
        )
    if quick_check:
        try:
            problems = [row[0] for row in conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            problems = [str(exc)]
        if problems != ["ok"]:
            raise DamagedFlightLogError(
                f"{path} is a damaged flight log (SQLite quick_check: {'; '.join(problems)}); "
                "nothing was written to it. Copy what is readable with 'strato export', then "
                f"{_FIX}"
            )
    return True


def _read_only_connection(path: Path, *, immutable: bool) -> sqlite3.Connection:
    query = "mode=ro&immutable=1" if immutable else "mode=ro"
    conn = sqlite3.connect(
        f"{path.resolve().as_uri()}?{query}",
        uri=True,
        isolation_level=None,
        check_same_thread=False,
    )
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    return conn


def open_for_reading(path: str | Path) -> sqlite3.Connection:
    """Open a flight log read-only (``mode=ro``, or ``immutable=1`` on read-only media).

    Nothing is ever written: no journal mode change, no ``-wal``/``-shm`` file made by us.

    Raises
    ------
    FlightLogNotFoundError
        The file does not exist.
    NotAFlightLogError, DamagedFlightLogError, FlightLogError
        Not a flight log, damaged, or not readable.
    """
    path = Path(path)
    if not path.exists() and not path.is_dir():
        raise FlightLogNotFoundError(
            f"flight log {path} does not exist; record a flight first with "
            "'strato log SOURCE --db PATH' or give the right --db"
        )
    if not _header_state(path):
        raise NotAFlightLogError(
            f"{path} is an empty file, not a Stratoflight flight log (no flight was ever "
            f"recorded into it); record one with 'strato log SOURCE --db {path}' or give the "
            "right --db"
        )
    last: sqlite3.Error | None = None
    live = path.with_name(path.name + "-wal").exists()
    for immutable in (False, True) if live else (True,):
        conn = None
        try:
            conn = _read_only_connection(path, immutable=immutable)
            if _check_ours(conn, path, quick_check=False):
                conn.row_factory = sqlite3.Row
                return conn
            conn.close()
            raise NotAFlightLogError(
                f"{path} is an empty SQLite database, not a Stratoflight flight log; {_FIX}"
            )
        except sqlite3.OperationalError as exc:  # e.g. no -shm can be made on read-only media
            last = exc
            if conn is not None:
                conn.close()
        except BaseException:
            if conn is not None:
                conn.close()
            raise
    raise FlightLogError(
        f"cannot read the flight log {path} ({last}); check that the file and its folder "
        "are readable"
    )


@contextmanager
def reading_connection(path: str | Path) -> Iterator[sqlite3.Connection]:
    """Yield a read-only flight-log connection; SQLite errors while reading become clear errors."""
    conn = open_for_reading(path)
    try:
        yield conn
    except sqlite3.DatabaseError as exc:
        raise DamagedFlightLogError(
            f"{path} could not be read to the end ({exc}); it is damaged or truncated. "
            f"Restore it from a copy or {_FIX}"
        ) from exc
    finally:
        conn.close()


def _folder_problem(path: Path, exc: OSError) -> FlightLogError:
    if exc.errno == errno.EROFS:
        why = "that disk is mounted read-only"
    elif exc.errno in (errno.EACCES, errno.EPERM):
        why = "you may not write there"
    elif exc.errno == errno.ENOSPC:
        why = "that disk is full"
    else:
        why = exc.strerror or str(exc)
    return FlightLogError(
        f"cannot create the folder {path.parent} for the flight log {path.name}: {why}; "
        "give --db a path on a writable disk"
    )


def open_for_writing(path: str | Path) -> sqlite3.Connection:
    """Open (or create) a flight log for recording, after checking that it is one.

    A new or empty file is created as a flight log; an existing one must pass the checks of
    the module notes *before* anything is written to it. Then it is switched to WAL, migrated
    to :data:`~flightlog.schema.SCHEMA_VERSION` and stamped with :data:`APPLICATION_ID`.

    Raises
    ------
    NotAFlightLogError, DamagedFlightLogError, FlightLogError
        A file that is not ours, is damaged, or a folder that cannot be made.
    sqlite3.OperationalError
        When the file cannot be written (read-only, disk full); the store explains it.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _folder_problem(path, exc) from exc
    if _header_state(path):
        probe = None
        try:
            probe = _read_only_connection(path, immutable=False)
            _check_ours(probe, path, quick_check=True)
        except sqlite3.OperationalError:
            # Cannot even be read this way (e.g. a -shm cannot be made): try immutably, so
            # a foreign or damaged file is still recognised before anything is written.
            if probe is not None:
                probe.close()
            probe = _read_only_connection(path, immutable=True)
            _check_ours(probe, path, quick_check=True)
        finally:
            if probe is not None:
                probe.close()
    conn = connect(path)
    try:
        migrate(conn)
        if int(conn.execute("PRAGMA application_id").fetchone()[0]) != APPLICATION_ID:
            conn.execute("BEGIN IMMEDIATE")
            conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
            conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        conn.close()
        raise
    return conn
