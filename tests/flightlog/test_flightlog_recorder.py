"""The recorder: batches, "recorded" only after commit, write failures, bounded memory."""

from __future__ import annotations

import json
import tempfile
import threading
import time
from datetime import timedelta

from _flightlog_helpers import T0, frames_for, good_frame, spill_ten_frames

from firmware_bridge.frame import LinkEvent
from flightlog import FlightStore, read_flight, read_frames
from flightlog.pending_buffer import PendingBuffer
from flightlog.recorder import Recorder


def test_records_everything_and_reports_only_committed_ids(tmp_path):
    db = tmp_path / "log.sqlite"
    reported: list[int] = []
    with FlightStore(db, "f1") as store:

        def on_commit(result, stats) -> None:
            # At report time the rows must already be readable by another connection.
            data, _ = read_flight(db, "f1")
            assert set(result.sentence_ids) <= set(data["sentence_id"])
            reported.extend(result.sentence_ids)

        stats = Recorder(store, on_commit=on_commit).run(iter(frames_for(range(1, 101))))
    assert reported == list(range(1, 101))
    assert stats.frames_ok == 100 and stats.frames_bad == 0
    _, meta = read_flight(db, "f1")
    kinds = [e["kind"] for e in meta["events"]]
    assert kinds[0] == "recording_started" and kinds[-1] == "recording_stopped"


def test_max_frames_stops_after_that_many_frames(tmp_path):
    db = tmp_path / "log.sqlite"
    with FlightStore(db, "f1") as store:
        stats = Recorder(store).run(iter(frames_for(range(1, 51))), max_frames=20)
    assert stats.frames == 20
    assert len(read_frames(db, "f1")) == 20


def test_duration_stops_a_quiet_link_and_sets_stop(tmp_path):
    stop = threading.Event()

    def quiet():  # like Bridge.items(stop): nothing arrives, stop is honoured
        yield LinkEvent("link_opened", T0, "serial:/dev/x")
        while not stop.wait(0.05):
            pass

    with FlightStore(tmp_path / "log.sqlite", "f1") as store:
        stats = Recorder(store).run(quiet(), stop, duration=0.3)
    assert stop.is_set()
    assert stats.frames == 0 and stats.commits >= 1


def slow_items(ids, delay=0.02):
    for item in frames_for(ids):
        yield item
        time.sleep(delay)


def test_disk_full_keeps_items_in_memory_retries_and_recovers(tmp_path):
    db = tmp_path / "log.sqlite"
    errors: list[str] = []
    store = FlightStore(db, "f1")
    store.record(frames_for(range(1, 6)))
    conn = store.connection
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    conn.execute(f"PRAGMA max_page_count = {pages}")  # the "disk" is full from now on

    def on_write_error(error, stats) -> None:
        errors.append(error.reason)
        if len(errors) == 2:  # the crew frees space after the second warning
            conn.execute(f"PRAGMA max_page_count = {pages * 1000}")

    # Big extras so that a batch needs new pages.
    items = []
    for i in range(6, 31):
        items.append(good_frame(i, extra_payload="x" * 3000))
    stats = Recorder(store, on_write_error=on_write_error).run(iter(items))
    store.close()
    assert errors[:2] == ["full", "full"]
    assert stats.write_error is None and stats.pending == 0
    data, meta = read_flight(db, "f1")
    assert list(data["sentence_id"]) == list(range(1, 31))
    failure = next(e for e in meta["events"] if e["kind"] == "write_error")
    assert failure["data"]["reason"] == "full"
    assert "write_recovered" in [e["kind"] for e in meta["events"]]


def test_pending_overflow_spills_oldest_items_as_raw_capture_lines(tmp_path):
    spill = tmp_path / "spill.jsonl"
    buffer = PendingBuffer(max_items=4, spill_path=spill)
    items = frames_for(range(1, 4))  # 6 items: chunk + frame each
    assert buffer.extend(items) == 2
    assert len(buffer) == 4 and buffer.spilled == 2 and buffer.dropped == 0
    records = [json.loads(line) for line in spill.read_text().splitlines()]
    # The chunk is written; its frame's bytes are in it, so the frame adds no line.
    assert len(records) == 1
    assert records[0]["format"] == "stratoflight-raw-capture-1"
    assert bytes.fromhex(records[0]["data_hex"]) == items[0].data
    assert buffer.items() == items[2:]
    # A frame that came without a chunk is written with its own raw bytes.
    lone = PendingBuffer(max_items=1, spill_path=tmp_path / "lone.jsonl")
    lone.extend([items[1], items[3]])
    record = json.loads((tmp_path / "lone.jsonl").read_text())
    assert bytes.fromhex(record["data_hex"]) == items[1].raw


