"""Transports: source parsing, loop://, TCP and UDP over 127.0.0.1, file replay."""

from __future__ import annotations

import math
import socket
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from _link_helpers import BridgeThread, LineDecoder, is_event

from firmware_bridge.bridge import Bridge
from firmware_bridge.frame import Frame, LinkEvent, RawChunk
from firmware_bridge.transports import (
    EndOfStream,
    RawCaptureWriter,
    open_transport,
    parse_source,
)


@pytest.mark.parametrize(
    ("source", "kind", "target", "port", "label"),
    [
        ("/dev/ttyUSB0", "serial", "/dev/ttyUSB0", 0, "serial:/dev/ttyUSB0"),
        ("loop://", "pyserial-url", "loop://", 0, "loop://"),
        (
            "socket://127.0.0.1:7000",
            "pyserial-url",
            "socket://127.0.0.1:7000",
            0,
            "socket://127.0.0.1:7000",
        ),
        ("tcp://127.0.0.1:7000", "tcp", "127.0.0.1", 7000, "tcp:127.0.0.1:7000"),
        ("udp://0.0.0.0:55673", "udp", "0.0.0.0", 55673, "udp:0.0.0.0:55673"),
        ("file:///tmp/x.log", "file", "/tmp/x.log", 0, "file:/tmp/x.log"),
        ("file://rel/x.log", "file", "rel/x.log", 0, "file:rel/x.log"),
    ],
)
def test_parse_source_kinds(source, kind, target, port, label):
    spec = parse_source(source)
    assert (spec.kind, spec.target, spec.port, spec.label) == (kind, target, port, label)


def test_parse_source_speed():
    assert parse_source("file:///a?speed=10").speed == 10.0
    assert math.isinf(parse_source("file:///a?speed=max").speed)
    assert parse_source("file:///a").speed is None


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("", "no source given"),
        ("tcp://127.0.0.1", "needs a host and a port"),
        ("udp://:99999", "needs a host and a port"),
        ("gopher://x:1", "unknown source scheme"),
        ("file:///a?speed=-1", "speed must be a positive number"),
        ("file:///a?rate=2", "unknown option"),
    ],
)
def test_parse_source_rejects_bad_strings(source, message):
    with pytest.raises(ValueError, match=message):
        parse_source(source)


def test_bridge_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown protocol"):
        Bridge("loop://", protocol="morse", decoder=LineDecoder())
    with pytest.raises(ValueError, match="baud must be a positive integer"):
        Bridge("loop://", baud=0, decoder=LineDecoder())
    with pytest.raises(ValueError, match="read_timeout must be a positive"):
        Bridge("loop://", read_timeout=0, decoder=LineDecoder())
    with pytest.raises(FileNotFoundError, match="does not exist"):
        Bridge(f"file://{tmp_path}/missing.log", decoder=LineDecoder())


def test_loop_url_reads_back_what_was_written():
    transport = open_transport("loop://", 9600, 0.05)
    try:
        transport.write(b"$$TEST,1*0000\n")
        got = b""
        for _ in range(20):
            got += transport.read().data
            if got.endswith(b"\n"):
                break
        assert got == b"$$TEST,1*0000\n"
        assert transport.read().data == b""  # timeout: nothing more
    finally:
        transport.close()


def test_bridge_over_loop_url_yields_chunk_before_its_frames():
    opened = []

    def opener(spec, baud, timeout):
        transport = open_transport(spec, baud, timeout)
        transport.write(b"one\ntwo\n")  # loop:// echoes what its own handle writes
        opened.append(transport)
        return transport

    bridge = Bridge("loop://", decoder=LineDecoder(), read_timeout=0.05, opener=opener)
    with BridgeThread(bridge) as run:
        run.wait_for(lambda i: isinstance(i, Frame) and i.raw == b"two\n")
    kinds = [type(i).__name__ for i in run.items]
    assert kinds[0] == "LinkEvent" and run.items[0].kind == "link_opened"
    first_chunk = kinds.index("RawChunk")
    assert first_chunk < kinds.index("Frame")
    assert b"".join(i.data for i in run.items if isinstance(i, RawChunk)) == b"one\ntwo\n"
    assert len(opened) == 1


def _serve_tcp(
    server: socket.socket, sessions: list[bytes], started: threading.Event, delay: float = 0.0
):
    started.set()
    for payload in sessions:
        conn, _ = server.accept()
        with conn:
            time.sleep(delay)
            conn.sendall(payload)
            time.sleep(0.1)
        # closing the connection is the "dead socket" the bridge must survive


