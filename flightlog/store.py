"""The durable flight store: SQLite writes for one flight, committed in batches.

:meth:`FlightStore.record` writes a batch of link items (raw chunks, frames, link events,
flight events) in one ``BEGIN IMMEDIATE ... COMMIT`` transaction and returns only after the
COMMIT has returned, so whatever it reports is on disk (WAL, ``synchronous=FULL``; see
:mod:`flightlog.schema`). If the write fails (disk full, read-only file system, I/O error)
the transaction rolls back, nothing committed earlier is touched, and
:class:`StoreWriteError` says why; the caller keeps the items and tries again later.

One item never costs the others: when a batch fails for a reason that is not storage (an
item SQLite cannot bind, such as a callsign holding a lone UTF-16 surrogate), the batch is
written again with each item in its own savepoint, and an item that still fails is kept
raw with status ``quarantined`` and the reason. Decoded frames that cannot be telemetry
(see :func:`flightlog.telemetry_rows.implausible_reason`) are kept raw as ``implausible``.
The file is opened through :func:`flightlog.opening.open_for_writing`, which refuses a
database that is not a flight log before anything is written to it.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from firmware_bridge.frame import STATUS_MALFORMED, Frame, LinkEvent, RawChunk
from flightlog.errors import DamagedFlightLogError
from flightlog.events import FlightEvent
from flightlog.logger_presence import LoggerPresence
from flightlog.opening import open_for_writing
from flightlog.schema import TELEMETRY_FIELD_COLUMNS
from flightlog.telemetry_rows import (
    CLOCK_OFFSET_LIMIT,
    TelemetryRow,
    implausible_reason,
    telemetry_row,
    without_implausible_values,
)

__all__ = [
    "FLIGHT_STATUSES",
    "STATUS_IMPLAUSIBLE",
    "STATUS_QUARANTINED",
    "FlightStore",
    "RecordResult",
    "StoreWriteError",
    "StoreItem",
]

#: Flight statuses: ``recording`` (a recorder has it open, or was killed while it had),
#: ``stopped`` (recorder ended cleanly), ``landed`` (landing detected).
FLIGHT_STATUSES = ("recording", "stopped", "landed")

StoreItem = RawChunk | Frame | LinkEvent | FlightEvent

#: Frame status of an item the store could not take as it was (e.g. a callsign holding a
#: lone UTF-16 surrogate): its raw bytes are kept with the reason, the rest of the batch
#: commits.
STATUS_QUARANTINED = "quarantined"
#: Frame status of a decoded frame that cannot be telemetry (absurd date, no fields, an
#: impossible position); kept raw with the reason, left out of telemetry and exports.
STATUS_IMPLAUSIBLE = "implausible"


def _is_storage_failure(exc: BaseException) -> bool:
    """Return True for SQLite errors about the file or disk, False for errors about one item."""
    return isinstance(exc, sqlite3.OperationalError) or type(exc) is sqlite3.DatabaseError


def _safe_text(text: str) -> str:
    """Text SQLite can store (lone surrogates and other unencodable code points escaped)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _read_only_file_system(path: Path) -> bool:
    try:
        return bool(os.statvfs(path.parent).f_flag & os.ST_RDONLY)
    except OSError:
        return False


