"""The ``strato`` command: the front door. It parses arguments and calls the packages.

Each command group lives in ``stratoflight/commands/<group>.py`` with a
``register(app)`` function; heavy libraries are imported inside the commands so that
``strato --help`` stays fast. Help texts (``help=`` of commands, options and arguments)
are English marked with ``N_()``; :mod:`stratoflight.help_language` translates them for
each run, after reading ``--lang`` ahead.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import typer

from localization import N_, configure
from stratoflight.errors import DEBUG_ENV, ErrorFunnelGroup
from stratoflight.help_language import translate_help, use_language_of

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


class _StratoGroup(ErrorFunnelGroup):
    """The ``strato`` group: help texts in the people's language, then the error funnel."""

    def main(self, args: Sequence[str] | None = None, *more: Any, **options: Any) -> Any:
        """Choose the language (``--lang``, read ahead) and translate the help, then run."""
        use_language_of(sys.argv[1:] if args is None else args)
        translate_help(self, {"env": DEBUG_ENV})
        return super().main(args, *more, **options)


app = typer.Typer(
    name="strato",
    help=N_("Stratoflight: plan, log and analyse stratospheric balloon flights."),
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Every command runs through the one error funnel (stratoflight/errors.py): expected
    # failures print one line and exit 2, never a traceback.
    cls=_StratoGroup,
    # Plain help text: units are written in square brackets, e.g. "[m s-1]", which Rich
    # markup would swallow.
    rich_markup_mode=None,
)


@app.callback()
def _root(
    lang: str | None = typer.Option(
        None,
        "--lang",
        help=N_(
            "Language of what people read: en or vi (default: LANGUAGE, LC_ALL, LC_MESSAGES, LANG)."
        ),
    ),
    tz: str | None = typer.Option(
        None,
        "--tz",
        help=N_(
            "Time zone of times shown to people, e.g. Asia/Ho_Chi_Minh (default: TZ, "
            "else the system zone). Files stay UTC."
        ),
    ),
    debug: bool = typer.Option(
        False,
        "--debug",
        help=N_("Show the Python traceback of an unexpected error (or set {env}=1)."),
    ),
) -> None:
    """Stratoflight: plan, log and analyse stratospheric balloon flights."""
    # --debug is read by the error funnel (stratoflight.errors.ErrorFunnelGroup); --lang and
    # --tz choose the language and the zone of what people read (files stay UTC, English).
    from stratoflight.errors import user_errors

    with user_errors():
        configure(lang, tz)


@app.command(help=N_("Print the Stratoflight version."))
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