@pytest.mark.network_local
def test_tcp_client_survives_server_hanging_up():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    started = threading.Event()
    feeder = threading.Thread(
        target=_serve_tcp, args=(server, [b"a1\na2\n", b"b1\nb2\n"], started), daemon=True
    )
    feeder.start()
    started.wait(5)
    bridge = Bridge(
        f"tcp://127.0.0.1:{port}", decoder=LineDecoder(), read_timeout=0.05, max_backoff=0.2
    )
    try:
        with BridgeThread(bridge) as run:
            run.wait_for(lambda i: isinstance(i, Frame) and i.raw == b"b2\n")
    finally:
        feeder.join(5)
        server.close()
    assert [f.raw for f in run.frames()] == [b"a1\n", b"a2\n", b"b1\n", b"b2\n"]
    kinds = [e.kind for e in run.events()]
    assert kinds[:3] == ["link_opened", "link_lost", "link_restored"]
    assert "closed the connection" in run.events("link_lost")[0].detail
    assert run.error is None


def _free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.network_local
def test_udp_listener_treats_each_datagram_as_a_message():
    port = _free_udp_port()
    bridge = Bridge(f"udp://127.0.0.1:{port}", "jsonl", read_timeout=0.05)
    # Horus UDP PAYLOAD_SUMMARY shape (horusdemodlib), one without a trailing newline
    datagrams = [
        b'{"type": "PAYLOAD_SUMMARY", "callsign": "HORUS1", "latitude": -34.9,'
        b' "longitude": 138.6, "altitude": 1234, "time": "01:02:03"}',
        b'{"type": "PAYLOAD_SUMMARY", "callsign": "HORUS1", "latitude": -34.8,'
        b' "longitude": 138.7, "altitude": 1300, "time": "01:02:08"}\n',
    ]
    with BridgeThread(bridge) as run, socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as tx:
        run.wait_for(is_event("link_opened"))
        for datagram in datagrams:
            tx.sendto(datagram, ("127.0.0.1", port))
        run.wait_for(lambda i: isinstance(i, Frame) and b"1300" in i.raw)
    # the chunks are the datagrams exactly, and so are the frames: nothing added or merged
    assert [c.data for c in run.items if isinstance(c, RawChunk)] == datagrams
    frames = run.frames()
    assert [f.raw for f in frames] == datagrams
    assert all(f.ok for f in frames)
    assert [f.fields["altitude"] for f in frames] == [1234.0, 1300.0]


def test_file_replay_of_raw_bytes_ends_at_end_of_file(tmp_path):
    path = tmp_path / "raw.log"
    payload = b"".join(b"line %d\n" % i for i in range(3000))  # > one 4096-byte read
    path.write_bytes(payload + b"tail-without-newline")
    bridge = Bridge(f"file://{path}", decoder=LineDecoder())
    items = list(bridge.items())  # returns by itself at end of file
    chunks = [i for i in items if isinstance(i, RawChunk)]
    frames = [i for i in items if isinstance(i, Frame)]
    assert b"".join(c.data for c in chunks) == payload + b"tail-without-newline"
    assert len(chunks) > 1
    assert len(frames) == 3001 and frames[-1].raw == b"tail-without-newline"
    assert not frames[-1].ok  # the cut last line is flushed as malformed, not lost
    assert [e.kind for e in items if isinstance(e, LinkEvent)] == ["link_opened"]


def _write_capture(path, start: datetime, spacing: float, n: int) -> list[bytes]:
    chunks = [b"frame %d\n" % i for i in range(n)]
    with RawCaptureWriter(path) as writer:
        for i, chunk in enumerate(chunks):
            writer.write(chunk, start + timedelta(seconds=spacing * i), "serial:/dev/ttyUSB0")
    return chunks


@pytest.mark.parametrize("speed", ["max", "50"])
def test_file_replay_of_capture_keeps_recorded_times(tmp_path, speed):
    path = tmp_path / "flight.capture.jsonl"
    start = datetime(2026, 7, 8, 11, 52, 49, tzinfo=UTC)
    chunks = _write_capture(path, start, 0.5, 6)  # 2.5 s of recording; 0.05 s at speed 50
    bridge = Bridge(f"file://{path}?speed={speed}", decoder=LineDecoder(), read_timeout=0.02)
    items = list(bridge.items())
    got = [i for i in items if isinstance(i, RawChunk)]
    assert [c.data for c in got] == chunks
    assert [c.received_at for c in got] == [start + timedelta(seconds=0.5 * i) for i in range(6)]
    frames = [i for i in items if isinstance(i, Frame)]
    assert [f.received_at for f in frames] == [c.received_at for c in got]


