r"""Streaming decoder: cut a byte stream into frames, decode them, count them, never raise.

Delimiting
    Text protocols end at ``\n`` (UKHAS ``$$...\n``, NMEA ``$GP...\r\n``, JSON ``{...}\n``,
    Horus hex lines); our binary frames end at 0x00 (COBS); raw Horus Binary packets
    (``protocol="horus-binary"``) are found by sliding over the bytes until 32 of them
    carry a matching CRC16.
Resynchronisation
    A line that does not decode is searched for a later start marker (``$``, ``{``); when
    the rest decodes, the bytes before it are emitted as one ``malformed`` frame and the
    rest as the frame it is. A 0x00-terminated block that does not decode is searched for
    the longest tail that is a valid frame (line noise without a delimiter in front of a
    frame). Leading whitespace (and leading 0x00 in binary modes) is kept with the next
    frame's raw bytes.
Bounds
    No more than ``max_frame_bytes`` bytes are held between calls. A run without a
    delimiter is cut at the bound and emitted as a ``malformed`` frame: every byte fed comes
    out in exactly one frame's ``raw``, in order.
Auto detection (``protocol="auto"``)
    Decided per frame (see :mod:`firmware_bridge.detect`), so a stream may mix protocols
    (e.g. a GPS's NMEA lines between a payload's UKHAS sentences, or binary frames between
    text lines). A line that starts with none of the text markers and looks binary is held
    back (up to the bound) while it may still be the start of a binary frame that contains
    a 0x0A byte; it is released as soon as a 0x00 or a later decodable text frame arrives.
    Bytes that match no protocol are emitted with protocol ``unknown``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from firmware_bridge.binary_frame import FRAME_VERSION, decode_body, parse_frame
from firmware_bridge.cobs import CobsError, cobs_decode
from firmware_bridge.crc import crc16_ccitt_false
from firmware_bridge.detect import detect_protocol
from firmware_bridge.flight_dating import TIME_OF_DAY_PROTOCOLS, FlightDating
from firmware_bridge.frame import PROTOCOLS, STATUSES, Frame
from firmware_bridge.horus import parse_horus
from firmware_bridge.jsonl import parse_jsonl
from firmware_bridge.nmea import parse_nmea
from firmware_bridge.protocol_common import malformed, receive_time
from firmware_bridge.ukhas import parse_ukhas

__all__ = ["DECODER_MODES", "StreamDecoder"]

#: Values accepted for ``protocol``.
DECODER_MODES = ("auto", "ukhas", "nmea", "horus", "horus-binary", "frame", "jsonl")
_TEXT_MODES = ("ukhas", "nmea", "horus", "jsonl")
_HEX = frozenset(b"0123456789abcdefABCDEF")
_TEXT_MARKERS = frozenset(b"${")
_WHITESPACE = frozenset(b" \t\r\n")
_WHITESPACE_OR_ZERO = frozenset(b" \t\r\n\x00")
_ZERO = frozenset(b"\x00")
_PRINTABLE = bytes(range(0x20, 0x7F)) + b"\t\r\n"
_MAX_RESYNC_TRIES = 8
_MAX_BINARY_RESYNC_TRIES = 64
_HORUS_LEN = 32


class StreamDecoder:
    r"""Turn a byte stream into :class:`~firmware_bridge.frame.Frame` objects.

    Parameters
    ----------
    protocol : str
        One of :data:`DECODER_MODES`; ``"auto"`` detects the protocol per frame.
    source : str
        Link name copied into every frame (e.g. ``serial:/dev/ttyUSB0``).
    field_spec : sequence, optional
        UKHAS extra-field spec (see :mod:`firmware_bridge.ukhas`).
    max_frame_bytes : int
        Bound on held bytes and on one frame's length [bytes], at least 64.
    day_anchor : datetime, optional
        The last payload time already known for this stream (a resumed flight). Times of
        day (UKHAS, NMEA, Horus) are dated continuously from it, or from the first good
        frame, rolling over midnight (see :class:`~firmware_bridge.flight_dating.FlightDating`).

    Attributes
    ----------
    stats : dict
        ``stats[protocol][status]`` -> number of frames emitted, for every protocol in
        :data:`~firmware_bridge.frame.PROTOCOLS` and status in
        :data:`~firmware_bridge.frame.STATUSES`.

    Examples
    --------
    >>> decoder = StreamDecoder("auto", source="test")
    >>> frames = decoder.feed(b"noise$$habitat,123,12:45:06,-35.1032,138.8568,4285*5260\n")
    >>> [(f.protocol, f.status) for f in frames]
    [('unknown', 'malformed'), ('ukhas', 'ok')]
    """

    def __init__(
        self,
        protocol: str = "auto",
        source: str = "",
        field_spec: Sequence[Any] | None = None,
        max_frame_bytes: int = 4096,
        day_anchor: datetime | None = None,
    ) -> None:
        if protocol not in DECODER_MODES:
            raise ValueError(
                f"unknown protocol {protocol!r}; choose one of {', '.join(DECODER_MODES)}"
            )
        if max_frame_bytes < 64:
            raise ValueError(f"max_frame_bytes must be at least 64, not {max_frame_bytes}")
        self.protocol = protocol
        self.source = source
        self.field_spec = field_spec
        self.max_frame_bytes = int(max_frame_bytes)
        self.stats: dict[str, dict[str, int]] = {p: dict.fromkeys(STATUSES, 0) for p in PROTOCOLS}
        self._buf = bytearray()
        self._out: list[Frame] = []
        self.dating = FlightDating(day_anchor)
        self._garbage_protocol = "unknown" if protocol == "auto" else _frame_protocol(protocol)
        if protocol in _TEXT_MODES:
            self._skip = _WHITESPACE
        elif protocol == "frame":
            self._skip = _ZERO
        else:
            self._skip = _WHITESPACE_OR_ZERO

    @property
    def buffered(self) -> int:
        """Bytes held waiting for a delimiter (never more than ``max_frame_bytes``)."""
        return len(self._buf)

    def feed(self, data: bytes, received_at: datetime | None = None) -> list[Frame]:
        """Add bytes from the link and return every frame completed by them.

        Parameters
        ----------
        data : bytes
            Bytes as read, any chunking.
        received_at : datetime, optional
            When they were read (tz-aware UTC; default now); stamps the frames.

        Returns
        -------
        list of Frame
            In stream order.
        """
        return self._run(data, received_at, final=False)

    def flush(self, received_at: datetime | None = None) -> list[Frame]:
        """Decode whatever is held (end of stream or link lost) and empty the buffer."""
        return self._run(b"", received_at, final=True)

    # ------------------------------------------------------------------ internals
    def _run(self, data: bytes, received_at: datetime | None, final: bool) -> list[Frame]:
        at = receive_time(received_at)
        self._out = []
        self._buf += data
        try:
            if self.protocol == "horus-binary":
                self._horus_binary(at, final)
            else:
                self._delimited(at, final)
        except Exception as exc:  # noqa: BLE001 - never raise on input; keep the bytes
            self._emit(
                malformed(
                    bytes(self._buf),
                    at,
                    self.source,
                    self._garbage_protocol,
                    f"decoder error, bytes kept: {exc!r}",
                )
            )
            self._buf.clear()
        out, self._out = self._out, []
        return out

    def _emit(self, frame: Frame) -> None:
        if frame.ok and frame.protocol in TIME_OF_DAY_PROTOCOLS:
            when = frame.fields.get("payload_time")
            if isinstance(when, datetime):
                frame.fields["payload_time"] = self.dating.date(when)
        self._out.append(frame)
        self.stats[frame.protocol][frame.status] += 1

    def _garbage(self, raw: bytes, at: datetime, why: str) -> None:
        self._emit(malformed(raw, at, self.source, self._garbage_protocol, why))

    def _garbage_frame(self, raw: bytes, at: datetime) -> Frame:
        return malformed(raw, at, self.source, self._garbage_protocol, "garbage before a frame")

    def _parse(self, protocol: str, raw: bytes, at: datetime) -> Frame | None:
        if protocol == "ukhas":
            return parse_ukhas(raw, self.field_spec, received_at=at, source=self.source)
        if protocol == "nmea":
            return parse_nmea(raw, received_at=at, source=self.source)
        if protocol == "jsonl":
            return parse_jsonl(raw, received_at=at, source=self.source)
        if protocol == "horus":
            return parse_horus(raw, received_at=at, source=self.source)
        if protocol == "frame":
            return parse_frame(raw, received_at=at, source=self.source)
        return None

    def _delimited(self, at: datetime, final: bool) -> None:
        buf = self._buf
        n = len(buf)
        bound = self.max_frame_bytes
        mode = self.protocol
        skip = self._skip
        pos = 0
        nl_at = zero_at = -2  # cached next positions (-2: not searched yet)
        while pos < n:
            q = pos
            while q < n and buf[q] in skip:
                q += 1
            if q >= n:
                if final or n - pos >= bound:
                    self._garbage(bytes(buf[pos:n]), at, "only whitespace or 0x00 bytes")
                    pos = n
                break
            kind = "text"
            if mode == "frame":
                end = buf.find(0, q)
                kind = "binary"
            elif mode != "auto":
                end = buf.find(b"\n", q)
            else:
                if nl_at != -1 and nl_at < q:
                    nl_at = buf.find(b"\n", q)
                if zero_at != -1 and zero_at < q:
                    zero_at = buf.find(0, q)
                if zero_at >= 0 and (nl_at < 0 or zero_at < nl_at):
                    end, kind = zero_at, "binary"
                elif nl_at >= 0 and nl_at + 1 - pos <= bound:
                    line = bytes(buf[pos : nl_at + 1])
                    frames, found = self._text_frames(line, at)
                    if not found and line.translate(None, _PRINTABLE):
                        # Not text and not printable: maybe a binary frame holding 0x0A.
                        decision = self._binary_looking_line(pos, nl_at, zero_at, at, final)
                        if decision == "wait":
                            break
                        if decision == "done":
                            pos = zero_at + 1
                            continue
                    for frame in frames:
                        self._emit(frame)
                    pos = nl_at + 1
                    continue
                elif nl_at >= 0:
                    end = nl_at
                else:
                    end = -1
            if end < 0 or end + 1 - pos > bound:
                if end < 0 and not final and n - pos < bound:
                    break  # wait for the delimiter
                stop = min(n, pos + bound)
                if end >= 0 and end < stop:
                    stop = end + 1
                chunk = bytes(buf[pos:stop])
                if end < 0 and final and n - pos <= bound:
                    self._chunk(chunk, kind, at)  # end of stream: try to decode the tail
                else:
                    self._garbage(chunk, at, f"no delimiter within {bound} bytes")
                pos = stop
                continue
            self._chunk(bytes(buf[pos : end + 1]), kind, at)
            pos = end + 1
        del buf[:pos]

    def _binary_looking_line(
        self, pos: int, nl_at: int, zero_at: int, at: datetime, final: bool
    ) -> str:
        """Auto mode, a line not starting like text: 'text', 'wait' or 'done' (emitted)."""
        buf = self._buf
        if zero_at >= 0:
            if zero_at + 1 - pos > self.max_frame_bytes:
                return "text"  # too long for one frame: the tail is searched on its own
            if self._decodable_text_after(nl_at + 1, at, zero_at):
                return "text"  # a text frame comes first: this line is garbage
            block = bytes(buf[pos : zero_at + 1])
            frame = parse_frame(block, received_at=at, source=self.source)
            if frame.ok:
                self._emit(frame)
                return "done"
            start = _longest_valid_tail(block)
            if start > 0:
                self._garbage(block[:start], at, "garbage before a frame")
                self._emit(parse_frame(block[start:], received_at=at, source=self.source))
                return "done"
            return "text"
        line = bytes(buf[pos : nl_at + 1])
        if not line.translate(None, _PRINTABLE):
            return "text"
        if final or len(buf) - pos >= self.max_frame_bytes:
            return "text"
        if self._decodable_text_after(nl_at + 1, at, len(buf)):
            return "text"
        return "wait"

    def _decodable_text_after(self, start: int, at: datetime, limit: int) -> bool:
        """Whether a complete, decodable text line starts at or after ``start`` (< limit)."""
        buf = self._buf
        for _ in range(16):
            end = buf.find(b"\n", start, limit)
            if end < 0:
                return False
            if self._text_frames(bytes(buf[start : end + 1]), at)[1]:
                return True
            start = end + 1
        return False

    def _chunk(self, chunk: bytes, kind: str, at: datetime) -> None:
        if kind == "binary":
            self._binary_chunk(chunk, at)
        else:
            self._text_chunk(chunk, at)

    def _text_chunk(self, chunk: bytes, at: datetime) -> None:
        for frame in self._text_frames(chunk, at)[0]:
            self._emit(frame)

    def _text_frames(self, chunk: bytes, at: datetime) -> tuple[list[Frame], bool]:
        """Decode a text line, resynchronising inside it: (frames to emit, one is ok)."""
        mode = self.protocol
        protocol = detect_protocol(chunk) if mode == "auto" else mode
        frame = self._parse(protocol, chunk, at)
        if frame is not None and frame.ok:
            return [frame], True
        resynced = self._resync_text(chunk, at)
        if resynced is not None:
            return resynced, True
        if frame is None:
            frame = malformed(
                chunk, at, self.source, self._garbage_protocol, "bytes match no supported protocol"
            )
        return [frame], False

    def _resync_text(self, chunk: bytes, at: datetime) -> list[Frame] | None:
        """Find a decodable frame starting later in ``chunk``: [garbage, frame] or None."""
        mode = self.protocol
        if mode in ("auto", "horus"):
            body = chunk.rstrip(b" \t\r\n")
            for digits in (64, 44):
                i = len(body) - digits
                if i > 0 and _HEX.issuperset(body[i:]):
                    frame = parse_horus(chunk[i:], received_at=at, source=self.source)
                    if frame.ok:
                        return [self._garbage_frame(chunk[:i], at), frame]
        tries = 0
        i = 0
        while tries < _MAX_RESYNC_TRIES:
            dollar = chunk.find(b"$", i + 1)
            brace = chunk.find(b"{", i + 1) if mode in ("auto", "jsonl") else -1
            found = [c for c in (dollar, brace) if c > 0]
            if not found:
                return None
            i = min(found)
            candidates = [i]
            if chunk[i] == 0x24:  # '$': a run may be UKHAS ($$...) or noise before NMEA ($G..)
                last = i
                while last + 1 < len(chunk) and chunk[last + 1] == 0x24:
                    last += 1
                if last > i:
                    candidates.append(last)
                i = last
            for start in candidates:
                tries += 1
                tail = chunk[start:]
                protocol = detect_protocol(tail) if mode == "auto" else mode
                frame = self._parse(protocol, tail, at)
                if frame is not None and frame.ok:
                    return [self._garbage_frame(chunk[:start], at), frame]
        return None

    def _binary_chunk(self, chunk: bytes, at: datetime) -> None:
        frame = parse_frame(chunk, received_at=at, source=self.source)
        if frame.ok:
            self._emit(frame)
            return
        start = _longest_valid_tail(chunk)
        if start > 0:
            self._garbage(chunk[:start], at, "garbage before a frame")
            self._emit(parse_frame(chunk[start:], received_at=at, source=self.source))
            return
        if self.protocol == "auto":
            resynced = self._resync_text(chunk, at)
            if resynced is not None:
                for each in resynced:
                    self._emit(each)
                return
        self._emit(frame)

    def _horus_binary(self, at: datetime, final: bool) -> None:
        buf = self._buf
        n = len(buf)
        bound = self.max_frame_bytes
        start = 0  # first byte not yet emitted
        i = 0
        while n - i >= _HORUS_LEN:
            if crc16_ccitt_false(buf[i : i + 30]) == buf[i + 30] | (buf[i + 31] << 8):
                if i > start:
                    self._garbage(bytes(buf[start:i]), at, "bytes between Horus packets")
                self._emit(
                    parse_horus(bytes(buf[i : i + _HORUS_LEN]), received_at=at, source=self.source)
                )
                i += _HORUS_LEN
                start = i
            else:
                i += 1
                if i - start >= bound:
                    self._garbage(bytes(buf[start:i]), at, f"no Horus packet in {bound} bytes")
                    start = i
        if final and n > start:
            self._garbage(bytes(buf[start:n]), at, "bytes after the last Horus packet")
            start = n
        elif n - start > bound:
            self._garbage(bytes(buf[start:i]), at, f"no Horus packet in {bound} bytes")
            start = i
        del buf[:start]


def _frame_protocol(mode: str) -> str:
    return "horus" if mode == "horus-binary" else mode


def _longest_valid_tail(chunk: bytes) -> int:
    """Offset of the longest tail of a 0x00-terminated block that is a valid frame, or 0.

    A COBS block is a chain of code bytes, each pointing at the next; only offsets whose
    chain lands exactly on the end can start a valid block. Those are found in one
    backward pass; those whose first decoded byte is the frame version are tried from the
    longest tail on (a CRC32 check each).
    """
    body = chunk[:-1] if chunk.endswith(b"\x00") else chunk
    n = len(body)
    if n < 10:
        return 0
    lands = bytearray(n + 1)
    lands[n] = 1
    for i in range(n - 1, -1, -1):
        code = body[i]
        if code and i + code <= n and lands[i + code]:
            lands[i] = 1
    tries = 0
    for i in range(1, n - 9):
        # The first decoded byte is the version, never 0x00: code >= 2, next byte = version.
        if not lands[i] or body[i] < 2 or body[i + 1] != FRAME_VERSION:
            continue
        tries += 1
        if tries > _MAX_BINARY_RESYNC_TRIES:
            break
        try:
            data = cobs_decode(body[i:])
        except CobsError:
            continue
        if decode_body(data)[0] == "ok":
            return i
    return 0
