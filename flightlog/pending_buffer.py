"""A bounded in-memory queue for items the store could not write yet, with a spill file.

While the flight log cannot be written (disk full, read-only), the recorder keeps what
arrives here and retries. When the bound is reached the **oldest** items leave memory: each
is first appended to a spill file (JSON lines, raw bytes as hex, fsynced) so the bytes
survive, and only if that fails too they are dropped and counted; the recorder warns loudly
either way. Newest data stay in memory because they matter most to a chase crew.
"""

from __future__ import annotations

import json
import os
from collections import deque
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from firmware_bridge.frame import Frame, LinkEvent, RawChunk
from flightlog.events import FlightEvent

__all__ = ["PendingBuffer", "spill_record"]


def spill_record(item: Any) -> dict[str, Any]:
    """Return a JSON-serialisable record of a pending item (raw bytes as hex)."""
    if isinstance(item, RawChunk):
        return {
            "type": "raw_chunk",
            "received_at": item.received_at.isoformat(),
            "source": item.source,
            "data_hex": item.data.hex(),
        }
    if isinstance(item, Frame):
        return {
            "type": "frame",
            "received_at": item.received_at.isoformat(),
            "source": item.source,
            "protocol": item.protocol,
            "status": item.status,
            "error": item.error,
            "raw_hex": item.raw.hex(),
        }
    if isinstance(item, LinkEvent):
        return {
            "type": "link_event",
            "kind": item.kind,
            "at": item.at.isoformat(),
            "source": item.source,
            "detail": item.detail,
        }
    if isinstance(item, FlightEvent):
        return {
            "type": "event",
            "kind": item.kind,
            "time": item.time.isoformat(),
            "data": item.data,
        }
    return {"type": type(item).__name__, "repr": repr(item)}


class PendingBuffer:
    """Items waiting for a successful commit, at most ``max_items`` of them in memory.

    Parameters
    ----------
    max_items : int
        Bound of the in-memory queue [items].
    spill_path : Path, optional
        Where overflowing items are appended (JSON lines); None means they are dropped.

    Attributes
    ----------
    spilled : int
        Items moved to the spill file so far.
    dropped : int
        Items lost because the spill file could not be written either.
    """

    def __init__(self, max_items: int, spill_path: Path | None = None) -> None:
        if max_items < 1:
            raise ValueError(f"max_items must be at least 1, not {max_items}")
        self.max_items = int(max_items)
        self.spill_path = spill_path
        self.spilled = 0
        self.dropped = 0
        self._items: deque[Any] = deque()

    def __len__(self) -> int:
        return len(self._items)

    def items(self) -> list[Any]:
        """Return the pending items, oldest first."""
        return list(self._items)

    def clear(self) -> None:
        """Forget the pending items (after they were committed)."""
        self._items.clear()

    def extend(self, items: Iterable[Any]) -> int:
        """Add items; returns how many old items left memory to make room (spilled or dropped)."""
        self._items.extend(items)
        overflow = len(self._items) - self.max_items
        if overflow <= 0:
            return 0
        evicted = [self._items.popleft() for _ in range(overflow)]
        self._spill(evicted)
        return overflow

    def _spill(self, items: list[Any]) -> None:
        if self.spill_path is None:
            self.dropped += len(items)
            return
        try:
            self.spill_path.parent.mkdir(parents=True, exist_ok=True)
            with open(self.spill_path, "a", encoding="utf-8") as handle:
                for item in items:
                    handle.write(json.dumps(spill_record(item), default=str) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            self.spilled += len(items)
        except OSError:
            self.dropped += len(items)
