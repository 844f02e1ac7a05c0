"""How the command line reports failures: one clear message, never a Python traceback.

This is the one place that turns an exception into what a person reads. The ``strato``
app's command group (:class:`ErrorFunnelGroup`, used by :mod:`stratoflight.cli`) runs
every command inside :func:`report_failure`, so no command needs its own handling:

* an *expected* failure (bad input, a missing, unreadable, truncated or wrong-format file,
  no permission, a read-only or full disk, a missing device, the network down, a file that
  is not a flight log) prints one line ``error: what: why; how to fix`` and exits with
  :data:`EXIT_USER_ERROR` (2);
* an *unexpected* failure (a bug) prints a short line saying so and where to report it and
  exits with :data:`EXIT_BUG` (1). The traceback is shown only with ``strato --debug`` or
  the environment variable ``STRATO_DEBUG=1``.
"""

from __future__ import annotations

import errno
import os
import re
import socket
import sqlite3
import sys
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from localization import N_, _

__all__ = [
    "DEBUG_ENV",
    "EXIT_BUG",
    "EXIT_USER_ERROR",
    "ErrorFunnelGroup",
    "UserError",
    "describe_failure",
    "describe_os_error",
    "report_failure",
    "user_errors",
]

#: Exit code for bad input and every other expected failure.
EXIT_USER_ERROR = 2
#: Exit code for an unexpected failure (a bug in Stratoflight).
EXIT_BUG = 1
#: Environment variable that, set to 1, shows the traceback of unexpected failures.
DEBUG_ENV = "STRATO_DEBUG"
#: Where a person reports a bug.
REPORT_TO = N_("the Stratoflight issue tracker (or the maintainers)")


class UserError(Exception):
    """An error caused by the user's input; the message says what, why and how to fix it."""


#: errno -> (why, how to fix), for errors about a path or device the user named.
_OS_ADVICE: dict[int, tuple[str, str]] = {
    errno.ENOENT: (N_("no such file or folder"), N_("check the path")),
    errno.EACCES: (
        N_("permission denied"),
        N_("choose a file or folder you may use, or fix its permissions"),
    ),
    errno.EPERM: (N_("operation not permitted"), N_("choose a file or folder you may use")),
    errno.EROFS: (N_("read-only file system"), N_("write to a folder on a writable disk")),
    errno.ENOSPC: (N_("no space left on the disk"), N_("free some space or write to another disk")),
    errno.EDQUOT: (N_("disk quota exceeded"), N_("free some space or write to another disk")),
    errno.EISDIR: (N_("is a folder, not a file"), N_("give a file name")),
    errno.ENOTDIR: (N_("a part of the path is not a folder"), N_("check the path")),
    errno.EEXIST: (N_("already exists"), N_("choose another name or remove it first")),
    errno.ENODEV: (N_("no such device"), N_("check that the device is plugged in (ls /dev/tty*)")),
    errno.ENXIO: (N_("no such device"), N_("check that the device is plugged in (ls /dev/tty*)")),
    errno.EIO: (N_("input/output error"), N_("check the disk or device")),
    errno.EBUSY: (N_("device or resource busy"), N_("close the other program using it")),
    errno.ENAMETOOLONG: (N_("file name too long"), N_("choose a shorter name")),
}

#: Words that mark an error message as being about the network.
_NETWORK_ADVICE = N_("check the internet connection (and any proxy), or work offline from files")


def describe_os_error(exc: OSError) -> str:
    """Say which file an operating-system error is about, why, and how to fix it.

    The ``[Errno N]`` prefix is dropped; known error numbers get advice.
    """
    advice = _OS_ADVICE.get(exc.errno or -1)
    why = _(advice[0]) if advice else (exc.strerror or str(exc))
    why = why[:1].lower() + why[1:] if why[:2] != why[:2].upper() else why
    how = f"; {_(advice[1])}" if advice else ""
    names = [n for n in (exc.filename, getattr(exc, "filename2", None)) if n is not None]
    if not names:
        # e.g. pyserial: "could not open port /dev/ttyUSB9: [Errno 2] No such file ..."
        said = re.sub(r"\[Errno -?\d+\] ", "", str(exc)).strip()
        if "/dev/" in said and exc.errno in (errno.ENOENT, errno.ENODEV, errno.ENXIO, None):
            how = "; " + _("check that the device is plugged in and its name (ls /dev/tty*)")
        return f"{said or why}{how}"
    return f"{' -> '.join(map(str, names))}: {why}{how}"


def _is_network_error(exc: BaseException) -> bool:
    """Tell whether ``exc`` is a name-resolution, connection or timeout failure."""
    if type(exc).__name__ == "HTTPError":  # the server answered: not a network failure
        return False
    if isinstance(exc, socket.gaierror | ConnectionError | TimeoutError | socket.timeout):
        return True
    module = type(exc).__module__ or ""
    if module.startswith(("urllib", "requests", "urllib3", "http.client", "httpx")):
        return True
    cause = exc.__cause__ or exc.__context__
    return cause is not None and cause is not exc and _is_network_error(cause)


