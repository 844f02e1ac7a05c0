"""StreamDecoder: delimiting, chunking, resynchronisation, bounds, stats, properties."""

from __future__ import annotations

import pytest
from _stream_samples import T0, TEXT_AND_FRAME, wire_units
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from firmware_bridge.stream_decoder import DECODER_MODES, StreamDecoder
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC

SPEC = STRATO_UKHAS_FIELD_SPEC


def _decode(decoder: StreamDecoder, chunks) -> list:
    frames = []
    for chunk in chunks:
        frames += decoder.feed(chunk, received_at=T0)
        assert decoder.buffered <= decoder.max_frame_bytes
    return frames + decoder.flush(received_at=T0)


# Raw Horus packets carry no delimiter, so only protocol="horus-binary" finds them.
@pytest.mark.parametrize(
    ("protocol", "mode"),
    [(p, m) for p in TEXT_AND_FRAME for m in ("auto", "explicit")] + [("horus-binary", "explicit")],
)
def test_clean_stream_every_chunk_size(protocol, mode):
    units = [u for i in range(6) for u in wire_units(protocol, i)]
    stream = b"".join(units)
    for size in (1, 2, 3, 7, 31, 64, len(stream)):
        decoder = StreamDecoder(
            "auto" if mode == "auto" else protocol, source="test", field_spec=SPEC
        )
        chunks = [stream[k : k + size] for k in range(0, len(stream), size)]
        frames = _decode(decoder, chunks)
        assert [f.raw for f in frames] == units, size
        assert all(f.ok for f in frames), [f.error for f in frames if not f.ok]
        assert all(f.source == "test" and f.received_at == T0 for f in frames)
        name = "horus" if protocol == "horus-binary" else protocol
        assert decoder.stats[name]["ok"] == len(units)


def test_mixed_protocols_in_auto_mode():
    units = [u for i in range(4) for p in TEXT_AND_FRAME for u in wire_units(p, i)]
    decoder = StreamDecoder("auto", field_spec=SPEC)
    frames = _decode(decoder, [b"".join(units)])
    assert [f.raw for f in frames] == units
    assert all(f.ok for f in frames)
    assert {f.protocol for f in frames} == set(TEXT_AND_FRAME)


def test_garbage_before_frames_is_one_malformed_frame_each():
    ukhas = wire_units("ukhas", 1)[0]
    frame = wire_units("frame", 2)[0]
    stream = b"\x13\x37noise" + ukhas + b"\xfe\xfe\x01" + frame + b"junk\n" + ukhas
    decoder = StreamDecoder("auto", field_spec=SPEC)
    frames = _decode(decoder, [stream])
    assert [(f.protocol, f.status) for f in frames] == [
        ("unknown", "malformed"),
        ("ukhas", "ok"),
        ("unknown", "malformed"),
        ("frame", "ok"),
        ("unknown", "malformed"),
        ("ukhas", "ok"),
    ]
    assert b"".join(f.raw for f in frames) == stream
    assert decoder.stats["unknown"]["malformed"] == 3


def test_bad_checksum_counted_and_kept():
    line = bytearray(wire_units("ukhas", 3)[0])
    line[10] ^= 0x01
    decoder = StreamDecoder("ukhas")
    frames = _decode(decoder, [bytes(line)])
    assert [f.status for f in frames] == ["bad_checksum"]
    assert frames[0].raw == bytes(line)
    assert decoder.stats["ukhas"] == {"ok": 0, "bad_checksum": 1, "malformed": 0}


def test_run_without_delimiter_is_cut_at_the_bound():
    decoder = StreamDecoder("ukhas", max_frame_bytes=100)
    garbage = b"x" * 1050
    frames = []
    for k in range(0, len(garbage), 7):
        frames += decoder.feed(garbage[k : k + 7])
        assert decoder.buffered <= 100
    assert all(f.status == "malformed" and len(f.raw) <= 100 for f in frames)
    assert len(frames) == 10
    assert "no delimiter within 100 bytes" in frames[0].error
    frames += decoder.flush()
    assert b"".join(f.raw for f in frames) == garbage
    # The decoder is still in sync afterwards.
    ukhas = wire_units("ukhas", 0)[0]
    assert [f.ok for f in decoder.feed(ukhas)] == [True]


