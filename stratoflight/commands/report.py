"""``strato report``: measurement products of a recorded flight or sounding."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from localization import N_, _, format_number, format_time, parse_time
from stratoflight.errors import UserError, user_errors
from stratoflight.options import check_wind_files

__all__ = ["register", "summary_lines"]


def report(
    out: Annotated[Path, typer.Option("--out", help=N_("Folder to write the products into."))],
    input_file: Annotated[
        Path | None,
        typer.Option(
            "--input",
            help=N_(
                "Sounding or flight file (Wyoming text/CSV, NOAA RAOB CSV, auto_rx log, "
                "Vaisala EDT, UKHAS log, habhub track, our CSV or CF-NetCDF export)."
            ),
        ),
    ] = None,
    db: Annotated[
        Path | None,
        typer.Option(
            "--db", help=N_("Flight-log database (default with --flight: the usual one).")
        ),
    ] = None,
    flight: Annotated[str | None, typer.Option("--flight", help=N_("Flight name in --db."))] = None,
    prediction: Annotated[
        Path | None,
        typer.Option(
            "--prediction", help=N_("Pre-launch prediction JSON (default: the stored one).")
        ),
    ] = None,
    winds: Annotated[
        list[Path] | None,
        typer.Option(
            "--winds",
            help=N_(
                "ERA5/forecast files to compare GPS winds with: a file, a folder, a quoted "
                "pattern or a comma list (repeat for more)."
            ),
        ),
    ] = None,
    flight_date: Annotated[
        str | None,
        typer.Option("--date", help=N_("UTC date YYYY-MM-DD for files with times of day only.")),
    ] = None,
    wind_window: Annotated[
        float, typer.Option("--wind-window", help=N_("GPS-wind window [s]."))
    ] = 20.0,
    tropopause_method: Annotated[
        str, typer.Option("--tropopause-method", help=N_("wmo_every (default) or wmo_mean."))
    ] = "wmo_every",
) -> None:
    """Write summary.json, CSV tables, CF-NetCDF, Wyoming text, plots and an HTML report."""
    with user_errors():
        if input_file is None and db is None and flight:
            from flightlog.paths import default_db_path

            db = default_db_path()  # the flight log 'strato log' writes by default
        if (input_file is None) == (db is None):
            raise UserError(
                _(
                    "give either --input FILE or --flight NAME (with --db PATH for "
                    "another flight log than the default), not both"
                )
            )
        if db is not None and not flight:
            raise UserError(_("--db needs --flight NAME: the flight to report on"))
        day = None
        if flight_date:
            try:
                day = date.fromisoformat(flight_date)
            except ValueError as exc:
                raise UserError(
                    _("--date {flight_date!r} is not YYYY-MM-DD").format(flight_date=flight_date)
                ) from exc
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
        typer.echo(
            _("report for {name} written to {folder}").format(name=summary["name"], folder=out)
        )
        for line in summary_lines(summary):
            typer.echo(f"  {line}")
        typer.echo("  " + _("open {path}").format(path=out / "report.html"))


#: Tropopause kinds (``summary.json`` keys) for people.
TROPOPAUSE_KINDS = {
    "wmo_first": N_("first WMO tropopause"),
    "wmo_second": N_("second WMO tropopause"),
    "cold_point": N_("cold-point tropopause"),
}


def summary_lines(summary: dict) -> list[str]:
    """Terminal lines for the tropopauses and the top of a report's ``summary``.

    Figures the data do not have (pressure of a flight without a barometer, the time of a
    sounding table without times) are left out rather than printed as ``None``.
    """
    lines = []
    for entry in summary["tropopause"]:
        pressure = (
            ""
            if entry["pressure_hpa"] is None
            else f"{format_number(entry['pressure_hpa'], 1)} hPa, "
        )
        lines.append(
            _("{kind}: {pressure}{altitude} m, {temperature} degC").format(
                kind=_(TROPOPAUSE_KINDS.get(entry["kind"], entry["kind"])),
                pressure=pressure,
                altitude=format_number(entry["altitude_m"], 0),
                temperature=format_number(entry["temperature_c"], 1),
            )
        )
    burst = summary["burst"]
    when = (
        ""
        if burst["datetime"] is None
        else " "
        + _("at {time}").format(time=format_time(parse_time(burst["datetime"]).utc, seconds=True))
    )
    if burst.get("time_of_day_utc"):  # a source with times of day only
        when = " " + _("at {time} UTC ({date})").format(
            time=burst["time_of_day_utc"], date=burst["date"]
        )
    lines.append(
        _("top/burst: {altitude} m{when}").format(
            altitude=format_number(burst["altitude_m"], 0), when=when
        )
    )
    return lines


def register(app: typer.Typer) -> None:
    """Add ``strato report`` to the app."""
    app.command(
        "report",
        help=N_(
            "Write summary.json, CSV tables, CF-NetCDF, Wyoming text, plots and an HTML report."
        ),
    )(report)
