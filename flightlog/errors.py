"""The flight log's own error types: each message says what, why and how to fix it.

The command line prints them as one line and exits with code 2 (they are ``ValueError`` or
``FileNotFoundError`` subclasses, which its error funnel knows), so a bad ``--db`` never
shows a traceback.
"""

from __future__ import annotations

__all__ = [
    "DamagedFlightLogError",
    "FlightLogError",
    "FlightLogNotFoundError",
    "NotAFlightLogError",
]


class FlightLogError(ValueError):
    """A file given as a flight log cannot be used as one; nothing in it was changed."""


class NotAFlightLogError(FlightLogError):
    """The file is not a Stratoflight flight log (a text file, another program's database)."""


class DamagedFlightLogError(FlightLogError):
    """The file is a flight log (or claims to be) but is truncated, corrupt or incomplete."""


class FlightLogNotFoundError(FileNotFoundError):
    """The flight log named does not exist (or its folder does not)."""