def test_unwritable_spill_moves_to_the_temporary_folder_then_counts_dropped(tmp_path, monkeypatch):
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where a folder should be")
    spare = tmp_path / "tmp"
    spare.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spare))
    buffer = PendingBuffer(max_items=2, spill_path=blocked / "spill.jsonl")
    buffer.extend(frames_for([1, 2]))
    # The spill could not go where it was asked: it went where there is room, and says so.
    assert buffer.spilled == 2 and buffer.dropped == 0
    assert buffer.spill_path == spare / "spill.jsonl" and buffer.spill_paths == [buffer.spill_path]
    assert (spare / "spill.jsonl").read_text().count("\n") == 1  # the chunk holds the frame
    # When no place takes it either, the items are counted lost.
    monkeypatch.setattr(tempfile, "tempdir", str(blocked))
    lost = PendingBuffer(max_items=2, spill_path=blocked / "spill.jsonl")
    lost.extend(frames_for([3, 4]))
    assert lost.dropped == 2 and lost.spilled == 0


def test_read_only_store_spills_at_the_end_and_says_so(tmp_path):
    db = tmp_path / "log.sqlite"
    spill = tmp_path / "unsaved.jsonl"
    store = FlightStore(db, "f1")
    store.connection.execute("PRAGMA query_only = ON")
    warnings: list[str] = []
    recorder = Recorder(
        store, max_pending=10, spill_path=spill, on_write_error=lambda e, s: warnings.append(str(e))
    )
    stats = recorder.run(iter(frames_for(range(1, 21))), final_retry=0.6)
    store.close()
    assert warnings and "read-only" in warnings[0]
    assert stats.pending == 0 and stats.dropped == 0
    records = [json.loads(line) for line in spill.read_text().splitlines()]
    # Every chunk that never reached the database is in the spill file (20 frames' chunks).
    assert len(records) == 20
    assert b"".join(bytes.fromhex(r["data_hex"]) for r in records).count(b"$$TEST,") == 20
    events = spill.with_name(spill.name + ".events.jsonl").read_text()
    assert "recording_stopped" in events
    assert read_frames(db, "f1").empty


def test_link_events_are_recorded_as_flight_events(tmp_path):
    db = tmp_path / "log.sqlite"
    items = [
        LinkEvent("link_opened", T0, "serial:/dev/x"),
        *frames_for([1]),
        LinkEvent("link_lost", T0 + timedelta(seconds=5), "serial:/dev/x", "EIO"),
        LinkEvent("link_restored", T0 + timedelta(seconds=7), "serial:/dev/x"),
    ]
    with FlightStore(db, "f1") as store:
        Recorder(store).run(iter(items))
    _, meta = read_flight(db, "f1")
    kinds = [e["kind"] for e in meta["events"]]
    assert {"link_opened", "link_lost", "link_restored"} <= set(kinds)


def test_spill_file_replays_into_the_flight(tmp_path):
    from firmware_bridge.bridge import Bridge

    db = tmp_path / "log.sqlite"
    spill = tmp_path / "unsaved.jsonl"
    store = FlightStore(db, "f1")
    spill_ten_frames(store, spill)
    store.connection.execute("PRAGMA query_only = OFF")
    # Once writable again, the spill file replays through the bridge like a raw capture.
    bridge = Bridge(f"file://{spill}?speed=max", "ukhas")
    stop = threading.Event()
    Recorder(store).run(bridge.items(stop), stop)
    store.close()
    data, _ = read_flight(db, "f1")
    assert sorted(data["sentence_id"]) == list(range(1, 11))


def test_an_item_the_store_cannot_take_is_quarantined_and_its_batch_commits(tmp_path):
    """Not a storage failure (here an item the store does not know, which raises TypeError):
    the item is kept raw with the reason, the rest of its batch commits, nothing is spilled
    (the spill file is for storage failures only) and nobody is told the disk failed."""
    db = tmp_path / "log.sqlite"
    spill = tmp_path / "unsaved.jsonl"
    warnings: list[str] = []
    items = [*frames_for(range(1, 4)), "not an item the store knows", *frames_for(range(4, 7))]
    with FlightStore(db, "f1") as store:
        stats = Recorder(
            store, spill_path=spill, on_write_error=lambda e, s: warnings.append(str(e))
        ).run(iter(items))
    assert warnings == [] and not spill.exists()
    assert (stats.quarantined, stats.spilled, stats.dropped) == (1, 0, 0)
    assert sorted(read_flight(db, "f1")[0]["sentence_id"]) == list(range(1, 7))
    kept = read_frames(db, "f1").query("status == 'quarantined'")
    assert kept["raw"].tolist() == [b"'not an item the store knows'"]
    assert "TypeError" in kept["error"].iloc[0]
