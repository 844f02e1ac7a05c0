"""How the command line reports bad input: one clear message, exit code 2, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

__all__ = ["UserError", "user_errors"]

_stderr = Console(stderr=True)


class UserError(Exception):
    """An error caused by the user's input; the message says what, why and how to fix it."""


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn ``UserError``/``ValueError``/``FileNotFoundError`` into a message and exit 2."""
    try:
        yield
    except (UserError, ValueError, FileNotFoundError) as exc:
        _stderr.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False)
        raise typer.Exit(2) from exc
