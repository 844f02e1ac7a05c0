"""Storage faults: a really full disk, read-only file systems, stalls, spills, two loggers.

The full disk and the read-only file system are real (a small tmpfs; skipped without root).
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from _flightlog_helpers import frames_for, good_frame, spill_ten_frames
from _mounts import fill, remount, small_disk

import flightlog.recorder as recorder_module
from firmware_bridge.bridge import Bridge
from flightlog import FlightStore, read_flight, read_frames
from flightlog.pending_buffer import default_spill_path
from flightlog.recorder import Recorder
from flightlog.store import StoreWriteError
from stratoflight.runtime_dirs import ensure_numba_cache_dir


def big_frames(ids):
    """Frames with 3 kB extras, so that a disk fills quickly (SYNTHETIC values)."""
    return [good_frame(i, extra_payload="x" * 3000) for i in ids]


def test_a_full_disk_recovers_in_chunks_and_the_failure_reaches_the_database(tmp_path):
    with small_disk(tmp_path / "card", "3m") as card:
        db = card / "log.sqlite"
        store = FlightStore(db, "f")
        store.record(big_frames(range(1, 6)))
        filler = fill(card)
        errors, batch_sizes = [], []

        def on_write_error(error, stats):
            errors.append(error)
            if len(errors) == 2 and filler.exists():
                filler.unlink()  # the crew frees space after the second warning

        recorder = Recorder(
            store,
            max_batch=20,
            on_write_error=on_write_error,
            on_commit=lambda result, stats: batch_sizes.append(result.frames + result.events),
        )
        stats = recorder.run(iter(big_frames(range(6, 206))))
        store.close()
        assert errors and errors[0].reason == "full" and "full" in str(errors[0])
        assert stats.pending == 0 and stats.spilled == 0 and stats.dropped == 0
        data, meta = read_flight(db, "f")
        assert sorted(data["sentence_id"]) == list(range(1, 206))
        kinds = [event["kind"] for event in meta["events"]]
        assert "write_error" in kinds and "write_recovered" in kinds
        assert max(batch_sizes) <= 20  # the backlog went in bounded chunks


def test_with_the_database_disk_full_the_spill_goes_where_there_is_room(tmp_path, monkeypatch):
    spare = tmp_path / "spare"
    spare.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spare))
    with small_disk(tmp_path / "card", "3m") as card:
        db = card / "log.sqlite"
        store = FlightStore(db, "f")
        filler = fill(card)
        assert default_spill_path(db, "f").parent == spare  # no room beside the database
        stats = Recorder(store, max_pending=50, spill_path=card / "beside.jsonl").run(
            iter(big_frames(range(1, 101))), final_retry=0.5
        )
        store.close()
        assert stats.dropped == 0 and stats.spilled > 0  # nothing lost although the disk is full
        spill = spare / "beside.jsonl"
        assert spill.exists() and (spare / "beside.jsonl.events.jsonl").exists()
        filler.unlink()
        # Once there is room, the spill replays into the flight, events included.
        assert (
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "stratoflight.cli",
                    "log",
                    f"file://{spill}?speed=max",
                    "--db",
                    str(db),
                    "--flight",
                    "f",
                    "--protocol",
                    "ukhas",
                    "--no-live",
                ],
                capture_output=True,
                check=False,
            ).returncode
            == 0
        )
        data, meta = read_flight(db, "f")
        assert sorted(data["sentence_id"]) == list(range(1, 101))
        assert "recording_stopped" in [e["kind"] for e in meta["events"]]


def test_replaying_a_spill_never_writes_into_itself(tmp_path):
    db = tmp_path / "log.sqlite"
    spill = tmp_path / "log.sqlite.f.unsaved.jsonl"
    store = FlightStore(db, "f")
    spill_ten_frames(store, spill)
    before = spill.read_bytes()
    # Replaying while the database is still read-only: what cannot be written must not be
    # appended to the file being read (that would replay for ever).
    bridge = Bridge(f"file://{spill}?speed=max", "ukhas")
    stop = threading.Event()
    recorder = Recorder(store, max_pending=4, spill_path=spill, avoid_path=spill)
    stats = recorder.run(bridge.items(stop), stop, final_retry=0.2)
    store.connection.execute("PRAGMA query_only = OFF")
    store.close()
    assert spill.read_bytes() == before
    assert recorder.pending.spill_path == tmp_path / "log.sqlite.f.unsaved.again.jsonl"
    assert stats.spilled > 0 and stats.dropped == 0


def test_spill_warnings_name_the_real_cause(tmp_path):
    store = FlightStore(tmp_path / "log.sqlite", "f")
    store.connection.execute("PRAGMA query_only = ON")
    warnings = []
    Recorder(
        store,
        max_pending=4,
        spill_path=tmp_path / "spill.jsonl",
        on_write_error=lambda error, stats: warnings.append(str(error)),
    ).run(iter(frames_for(range(1, 11))), final_retry=0.2)
    store.close()
    left = [w for w in warnings if "left memory" in w]
    assert left and all("readonly" in w or "read-only" in w for w in left)


def test_erofs_is_reported_as_a_read_only_file_system(tmp_path):
    with small_disk(tmp_path / "card") as card:
        remount(card, "ro")
        try:
            error = StoreWriteError.from_sqlite(
                sqlite3.OperationalError("disk I/O error"), card / "log.sqlite"
            )
        finally:
            remount(card, "rw")
    assert error.reason == "read_only" and "mounted read-only (EROFS" in str(error)


def test_a_stalled_disk_is_reported_while_it_lasts(tmp_path, monkeypatch):
    monkeypatch.setattr(recorder_module, "STALL_WARNING", 0.3)
    db = tmp_path / "log.sqlite"
    store = FlightStore(db, "f")
    blocker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # the "disk" does not answer (busy timeout is 5 s)
    stalls = []
    releaser = threading.Timer(1.5, lambda: blocker.execute("ROLLBACK"))
    releaser.start()
    stats = Recorder(store, on_stall=lambda seconds, stats: stalls.append(seconds)).run(
        iter(frames_for(range(1, 6)))
    )
    releaser.join()
    blocker.close()
    store.close()
    assert stalls and stalls[0] >= 0.3
    assert stats.frames_ok == 5


def test_the_first_of_two_loggers_to_stop_does_not_mark_the_flight_stopped(tmp_path):
    db = tmp_path / "log.sqlite"
    first, second = FlightStore(db, "f"), FlightStore(db, "f")
    assert first.set_status("stopped") is False
    first.close()
    assert read_flight(db, "f")[1]["status"] == "recording"
    assert second.set_status("stopped") is True
    second.close()
    assert read_flight(db, "f")[1]["status"] == "stopped"


def test_a_killed_logger_does_not_keep_the_flight_recording(tmp_path):
    db = tmp_path / "log.sqlite"
    FlightStore(db, "f").close()
    code = (
        "import sys, time\n"
        "from flightlog import FlightStore\n"
        f"store = FlightStore({str(db)!r}, 'f')\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n"
    )
    other = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert other.stdout.readline().strip() == "ready"
        with FlightStore(db, "f") as store:
            assert store.set_status("stopped") is False  # the other logger is alive
            other.kill()
            other.wait(timeout=10)
            assert store.set_status("stopped") is True
    finally:
        if other.poll() is None:
            other.kill()
            other.wait(timeout=10)
        other.stdout.close()


def test_numba_gets_a_writable_cache_when_home_is_read_only(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    with small_disk(tmp_path / "home") as home:
        remount(home, "ro")
        try:
            monkeypatch.setenv("HOME", str(home))
            monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
            chosen = ensure_numba_cache_dir()
        finally:
            remount(home, "rw")
    assert chosen == tmp_path / f"stratoflight-numba-{os.getuid()}"
    assert os.environ["NUMBA_CACHE_DIR"] == str(chosen) and chosen.is_dir()


def test_numba_cache_is_left_alone_when_home_is_writable(tmp_path, monkeypatch):
    monkeypatch.delenv("NUMBA_CACHE_DIR", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    assert ensure_numba_cache_dir() is None and "NUMBA_CACHE_DIR" not in os.environ


def test_killed_recorder_data_is_readable_without_write_access(tmp_path):
    """A log left with a -wal file (its logger was killed) reads through mode=ro."""
    db = tmp_path / "log.sqlite"
    code = (
        "import os\n"
        "from flightlog import FlightStore\n"
        f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r})\n"
        "from _flightlog_helpers import frames_for\n"
        f"store = FlightStore({str(db)!r}, 'f')\n"
        "store.record(frames_for(range(1, 8)))\n"
        "os._exit(0)  # no close: the WAL stays\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
    assert db.with_name("log.sqlite-wal").exists()
    assert len(read_frames(db, "f")) == 7