def describe_failure(exc: BaseException) -> str | None:
    """Word an expected failure in one line; None when it is a bug.

    Parameters
    ----------
    exc : BaseException
        What a command raised.

    Returns
    -------
    str or None
        ``what: why; how to fix`` for bad input, file, disk, device, network and database
        problems; None for anything else (an unexpected failure).
    """
    if isinstance(exc, UserError | ValueError):
        return str(exc)
    if isinstance(exc, sqlite3.DatabaseError):
        return _(
            "the database could not be read ({exc}); give a flight log written by "
            "'strato log' (--db), or move the damaged file aside"
        ).format(exc=exc)
    if _is_network_error(exc):
        detail = str(exc) or type(exc).__name__
        return _("the network is unreachable or did not answer ({detail}); {advice}").format(
            detail=detail, advice=_(_NETWORK_ADVICE)
        )
    if isinstance(exc, OSError):
        return describe_os_error(exc)
    if isinstance(exc, MemoryError):
        return _("not enough memory; use a smaller area or time span, or close other programs")
    module = type(exc).__module__ or ""
    if module.startswith(("gribapi", "eccodes", "cfgrib")):
        return _("a GRIB file could not be read ({kind}: {exc}); it may be truncated").format(
            kind=type(exc).__name__, exc=exc
        )
    return None


#: ``strato --debug`` for the command being run (a context variable, so one in-process run
#: never leaks into the next, e.g. under a test runner).
_DEBUG_FLAG: ContextVar[bool] = ContextVar("strato_debug", default=False)


def debug_enabled() -> bool:
    """Tell whether tracebacks should be shown (``--debug`` or ``STRATO_DEBUG=1``)."""
    if _DEBUG_FLAG.get():
        return True
    return os.environ.get(DEBUG_ENV, "").strip().lower() in ("1", "true", "yes", "on")


def report_failure(exc: BaseException, console: Console | None = None) -> int:
    """Print what went wrong (one line, or a bug notice) and return the exit code."""
    err = console or Console(stderr=True, highlight=False, soft_wrap=True)
    message = describe_failure(exc)
    if message is not None:
        err.print(
            _("[bold red]error:[/] {message}").format(message=escape(message)), highlight=False
        )
        if debug_enabled():
            err.print(escape("".join(traceback.format_exception(exc))), highlight=False)
        return EXIT_USER_ERROR
    what = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    err.print(
        _("[bold red]unexpected error[/] (a bug in Stratoflight): {what}").format(
            what=escape(what)
        ),
        highlight=False,
    )
    if debug_enabled():
        err.print(escape("".join(traceback.format_exception(exc))), highlight=False)
    else:
        err.print(
            _(
                "Please report it to {where} with the command you ran and the output of the "
                "same command run with 'strato --debug ...' (or {variable}=1)."
            ).format(where=_(REPORT_TO), variable=DEBUG_ENV),
            highlight=False,
        )
    return EXIT_BUG


def _quiet_broken_pipe() -> None:
    """Stop without noise: the reader of our output went away (``strato ... | head``)."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # no real stdout (e.g. a test runner)
        pass


def _command_line_exceptions() -> tuple[type[BaseException], ...]:
    """Exceptions the command-line library handles itself (exit codes, usage errors)."""
    known: list[type[BaseException]] = [typer.Exit, typer.Abort]
    base = getattr(typer.exceptions, "TyperException", None)  # typer >= 0.2x vendors click
    if isinstance(base, type):
        known.append(base)
    try:
        import click
    except ImportError:  # pragma: no cover - click is vendored by newer typer
        pass
    else:
        known += [click.exceptions.Exit, click.ClickException, click.Abort]
    return tuple(known)


_PASS_THROUGH = _command_line_exceptions()


class ErrorFunnelGroup(TyperGroup):
    """The ``strato`` command group: runs every command through :func:`report_failure`."""

    def invoke(self, ctx: Any) -> Any:
        """Run the chosen command; turn any failure into a message and an exit code."""
        token = _DEBUG_FLAG.set(bool(getattr(ctx, "params", {}).get("debug")))
        try:
            return super().invoke(ctx)
        except _PASS_THROUGH:
            raise
        except BrokenPipeError as exc:
            _quiet_broken_pipe()
            raise typer.Exit(0) from exc
        except Exception as exc:  # noqa: BLE001 - the one funnel for every command
            raise typer.Exit(report_failure(exc)) from exc
        finally:
            _DEBUG_FLAG.reset(token)


@contextmanager
def user_errors() -> Iterator[None]:
    """Turn an expected failure inside the block into its message and exit code 2.

    The app's :class:`ErrorFunnelGroup` already does this for every command; the block
    form remains for code that must report and stop at one point (e.g. before a live
    display starts). Unexpected failures pass through to the funnel.
    """
    try:
        yield
    except Exception as exc:
        if describe_failure(exc) is None:
            raise
        raise typer.Exit(report_failure(exc)) from exc
