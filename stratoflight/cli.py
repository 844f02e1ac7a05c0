"""The ``strato`` command: the front door. It parses arguments and calls the packages.

Each command group lives in ``stratoflight/commands/<group>.py`` with a
``register(app)`` function; heavy libraries are imported inside the commands so that
``strato --help`` stays fast.
"""

from __future__ import annotations

import importlib
import sys

import typer

from localization import configure
from stratoflight.errors import DEBUG_ENV, ErrorFunnelGroup

__all__ = ["app", "main"]

#: Command modules, in the order their commands appear in ``strato --help``.
COMMAND_MODULES = (
    "weather",
    "predict",
    "planning",
    "bridge",
    "flightlog",
    "report",
    "serve",
)

app = typer.Typer(
    name="strato",
    help="Stratoflight: plan, log and analyse stratospheric balloon flights.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Every command runs through the one error funnel (stratoflight/errors.py): expected
    # failures print one line and exit 2, never a traceback.
    cls=ErrorFunnelGroup,
    # Plain help text: units are written in square brackets, e.g. "[m s-1]", which Rich
    # markup would swallow.
    rich_markup_mode=None,
)


@app.callback()
def _root(
    lang: str | None = typer.Option(
        None,
        "--lang",
        help="Language of what people read: en or vi (default: LANGUAGE, LC_ALL, "
        "LC_MESSAGES, LANG).",
    ),
    tz: str | None = typer.Option(
        None,
        "--tz",
        help="Time zone of times shown to people, e.g. Asia/Ho_Chi_Minh (default: TZ, "
        "else the system zone). Files stay UTC.",
    ),
    debug: bool = typer.Option(
        False,
        "--debug",
        help=f"Show the Python traceback of an unexpected error (or set {DEBUG_ENV}=1).",
    ),
) -> None:
    """Stratoflight: plan, log and analyse stratospheric balloon flights."""
    # --debug is read by the error funnel (stratoflight.errors.ErrorFunnelGroup); --lang and
    # --tz choose the language and the zone of what people read (files stay UTC, English).
    from stratoflight.errors import user_errors

    with user_errors():
        configure(lang, tz)


@app.command()
def version() -> None:
    """Print the Stratoflight version."""
    from importlib.metadata import version as _version

    typer.echo(f"stratoflight {_version('stratoflight')}")


for _name in COMMAND_MODULES:
    importlib.import_module(f"stratoflight.commands.{_name}").register(app)


def main(argv: list[str] | None = None) -> int:
    """Run the ``strato`` command line and return its exit code."""
    configure()  # the environment's language and zone, also for errors before the callback
    try:
        app(args=argv, prog_name="strato")
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
