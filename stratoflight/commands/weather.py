"""The ``strato weather`` group: getting atmosphere data and describing it."""

from __future__ import annotations

import typer

from localization import N_
from stratoflight.commands import weather_fetch, weather_info


def register(app: typer.Typer) -> None:
    """Add the ``weather`` group to the ``strato`` app."""
    weather_app = typer.Typer(
        help=N_("Get ERA5 and GFS atmosphere data and describe atmosphere files."),
        no_args_is_help=True,
    )
    weather_fetch.register(weather_app)
    weather_info.register(weather_app)
    app.add_typer(weather_app, name="weather")
