"""Texts and lines the commands share with people (translated through ``localization``).

Machine outputs (``--json``, files) never pass through here: they stay English and UTC.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from localization import N_, _

__all__ = [
    "WARNING_TEXTS",
    "people_text",
    "print_notes",
    "print_synthetic",
    "print_written",
    "warning_text",
]

#: The people's sentence for each prediction warning code (the result's ``description``
#: stays English in JSON); an unknown code shows its own description.
WARNING_TEXTS = {
    "above_top_level": N_(
        "time spent above the data's top level; winds there are held at the top level's values"
    ),
    "below_lowest_level": N_(
        "time spent below the data's lowest level; winds there are held at the lowest "
        "level's values"
    ),
    "left_data": N_(
        "the flight left the data's area or time range (or ran too long) before landing; no "
        "landing is predicted: load data covering the whole flight"
    ),
    "sea_level_termination": N_(
        "model 'cusf' ends the flight at sea level like the classic CUSF predictor, ignoring "
        "terrain"
    ),
    "no_surface_data": N_(
        "the atmosphere has no ground elevation or land-sea mask: landing assumed at sea level "
        "and land/sea is unknown"
    ),
    "synthetic_atmosphere": N_(
        "the atmosphere is SYNTHETIC (made-up winds): this is not a forecast"
    ),
}


def people_text(text: str) -> str:
    """Translate a text that came as data (e.g. the sample's source) when the catalogue has it.

    Texts the catalogue does not know pass through unchanged; so does an empty text (whose
    gettext "translation" would be the catalogue's header).
    """
    return _(text) if text else text


def warning_text(warning: Any) -> str:
    """Return a prediction warning's sentence in the people's language."""
    text = WARNING_TEXTS.get(warning.code)
    return _(text) if text is not None else str(warning.description)


def print_synthetic(console: Console) -> None:
    """Say that the atmosphere is SYNTHETIC (made-up winds, not a forecast)."""
    console.print(_("[bold yellow]SYNTHETIC atmosphere[/]: made-up winds, not a forecast."))


def print_notes(console: Console, notes: Iterable[str]) -> None:
    """Print each note (already in the people's language) after a translated ``note:``."""
    for note in notes:
        console.print(_("note: {text}").format(text=escape(note)), highlight=False)


def print_written(paths: Iterable[Path | str]) -> None:
    """Say which files were written (one line each, on standard output)."""
    for path in paths:
        typer.echo(_("wrote {path}").format(path=path))
