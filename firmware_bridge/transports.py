"""Byte sources for the bridge: serial ports, pyserial URLs, TCP, UDP and file replay.

Each transport does one thing: hand over the bytes that arrived, a little at a time, and
raise :class:`OSError` (``serial.SerialException`` is one) when the link breaks. What to do
about a broken link (report, back off, reopen) is the bridge's job, not the transport's.

Sources (see :func:`parse_source`):

- a device path: ``/dev/ttyUSB0``, ``/dev/ttyACM0``, ``/dev/serial/by-id/...``, a pty path;
- a pyserial URL: ``socket://HOST:PORT``, ``rfc2217://HOST:PORT``, ``loop://``;
- ``tcp://HOST:PORT``: TCP client;
- ``udp://HOST:PORT``: UDP listener bound to HOST:PORT (``0.0.0.0`` for every interface);
- ``file://PATH[?speed=X]``: replay of a recorded log. A raw capture (JSON lines written by
  :class:`RawCaptureWriter`, each with its receive time) is replayed at ``speed`` times
  real time (default 1); any other file is replayed as raw bytes as fast as possible.
  ``speed=max`` (or 0) replays as fast as possible in both cases.
"""

from __future__ import annotations

import errno
import json
import math
import os
import socket
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, NamedTuple, Protocol
from urllib.parse import parse_qs, urlsplit

import serial

__all__ = [
    "CAPTURE_FORMAT",
    "EndOfStream",
    "FileReplayTransport",
    "LinkClosedError",
    "PortInUseError",
    "RawCaptureWriter",
    "Received",
    "SerialTransport",
    "SourceSpec",
    "TcpClientTransport",
    "Transport",
    "UdpListenerTransport",
    "open_transport",
    "parse_source",
    "parse_speed_factor",
]

#: Value of the ``format`` key in every line of a raw capture file.
CAPTURE_FORMAT = "stratoflight-raw-capture-1"

#: pyserial URL schemes handed to ``serial.serial_for_url`` unchanged.
PYSERIAL_SCHEMES = ("socket", "rfc2217", "loop", "spy", "hwgrep", "alt")

#: Largest read of one call [bytes]; bounds the memory a single chunk takes.
MAX_READ = 65536

#: Longest wait for a TCP connection to be accepted [s] (a stop request waits for it).
TCP_CONNECT_TIMEOUT = 2.0

#: Longest line of a raw-capture file [bytes]: a record holds at most MAX_READ bytes as hex
#: plus its keys. A longer "line" (a 200 MB file without a newline) is never read whole.
MAX_CAPTURE_LINE = 2 * MAX_READ + 1024


class EndOfStream(Exception):  # noqa: N818  (a signal, not an error)
    """A finite source (a replayed file) has no more bytes."""


class LinkClosedError(OSError):
    """The other end closed the link (a TCP peer hung up)."""


class PortInUseError(OSError):
    """Another program (maybe another ``strato log``) already listens on the port."""

    @classmethod
    def for_bind(cls, kind: str, host: str, port: int, exc: OSError) -> PortInUseError:
        """Word the error for a failed bind of a ``kind`` (``udp``/``tcp``) socket."""
        return cls(
            errno.EADDRINUSE,
            f"{kind.upper()} port {host}:{port} is already in use by another program (another "
            f"'strato log' or a decoder); Stratoflight binds exclusively so that no datagram "
            f"goes to the wrong listener. Stop the other program or choose another port "
            f"({exc.strerror or exc})",
        )

    @staticmethod
    def is_address_in_use(exc: OSError) -> bool:
        """Return True when a failed bind means the address is taken (POSIX or Windows)."""
        return exc.errno in (errno.EADDRINUSE, getattr(errno, "WSAEADDRINUSE", -1))


class Received(NamedTuple):
    """What one read returned.

    Attributes
    ----------
    data : bytes
        The bytes, exactly as read (may be empty after a read timeout).
    recorded_at : datetime or None
        The original receive time when replaying a capture; None for live links.
    message : bool
        True when ``data`` is one whole message (a UDP datagram), so a decoder should treat
        its end as a frame boundary.
    """

    data: bytes
    recorded_at: datetime | None = None
    message: bool = False


class Transport(Protocol):
    """An open byte source."""

    label: str

    def read(self) -> Received:
        """Wait at most the read timeout for bytes; raise OSError or EndOfStream."""
        ...

    def close(self) -> None:
        """Release the link; safe to call twice."""
        ...


