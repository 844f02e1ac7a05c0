"""Where a virtual payload sends its bytes: a pty, a serial device, TCP, UDP or a file.

Target strings (see :func:`open_sink`):

- ``pty``: a new pseudo-terminal with a stable symlink (see :mod:`firmware_bridge.pty_sink`);
  a logger opens the symlink as if it were ``/dev/serial/by-id/...``;
- a device path such as ``/dev/ttyUSB1`` (one end of a null-modem cable), written at ``baud``;
- ``tcp://HOST:PORT``: **serves** on HOST:PORT; every connected client receives the stream
  (a logger connects with ``strato log tcp://HOST:PORT``);
- ``udp://HOST:PORT``: sends each frame as one datagram to HOST:PORT;
- ``file://PATH``: appends the raw bytes; ``file://PATH?format=capture`` writes a raw capture
  (JSON lines with the simulated receive times) that file replay plays back in real time.
"""

from __future__ import annotations

import os
import socket
import threading
from datetime import datetime
from urllib.parse import parse_qs, urlsplit

import serial

from firmware_bridge.pty_sink import PtyDevice
from firmware_bridge.transports import PortInUseError, RawCaptureWriter, parse_source

__all__ = [
    "DeviceSink",
    "FileSink",
    "PtySink",
    "TcpServerSink",
    "UdpSink",
    "open_sink",
]


class PtySink:
    """A pseudo-terminal; ``disconnect`` closes it, ``reconnect`` makes a new one."""

    def __init__(self, link: str | os.PathLike[str] | None = None) -> None:
        # a short write timeout: with no logger attached the payload keeps its pace
        self.device = PtyDevice(link, write_timeout=0.1)
        self.description = f"pty {self.device.link} (now {self.device.slave_name})"

    @property
    def path(self) -> str:
        """The stable symlink to open."""
        return str(self.device.link)

    @property
    def source(self) -> str:
        """What a logger opens to read this sink: the stable symlink."""
        return self.path

    def write(self, data: bytes, at: datetime) -> None:
        """Send bytes; dropped (and counted) when nobody reads."""
        self.device.write(data)

    def disconnect(self) -> None:
        """Remove the pty and its link."""
        self.device.unplug()

    def reconnect(self) -> None:
        """Create a new pty behind the same link."""
        self.device.plug()

    def close(self, drain_timeout: float = 2.0) -> None:
        """Let the reader take what is buffered (at most ``drain_timeout`` [s]), then remove."""
        self.device.drain(drain_timeout)
        self.device.close()


class DeviceSink:
    """A serial device written at ``baud`` (e.g. one end of a null-modem pair)."""

    def __init__(self, path: str, baud: int = 9600) -> None:
        self.path, self.baud = path, baud
        self.description = f"serial device {path} at {baud} baud"
        self.source = path
        self._port: serial.Serial | None = None
        self.reconnect()

    def write(self, data: bytes, at: datetime) -> None:
        """Write bytes; a failed write closes the port until the next reconnect."""
        if self._port is None:
            return
        try:
            self._port.write(data)
        except (OSError, serial.SerialTimeoutException):
            self.disconnect()

    def disconnect(self) -> None:
        """Close the port."""
        if self._port is not None:
            self._port.close()
            self._port = None

    def reconnect(self) -> None:
        """Open the port again."""
        if self._port is None:
            self._port = serial.Serial(self.path, baudrate=self.baud, write_timeout=1.0)

    def close(self) -> None:
        """Close the port."""
        self.disconnect()


