"""Helpers for the link tests: a bridge running in a thread, and a newline test decoder."""

from __future__ import annotations

import queue
import threading
import time
from datetime import UTC, datetime

from firmware_bridge.bridge import Bridge
from firmware_bridge.frame import STATUS_MALFORMED, STATUS_OK, Frame, LinkEvent, RawChunk


class LineDecoder:
    """Newline-delimited test decoder (no protocol): each line becomes one ok frame.

    It lets the transport and reconnect tests check the bridge without depending on the
    protocol parsers; the protocol round trips use the real StreamDecoder.
    """

    def __init__(self, source: str = "test") -> None:
        self.buffer = b""
        self.source = source

    def feed(self, data: bytes, received_at: datetime | None = None) -> list[Frame]:
        at = received_at or datetime.now(UTC)
        self.buffer += data
        *lines, self.buffer = self.buffer.split(b"\n")
        return [Frame(line + b"\n", at, self.source, "jsonl", STATUS_OK) for line in lines]

    def flush(self, received_at: datetime | None = None) -> list[Frame]:
        rest, self.buffer = self.buffer, b""
        if not rest:
            return []
        at = received_at or datetime.now(UTC)
        return [Frame(rest, at, self.source, "jsonl", STATUS_MALFORMED, "cut")]


class BridgeThread:
    """Runs ``bridge.items()`` in a thread and collects what it yields."""

    def __init__(self, bridge: Bridge) -> None:
        self.bridge = bridge
        self.stop = threading.Event()
        self.items: list[RawChunk | Frame | LinkEvent] = []
        self.queue: queue.Queue = queue.Queue()
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        try:
            for item in self.bridge.items(self.stop):
                self.items.append(item)
                self.queue.put(item)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def __enter__(self) -> BridgeThread:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(10)
        assert not self.thread.is_alive(), "bridge did not stop within 10 s"

    def wait_for(self, predicate, timeout: float = 10.0):
        """Wait until an item satisfying ``predicate`` arrives; return it."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"timed out; got {self.items[-5:]!r}")
            try:
                item = self.queue.get(timeout=remaining)
            except queue.Empty:
                continue
            if predicate(item):
                return item

    def frames(self) -> list[Frame]:
        return [i for i in self.items if isinstance(i, Frame)]

    def events(self, kind: str | None = None) -> list[LinkEvent]:
        return [i for i in self.items if isinstance(i, LinkEvent) and kind in (None, i.kind)]


def is_event(kind: str):
    return lambda item: isinstance(item, LinkEvent) and item.kind == kind