@dataclass(frozen=True)
class SourceSpec:
    """A parsed source string.

    Attributes
    ----------
    kind : str
        ``serial`` (device path), ``pyserial-url``, ``tcp``, ``udp``, ``file`` or
        ``horus-audio`` (Horus 4FSK audio: :mod:`firmware_bridge.horus_audio`).
    target : str
        Device path, URL, host, or file path.
    port : int
        TCP/UDP port (0 otherwise).
    speed : float
        File replay speed factor; ``inf`` = as fast as possible, None = format default.
    label : str
        Source label used in frames and link events, e.g. ``serial:/dev/ttyUSB0``.
    """

    kind: str
    target: str
    port: int = 0
    speed: float | None = None
    label: str = ""


def _host_port(source: str, rest: str) -> tuple[str, int]:
    host, sep, port_text = rest.rpartition(":")
    host = host.strip("[]")
    if not sep or not host or not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(
            f"source {source!r} needs a host and a port 1..65535, e.g. "
            f"'{source.split('://')[0]}://127.0.0.1:7000'"
        )
    return host, int(port_text)


def _parse_speed(source: str, query: str) -> float | None:
    params = parse_qs(query, keep_blank_values=True)
    unknown = set(params) - {"speed"}
    if unknown:
        raise ValueError(
            f"source {source!r}: unknown option(s) {sorted(unknown)}; file replay knows only "
            "'speed', e.g. 'file://log.jsonl?speed=10' or '?speed=max'"
        )
    if "speed" not in params:
        return None
    speed = parse_speed_factor(params["speed"][-1])
    if speed is None:
        raise ValueError(
            f"source {source!r}: speed must be a positive number (1 = real time) or 'max', "
            f"not {params['speed'][-1]!r}"
        )
    return speed


def parse_speed_factor(text: str) -> float | None:
    """Read a speed factor (times real time): ``"10"`` -> 10.0, ``"max"``/``"0"`` -> infinity.

    Parameters
    ----------
    text : str
        What the user wrote (replay ``?speed=``, ``strato simulate --speedup``).

    Returns
    -------
    float or None
        The factor (``inf`` = as fast as possible), or None when the text is not a positive
        finite number nor one of the words, so the caller can word its own error.
    """
    cleaned = text.strip().lower()
    if cleaned in ("max", "inf", "0"):
        return math.inf
    try:
        value = float(cleaned)
    except ValueError:
        return None
    return value if value > 0 and math.isfinite(value) else None


def parse_source(source: str) -> SourceSpec:
    """Check a source string and say what it names.

    Raises
    ------
    ValueError
        When the string is empty, has an unknown scheme or lacks a host/port.
    """
    if not isinstance(source, str) or not source.strip():
        raise ValueError(
            "no source given; use a device path (/dev/ttyUSB0), tcp://HOST:PORT, "
            "udp://HOST:PORT, file://PATH or a pyserial URL such as socket://HOST:PORT"
        )
    source = source.strip()
    if "://" not in source:
        return SourceSpec("serial", source, label=f"serial:{source}")
    scheme, _, rest = source.partition("://")
    scheme = scheme.lower()
    if scheme in PYSERIAL_SCHEMES:
        return SourceSpec("pyserial-url", source, label=source)
    if scheme in ("tcp", "udp"):
        host, port = _host_port(source, rest.split("?")[0].rstrip("/"))
        return SourceSpec(scheme, host, port, label=f"{scheme}:{host}:{port}")
    if scheme == "horus-audio":
        path = rest.split("?")[0]
        if not path:
            raise ValueError(f"source {source!r} names no audio; use horus-audio://FILE.wav")
        return SourceSpec("horus-audio", path, label=f"horus-audio:{path}")
    if scheme == "file":
        parts = urlsplit(source)
        path = (parts.netloc + parts.path) if parts.netloc not in ("", "localhost") else parts.path
        if not path:
            raise ValueError(f"source {source!r} names no file; use file:///path/to/log")
        return SourceSpec(
            "file", path, speed=_parse_speed(source, parts.query), label=f"file:{path}"
        )
    raise ValueError(
        f"unknown source scheme {scheme!r} in {source!r}; known: a device path, tcp://, "
        f"udp://, file://, horus-audio:// (a WAV file or - for PCM on standard input), and "
        f"the pyserial URLs {', '.join(s + '://' for s in PYSERIAL_SCHEMES)}"
    )


