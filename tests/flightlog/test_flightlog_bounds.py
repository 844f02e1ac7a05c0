"""Bounded memory and exclusive ports: back-pressure, counted UDP drops, no-newline files.

Real sockets on 127.0.0.1, real SQLite locks, real files (SYNTHETIC telemetry).
"""

from __future__ import annotations

import socket
import sqlite3
import threading
import time
import tracemalloc

import pytest
from _flightlog_helpers import frames_for

from firmware_bridge.sinks import TcpServerSink
from firmware_bridge.transports import (
    MAX_CAPTURE_LINE,
    FileReplayTransport,
    PortInUseError,
    RawCaptureWriter,
    SourceSpec,
    UdpListenerTransport,
    parse_source,
)
from flightlog import FlightStore, read_flight, read_frames
from flightlog.recorder import Recorder
from stratoflight.cli import main


class Counting:
    """An endless-enough source that counts how many items were taken from it."""

    def __init__(self, items):
        self.items = items
        self.taken = 0

    def __iter__(self):
        for item in self.items:
            self.taken += 1
            yield item


def blocked_store(tmp_path):
    db = tmp_path / "log.sqlite"
    store = FlightStore(db, "f")
    blocker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    blocker.execute("BEGIN IMMEDIATE")  # every commit waits for this lock
    return store, blocker


def test_a_source_that_can_wait_is_not_read_while_the_writer_is_behind(tmp_path):
    store, blocker = blocked_store(tmp_path)
    source = Counting(frames_for(range(1, 501)))
    recorder = Recorder(store, max_batch=20, max_inbox=50)
    runner = threading.Thread(target=recorder.run, args=(iter(source),))
    runner.start()
    time.sleep(1.0)  # the writer is stuck in its first commit
    taken_while_blocked = source.taken
    blocker.execute("ROLLBACK")
    runner.join(timeout=60)
    blocker.close()
    store.close()
    assert taken_while_blocked <= 20 + 50 + 2  # one batch in the writer, a full queue
    assert sorted(read_flight(tmp_path / "log.sqlite", "f")[0]["sentence_id"]) == list(
        range(1, 501)
    )


def test_a_source_that_cannot_wait_has_its_overflow_dropped_and_counted(tmp_path):
    store, blocker = blocked_store(tmp_path)
    source = Counting(frames_for(range(1, 501)))
    recorder = Recorder(store, max_batch=20, max_inbox=50)
    stop = threading.Event()
    result = {}
    runner = threading.Thread(
        target=lambda: result.update(stats=recorder.run(iter(source), stop, can_wait=False))
    )
    runner.start()
    time.sleep(1.0)
    taken = source.taken
    blocker.execute("ROLLBACK")
    runner.join(timeout=60)
    blocker.close()
    store.close()
    stats = result["stats"]
    assert taken == 1000  # a UDP socket is always read...
    assert stats.link_dropped > 0  # ...and what did not fit was counted, not hoarded
    _, meta = read_flight(tmp_path / "log.sqlite", "f")
    dropped = [e for e in meta["events"] if e["kind"] == "data_dropped"]
    assert sum(e["data"]["items"] for e in dropped) == stats.link_dropped


def test_a_file_without_newline_is_never_read_whole(tmp_path, capsys):
    blob = tmp_path / "no-newline.bin"
    blob.write_bytes(b"A" * (8 * 1024 * 1024))  # 8 MB, not one delimiter
    tracemalloc.start()
    try:
        transport = FileReplayTransport(parse_source(f"file://{blob}"), 0.2)
        for _ in range(10):
            transport.read()
        transport.close()
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 4 * MAX_CAPTURE_LINE  # about 0.5 MB for an 8 MB line
    db = tmp_path / "log.sqlite"
    code = main(["log", f"file://{blob}", "--db", str(db), "--flight", "f", "--no-live"])
    assert code == 0
    frames = read_frames(db, "f")
    assert frames["raw"].map(len).sum() == 8 * 1024 * 1024  # every byte kept, in bounded frames
    assert frames["raw"].map(len).max() <= 4096
    assert frames["error"].str.contains("no delimiter within 4096 bytes").all()


def test_an_oversize_capture_line_is_skipped_piecewise(tmp_path):
    capture = tmp_path / "capture.jsonl"
    with RawCaptureWriter(capture) as writer:
        from datetime import UTC, datetime

        writer.write(b"$$A*00\n", datetime.now(UTC))
    with open(capture, "ab") as handle:
        handle.write(b'{"format": "stratoflight-raw-capture-1", "data_hex": "' + b"41" * 600_000)
        handle.write(b'"}\n')
    with RawCaptureWriter(capture) as writer:
        writer.write(b"$$B*00\n", datetime.now(UTC))
    transport = FileReplayTransport(parse_source(f"file://{capture}?speed=max"), 0.2)
    chunks = [transport.read().data, transport.read().data]
    transport.close()
    assert chunks == [b"$$A*00\n", b"$$B*00\n"] and transport.oversize_lines == 1


def test_udp_binds_are_exclusive(tmp_path):
    first = UdpListenerTransport(SourceSpec("udp", "127.0.0.1", 0, label="udp:test"), 0.2)
    port = first.address[1]
    try:
        with pytest.raises(PortInUseError, match="already in use"):
            UdpListenerTransport(parse_source(f"udp://127.0.0.1:{port}"), 0.2)
        intruder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        intruder.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        with pytest.raises(OSError):  # SO_REUSEADDR cannot take the port over either
            intruder.bind(("127.0.0.1", port))
        intruder.close()
    finally:
        first.close()


def test_log_on_a_busy_udp_port_is_a_clear_error(tmp_path, capsys):
    holder = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    try:
        code = main(
            ["log", f"udp://127.0.0.1:{port}", "--db", str(tmp_path / "l.sqlite"), "--no-live"]
        )
    finally:
        holder.close()
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and f"UDP port 127.0.0.1:{port} is already in use" in err
    assert "Traceback" not in err


def test_tcp_server_port_in_use_is_a_clear_error():
    holder = socket.create_server(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    try:
        with pytest.raises(PortInUseError, match=f"TCP port 127.0.0.1:{port}"):
            TcpServerSink("127.0.0.1", port)
    finally:
        holder.close()