def test_capture_replay_skips_a_torn_last_line(tmp_path):
    path = tmp_path / "torn.capture.jsonl"
    chunks = _write_capture(path, datetime(2026, 1, 1, tzinfo=UTC), 1.0, 3)
    with open(path, "a") as f:
        f.write('{"format": "stratoflight-raw-capture-1", "received_at": "2026-01')  # killed
    transport = open_transport(f"file://{path}?speed=max")
    try:
        assert [transport.read().data for _ in range(3)] == chunks
        with pytest.raises(EndOfStream):
            transport.read()
    finally:
        transport.close()


def test_capture_replay_skips_damaged_lines_and_reads_naive_times_as_utc(tmp_path):
    # A hand-edited or damaged capture line used to raise ValueError/KeyError out of the
    # bridge ("never raises for link problems"), and a naive received_at came out naive,
    # which the flight log's .timestamp() would read as local time. Damaged lines are now
    # skipped like a torn line; a naive time is taken as UTC (as receive_time does).
    path = tmp_path / "edited.capture.jsonl"
    chunks = _write_capture(path, datetime(2026, 1, 1, tzinfo=UTC), 1.0, 2)
    head = '{"format": "stratoflight-raw-capture-1", '
    with open(path, "a") as f:
        f.write(head + '"received_at": "yesterday", "data_hex": "41"}\n')
        f.write(head + '"received_at": "2026-01-01T00:00:05", "data_hex": "zz"}\n')
        f.write(head + '"data_hex": "41"}\n')
        f.write(head + '"received_at": "2026-01-01T00:00:09", "data_hex": "42"}\n')
    transport = open_transport(f"file://{path}?speed=max")
    try:
        assert [transport.read().data for _ in range(2)] == chunks
        last = transport.read()
        assert last.data == b"B"
        assert last.recorded_at == datetime(2026, 1, 1, 0, 0, 9, tzinfo=UTC)
        assert last.recorded_at.utcoffset() == timedelta(0)
        with pytest.raises(EndOfStream):
            transport.read()
    finally:
        transport.close()


def test_capture_writer_rejects_naive_times(tmp_path):
    with RawCaptureWriter(tmp_path / "c.jsonl") as writer:
        with pytest.raises(ValueError, match="timezone-aware"):
            writer.write(b"x", datetime(2026, 1, 1))


def test_missing_device_is_reported_with_growing_backoff_then_stops(tmp_path):
    missing = tmp_path / "ttyUSB9"
    bridge = Bridge(str(missing), decoder=LineDecoder(), max_backoff=1.0, read_timeout=0.05)
    stop = threading.Event()
    events = []
    for item in bridge.items(stop):
        events.append(item)
        if len(events) == 3:
            stop.set()
    assert [e.kind for e in events] == ["link_error"] * 3
    # back-off doubles from 0.5 s and is capped at max_backoff = 1.0 s
    assert [e.detail.rsplit("retrying in ", 1)[1] for e in events] == ["0.5 s", "1.0 s", "1.0 s"]
    assert str(missing) in events[0].detail


def test_without_reconnect_a_missing_device_ends_the_iteration(tmp_path):
    bridge = Bridge(str(tmp_path / "nothing"), decoder=LineDecoder(), reconnect=False)
    events = list(bridge.items())
    assert [e.kind for e in events] == ["link_error"]
    assert "retrying" not in events[0].detail


def test_stop_is_honoured_within_the_read_timeout():
    bridge = Bridge("loop://", decoder=LineDecoder(), read_timeout=0.05)
    with BridgeThread(bridge) as run:
        run.wait_for(is_event("link_opened"))
        run.stop.set()
        run.thread.join(2.0)  # generous: the loop checks stop every 0.05 s
        assert not run.thread.is_alive()


@pytest.mark.network_local
def test_pyserial_socket_url_reads_and_reports_a_dead_socket():
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    started = threading.Event()
    feeder = threading.Thread(
        target=_serve_tcp, args=(server, [b"s1\ns2\n"], started, 0.3), daemon=True
    )
    feeder.start()
    started.wait(5)
    # the server waits 0.3 s before sending: pyserial's socket:// open() discards whatever
    # has already arrived (reset_input_buffer), as its serial ports do
    bridge = Bridge(
        f"socket://127.0.0.1:{port}", decoder=LineDecoder(), read_timeout=0.05, reconnect=False
    )
    try:
        items = list(bridge.items())  # ends by itself: the socket dies, no reconnect
    finally:
        feeder.join(5)
        server.close()
    assert [f.raw for f in items if isinstance(f, Frame)] == [b"s1\n", b"s2\n"]
    kinds = [e.kind for e in items if isinstance(e, LinkEvent)]
    assert kinds == ["link_opened", "link_lost"]