def test_flush_decodes_a_final_sentence_without_newline():
    decoder = StreamDecoder("auto")
    line = wire_units("ukhas", 0)[0].rstrip(b"\n")
    assert decoder.feed(line) == []
    frames = decoder.flush()
    assert [f.ok for f in frames] == [True]
    assert decoder.buffered == 0


def test_binary_looking_line_released_by_following_text_frame():
    # No 0x00 ever comes: the noise line must not hold back the sentence after it.
    decoder = StreamDecoder("auto")
    ukhas = wire_units("ukhas", 0)[0]
    frames = decoder.feed(b"\x81\x82\x83\n")
    assert frames == [] and decoder.buffered == 4  # could still be a binary frame
    frames = decoder.feed(ukhas)
    assert [(f.status, f.raw) for f in frames] == [("malformed", b"\x81\x82\x83\n"), ("ok", ukhas)]


def test_binary_frame_holding_newline_split_across_feeds():
    wire = wire_units("frame", 0)[0]
    assert b"\n" in wire  # the 0x0A byte of the battery voltage field
    cut = wire.index(b"\n") + 1
    decoder = StreamDecoder("auto")
    assert decoder.feed(wire[:cut]) == []
    frames = decoder.feed(wire[cut:])
    assert [f.ok for f in frames] == [True]


def test_horus_binary_mode_with_garbage_between_packets():
    packets = [wire_units("horus-binary", i)[0] for i in range(5)]
    stream = b"".join(b"\xaa" * i + p for i, p in enumerate(packets)) + b"tail"
    decoder = StreamDecoder("horus-binary")
    frames = _decode(decoder, [stream[k : k + 5] for k in range(0, len(stream), 5)])
    assert [f.fields["sentence_id"] for f in frames if f.ok] == [0, 1, 2, 3, 4]
    assert b"".join(f.raw for f in frames) == stream
    assert decoder.stats["horus"]["malformed"] == 4 + 1  # 4 gaps with garbage, the tail


def test_constructor_validates():
    with pytest.raises(ValueError, match="unknown protocol"):
        StreamDecoder("morse")
    with pytest.raises(ValueError, match="at least 64"):
        StreamDecoder("auto", max_frame_bytes=10)
    assert "auto" in DECODER_MODES


# ----------------------------------------------------------------- properties
_split_points = st.lists(st.integers(min_value=0, max_value=5000), max_size=40)


def _chunks(stream: bytes, cuts: list[int]) -> list[bytes]:
    points = sorted({c % (len(stream) + 1) for c in cuts} | {0, len(stream)})
    return [stream[a:b] for a, b in zip(points, points[1:], strict=False)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    data=st.binary(max_size=3000),
    cuts=_split_points,
    mode=st.sampled_from(DECODER_MODES),
    bound=st.sampled_from([64, 200, 4096]),
)
def test_arbitrary_bytes_never_raise_keep_every_byte_and_stay_bounded(data, cuts, mode, bound):
    decoder = StreamDecoder(mode, max_frame_bytes=bound)
    frames = _decode(decoder, _chunks(data, cuts))
    assert b"".join(f.raw for f in frames) == data
    assert decoder.buffered == 0
    assert sum(sum(s.values()) for s in decoder.stats.values()) == len(frames)


# Arbitrary garbage (0x00, CR, LF, '$', hex digits, COBS-like runs ...) except '{': garbage
# such as b"{}\n" is itself a valid (empty) JSON telemetry line and would rightly decode.
_garbage = st.binary(max_size=40).filter(lambda g: b"{" not in g)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    picks=st.lists(
        st.tuples(st.sampled_from(TEXT_AND_FRAME), st.integers(0, 50), _garbage),
        min_size=1,
        max_size=12,
    ),
    cuts=_split_points,
)
def test_every_valid_frame_decoded_exactly_once_despite_garbage_and_splits(picks, cuts):
    stream = b""
    expected: list[bytes] = []
    for protocol, i, garbage in picks:
        stream += garbage
        for unit in wire_units(protocol, i):
            stream += unit
            expected.append(unit)
    decoder = StreamDecoder("auto", field_spec=SPEC)
    frames = _decode(decoder, _chunks(stream, cuts))
    ok = [f for f in frames if f.ok]
    assert len(ok) == len(expected), [(f.status, f.error, f.raw) for f in frames]
    for frame, unit in zip(ok, expected, strict=True):
        assert frame.raw.endswith(unit) and len(frame.raw) - len(unit) <= 4
    assert b"".join(f.raw for f in frames) == stream
