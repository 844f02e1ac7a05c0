"""The bounded queue between the link reader and the writer, with hysteresis.

A plain bounded ``queue.Queue`` wakes the reader after every item the writer takes once it
is full, and the two threads then trade the interpreter lock item by item (a third of the
durable rate is lost at full speed). Here the reader, once it found the queue full, waits
until the writer has drained it to half, and the writer takes whole batches under one lock:
the bound holds and the threads meet rarely.
"""

from __future__ import annotations

import threading
from collections import deque
from typing import Any

__all__ = ["Inbox"]


class Inbox:
    """At most ``max_items`` items between one reader thread and one writer thread.

    Parameters
    ----------
    max_items : int
        The bound [items]; a blocked reader resumes when half of it is free again.
    """

    def __init__(self, max_items: int) -> None:
        if max_items < 2:
            raise ValueError(f"max_items must be at least 2, not {max_items}")
        self.max_items = int(max_items)
        self._low = self.max_items // 2
        self._items: deque[Any] = deque()
        self._cond = threading.Condition()
        self._reader_waiting = False

    def __len__(self) -> int:
        return len(self._items)

    def put(self, item: Any, stop: threading.Event) -> bool:
        """Add an item, waiting while the queue is full; False if ``stop`` was set meanwhile."""
        with self._cond:
            if len(self._items) >= self.max_items:
                self._reader_waiting = True
                while len(self._items) > self._low and not stop.is_set():
                    self._cond.wait(0.2)
                self._reader_waiting = False
                if stop.is_set():
                    return False
            self._items.append(item)
            if len(self._items) == 1:
                self._cond.notify_all()  # the writer may be waiting for the first item
        return True

    def offer(self, item: Any) -> bool:
        """Add an item if there is room now; False (item not added) when full."""
        with self._cond:
            if len(self._items) >= self.max_items:
                return False
            self._items.append(item)
            if len(self._items) == 1:
                self._cond.notify_all()
        return True

    def close_with(self, item: Any) -> None:
        """Add the end marker beyond the bound (it must always arrive)."""
        with self._cond:
            self._items.append(item)
            self._cond.notify_all()

    def take(self, max_items: int, timeout: float) -> list[Any]:
        """Return up to ``max_items`` oldest items, waiting at most ``timeout`` for the first."""
        with self._cond:
            if not self._items:
                self._cond.wait(timeout)
            n = min(max_items, len(self._items))
            batch = [self._items.popleft() for _ in range(n)]
            if self._reader_waiting and len(self._items) <= self._low:
                self._cond.notify_all()
        return batch