# --------------------------------------------------------------------------------------------
class SerialTransport:
    """A serial port (device path or pyserial URL) read with a timeout."""

    def __init__(self, spec: SourceSpec, baud: int, read_timeout: float) -> None:
        self.label = spec.label
        if spec.kind == "serial":
            self._port = serial.Serial(spec.target, baudrate=baud, timeout=read_timeout)
        else:
            self._port = serial.serial_for_url(spec.target, baudrate=baud, timeout=read_timeout)

    def read(self) -> Received:
        """Return the bytes that arrived within the read timeout (maybe none)."""
        data = self._port.read(1)
        if data:
            waiting = self._port.in_waiting
            if waiting:
                data += self._port.read(min(waiting, MAX_READ))
        return Received(data)

    def write(self, data: bytes) -> None:
        """Send bytes (used by ``loop://`` tests and commands to the payload)."""
        self._port.write(data)

    def close(self) -> None:
        """Close the port."""
        try:
            self._port.close()
        except OSError:
            pass


class TcpClientTransport:
    """A TCP connection to a server that streams telemetry bytes."""

    def __init__(self, spec: SourceSpec, read_timeout: float) -> None:
        self.label = spec.label
        self._sock = socket.create_connection((spec.target, spec.port), timeout=TCP_CONNECT_TIMEOUT)
        self._sock.settimeout(read_timeout)

    def read(self) -> Received:
        """Return the bytes received within the read timeout; raise when the peer hung up."""
        try:
            data = self._sock.recv(MAX_READ)
        except TimeoutError:
            return Received(b"")
        if not data:
            raise LinkClosedError(f"{self.label}: the server closed the connection")
        return Received(data)

    def close(self) -> None:
        """Close the socket."""
        self._sock.close()


class UdpListenerTransport:
    """A UDP socket bound exclusively to HOST:PORT; every datagram is one message.

    No ``SO_REUSEADDR``/``SO_REUSEPORT``: on Linux a second socket can then never bind the
    same address (it would otherwise take every unicast datagram from the first listener
    without anyone being told), which is what ``SO_EXCLUSIVEADDRUSE`` does on Windows. A
    busy port raises :class:`PortInUseError`.
    """

    def __init__(self, spec: SourceSpec, read_timeout: float) -> None:
        self.label = spec.label
        family = socket.AF_INET6 if ":" in spec.target else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        if hasattr(socket, "SO_EXCLUSIVEADDRUSE"):  # Windows
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_EXCLUSIVEADDRUSE, 1)
        if hasattr(socket, "SO_BROADCAST"):
            self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        try:
            self._sock.bind((spec.target, spec.port))
        except OSError as exc:
            self._sock.close()
            if PortInUseError.is_address_in_use(exc):
                raise PortInUseError.for_bind("udp", spec.target, spec.port, exc) from exc
            raise
        self._sock.settimeout(read_timeout)

    @property
    def address(self) -> tuple[str, int]:
        """The bound (host, port); useful when port 0 asked the OS to choose."""
        return self._sock.getsockname()[:2]

    def read(self) -> Received:
        """Return one datagram, or nothing after the read timeout."""
        try:
            data, _ = self._sock.recvfrom(MAX_READ)
        except TimeoutError:
            return Received(b"")
        return Received(data, message=True)

    def close(self) -> None:
        """Close the socket."""
        self._sock.close()


# --------------------------------------------------------------------------------------------
def _capture_record(line: bytes) -> Received | None:
    """Parse one raw-capture line; None for a torn, damaged or foreign line."""
    try:
        record = json.loads(line)
    except (ValueError, RecursionError):  # deeply nested JSON is not a capture line
        return None
    if not (isinstance(record, dict) and record.get("format") == CAPTURE_FORMAT):
        return None
    try:
        at = datetime.fromisoformat(record["received_at"])
        data = bytes.fromhex(record["data_hex"])
    except (KeyError, TypeError, ValueError):
        return None
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)  # as protocol_common.receive_time: naive means UTC
    return Received(data, at.astimezone(UTC), bool(record.get("message")))


