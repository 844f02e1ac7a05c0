"""How the command line reports bad input: one clear message, exit code 2, no traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console
from rich.markup import escape

from localization import _

__all__ = ["UserError", "describe_os_error", "user_errors"]

_stderr = Console(stderr=True)


class UserError(Exception):
    """An error caused by the user's input; the message says what, why and how to fix it."""


def describe_os_error(exc: OSError) -> str:
    """Say which file an operating-system error is about and why, without ``[Errno N]``."""
    why = exc.strerror or str(exc)
    if exc.filename is None:
        return why
    return f"{exc.filename}: {why.lower() if why[:1].isupper() else why}"


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn ``UserError``/``ValueError`` and file errors into a message and exit 2.

    File errors are those about a path the user gave: not found, no permission, a folder
    where a file was expected (or the opposite), a full disk.
    """
    try:
        yield
    except (UserError, ValueError) as exc:
        _stderr.print(
            _("[bold red]error:[/] {message}").format(message=escape(str(exc))), highlight=False
        )
        raise typer.Exit(2) from exc
    except (
        FileNotFoundError,
        PermissionError,
        IsADirectoryError,
        NotADirectoryError,
        FileExistsError,
    ) as exc:
        _stderr.print(
            _("[bold red]error:[/] {message}").format(message=escape(describe_os_error(exc))),
            highlight=False,
        )
        raise typer.Exit(2) from exc
