"""``strato report``: measurement products of a recorded flight or sounding."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from stratoflight.errors import UserError, user_errors
from stratoflight.options import check_wind_files

__all__ = ["register", "summary_lines"]


def report(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the products into.")],
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help="Sounding or flight file (Wyoming text/CSV, NOAA RAOB CSV, auto_rx log, "
            "Vaisala EDT, UKHAS log, habhub track, our CSV or CF-NetCDF export).",
        ),
    ] = None,
    db: Annotated[Path | None, typer.Option("--db", help="Flight-log database.")] = None,
    flight: Annotated[str | None, typer.Option("--flight", help="Flight name in --db.")] = None,
    prediction: Annotated[
        Path | None,
        typer.Option("--prediction", help="Pre-launch prediction JSON (default: the stored one)."),
    ] = None,
    winds: Annotated[
        list[Path] | None,
        typer.Option(
            "--winds",
            help="ERA5/forecast files to compare GPS winds with: a file, a folder, a quoted "
            "pattern or a comma list (repeat for more).",
        ),
    ] = None,
    flight_date: Annotated[
        str | None,
        typer.Option("--date", help="UTC date YYYY-MM-DD for files with times of day only."),
    ] = None,
    wind_window: Annotated[
        float, typer.Option("--wind-window", help="GPS-wind window [s].")
    ] = 20.0,
    tropopause_method: Annotated[
        str, typer.Option("--tropopause-method", help="wmo_every (default) or wmo_mean.")
    ] = "wmo_every",
) -> None:
    """Write summary.json, CSV tables, CF-NetCDF, Wyoming text, plots and an HTML report."""
    with user_errors():
        if (input_file is None) == (db is None):
            raise UserError("give either --input FILE or --db PATH --flight NAME (exactly one)")
        if db is not None and not flight:
            raise UserError("--db needs --flight NAME: the flight to report on")
        day = None
        if flight_date:
            try:
                day = date.fromisoformat(flight_date)
            except ValueError as exc:
                raise UserError(f"--date {flight_date!r} is not YYYY-MM-DD") from exc
        from analysis.read_profile import read_profile
        from analysis.report import build_report
        from analysis.verification import load_prediction

        source = input_file if input_file is not None else db
        profile, metadata = read_profile(source, flight_name=flight, flight_date=day)
        predicted = load_prediction(prediction) if prediction else None
        atmosphere = None
        if winds:  # files, folders, quoted patterns, comma lists: as for every command
            from weather.atmosphere_files import open_atmosphere

            atmosphere = open_atmosphere(check_wind_files(winds))
        summary = build_report(
            profile,
            metadata,
            out,
            prediction=predicted,
            atmosphere=atmosphere,
            wind_window_s=wind_window,
            tropopause_method=tropopause_method,
        )
        typer.echo(f"report for {summary['name']} written to {out}")
        for line in summary_lines(summary):
            typer.echo(f"  {line}")
        typer.echo(f"  open {out / 'report.html'}")


def summary_lines(summary: dict) -> list[str]:
    """Terminal lines for the tropopauses and the top of a report's ``summary``.

    Figures the data do not have (pressure of a flight without a barometer, the time of a
    sounding table without times) are left out rather than printed as ``None``.
    """
    lines = []
    for entry in summary["tropopause"]:
        pressure = "" if entry["pressure_hpa"] is None else f"{entry['pressure_hpa']} hPa, "
        lines.append(
            f"{entry['kind']}: {pressure}{entry['altitude_m']} m, {entry['temperature_c']} degC"
        )
    burst = summary["burst"]
    when = "" if burst["datetime"] is None else f" at {burst['datetime']}"
    if burst.get("time_of_day_utc"):  # a source with times of day only
        when = f" at {burst['time_of_day_utc']} UTC ({burst['date']})"
    lines.append(f"top/burst: {burst['altitude_m']} m{when}")
    return lines


def register(app: typer.Typer) -> None:
    """Add ``strato report`` to the app."""
    app.command("report")(report)
