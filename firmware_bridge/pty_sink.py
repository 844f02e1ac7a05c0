"""A pseudo-terminal that looks like a USB serial device, including unplugging it.

:class:`PtyDevice` creates a pty pair, puts it in raw mode and keeps a **stable symlink**
(like ``/dev/serial/by-id/...``) pointing at the current slave, so a logger can open one
path and reopen the same path after the "device" was unplugged and plugged back in
(:meth:`PtyDevice.unplug` closes the pty and removes the link; :meth:`PtyDevice.plug`
creates a new pty and points the link at it).
"""

from __future__ import annotations

import errno
import fcntl
import os
import select
import struct
import tempfile
import termios
import time
import tty
from pathlib import Path

__all__ = ["PtyDevice", "default_link_path"]


def default_link_path() -> Path:
    """Return a per-process symlink path in the temporary directory."""
    return Path(tempfile.gettempdir()) / f"strato-virtual-payload-{os.getpid()}"


class PtyDevice:
    """The device end of a pseudo-terminal with a stable symlink to its serial end.

    Parameters
    ----------
    link : path, optional
        Where to keep the symlink (default :func:`default_link_path`). An existing symlink
        there is replaced; an existing regular file is refused.
    write_timeout : float
        Longest wait for room in the pty buffer when nobody reads [s]; after that the bytes
        are counted as unread and dropped, as a radio nobody listens to would lose them.
    """

    def __init__(self, link: str | os.PathLike[str] | None = None, write_timeout: float = 1.0):
        self.link = Path(link) if link is not None else default_link_path()
        if self.link.exists() and not self.link.is_symlink():
            raise ValueError(f"{self.link} exists and is not a symlink; choose another --link path")
        self.write_timeout = float(write_timeout)
        self.bytes_unread = 0
        self._master: int | None = None
        self._slave: int | None = None
        self.slave_name = ""
        self.plug()

    @property
    def connected(self) -> bool:
        """True while the pty exists."""
        return self._master is not None

    def plug(self) -> None:
        """Create a new pty (raw mode) and point the stable link at it."""
        if self.connected:
            return
        master, slave = os.openpty()
        tty.setraw(slave, termios.TCSANOW)
        os.set_blocking(master, False)
        self._master, self._slave = master, slave
        self.slave_name = os.ttyname(slave)
        tmp = self.link.with_name(self.link.name + ".tmp")
        if tmp.is_symlink():
            tmp.unlink()
        os.symlink(self.slave_name, tmp)
        os.replace(tmp, self.link)

    def unplug(self) -> None:
        """Remove the link and close the pty: readers see the device vanish."""
        if self.link.is_symlink():
            self.link.unlink()
        for fd in (self._master, self._slave):
            if fd is not None:
                os.close(fd)
        self._master = self._slave = None

    def write(self, data: bytes) -> int:
        """Send bytes to whoever reads the serial end; return how many were accepted.

        Bytes that find no room within ``write_timeout`` (nobody reading) are dropped and
        counted in :attr:`bytes_unread`. Nothing is sent while unplugged.
        """
        if self._master is None:
            return 0
        view = memoryview(data)
        sent = 0
        while sent < len(view):
            _, writable, _ = select.select([], [self._master], [], self.write_timeout)
            if not writable:
                break
            try:
                sent += os.write(self._master, view[sent:])
            except BlockingIOError:
                continue
            except OSError as exc:
                if exc.errno in (errno.EIO, errno.EAGAIN):
                    break
                raise
        self.bytes_unread += len(view) - sent
        return sent

    def drain(self, timeout: float = 5.0, settle: float = 0.05) -> bool:
        """Wait until the reader has taken every byte written; False after ``timeout`` [s].

        The input queue must stay empty for ``settle`` seconds: bytes written to the master
        reach the queue a moment later (the kernel's flip buffer), so one empty look is not
        proof that everything was read.
        """
        if self._master is None:
            return True
        deadline = time.monotonic() + timeout
        empty_since: float | None = None
        while time.monotonic() < deadline:
            now = time.monotonic()
            if _pending_output(self._slave) == 0:
                empty_since = now if empty_since is None else empty_since
                if now - empty_since >= settle:
                    return True
            else:
                empty_since = None
            time.sleep(0.005)
        return False

    def close(self) -> None:
        """Unplug for good."""
        self.unplug()

    def __enter__(self) -> PtyDevice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _pending_output(slave: int | None) -> int:
    """Bytes waiting in the slave's input queue (written by us, not yet read)."""
    if slave is None:
        return 0
    buf = fcntl.ioctl(slave, termios.FIONREAD, b"\0\0\0\0")
    return struct.unpack("i", buf)[0]
