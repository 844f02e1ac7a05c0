"""A bounded in-memory queue for items the store could not write yet, with a spill file.

While the flight log cannot be written (disk full, read-only), the recorder keeps what
arrives here and retries. When the bound is reached the **oldest** items leave memory: they
are first appended to spill files (fsynced) so the bytes survive, and only if that fails too
they are dropped and counted; the recorder warns loudly either way. Newest data stay in
memory because they matter most to a chase crew.

The spill file holds the bridge's raw-capture lines (JSON, raw bytes as hex, receive time),
so once the disk is fixed it replays into the same flight with
``strato log "file://SPILL?speed=max" --flight NAME``: raw chunks as they arrived, plus the
raw bytes of frames that came without a chunk. Events (link events, phase events) go to a
side file ``<spill>.events.jsonl``.

The spill must land where there is room: by default it goes beside the database, unless
that disk has less than :data:`SPILL_MIN_FREE` free, then to the temporary folder; and if
writing it fails (the same full or read-only disk), the buffer moves it to the temporary
folder and tells where (``spill_path`` always names the file in use, ``spill_paths`` every
file written). It never writes into ``avoid`` (the spill file being replayed): the name
gets a ``.again`` suffix instead.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Iterable
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import Any

from firmware_bridge.frame import Frame, LinkEvent, RawChunk
from firmware_bridge.transports import CAPTURE_FORMAT
from flightlog.events import FlightEvent

__all__ = [
    "SPILL_MIN_FREE",
    "PendingBuffer",
    "capture_line",
    "default_spill_path",
    "event_line",
    "read_spilled_events",
    "spilled_events_path",
]

#: Free space a disk needs to be chosen for the default spill file [bytes].
SPILL_MIN_FREE = 64 * 1024 * 1024


def _has_room(folder: Path) -> bool:
    try:
        return shutil.disk_usage(folder).free >= SPILL_MIN_FREE and os.access(folder, os.W_OK)
    except OSError:
        return False


def default_spill_path(db_path: Path, flight_name: str) -> Path:
    """Return where items go that cannot be written: ``<db>.<flight>.unsaved.jsonl``.

    Beside the database when its disk has room, else in the temporary folder.
    """
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in flight_name)
    name = f"{db_path.name}.{safe}.unsaved.jsonl"
    folder = db_path.parent if _has_room(db_path.parent) else Path(tempfile.gettempdir())
    return folder / name


def capture_line(data: bytes, received_at: Any, source: str) -> dict[str, Any]:
    """Return a raw-capture record (the format :mod:`firmware_bridge.transports` replays)."""
    return {
        "format": CAPTURE_FORMAT,
        "received_at": received_at.isoformat(),
        "source": source,
        "data_hex": bytes(data).hex(),
        "message": False,
    }


def event_line(item: LinkEvent | FlightEvent) -> dict[str, Any]:
    """Return a JSON-serialisable record of a link or flight event."""
    if isinstance(item, LinkEvent):
        return {
            "kind": item.kind,
            "time": item.at.isoformat(),
            "source": item.source,
            "detail": item.detail,
        }
    return {"kind": item.kind, "time": item.time.isoformat(), "data": item.data}


def spilled_events_path(spill_path: Path) -> Path:
    """Return the side file holding the events spilled with ``spill_path``."""
    return spill_path.with_name(spill_path.name + ".events.jsonl")


def read_spilled_events(spill_path: Path) -> list[FlightEvent]:
    """Read back the events spilled beside a spill file (none when there is no side file).

    Replaying a spill file with ``strato log file://SPILL`` records these too, so the
    ``write_error`` of the failure and the phase events reach the database. Lines that
    cannot be read (a torn last line) are skipped.
    """
    path = spilled_events_path(spill_path)
    if not path.is_file():
        return []
    events = []
    with open(path, encoding="utf-8", errors="replace") as handle:
        for line in handle:
            try:
                record = json.loads(line)
                when = datetime.fromisoformat(record["time"])
                data = record.get("data")
                if data is None:  # a link event
                    data = {"source": record.get("source"), "detail": record.get("detail")}
                data = dict(data, replayed_from=str(path))
                events.append(FlightEvent(record["kind"], when, data))
            except (ValueError, KeyError, TypeError, RecursionError):
                continue
    return events


class PendingBuffer:
    """Items waiting for a successful commit, at most ``max_items`` of them in memory.

    Parameters
    ----------
    max_items : int
        Bound of the in-memory queue [items].
    spill_path : Path, optional
        Where overflowing raw bytes are appended; None means overflowing items are dropped.
    avoid : Path, optional
        A file never to write into (the one being replayed).

    Attributes
    ----------
    spilled : int
        Items moved to the spill files so far.
    dropped : int
        Items lost because the spill files could not be written either.
    """

    def __init__(
        self, max_items: int, spill_path: Path | None = None, *, avoid: Path | None = None
    ) -> None:
        if max_items < 1:
            raise ValueError(f"max_items must be at least 1, not {max_items}")
        self.max_items = int(max_items)
        self._avoid = {_resolved(avoid), _resolved(spilled_events_path(avoid))} if avoid else set()
        self.spill_path = None if spill_path is None else self._not_avoided(Path(spill_path))
        self.spill_paths: list[Path] = []
        self.spilled = 0
        self.dropped = 0
        self._items: deque[Any] = deque()
        self._chunk_spilled: dict[str, bool] = {}

    def _not_avoided(self, path: Path) -> Path:
        while _resolved(path) in self._avoid or _resolved(spilled_events_path(path)) in self._avoid:
            path = path.with_name(path.name.removesuffix(".jsonl") + ".again.jsonl")
        return path

    @property
    def events_path(self) -> Path | None:
        """Side file for spilled events."""
        if self.spill_path is None:
            return None
        return spilled_events_path(self.spill_path)

    def head(self, n: int) -> list[Any]:
        """Return the ``n`` oldest pending items (fewer when there are fewer)."""
        return list(islice(self._items, n))

    def drop_head(self, n: int) -> None:
        """Forget the ``n`` oldest items (after they were committed)."""
        for _ in range(min(n, len(self._items))):
            self._items.popleft()
        if not self._items:
            self._chunk_spilled.clear()

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[Any]:
        """Return the pending items, oldest first."""
        return list(self._items)

    def clear(self) -> None:
        """Forget the pending items (after they were committed)."""
        self._items.clear()
        self._chunk_spilled.clear()

    def extend(self, items: Iterable[Any]) -> int:
        """Add items; returns how many old items left memory to make room (spilled or dropped)."""
        self._items.extend(items)
        overflow = len(self._items) - self.max_items
        if overflow <= 0:
            return 0
        self.spill([self._items.popleft() for _ in range(overflow)])
        return overflow

    def spill(self, items: list[Any]) -> None:
        """Append items to the spill files (or count them dropped if that fails)."""
        if not items:
            return
        if self.spill_path is None or self.events_path is None:
            self.dropped += len(items)
            return
        captures, events = [], []
        for item in items:
            if isinstance(item, RawChunk):
                self._chunk_spilled[item.source] = True
                captures.append(capture_line(item.data, item.received_at, item.source))
            elif isinstance(item, Frame):
                # A frame's bytes are already in the spilled chunk it was decoded from.
                if not self._chunk_spilled.get(item.source):
                    captures.append(capture_line(item.raw, item.received_at, item.source))
            elif isinstance(item, LinkEvent | FlightEvent):
                events.append(event_line(item))
        fallback = self._not_avoided(Path(tempfile.gettempdir()) / self.spill_path.name)
        for spill_path in dict.fromkeys([self.spill_path, fallback]):
            try:
                _append(spill_path, captures)
                _append(spilled_events_path(spill_path), events)
            except OSError:
                continue  # e.g. the database's disk is full too: try the temporary folder
            self.spill_path = spill_path
            if spill_path not in self.spill_paths:
                self.spill_paths.append(spill_path)
            self.spilled += len(items)
            return
        self.dropped += len(items)


def _resolved(path: Path | None) -> Path | None:
    return None if path is None else Path(os.path.realpath(path))


def _append(path: Path, records: list[dict[str, Any]]) -> None:
    """Append JSON lines and fsync them (nothing to do without records)."""
    if not records:
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a", encoding="utf-8") as handle:
        handle.write("".join(json.dumps(r, default=str) + "\n" for r in records))
        handle.flush()
        os.fsync(handle.fileno())