class StoreWriteError(OSError):
    """The store could not commit a batch; nothing of it was written, earlier data is safe.

    Attributes
    ----------
    reason : str
        ``"full"``, ``"read_only"``, ``"locked"`` or ``"io"``.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message)
        self.reason = reason

    @classmethod
    def from_sqlite(cls, exc: sqlite3.Error, path: Path) -> StoreWriteError:
        """Explain an SQLite error in terms of what the crew can do about it."""
        name = getattr(exc, "sqlite_errorname", "") or ""
        text = str(exc)
        if _read_only_file_system(path):
            return cls(
                f"cannot write the flight log {path}: the file system holding it is mounted "
                f"read-only ({errno.errorcode[errno.EROFS]}; SQLite said: {text}). Everything "
                "committed so far is safe; remount that disk read-write and recording resumes "
                "by itself.",
                "read_only",
            )
        if name.startswith("SQLITE_FULL") or "full" in text:
            return cls(
                f"cannot write the flight log {path}: the disk (or the database size limit) "
                f"is full ({text}). Everything committed so far is safe; free some space on "
                "that disk and recording resumes by itself.",
                "full",
            )
        if name.startswith("SQLITE_READONLY") or "readonly" in text or "read-only" in text:
            return cls(
                f"cannot write the flight log {path}: it is read-only ({text}). Everything "
                "committed so far is safe; make the file and its folder writable (or remount "
                "the disk read-write) and recording resumes by itself.",
                "read_only",
            )
        if name.startswith("SQLITE_BUSY") or "locked" in text:
            return cls(
                f"cannot write the flight log {path}: another program holds its lock "
                f"({text}); close other programs writing to it.",
                "locked",
            )
        if type(exc) is sqlite3.DatabaseError:
            return cls(
                f"cannot write the flight log {path}: the file is damaged ({text}). "
                "Everything committed so far is as safe as the file; stop and copy it.",
                "damaged",
            )
        return cls(f"cannot write the flight log {path}: {text}", "io")


@dataclass
class RecordResult:
    """What one committed batch contained.

    Attributes
    ----------
    chunks, frames, good_frames, bad_frames, events : int
        Counts written in the batch.
    quarantined : int
        Items the store could not take as they were, kept raw with the reason (counted
        in ``bad_frames`` when they are frames).
    implausible : int
        Decoded frames left out of telemetry (absurd time, no fields, impossible position),
        kept raw with the reason (counted in ``bad_frames``).
    reasons : list of str
        Why items were quarantined or left out (one per item).
    new_telemetry : int
        Good frames that made a new telemetry row.
    duplicates : int
        Good frames already in telemetry (heard by another receiver): kept in ``frames``.
    sentence_ids : list of int
        Sentence ids of the good frames committed (duplicates included), in order.
    telemetry : list of TelemetryRow
        The new telemetry rows, for live displays.
    events_written : list of FlightEvent
        Events written, including the clock warnings the store itself raised.
    """

    chunks: int = 0
    frames: int = 0
    good_frames: int = 0
    bad_frames: int = 0
    events: int = 0
    quarantined: int = 0
    implausible: int = 0
    reasons: list[str] = field(default_factory=list)
    new_telemetry: int = 0
    duplicates: int = 0
    sentence_ids: list[int] = field(default_factory=list)
    telemetry: list[TelemetryRow] = field(default_factory=list)
    events_written: list[FlightEvent] = field(default_factory=list)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, default=str)


_TELEMETRY_INSERT = (
    "INSERT INTO telemetry (frame_id, flight_id, dedup_key, received_at, payload_time, "
    "clock_offset, clock_suspect, callsign, sentence_id, "
    + ", ".join(TELEMETRY_FIELD_COLUMNS)
    + ", extras_json) VALUES ("
    + ", ".join("?" * (10 + len(TELEMETRY_FIELD_COLUMNS)))
    + ") ON CONFLICT(flight_id, dedup_key) DO UPDATE SET heard_count = heard_count + 1 "
    "RETURNING frame_id"
)


class FlightStore:
    """One flight in a flight-log database, opened for recording.

    Opening a flight name that already exists resumes it (new frames are added to it; the
    metadata given here replaces the stored value only where it is not None).

    Parameters
    ----------
    db_path : str or Path
        Database file (created with its folder if missing).
    flight_name : str
        Unique flight name.
    callsign : str, optional
        Payload callsign.
    launch_site : dict, optional
        ``{"latitude": deg, "longitude": deg, "altitude": m}``.
    balloon : str, optional
        Balloon description (e.g. ``"Totex TA-1200"``).
    prediction : dict, optional
        The pre-launch prediction (the JSON written by ``strato predict --out``).
    settings : dict, optional
        Recording settings worth keeping (planned burst altitude, protocol, ...).

    Raises
    ------
    StoreWriteError
        If the database cannot be created or written (read-only, disk full).
    flightlog.errors.FlightLogError
        (a ``ValueError``) If the file is not a flight log (another program's database, a
        text file, a folder), is damaged or truncated, or was written by a newer
        Stratoflight; nothing was written to it.
    """

    def __init__(
        self,
        db_path: str | Path,
        flight_name: str,
        *,
        callsign: str | None = None,
        launch_site: dict[str, float] | None = None,
        balloon: str | None = None,
        prediction: dict[str, Any] | None = None,
        settings: dict[str, Any] | None = None,
    ) -> None:
        if not flight_name or not flight_name.strip():
            raise ValueError("the flight name is empty; give one with --flight NAME")
        self.path = Path(db_path)
        self.flight_name = flight_name
        try:
            self._conn = open_for_writing(self.path)
        except sqlite3.OperationalError as exc:
            raise StoreWriteError.from_sqlite(exc, self.path) from exc
        except sqlite3.DatabaseError as exc:
            raise DamagedFlightLogError(
                f"{self.path} is damaged ({exc}); nothing was written to it. Give another --db PATH"
            ) from exc
        try:
            self.flight_id, self.resumed = self._open_flight(
                callsign, launch_site, balloon, prediction, settings
            )
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            if isinstance(exc, sqlite3.OperationalError):
                raise StoreWriteError.from_sqlite(exc, self.path) from exc
            raise DamagedFlightLogError(f"{self.path} is a damaged flight log: {exc}") from exc
        except BaseException:
            self._conn.close()
            raise
        self._presence = LoggerPresence(self.path, self.flight_id)
        self._chunk_ids: dict[str, int] = {}
        self._clock_suspect = self._last_clock_state()
        (stored_callsign,) = self._conn.execute(
            "SELECT callsign FROM flights WHERE id = ?", (self.flight_id,)
        ).fetchone()
        self._callsign_known = stored_callsign is not None

    @property
    def connection(self) -> sqlite3.Connection:
        """The underlying connection (for tests and maintenance; do not write through it)."""
        return self._conn

    def _open_flight(
        self,
        callsign: str | None,
        launch_site: dict[str, float] | None,
        balloon: str | None,
        prediction: dict[str, Any] | None,
        settings: dict[str, Any] | None,
    ) -> tuple[int, bool]:
        site = launch_site or {}
        values = {
            "callsign": callsign,
            "launch_latitude": site.get("latitude"),
            "launch_longitude": site.get("longitude"),
            "launch_altitude": site.get("altitude"),
            "balloon": balloon,
            "prediction_json": _json(prediction),
            "settings_json": _json(settings),
        }
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT id FROM flights WHERE name = ?", (self.flight_name,)
            ).fetchone()
            if row is None:
                cursor = conn.execute(
                    "INSERT INTO flights (name, created_at, status, "
                    + ", ".join(values)
                    + ") VALUES (?, ?, 'recording', "
                    + ", ".join("?" * len(values))
                    + ")",
                    (self.flight_name, datetime.now(UTC).timestamp(), *values.values()),
                )
                flight_id, resumed = int(cursor.lastrowid), False
            else:
                flight_id, resumed = int(row[0]), True
                given = {key: value for key, value in values.items() if value is not None}
                assignments = ", ".join([f"{key} = ?" for key in given] + ["status = 'recording'"])
                conn.execute(
                    f"UPDATE flights SET {assignments} WHERE id = ?", (*given.values(), flight_id)
                )
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        return flight_id, resumed

    def _last_clock_state(self) -> bool:
        row = self._conn.execute(
            "SELECT clock_suspect FROM telemetry WHERE flight_id = ? "
            "ORDER BY frame_id DESC LIMIT 1",
            (self.flight_id,),
        ).fetchone()
        return bool(row[0]) if row else False

    def record(self, items: Iterable[StoreItem]) -> RecordResult:
        """Write a batch in one transaction; return after it has committed.

        Parameters
        ----------
        items : iterable of RawChunk, Frame, LinkEvent or FlightEvent
            In arrival order (each chunk before the frames decoded from it).

        Returns
        -------
        RecordResult
            Counts and the new telemetry rows, all committed.

        Raises
        ------
        StoreWriteError
            If the batch could not be committed; it was rolled back as a whole and may be
            passed again later.
        """
        batch = list(items)
        try:
            return self._write(batch, isolate=False)
        except StoreWriteError:
            raise
        except Exception:  # noqa: BLE001 - one item the store cannot take: isolate it
            return self._write(batch, isolate=True)

    def _write(self, batch: list[Any], *, isolate: bool) -> RecordResult:
        """Write a batch in one transaction; with ``isolate`` each item in a savepoint."""
        result = RecordResult()
        chunk_ids = dict(self._chunk_ids)
        state = {"clock_suspect": self._clock_suspect}
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            for item in batch:
                if not isolate:
                    self._insert_item(item, chunk_ids, state, result)
                    continue
                part = RecordResult()
                before = (dict(chunk_ids), dict(state))
                conn.execute("SAVEPOINT item")
                try:
                    self._insert_item(item, chunk_ids, state, part)
                except Exception as exc:  # noqa: BLE001 - sorted below
                    if _is_storage_failure(exc):
                        raise
                    conn.execute("ROLLBACK TO item")
                    chunk_ids.clear()
                    chunk_ids.update(before[0])
                    state.update(before[1])
                    part = RecordResult()
                    self._quarantine(item, exc, chunk_ids, part)
                conn.execute("RELEASE item")
                _merge(result, part)
            callsign = next((row.callsign for row in result.telemetry if row.callsign), None)
            if not self._callsign_known and callsign:
                # No --callsign given: the flight takes the first one the payload sent.
                conn.execute(
                    "UPDATE flights SET callsign = ? WHERE id = ? AND callsign IS NULL",
                    (callsign, self.flight_id),
                )
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            if not _is_storage_failure(exc):
                raise
            raise StoreWriteError.from_sqlite(exc, self.path) from exc
        except BaseException:
            self._rollback()
            raise
        if callsign:
            self._callsign_known = True
        self._chunk_ids = chunk_ids
        self._clock_suspect = state["clock_suspect"]
        return result

    def _insert_item(
        self, item: Any, chunk_ids: dict[str, int], state: dict[str, bool], result: RecordResult
    ) -> None:
        if isinstance(item, RawChunk):
            chunk_ids[item.source] = self._insert_chunk(item)
            result.chunks += 1
        elif isinstance(item, Frame):
            state["clock_suspect"] = self._insert_frame(
                item, chunk_ids.get(item.source), state["clock_suspect"], result
            )
        elif isinstance(item, LinkEvent):
            self._insert_event(
                FlightEvent(item.kind, item.at, {"source": item.source, "detail": item.detail}),
                result,
            )
        elif isinstance(item, FlightEvent):
            self._insert_event(item, result)
        else:
            raise TypeError(f"cannot record {type(item).__name__}: {item!r}")

    def _quarantine(
        self, item: Any, exc: Exception, chunk_ids: dict[str, int], result: RecordResult
    ) -> None:
        """Keep an item the store could not take: its bytes and the reason, all text escaped."""
        reason = _safe_text(f"the store could not take this item ({type(exc).__name__}: {exc})")
        received = getattr(item, "received_at", None) or getattr(item, "at", None)
        try:
            when = received.timestamp()
        except (AttributeError, OverflowError, OSError, ValueError):
            when = datetime.now(UTC).timestamp()
        source = _safe_text(str(getattr(item, "source", "") or "internal"))
        if isinstance(item, RawChunk):
            cursor = self._conn.execute(
                "INSERT INTO raw_chunks (flight_id, received_at, source, data) VALUES (?, ?, ?, ?)",
                (self.flight_id, when, source, bytes(item.data)),
            )
            chunk_ids[item.source] = int(cursor.lastrowid)
            result.chunks += 1
        else:
            if isinstance(item, Frame):
                raw, protocol = bytes(item.raw), _safe_text(str(item.protocol))
                chunk_id = chunk_ids.get(item.source)
            else:  # an event or an object of unknown type: its text form is kept
                raw, protocol, chunk_id = _safe_text(repr(item)).encode(), "internal", None
            self._conn.execute(
                "INSERT INTO frames (flight_id, chunk_id, raw, received_at, source, protocol, "
                "status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (self.flight_id, chunk_id, raw, when, source, protocol, STATUS_QUARANTINED, reason),
            )
            result.frames += 1
            result.bad_frames += 1
        result.quarantined += 1
        result.reasons.append(reason)

    def _rollback(self) -> None:
        if self._conn.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite already rolled back (it does so itself on SQLITE_FULL)

    def _insert_chunk(self, chunk: RawChunk) -> int:
        cursor = self._conn.execute(
            "INSERT INTO raw_chunks (flight_id, received_at, source, data) VALUES (?, ?, ?, ?)",
            (self.flight_id, chunk.received_at.timestamp(), chunk.source, bytes(chunk.data)),
        )
        return int(cursor.lastrowid)

    def _insert_frame(
        self, frame: Frame, chunk_id: int | None, clock_suspect: bool, result: RecordResult
    ) -> bool:
        row: TelemetryRow | None = None
        status, error = frame.status, frame.error
        if frame.ok:
            try:
                row = telemetry_row(frame)
            except ValueError as exc:  # the raw bytes are kept; say why no telemetry row
                status, error = STATUS_MALFORMED, f"flightlog could not store fields: {exc}"
            else:
                reason = implausible_reason(row)
                if reason is not None:
                    row, status, error = None, STATUS_IMPLAUSIBLE, reason
                    result.implausible += 1
                    result.reasons.append(reason)
                else:
                    row, error = without_implausible_values(row)
        cursor = self._conn.execute(
            "INSERT INTO frames (flight_id, chunk_id, raw, received_at, source, protocol, "
            "status, error) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                self.flight_id,
                chunk_id,
                bytes(frame.raw),
                frame.received_at.timestamp(),
                frame.source,
                frame.protocol,
                status,
                error,
            ),
        )
        result.frames += 1
        if row is None:
            result.bad_frames += 1
            return clock_suspect
        frame_id = int(cursor.lastrowid)
        result.good_frames += 1
        if row.sentence_id is not None:
            result.sentence_ids.append(row.sentence_id)
        (stored_id,) = self._conn.execute(
            _TELEMETRY_INSERT,
            (
                frame_id,
                self.flight_id,
                row.dedup_key,
                row.received_at,
                row.payload_time,
                row.clock_offset,
                int(row.clock_suspect),
                row.callsign,
                row.sentence_id,
                *(row.values[name] for name in TELEMETRY_FIELD_COLUMNS),
                row.extras_json(),
            ),
        ).fetchone()
        if stored_id != frame_id:
            result.duplicates += 1
            return clock_suspect
        result.new_telemetry += 1
        result.telemetry.append(row)
        if row.clock_offset is not None and row.clock_suspect != clock_suspect:
            kind = "clock_offset" if row.clock_suspect else "clock_ok"
            self._insert_event(
                FlightEvent(
                    kind,
                    frame.received_at,
                    {
                        "offset_s": round(row.clock_offset, 3),
                        "limit_s": CLOCK_OFFSET_LIMIT,
                        "sentence_id": row.sentence_id,
                        "frame_id": frame_id,
                    },
                ),
                result,
            )
            return row.clock_suspect
        return clock_suspect

    def _insert_event(self, event: FlightEvent, result: RecordResult) -> None:
        self._conn.execute(
            "INSERT INTO events (flight_id, kind, time, data_json) VALUES (?, ?, ?, ?)",
            (self.flight_id, event.kind, event.time.timestamp(), _json(event.data or None)),
        )
        result.events += 1
        result.events_written.append(event)

    def set_status(self, status: str) -> bool:
        """Set the flight's status (one of :data:`FLIGHT_STATUSES`) in its own commit.

        Returns
        -------
        bool
            False when ``stopped`` was not written because another logger still records
            this flight (it stays ``recording``; the last logger to stop marks it).
        """
        if status not in FLIGHT_STATUSES:
            raise ValueError(f"unknown flight status {status!r}; use one of {FLIGHT_STATUSES}")
        if status == "stopped" and not self._presence.alone():
            return False
        try:
            self._conn.execute("BEGIN IMMEDIATE")
            self._conn.execute(
                "UPDATE flights SET status = ? WHERE id = ?", (status, self.flight_id)
            )
            self._conn.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise StoreWriteError.from_sqlite(exc, self.path) from exc
        return True

    def close(self) -> None:
        """Close the database connection and leave the flight's logger presence."""
        self._conn.close()
        self._presence.close()

    def __enter__(self) -> FlightStore:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def _merge(total: RecordResult, part: RecordResult) -> None:
    """Add the counts and lists of one item's result to the batch's."""
    for name in (
        "chunks",
        "frames",
        "good_frames",
        "bad_frames",
        "events",
        "quarantined",
        "implausible",
        "new_telemetry",
        "duplicates",
    ):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for name in ("reasons", "sentence_ids", "telemetry", "events_written"):
        getattr(total, name).extend(getattr(part, name))
