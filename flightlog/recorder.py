"""The recorder: link items in, durable commits out, "recorded" said only after COMMIT.

A reader thread pulls items from the link (a :class:`firmware_bridge.bridge.Bridge`
``items()`` iterator, or any iterable of chunks, frames and events) into a queue, so the
link is read while the disk is busy. The writing loop takes whatever has arrived (at most
``max_batch`` items), writes it in one transaction and reports it through ``on_commit`` only
after the COMMIT returned: at a few frames per second every frame gets its own commit; when
frames pour in, they share commits (group commit) and the durable rate goes up.

Raw first: each raw chunk is written ahead of the frames decoded from it, in the same
transaction; flight events derived from telemetry (launch, burst, ...) and in-flight
predictions are computed only from committed rows and written in a later commit.

If a commit fails (disk full, read-only disk) nothing is lost from memory: the items stay
in a bounded :class:`~flightlog.pending_buffer.PendingBuffer`, ``on_write_error`` is told
(the CLI prints a loud warning), and the write is retried with back-off (0.5 s doubling to
10 s) while the link keeps being read. When the bound is reached the oldest items go to a
spill file (see :mod:`flightlog.pending_buffer`). Once the disk takes writes again the
backlog is written in chunks of at most ``max_batch`` items, so recovery never needs room
for the whole backlog in one transaction; the ``write_error`` and ``write_recovered``
events follow it into the database.

An item the store cannot take (a poison frame) never reaches this point: the store keeps
it raw with the reason and commits the rest of its batch (see
:meth:`flightlog.store.FlightStore.record`). The spill file is for storage failures only.

Memory stays bounded: the queue between the link and the writer holds at most
``max_inbox`` items. A source that can wait (file replay, TCP, serial) is simply not read
while the queue is full (back-pressure); one that cannot (UDP, whose datagrams the kernel
would drop unseen) has what does not fit dropped and counted (``stats.link_dropped``,
a ``data_dropped`` event). A commit that takes longer than :data:`STALL_WARNING` (a
stalled disk) is reported through ``on_stall`` while it lasts.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from firmware_bridge.frame import Frame
from flightlog.events import FlightEvent
from flightlog.inbox import Inbox
from flightlog.pending_buffer import PendingBuffer, default_spill_path
from flightlog.store import FlightStore, RecordResult, StoreWriteError

__all__ = [
    "FIRST_RETRY_DELAY",
    "MAX_RETRY_DELAY",
    "STALL_WARNING",
    "Recorder",
    "RecorderStats",
    "RecordObserver",
]

#: First wait before retrying a failed commit [s]; doubles up to :data:`MAX_RETRY_DELAY`.
FIRST_RETRY_DELAY = 0.5
#: Longest wait between two commit attempts while the store cannot be written [s].
MAX_RETRY_DELAY = 10.0
#: A commit running longer than this is reported as a stalled disk, and again each time
#: this much longer [s]. An SD card commits in milliseconds; 5 s means the disk hangs.
STALL_WARNING = 5.0
#: Longest time one call of the writing side spends on a backlog before reading again [s].
_BACKLOG_SLICE = 0.5

_END = object()


class RecordObserver(Protocol):
    """Something that derives events from committed telemetry (phases, predictions).

    Called after every commit with its result, and with None about every 0.2 s when idle;
    returns events to record in a following commit.
    """

    def __call__(self, result: RecordResult | None) -> Iterable[FlightEvent]:
        """Look at a committed batch (or None); return events to record."""
        ...


@dataclass
class RecorderStats:
    """Running totals, read by the live view and the log lines.

    Attributes
    ----------
    frames_ok, frames_bad : int
        Committed good and bad frames.
    duplicates : int
        Good frames already recorded from another receiver.
    telemetry : int
        New telemetry rows committed.
    commits : int
        Successful commits.
    pending : int
        Items waiting in memory for a commit.
    spilled, dropped : int
        Items moved to the spill file / lost because the store and the spill file failed.
    quarantined, implausible : int
        Items the store kept raw because it could not take them / frames left out of
        telemetry as implausible (absurd time, impossible position); both are in
        ``frames_bad`` when they are frames.
    link_dropped : int
        Items of a source that cannot wait (UDP) dropped because the writer fell behind.
    last_reason : str or None
        Why the latest quarantined or implausible item was kept out.
    write_error : str or None
        The current write failure, None while writing works.
    last_frame_at : datetime or None
        Receive time of the last committed frame (UTC).
    last_result : RecordResult or None
        The last committed batch.
    events : list of FlightEvent
        Every event committed in this run, in order.
    """

    frames_ok: int = 0
    frames_bad: int = 0
    duplicates: int = 0
    telemetry: int = 0
    commits: int = 0
    pending: int = 0
    spilled: int = 0
    dropped: int = 0
    quarantined: int = 0
    implausible: int = 0
    link_dropped: int = 0
    last_reason: str | None = None
    write_error: str | None = None
    last_frame_at: datetime | None = None
    last_result: RecordResult | None = None
    events: list[FlightEvent] = field(default_factory=list)

    @property
    def frames(self) -> int:
        """All committed frames [count]."""
        return self.frames_ok + self.frames_bad


class Recorder:
    """Write link items to a :class:`~flightlog.store.FlightStore` durably, in batches.

    Parameters
    ----------
    store : FlightStore
        The open flight.
    observers : list of RecordObserver, optional
        Derive events from committed telemetry (phase detection, in-flight prediction).
    on_commit : callable, optional
        ``on_commit(result, stats)`` after each commit (the "recorded" report).
    on_write_error : callable, optional
        ``on_write_error(error, stats)`` each time a commit fails.
    max_batch : int
        Most items per commit.
    max_pending : int
        Bound of the in-memory queue while the store cannot be written [items].
    spill_path : Path, optional
        Where items overflowing ``max_pending`` go (default: beside the database,
        ``<db>.<flight>.unsaved.jsonl``, or in the temporary folder when the database's
        disk has no room; if writing it fails it moves there too).
    max_inbox : int
        Bound of the queue between the link and the writer [items].
    on_stall : callable, optional
        ``on_stall(seconds, stats)`` while a commit has been running for ``STALL_WARNING``
        seconds or more (repeated every ``STALL_WARNING`` seconds).
    avoid_path : Path, optional
        A file the spill must never be written into (the file being replayed).
    """

    def __init__(
        self,
        store: FlightStore,
        *,
        observers: Iterable[RecordObserver] = (),
        on_commit: Callable[[RecordResult, RecorderStats], None] | None = None,
        on_write_error: Callable[[StoreWriteError, RecorderStats], None] | None = None,
        max_batch: int = 2000,
        max_pending: int = 50_000,
        spill_path: Path | None = None,
        max_inbox: int = 4000,
        on_stall: Callable[[float, RecorderStats], None] | None = None,
        avoid_path: Path | None = None,
    ) -> None:
        self.store = store
        self.observers = list(observers)
        self.on_commit = on_commit
        self.on_write_error = on_write_error
        self.max_batch = int(max_batch)
        if spill_path is None:
            spill_path = default_spill_path(store.path, store.flight_name)
        self.pending = PendingBuffer(max_pending, spill_path, avoid=avoid_path)
        self.max_inbox = int(max_inbox)
        self.on_stall = on_stall
        self._commit_began: float | None = None
        self._link_dropped_logged = 0
        self.stats = RecorderStats()
        self._retry_at = 0.0
        self._retry_delay = FIRST_RETRY_DELAY
        self._failure: dict[str, Any] | None = None
        self._reader_error: BaseException | None = None
        self._max_frames: int | None = None

    # -- the reading side --------------------------------------------------------------
    def _read(
        self,
        items: Iterable[Any],
        inbox: Inbox,
        stop: threading.Event,
        can_wait: bool,
    ) -> None:
        try:
            for item in items:
                if can_wait:
                    inbox.put(item, stop)  # back-pressure: the source waits for room
                elif not inbox.offer(item):
                    self.stats.link_dropped += 1
                if stop.is_set():
                    break
        except BaseException as exc:  # noqa: BLE001 (reported by run() after a last commit)
            self._reader_error = exc
        finally:
            inbox.close_with(_END)  # the end marker must arrive, even into a full queue

    # -- the writing side --------------------------------------------------------------
    def _commit(self) -> bool:
        """Commit what is pending, in chunks of ``max_batch``; True when nothing is left.

        Works on a backlog for at most about half a second, then returns False so the link
        is read again; the next call goes on.
        """
        began = time.monotonic()
        while len(self.pending):
            if time.monotonic() < self._retry_at:
                return False
            if time.monotonic() - began > _BACKLOG_SLICE:
                return False
            batch = self.pending.head(self.max_batch)
            self._commit_began = time.monotonic()
            try:
                result = self.store.record(batch)
            except StoreWriteError as exc:
                self._failed(exc)
                return False
            finally:
                self._commit_began = None
            self.pending.drop_head(len(batch))
            self._retry_delay = FIRST_RETRY_DELAY
            self._account(result)
            if self._failure is not None:
                self._recovered()
        return True

    def _failed(self, exc: StoreWriteError) -> None:
        now = datetime.now(UTC)
        if self._failure is None:
            self._failure = {"since": now, "reason": exc.reason, "message": str(exc)}
        self.stats.write_error = str(exc)
        self.stats.pending = len(self.pending)
        self._retry_at = time.monotonic() + self._retry_delay
        self._retry_delay = min(self._retry_delay * 2, MAX_RETRY_DELAY)
        if self.on_write_error is not None:
            self.on_write_error(exc, self.stats)

    def _recovered(self) -> None:
        failure, self._failure = self._failure, None
        assert failure is not None
        now = datetime.now(UTC)
        self.stats.write_error = None
        data = {
            "reason": failure["reason"],
            "message": failure["message"],
            "since": failure["since"].isoformat(),
            "duration_s": round((now - failure["since"]).total_seconds(), 3),
            "items_spilled": self.pending.spilled,
            "items_dropped": self.pending.dropped,
            "spill_file": str(self.pending.spill_path) if self.pending.spilled else None,
        }
        self.pending.extend(
            [
                FlightEvent("write_error", failure["since"], data),
                FlightEvent("write_recovered", now, {}),
            ]
        )

    def _account(self, result: RecordResult) -> None:
        stats = self.stats
        stats.commits += 1
        stats.frames_ok += result.good_frames
        stats.frames_bad += result.bad_frames
        stats.duplicates += result.duplicates
        stats.telemetry += result.new_telemetry
        stats.quarantined += result.quarantined
        stats.implausible += result.implausible
        if result.reasons:
            stats.last_reason = result.reasons[-1]
        stats.events.extend(result.events_written)
        stats.pending = len(self.pending)
        stats.spilled, stats.dropped = self.pending.spilled, self.pending.dropped
        stats.last_result = result
        if result.frames:
            stats.last_frame_at = datetime.now(UTC)
        derived = [event for observer in self.observers for event in observer(result)]
        if self.on_commit is not None:
            self.on_commit(result, stats)
        self._add(derived)

    def _add(self, items: list[Any]) -> None:
        if not items:
            return
        evicted = self.pending.extend(items)
        self.stats.pending = len(self.pending)
        self.stats.spilled, self.stats.dropped = self.pending.spilled, self.pending.dropped
        if evicted and self.on_write_error is not None and self._failure is not None:
            self.on_write_error(
                StoreWriteError(
                    f"{evicted} oldest items left memory because the flight log cannot be "
                    f"written ({self._failure['message']}); spilled to "
                    f"{self.pending.spill_path}: {self.pending.spilled} in all, lost: "
                    f"{self.pending.dropped}",
                    self._failure["reason"],
                ),
                self.stats,
            )

    def _report_link_drops(self) -> None:
        dropped = self.stats.link_dropped
        if dropped > self._link_dropped_logged:
            self._add(
                [
                    FlightEvent(
                        "data_dropped",
                        datetime.now(UTC),
                        {
                            "items": dropped - self._link_dropped_logged,
                            "why": "the link cannot wait (UDP) and the writer fell behind",
                        },
                    )
                ]
            )
            self._link_dropped_logged = dropped

    def _watch_stalls(self, done: threading.Event) -> None:
        warned_at = 0.0
        while not done.wait(0.25):
            began = self._commit_began
            if began is None:
                warned_at = 0.0
                continue
            running = time.monotonic() - began
            if running >= STALL_WARNING and running - warned_at >= STALL_WARNING:
                warned_at = running
                if self.on_stall is not None:
                    self.on_stall(running, self.stats)

    def run(
        self,
        items: Iterable[Any],
        stop: threading.Event | None = None,
        *,
        max_frames: int | None = None,
        duration: float | None = None,
        final_retry: float = 10.0,
        can_wait: bool = True,
    ) -> RecorderStats:
        """Record until the items end, ``stop`` is set, or a limit is reached.

        Parameters
        ----------
        items : iterable
            Raw chunks, frames, link events and flight events (e.g. ``Bridge.items(stop)``).
        stop : threading.Event, optional
            Set to end recording; also set by the recorder when a limit is reached, so pass
            the same event to the bridge.
        max_frames : int, optional
            Stop after this many frames (good and bad) were committed.
        duration : float, optional
            Stop after this many seconds [s].
        final_retry : float
            At the end, keep retrying a failing store this long [s] before spilling what is
            still pending to the spill file.
        can_wait : bool
            The source can be paused (file, TCP, serial): it is not read while the queue is
            full. False (UDP): what does not fit is dropped and counted.

        Returns
        -------
        RecorderStats
        """
        stop = stop if stop is not None else threading.Event()
        self._max_frames = max_frames
        inbox = Inbox(self.max_inbox)
        reader = threading.Thread(
            target=self._read,
            args=(items, inbox, stop, can_wait),
            name="flightlog-reader",
            daemon=True,
        )
        watching = threading.Event()
        watchdog = threading.Thread(
            target=self._watch_stalls, args=(watching,), name="flightlog-stall", daemon=True
        )
        watchdog.start()
        started = time.monotonic()
        self._add(
            [FlightEvent("recording_started", datetime.now(UTC), {"resumed": self.store.resumed})]
        )
        reader.start()
        ended = False
        try:
            while True:
                if duration is not None and time.monotonic() - started >= duration:
                    break
                if max_frames is not None and self.stats.frames >= max_frames:
                    break
                if stop.is_set() or ended:
                    break
                batch = inbox.take(self.max_batch, 0.2 if not len(self.pending) else 0.05)
                if batch and batch[-1] is _END:
                    batch.pop()
                    ended = True
                if max_frames is not None:
                    batch = self._cut_at_frame_limit(batch, max_frames)
                self._add(batch)
                self._report_link_drops()
                committed = self._commit()
                if committed and not batch:
                    for observer in self.observers:
                        self._add(list(observer(None)))
        finally:
            stop.set()
            reader.join(timeout=5.0)
            try:
                self._finish(inbox, final_retry)
            finally:
                watching.set()
                watchdog.join(timeout=1.0)
        if self._reader_error is not None:
            raise self._reader_error
        return self.stats

    def _cut_at_frame_limit(self, batch: list[Any], max_frames: int) -> list[Any]:
        room = (
            max_frames
            - self.stats.frames
            - sum(isinstance(item, Frame) for item in self.pending.items())
        )
        kept: list[Any] = []
        for item in batch:
            if isinstance(item, Frame):
                if room <= 0:
                    break
                room -= 1
            kept.append(item)
        return kept

    def _finish(self, inbox: Inbox, final_retry: float) -> None:
        """Commit what is left; spill it if the store stays unwritable."""
        leftover = [item for item in inbox.take(len(inbox), 0.0) if item is not _END]
        if self._max_frames is not None:
            leftover = self._cut_at_frame_limit(leftover, self._max_frames)
        self._add(leftover)
        self._add([FlightEvent("recording_stopped", datetime.now(UTC), {})])
        deadline = time.monotonic() + final_retry
        while True:
            before = len(self.pending)
            if self._commit():
                break
            if self._failure is None or len(self.pending) < before:
                deadline = time.monotonic() + final_retry  # the backlog is still going in
                continue
            if time.monotonic() >= deadline:
                self.pending.spill(self.pending.items())
                self.pending.clear()
                break
            time.sleep(min(0.1, max(0.0, self._retry_at - time.monotonic())) or 0.05)
        self.stats.pending = len(self.pending)
        self.stats.spilled, self.stats.dropped = self.pending.spilled, self.pending.dropped
