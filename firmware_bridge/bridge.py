"""The bridge: a link that survives pulled cables, handing over raw bytes, frames and events.

:class:`Bridge` opens a source (see :mod:`firmware_bridge.transports`), reads it, and yields,
in order, every :class:`~firmware_bridge.frame.RawChunk` as read, then the
:class:`~firmware_bridge.frame.Frame` objects decoded from it, and
:class:`~firmware_bridge.frame.LinkEvent` objects when the link opens, breaks, fails to
reopen or comes back. A broken link is reported and reopened with capped exponential
back-off (0.5 s, 1 s, 2 s, ... up to ``max_backoff``); the bridge never raises for link
problems, only for bad arguments and for a listening port another program holds at the
first open (:class:`~firmware_bridge.transports.PortInUseError`: waiting would not help).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol

from firmware_bridge.frame import Frame, LinkEvent, RawChunk
from firmware_bridge.stream_decoder import DECODER_MODES, StreamDecoder
from firmware_bridge.transports import (
    EndOfStream,
    PortInUseError,
    SourceSpec,
    Transport,
    open_transport,
    parse_source,
)

__all__ = ["BRIDGE_PROTOCOLS", "Bridge", "Decoder", "FIRST_BACKOFF"]

#: Protocol names the bridge accepts ("auto" lets the decoder detect it per frame).
BRIDGE_PROTOCOLS = DECODER_MODES

#: First retry delay after a failed open [s]; it doubles up to ``max_backoff``.
FIRST_BACKOFF = 0.5


class Decoder(Protocol):
    """What the bridge needs from a streaming decoder."""

    def feed(self, data: bytes, received_at: datetime | None = None) -> list[Frame]:
        """Take bytes, return the frames completed by them."""
        ...

    def flush(self, received_at: datetime | None = None) -> list[Frame]:
        """Decode whatever is buffered (a message ended, the stream ended or broke)."""
        ...


def _now() -> datetime:
    return datetime.now(UTC)


class Bridge:
    """A self-healing telemetry link.

    Parameters
    ----------
    source : str
        Device path, ``tcp://HOST:PORT``, ``udp://HOST:PORT``, ``file://PATH[?speed=X]`` or a
        pyserial URL (``socket://``, ``rfc2217://``, ``loop://``).
    protocol : str
        One of :data:`BRIDGE_PROTOCOLS`.
    baud : int
        Serial line speed [bit s-1].
    reconnect : bool
        Reopen the link after it breaks or fails to open; if False, report and return.
    max_backoff : float
        Longest wait between two reopen attempts [s].
    read_timeout : float
        Longest wait in one read [s]; ``stop`` is checked at least this often.
    decoder : Decoder, optional
        The streaming decoder to use (default: a
        :class:`firmware_bridge.stream_decoder.StreamDecoder` for ``protocol``).
    opener : callable, optional
        ``opener(spec, baud, read_timeout) -> Transport``; default
        :func:`~firmware_bridge.transports.open_transport`.
    field_spec : sequence, optional
        UKHAS extra-field spec for the default decoder (e.g.
        :data:`firmware_bridge.ukhas.STRATO_UKHAS_FIELD_SPEC` for the virtual payload);
        without it UKHAS extras come out as ``extra_1``, ``extra_2``, ...

    Raises
    ------
    ValueError
        For an unknown protocol, a malformed source, or non-positive numbers.
    FileNotFoundError
        For a ``file://`` replay of a file that does not exist.
    """

    def __init__(
        self,
        source: str,
        protocol: str = "auto",
        baud: int = 9600,
        *,
        reconnect: bool = True,
        max_backoff: float = 5.0,
        read_timeout: float = 0.2,
        decoder: Decoder | None = None,
        opener: Callable[[SourceSpec, int, float], Transport] | None = None,
        field_spec: Sequence[Any] | None = None,
    ) -> None:
        self.spec = parse_source(source)
        if protocol not in BRIDGE_PROTOCOLS:
            raise ValueError(
                f"unknown protocol {protocol!r}; choose one of {', '.join(BRIDGE_PROTOCOLS)}"
            )
        if isinstance(baud, bool) or not isinstance(baud, int) or baud <= 0:
            raise ValueError(f"baud must be a positive integer (e.g. 9600), not {baud!r}")
        for name, value in (("max_backoff", max_backoff), ("read_timeout", read_timeout)):
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ValueError(f"{name} must be a positive number of seconds, not {value!r}")
        if self.spec.kind == "file" and not Path(self.spec.target).is_file():
            raise FileNotFoundError(
                f"replay file {self.spec.target} does not exist; give the path of a recorded "
                "log, e.g. file:///home/crew/flight.capture.jsonl"
            )
        self.source = source
        self.protocol = protocol
        self.baud = baud
        self.reconnect = reconnect
        self.max_backoff = float(max_backoff)
        self.read_timeout = float(read_timeout)
        self.decoder: Decoder = (
            decoder
            if decoder is not None
            else StreamDecoder(protocol=protocol, source=self.label, field_spec=field_spec)
        )
        self._opener = opener or (lambda spec, b, t: open_transport(spec, b, t))

    @property
    def label(self) -> str:
        """The source as named in frames and link events, e.g. ``serial:/dev/ttyUSB0``."""
        return self.spec.label

    def _event(self, kind: str, detail: str) -> LinkEvent:
        return LinkEvent(kind=kind, at=_now(), source=self.label, detail=detail)

    def _decode(self, data: bytes, at: datetime, message: bool) -> Iterable[Frame]:
        frames = list(self.decoder.feed(data, received_at=at))
        if message:
            # A datagram is a whole message: decode it now, without waiting for a delimiter
            # and without adding one (frames keep the bytes exactly as received).
            frames += self.decoder.flush(received_at=at)
        return frames

    def _read_until_broken(
        self, transport: Transport, stop: threading.Event
    ) -> Iterator[RawChunk | Frame | LinkEvent | None]:
        """Yield chunks and frames; yield None at end of stream; return when the link breaks."""
        while not stop.is_set():
            try:
                received = transport.read()
            except EndOfStream:
                yield from self.decoder.flush()
                yield None
                return
            except OSError as exc:
                again = "; reopening" if self.reconnect else ""
                yield self._event("link_lost", f"{exc}{again}")
                yield from self.decoder.flush()
                return
            if received.data:
                at = received.recorded_at or _now()
                yield RawChunk(data=received.data, received_at=at, source=self.label)
                yield from self._decode(received.data, at, received.message)
        yield from self.decoder.flush()

    def items(self, stop: threading.Event | None = None) -> Iterator[RawChunk | Frame | LinkEvent]:
        """Run the link and yield what happens on it.

        Parameters
        ----------
        stop : threading.Event, optional
            Set it (from any thread) to end the iteration within about ``read_timeout``.

        Yields
        ------
        RawChunk, Frame or LinkEvent
            Each chunk as read, then the frames decoded from it; link events as they happen
            (``link_opened`` first open, ``link_lost`` when an open link breaks,
            ``link_error`` for each failed open attempt with the retry delay,
            ``link_restored`` when a broken link is open again).

        Notes
        -----
        Returns when ``stop`` is set, at the end of a replayed file, or, with
        ``reconnect=False``, when the link breaks or cannot be opened. When replaying a raw
        capture, chunks and frames carry the recorded receive times.
        """
        stop = stop if stop is not None else threading.Event()
        backoff = min(FIRST_BACKOFF, self.max_backoff)
        was_open = False
        while not stop.is_set():
            try:
                transport = self._opener(self.spec, self.baud, self.read_timeout)
            except OSError as exc:
                if isinstance(exc, PortInUseError) and not was_open:
                    raise
                retry = f"; retrying in {backoff:.1f} s" if self.reconnect else ""
                yield self._event("link_error", f"cannot open {self.label}: {exc}{retry}")
                if not self.reconnect or stop.wait(backoff):
                    return
                backoff = min(backoff * 2, self.max_backoff)
                continue
            backoff = min(FIRST_BACKOFF, self.max_backoff)
            yield self._event("link_restored" if was_open else "link_opened", self.spec.target)
            was_open = True
            try:
                for item in self._read_until_broken(transport, stop):
                    if item is None:
                        return
                    yield item
            finally:
                transport.close()
            if not self.reconnect or stop.wait(backoff):
                return  # the short wait keeps a link that breaks at once from spinning

    def __repr__(self) -> str:
        return f"Bridge({self.source!r}, protocol={self.protocol!r}, baud={self.baud})"
