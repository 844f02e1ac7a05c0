"""Who else is recording this flight: so the first logger to stop does not mark it stopped.

Every open :class:`~flightlog.store.FlightStore` holds a shared lock on one byte (offset =
the flight's id) of ``<db>.loggers`` beside the database, as an open-file-description lock
(``F_OFD_SETLK``, Linux): it belongs to the open file, not the process, so two loggers in
one process see each other too, and the kernel drops it when a logger dies (a killed
logger never blocks the status). A logger may write ``stopped`` only when it can take that
byte exclusively, i.e. no other logger holds it.

Where OFD locks are missing (not Linux) or the lock file cannot be made (read-only folder),
every logger counts as alone: the behaviour of the first release.
"""

from __future__ import annotations

import fcntl
import os
import struct
from pathlib import Path

__all__ = ["LoggerPresence"]

_OFD_SETLK = getattr(fcntl, "F_OFD_SETLK", None)


def _flock(kind: int, offset: int) -> bytes:
    # struct flock on 64-bit Linux: l_type, l_whence (short), l_start, l_len (off_t),
    # l_pid (pid_t, must be 0 for OFD locks), padding to 32 bytes.
    return struct.pack("hhqqi4x", kind, os.SEEK_SET, offset, 1, 0)


class LoggerPresence:
    """A shared presence lock for one flight of one database.

    Parameters
    ----------
    db_path : Path
        The flight-log database.
    flight_id : int
        The flight's row id (the locked byte).
    """

    def __init__(self, db_path: Path, flight_id: int) -> None:
        self._offset = int(flight_id)
        self._fd: int | None = None
        if _OFD_SETLK is None:
            return
        try:
            lock_path = db_path.with_name(db_path.name + ".loggers")
            fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError:
            return
        try:
            fcntl.fcntl(fd, _OFD_SETLK, _flock(fcntl.F_RDLCK, self._offset))
        except OSError:
            os.close(fd)
            return
        self._fd = fd

    def alone(self) -> bool:
        """Return True when no other open logger records this flight (or it cannot be known)."""
        if self._fd is None or _OFD_SETLK is None:
            return True
        try:
            fcntl.fcntl(self._fd, _OFD_SETLK, _flock(fcntl.F_WRLCK, self._offset))
        except OSError:
            return False
        # Back to shared, so a logger starting now is not blocked out of the check either.
        fcntl.fcntl(self._fd, _OFD_SETLK, _flock(fcntl.F_RDLCK, self._offset))
        return True

    def close(self) -> None:
        """Release the lock (safe to call twice)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
