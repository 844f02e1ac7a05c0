"""``strato weather info``: describe atmosphere files (or the built-in sample)."""

from __future__ import annotations

from pathlib import Path

import typer

from localization import N_, _
from stratoflight.errors import UserError, user_errors

__all__ = ["register"]


def _print_human(result: dict) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    from weather.describe import COMBINED_LABEL, describe_rows

    console = Console()
    entries = list(result["files"])
    if "combined" in result:
        entries.append({"path": COMBINED_LABEL, **result["combined"]})
    for entry in entries:
        title = str(entry.get("path", ""))
        table = Table(
            title=_(title) if title == COMBINED_LABEL else title,
            show_header=False,
            title_justify="left",
        )
        table.add_column("what", style="bold")
        table.add_column("value")
        for what, value in describe_rows(entry):
            text = Text(value)
            if what == "data":
                text.highlight_words(["SYNTHETIC"], "bold yellow")
            table.add_row(_(what), text)
        console.print(table)
    if "combined_error" in result:
        console.print(
            _("[bold red]files do not combine:[/] {reason}").format(
                reason=escape(result["combined_error"])
            )
        )


def register(app: typer.Typer) -> None:
    """Add ``info`` to the ``strato weather`` group."""

    @app.command(
        "info",
        help=N_("Describe atmosphere files: area, times, levels, variables, source, members."),
    )
    def info(
        files: list[Path] = typer.Argument(  # noqa: B008 - Typer declares options this way
            None, help=N_("Atmosphere files (ERA5 NetCDF/GRIB, GFS GRIB, zip); format by content.")
        ),
        as_json: bool = typer.Option(False, "--json", help=N_("Print JSON for scripts.")),
        sample: bool = typer.Option(
            False, "--sample", help=N_("Describe the built-in SYNTHETIC sample atmosphere.")
        ),
    ) -> None:
        """Describe atmosphere files: area, times, levels, variables, source, members."""
        import json

        with user_errors():
            if sample == bool(files):
                raise UserError(_("give atmosphere FILE(s) or --sample (exactly one of them)"))
            from weather.describe import describe_files, describe_sample

            result = describe_sample() if sample else describe_files(list(files))
            if as_json:
                typer.echo(json.dumps(result, indent=2))
            else:
                _print_human(result)
