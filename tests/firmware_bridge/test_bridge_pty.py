"""The bridge over a real pseudo-terminal (os.openpty, opened by pyserial): chunking, garbage."""

from __future__ import annotations

import os
from datetime import UTC, datetime

import pytest
import serial
from _link_helpers import BridgeThread, is_event

from firmware_bridge.bridge import Bridge
from firmware_bridge.frame import Frame, RawChunk
from firmware_bridge.pty_sink import PtyDevice
from firmware_bridge.transports import EndOfStream, Received
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC, encode_ukhas

#: Verified sentence (telemetry-formats.md 1.4, habitat test_ukhas_parser.py)
HABITAT = b"$$habitat,123,12:45:06,-35.1032,138.8568,4285,3.6,hab*5681\n"

#: Garbage put between frames: binary noise with 0x00, a stray '$', a broken sentence.
GARBAGE = [b"\xff\xfe\x00\x13junk", b"$", b"$$BROKEN,no-star-here\n", b"\x07 ~~~ \x7f\n"]


def sentences(n: int) -> list[bytes]:
    when = datetime(2025, 6, 21, 12, 0, tzinfo=UTC)
    return [
        encode_ukhas(
            {
                "callsign": "PTYTEST",
                "sentence_id": i,
                "payload_time": when,
                "latitude": 42.0 + i * 1e-3,
                "longitude": 4.0,
                "altitude": 100.0 * i,
                "pressure": 95000.0 - 10 * i,
                "temperature": 280.0,
            },
            field_spec=STRATO_UKHAS_FIELD_SPEC,
        )
        for i in range(1, n + 1)
    ]


def stream_with_garbage(frames: list[bytes]) -> bytes:
    out = bytearray()
    for k, frame in enumerate(frames):
        out += GARBAGE[k % len(GARBAGE)] + frame
    return bytes(out)


def test_raw_pty_pair_is_read_by_pyserial():
    """The plain os.openpty pair the other tests build on: pyserial reads the slave."""
    master, slave = os.openpty()
    try:
        port = serial.Serial(os.ttyname(slave), timeout=0.5)
        try:
            os.write(master, HABITAT)
            got = b""
            while not got.endswith(b"\n"):
                chunk = port.read(64)
                assert chunk, "pty delivered nothing"
                got += chunk
            assert got == HABITAT
        finally:
            port.close()
    finally:
        os.close(master)
        os.close(slave)


@pytest.fixture
def pty_bridge(tmp_path):
    device = PtyDevice(tmp_path / "ttyPAYLOAD")
    bridge = Bridge(str(device.link), "ukhas", 115200, read_timeout=0.05, max_backoff=0.2)
    with device, BridgeThread(bridge) as run:
        run.wait_for(is_event("link_opened"))
        yield device, run


@pytest.mark.parametrize("drained_sizes", [(1, 2, 3, 5, 7, 11, 64)])
def test_frames_in_chunks_of_every_size_decode_exactly_once(pty_bridge, drained_sizes):
    device, run = pty_bridge
    frames = [HABITAT, *sentences(7)]
    stream = stream_with_garbage(frames)
    written = bytearray()
    sizes = list(range(1, len(stream) + 1))
    for size in sizes:
        for start in range(0, len(stream), size):
            chunk = stream[start : start + size]
            assert device.write(chunk) == len(chunk)
            written += chunk
            if size in drained_sizes:
                assert device.drain(settle=0.0)  # read already: the next read sees this chunk
    # a last frame proves everything before it has been decoded
    marker = sentences(99)[-1]
    device.write(marker)
    written += marker
    run.wait_for(lambda i: isinstance(i, Frame) and i.raw == marker)

    raw = b"".join(i.data for i in run.items if isinstance(i, RawChunk))
    assert raw == bytes(written)  # not a byte lost or duplicated on the way
    ok = [f for f in run.frames() if f.ok]
    # each of the 8 frames once per chunk size, in order, then the marker; a stray '$' in
    # front stays with the sentence ('$$$...' is valid UKHAS, telemetry-formats.md 1.1)
    assert len(ok) == len(frames) * len(sizes) + 1
    for got, want in zip(ok, frames * len(sizes) + [marker], strict=True):
        assert got.raw.endswith(want) and got.raw.lstrip(b"$") == want.lstrip(b"$")
    assert ok[0].fields["callsign"] == "habitat" and ok[0].fields["altitude"] == 4285
    # the STRATO extras without a field spec: the 6th extra is the pressure in hPa
    assert ok[1].fields["sentence_id"] == 1 and float(ok[1].fields["extra_6"]) == 949.9
    bad = [f for f in run.frames() if not f.ok]
    # each garbage item comes out as malformed bytes, none is merged into a good frame
    assert b"".join(f.raw for f in bad).count(b"BROKEN") == 2 * len(sizes)
    assert all(f.status in ("malformed", "bad_checksum") for f in bad)
    # How the OS groups the written chunks into reads is its choice (the drained rounds make
    # most reads as small as the writes); the exact chunking is checked without the OS below.


class ScriptedTransport:
    """A transport that returns exactly the given chunks, then ends (no OS in between)."""

    label = "scripted"

    def __init__(self, chunks):
        self.chunks = list(chunks)

    def read(self):
        if not self.chunks:
            raise EndOfStream("scripted")
        return Received(self.chunks.pop(0))

    def close(self):
        pass


def test_bridge_with_exact_chunks_of_every_size():
    frames = [HABITAT, *sentences(7)]
    stream = stream_with_garbage(frames)
    for size in range(1, len(stream) + 1):
        chunks = [stream[i : i + size] for i in range(0, len(stream), size)]
        bridge = Bridge(
            "loop://", "ukhas", opener=lambda spec, baud, timeout, c=chunks: ScriptedTransport(c)
        )
        items = list(bridge.items())
        got_chunks = [i.data for i in items if isinstance(i, RawChunk)]
        assert got_chunks == chunks  # each read handed on as it came
        ok = [i for i in items if isinstance(i, Frame) and i.ok]
        assert [f.raw.lstrip(b"$") for f in ok] == [f.lstrip(b"$") for f in frames], size
        # every byte comes out in exactly one frame
        assert b"".join(i.raw for i in items if isinstance(i, Frame)) == stream


def test_a_frame_cut_by_a_vanishing_device_is_kept_as_malformed(pty_bridge):
    device, run = pty_bridge
    first, second, third = sentences(3)
    device.write(first + second[:20])
    assert device.drain()
    run.wait_for(lambda i: isinstance(i, Frame) and i.raw == first)
    device.unplug()
    run.wait_for(is_event("link_lost"))
    device.plug()
    run.wait_for(is_event("link_restored"))
    device.write(third)
    run.wait_for(lambda i: isinstance(i, Frame) and i.raw == third)
    frames = run.frames()
    assert [f.raw for f in frames] == [first, second[:20], third]
    assert [f.status for f in frames] == ["ok", "malformed", "ok"]
