"""Never raise: every parse_* and the stream decoder on arbitrary and mutated inputs.

A smaller run of benchmarks/fuzz_decoders.py (which does over a million inputs) for
``make test``: hypothesis drives the same mutations (bit flips, insertions, deletions,
truncations, splices) of valid frames of every protocol.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from _stream_samples import TEXT_AND_FRAME, wire_units
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware_bridge import (
    StreamDecoder,
    parse_frame,
    parse_horus,
    parse_jsonl,
    parse_nmea,
    parse_ukhas,
)
from firmware_bridge.frame import PROTOCOLS, STATUSES, Frame

PARSERS = (parse_ukhas, parse_nmea, parse_horus, parse_frame, parse_jsonl)
SEEDS = [u for p in TEXT_AND_FRAME + ("horus-binary",) for i in (0, 7) for u in wire_units(p, i)]
RECEIVED = datetime(2026, 7, 8, 0, 0, 1, tzinfo=UTC)


@st.composite
def mutated(draw) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.sampled_from(["flip", "insert", "delete", "truncate", "splice"]))
        pos = draw(st.integers(0, max(len(data) - 1, 0)))
        if kind == "flip" and data:
            data[pos] ^= 1 << draw(st.integers(0, 7))
        elif kind == "insert":
            data[pos:pos] = draw(st.binary(min_size=1, max_size=8))
        elif kind == "delete" and data:
            del data[pos : pos + draw(st.integers(1, 8))]
        elif kind == "truncate":
            del data[pos:]
        elif kind == "splice":
            other = draw(st.sampled_from(SEEDS))
            data[pos:] = other[draw(st.integers(0, len(other))) :]
    return bytes(data)


def _check(frame: Frame, raw: bytes) -> None:
    assert isinstance(frame, Frame)
    assert frame.raw == raw
    assert frame.status in STATUSES and frame.protocol in PROTOCOLS
    assert (frame.error is None) == (frame.status == "ok")
    if frame.status != "ok":
        assert frame.fields == {}
    # The catch-all handlers are a safety net, not a way of reporting: reaching one is a bug.
    assert not (frame.error or "").startswith(("cannot decode", "decoder error")), frame.error


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.one_of(mutated(), st.binary(max_size=300)))
def test_parsers_never_raise(raw):
    for parse in PARSERS:
        _check(parse(raw, received_at=RECEIVED, source="fuzz"), raw)


@pytest.mark.slow
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pieces=st.lists(st.one_of(mutated(), st.sampled_from(SEEDS)), min_size=1, max_size=8),
    mode=st.sampled_from(["auto", "ukhas", "nmea", "horus", "horus-binary", "frame", "jsonl"]),
)
def test_stream_decoder_never_raises_on_mutations(pieces, mode):
    decoder = StreamDecoder(mode, max_frame_bytes=256)
    frames = []
    for piece in pieces:
        frames += decoder.feed(piece, received_at=RECEIVED)
        assert decoder.buffered <= 256
    frames += decoder.flush(received_at=RECEIVED)
    assert b"".join(f.raw for f in frames) == b"".join(pieces)
    for frame in frames:
        assert frame.status in STATUSES
        assert not (frame.error or "").startswith("decoder error"), frame.error