class TcpServerSink:
    """Serves the stream on HOST:PORT to every client that connects."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._clients: list[socket.socket] = []
        self._lock = threading.Lock()
        self._server: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self.reconnect()
        self.description = f"TCP server on {self.host}:{self.port} (clients connect to it)"

    @property
    def source(self) -> str:
        """What a logger opens to read this sink (a TCP client URL)."""
        return f"tcp://{self.host}:{self.port}"

    def _accept_loop(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return  # the server socket was closed
            with self._lock:
                self._clients.append(client)

    @property
    def client_count(self) -> int:
        """Connected clients now."""
        with self._lock:
            return len(self._clients)

    def write(self, data: bytes, at: datetime) -> None:
        """Send to every client; drop those that hung up."""
        with self._lock:
            for client in list(self._clients):
                try:
                    client.sendall(data)
                except OSError:
                    client.close()
                    self._clients.remove(client)

    def disconnect(self) -> None:
        """Close every client and stop listening."""
        if self._server is not None:
            try:
                self._server.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._server.close()
            self._server = None
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None
        with self._lock:
            for client in self._clients:
                client.close()
            self._clients.clear()

    def reconnect(self) -> None:
        """Listen again on the same port."""
        if self._server is not None:
            return
        try:
            server = socket.create_server((self.host, self.port), reuse_port=False)
        except OSError as exc:
            if PortInUseError.is_address_in_use(exc):
                raise PortInUseError.for_bind("tcp", self.host, self.port, exc) from exc
            raise
        self.port = server.getsockname()[1]  # port 0 asks the OS to choose one
        self._server = server
        self._thread = threading.Thread(target=self._accept_loop, args=(server,), daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop serving."""
        self.disconnect()


class UdpSink:
    """Sends every write as one datagram."""

    def __init__(self, host: str, port: int) -> None:
        self.address = (host, port)
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self._sock = socket.socket(family, socket.SOCK_DGRAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
        self._up = True
        self.description = f"UDP datagrams to {host}:{port}"
        self.source = f"udp://{host}:{port}"

    def write(self, data: bytes, at: datetime) -> None:
        """Send one datagram (ignored while disconnected)."""
        if self._up:
            try:
                self._sock.sendto(data, self.address)
            except OSError:
                pass  # nobody listening (ICMP refused): like a radio nobody hears

    def disconnect(self) -> None:
        """Stop sending."""
        self._up = False

    def reconnect(self) -> None:
        """Send again."""
        self._up = True

    def close(self) -> None:
        """Close the socket."""
        self._sock.close()


class FileSink:
    """Appends raw bytes, or a raw capture with the simulated receive times."""

    def __init__(self, path: str, capture: bool = False) -> None:
        self.path = path
        self.capture = capture
        self._capture = RawCaptureWriter(path) if capture else None
        self._raw = None if capture else open(path, "ab")  # noqa: SIM115 (closed in close)
        kind = "raw capture (JSON lines)" if capture else "raw bytes"
        self.description = f"file {path} ({kind})"
        self.source = f"file://{path}"

    def write(self, data: bytes, at: datetime) -> None:
        """Append bytes."""
        if self._capture is not None:
            self._capture.write(data, at, source="virtual_payload")
        else:
            self._raw.write(data)
            self._raw.flush()

    def disconnect(self) -> None:
        """Nothing to close: the gap shows in the file."""

    def reconnect(self) -> None:
        """Nothing to reopen."""

    def close(self) -> None:
        """Close the file."""
        if self._capture is not None:
            self._capture.close()
        else:
            self._raw.close()


def open_sink(target: str, baud: int = 9600, link: str | None = None):
    """Open a sink from a target string (see the module docstring).

    Raises
    ------
    ValueError
        For a malformed target.
    OSError
        When the device, port or file cannot be opened.
    """
    if target == "pty":
        return PtySink(link)
    if target.startswith("file://"):
        parts = urlsplit(target)
        path = (parts.netloc + parts.path) if parts.netloc not in ("", "localhost") else parts.path
        query = parse_qs(parts.query)
        fmt = query.get("format", ["raw"])[-1]
        if not path or fmt not in ("raw", "capture") or set(query) - {"format"}:
            raise ValueError(
                f"file target {target!r}: use file://PATH or file://PATH?format=capture"
            )
        return FileSink(path, capture=fmt == "capture")
    spec = parse_source(target)
    if spec.kind == "tcp":
        return TcpServerSink(spec.target, spec.port)
    if spec.kind == "udp":
        return UdpSink(spec.target, spec.port)
    if spec.kind == "serial":
        return DeviceSink(spec.target, baud)
    raise ValueError(
        f"cannot send to {target!r}; use pty, a device path, tcp://HOST:PORT, udp://HOST:PORT "
        "or file://PATH"
    )
