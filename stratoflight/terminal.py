"""The console the commands print through: it never hard-wraps a line.

How positions, numbers and times are written for a person ("8.50000 W", never
"-8.50000 E"; local time with the zone named) lives in :mod:`localization`.
"""

from __future__ import annotations

from rich.console import Console

__all__ = ["output_console"]


def output_console(stderr: bool = False) -> Console:
    """Make a console for command output that never inserts line breaks of its own.

    Long lines are left whole (the terminal folds them on screen), so ``strato predict |
    grep landing`` keeps the whole line.
    """
    return Console(stderr=stderr, soft_wrap=True, highlight=False)