class FileReplayTransport:
    """Replays a recorded log: a raw capture at its own pace, or raw bytes at full speed."""

    RAW_CHUNK = 4096

    def __init__(self, spec: SourceSpec, read_timeout: float) -> None:
        self.label = spec.label
        self._read_timeout = read_timeout
        self._file: IO[bytes] = open(spec.target, "rb")  # noqa: SIM115 (closed in close())
        first = self._file.readline(MAX_CAPTURE_LINE)  # bounded: a file may have no newline
        self._file.seek(0)
        self.is_capture = _capture_record(first) is not None
        speed = spec.speed if spec.speed is not None else (1.0 if self.is_capture else math.inf)
        self.speed = speed
        self._t0_recorded: float | None = None
        self._t0_wall = 0.0
        self._pending: Received | None = None
        #: Capture lines longer than MAX_CAPTURE_LINE skipped (not written by Stratoflight).
        self.oversize_lines = 0

    def _next_capture(self) -> Received:
        while True:
            line = self._file.readline(MAX_CAPTURE_LINE)
            if not line:
                raise EndOfStream(self.label)
            if len(line) == MAX_CAPTURE_LINE and not line.endswith(b"\n"):
                self.oversize_lines += 1
                while line and not line.endswith(b"\n"):  # skip the rest, a piece at a time
                    line = self._file.readline(MAX_CAPTURE_LINE)
                continue
            record = _capture_record(line)
            if record is None:
                continue  # a torn last line or a foreign line: skip it
            return record

    def read(self) -> Received:
        """Return the next recorded chunk when its time has come (or raw bytes)."""
        if not self.is_capture:
            data = self._file.read(self.RAW_CHUNK)
            if not data:
                raise EndOfStream(self.label)
            return Received(data)
        chunk = self._pending or self._next_capture()
        self._pending = None
        if math.isinf(self.speed):
            return chunk
        recorded = chunk.recorded_at.timestamp() if chunk.recorded_at else 0.0
        if self._t0_recorded is None:
            self._t0_recorded, self._t0_wall = recorded, time.monotonic()
        due = self._t0_wall + (recorded - self._t0_recorded) / self.speed
        wait = due - time.monotonic()
        if wait > self._read_timeout:
            time.sleep(self._read_timeout)
            self._pending = chunk
            return Received(b"")
        if wait > 0:
            time.sleep(wait)
        return chunk

    def close(self) -> None:
        """Close the file."""
        self._file.close()


class RawCaptureWriter:
    """Writes bytes with their receive times as JSON lines that file replay understands.

    Each line: ``{"format": "stratoflight-raw-capture-1", "received_at": ISO-8601 UTC,
    "source": str, "data_hex": str, "message": bool}``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        self._file = open(self.path, "a", encoding="ascii")  # noqa: SIM115

    def write(
        self, data: bytes, received_at: datetime, source: str = "", message: bool = False
    ) -> None:
        """Append one chunk and flush it to the operating system."""
        if received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware UTC")
        record = {
            "format": CAPTURE_FORMAT,
            "received_at": received_at.astimezone(UTC).isoformat(),
            "source": source,
            "data_hex": data.hex(),
            "message": message,
        }
        self._file.write(json.dumps(record) + "\n")
        self._file.flush()

    def close(self) -> None:
        """Close the file."""
        self._file.close()

    def __enter__(self) -> RawCaptureWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# --------------------------------------------------------------------------------------------
def open_transport(
    source: str | SourceSpec, baud: int = 9600, read_timeout: float = 0.2
) -> Transport:
    """Open a source and return its transport.

    Parameters
    ----------
    source : str or SourceSpec
        See the module docstring.
    baud : int
        Serial line speed [bit s-1] (serial devices and pyserial URLs only).
    read_timeout : float
        Longest time one :meth:`Transport.read` waits for bytes [s].

    Raises
    ------
    ValueError
        For a malformed source string.
    OSError
        When the link cannot be opened now (missing device, refused connection, ...).
    """
    spec = source if isinstance(source, SourceSpec) else parse_source(source)
    if spec.kind in ("serial", "pyserial-url"):
        return SerialTransport(spec, baud, read_timeout)
    if spec.kind == "tcp":
        return TcpClientTransport(spec, read_timeout)
    if spec.kind == "udp":
        return UdpListenerTransport(spec, read_timeout)
    if spec.kind == "file":
        return FileReplayTransport(spec, read_timeout)
    if spec.kind == "horus-audio":
        from firmware_bridge.horus_audio import HorusAudioTransport

        return HorusAudioTransport(spec.target, spec.label)
    raise ValueError(f"unknown source kind {spec.kind!r}")
