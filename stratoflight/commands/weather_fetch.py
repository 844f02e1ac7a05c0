"""``strato weather fetch`` (ERA5 from the CDS) and ``strato weather forecast`` (GFS).

Thin layer: parse and check the arguments, call :mod:`weather.cds_download` /
:mod:`weather.gfs_forecast`, print the files written. Heavy imports stay inside the
commands so ``strato --help`` stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from localization import N_, _, format_time, parse_time
from stratoflight.errors import UserError, user_errors

__all__ = ["register"]

#: Options shared by ``fetch`` and ``forecast``.
AreaOption = Annotated[
    tuple[float, float, float, float],
    typer.Option(
        help=N_("Area N W S E [deg], e.g. --area 48 5 45 11 (W > E crosses 180)."),
        show_default=False,
    ),
]
OutDirOption = Annotated[
    Path | None, typer.Option(help=N_("Directory for the files; default: the cache directory."))
]
CacheDirOption = Annotated[
    Path | None,
    typer.Option(help=N_("Download cache; default the user cache (e.g. ~/.cache/stratoflight).")),
]
TimeoutOption = Annotated[float, typer.Option(help=N_("Timeout of each HTTP call [s]."))]


def _levels(text: str | None) -> list[float] | None:
    if text is None or text.strip().lower() in ("", "all"):
        return None
    try:
        return [float(part) for part in text.replace(",", " ").split()]
    except ValueError as exc:
        raise UserError(
            _(
                "--levels {text!r} is not a list of pressures in hPa; write e.g. "
                "--levels 1000,850,500,100,10,1 or leave it out for all 37 levels"
            ).format(text=text)
        ) from exc


def fetch(
    area: AreaOption,
    start: Annotated[
        str, typer.Option(help=N_("First time, ISO 8601 (no zone = UTC), e.g. 2024-05-01T00Z."))
    ],
    end: Annotated[
        str, typer.Option(help=N_("Last time, ISO 8601 (no zone = UTC), e.g. 2024-05-02T00Z."))
    ],
    levels: Annotated[
        str | None,
        typer.Option(help=N_("Pressure levels [hPa], comma separated; default all 37 (1-1000).")),
    ] = None,
    step: Annotated[int, typer.Option(help=N_("Time step [h]; must divide 24."))] = 1,
    out: OutDirOption = None,
    cache_dir: CacheDirOption = None,
    no_single_levels: Annotated[
        bool,
        typer.Option(
            "--no-single-levels", help=N_("Skip orography and land-sea mask (needed for landing).")
        ),
    ] = False,
    data_format: Annotated[str, typer.Option(help=N_("netcdf or grib."))] = "netcdf",
    timeout: TimeoutOption = 60.0,
    retries: Annotated[int, typer.Option(help=N_("Tries per HTTP call."))] = 5,
) -> None:
    """Download ERA5 winds, temperature and geopotential (and ground) from the CDS."""
    with user_errors():
        from rich.console import Console

        from weather.cds_download import CdsDownloadError, download_era5
        from weather.era5_request import Area, build_era5_jobs

        north, west, south, east = area
        first, last = parse_time(start, "--start"), parse_time(end, "--end")
        jobs = build_era5_jobs(
            Area(north, west, south, east),
            first.utc,
            last.utc,
            levels_hpa=_levels(levels),
            step_hours=step,
            include_single_levels=not no_single_levels,
            data_format=data_format,
        )
        console = Console(stderr=True)
        for parsed, option in ((first, "--start"), (last, "--end")):
            if parsed.naive:
                console.print(_("note: {text}").format(text=parsed.note(option)), highlight=False)
        console.print(
            _(
                "ERA5: {jobs} CDS job(s) for area N{north} W{west} S{south} E{east}, "
                "{start} to {end}"
            ).format(
                jobs=len(jobs),
                north=f"{north:g}",
                west=f"{west:g}",
                south=f"{south:g}",
                east=f"{east:g}",
                start=format_time(first.utc),
                end=format_time(last.utc),
            )
        )
        cached: list[Path] = []
        try:
            files = download_era5(
                jobs,
                out_dir=out,
                cache_dir=cache_dir,
                timeout=timeout,
                retry_max=retries,
                sleep_max=30.0,
                on_file=lambda path, from_cache: cached.append(path) if from_cache else None,
            )
        except CdsDownloadError as exc:
            raise UserError(str(exc)) from exc
        if cached:
            console.print(
                _("{cached} of {total} file(s) served from the cache").format(
                    cached=len(cached), total=len(files)
                )
            )
        for path in files:
            typer.echo(str(path))


def forecast(
    area: AreaOption,
    run: Annotated[str, typer.Option(help=N_("Model run: latest or YYYYMMDDHH."))] = "latest",
    hours: Annotated[
        str, typer.Option(help=N_("Forecast hours [h]: 0-72 (every 3 h), 0-24:1 or 0,6,12."))
    ] = "0-72",
    out: OutDirOption = None,
    cache_dir: CacheDirOption = None,
    levels: Annotated[
        str | None,
        typer.Option(help=N_("Isobaric levels [hPa], comma separated; default all 1000..1 hPa.")),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option(help=N_("NOMADS root URL (default $STRATO_GFS_URL or nomads.ncep.noaa.gov).")),
    ] = None,
    mirror_url: Annotated[
        str | None,
        typer.Option(help=N_("Cloud mirror root (default $STRATO_GFS_MIRROR_URL or NOAA on AWS).")),
    ] = None,
    timeout: TimeoutOption = 60.0,
    retries: Annotated[int, typer.Option(help=N_("Tries per HTTP call and file."))] = 3,
) -> None:
    """Download GFS 0.25-degree forecasts (GRIB2) for the coming days."""
    with user_errors():
        from rich.console import Console

        from weather.era5_request import Area
        from weather.gfs_forecast import GfsDownloadError, download_gfs, parse_forecast_hours
        from weather.gfs_grib_tools import GFS_ISOBARIC_LEVELS_HPA

        north, west, south, east = area
        level_list = _levels(levels)
        console = Console(stderr=True)
        try:
            result = download_gfs(
                Area(north, west, south, east),
                run=run,
                hours=parse_forecast_hours(hours),
                out_dir=out,
                cache_dir=cache_dir,
                base_url=base_url,
                mirror_url=mirror_url,
                levels_hpa=GFS_ISOBARIC_LEVELS_HPA
                if level_list is None
                else [int(level) for level in level_list],
                timeout=timeout,
                retries=retries,
            )
        except GfsDownloadError as exc:
            raise UserError(str(exc)) from exc
        for note in result.notes:
            console.print(_("[yellow]note:[/] {text}").format(text=note), highlight=False)
        console.print(result.summary(), highlight=False)
        for path in result.files:
            typer.echo(str(path))


_FETCH_HELP = N_(
    "Download ERA5 winds, temperature and geopotential (and ground) from the CDS.\n\n"
    "Needs a CDS key in ~/.cdsapirc (see docs/weather_fetch.md). Requests larger than a CDS "
    "job allows are split by month (and further by days); files already downloaded are "
    "served from the cache. Prints the files written, one per line."
)

_FORECAST_HELP = N_(
    "Download GFS 0.25-degree forecasts (GRIB2) for the coming days.\n\n"
    "u, v, geopotential height and temperature on all isobaric levels up to 1 hPa, plus "
    "surface height and land mask, through the NOMADS GRIB filter (the public cloud mirror "
    "when NOMADS is unreachable). Says which run and hours it got and prints the files, one "
    "per line; predict with: strato predict --winds FILE --winds FILE ..."
)


def register(app: typer.Typer) -> None:
    """Add ``fetch`` and ``forecast`` to the ``strato weather`` group."""
    app.command("fetch", help=_FETCH_HELP)(fetch)
    app.command("forecast", help=_FORECAST_HELP)(forecast)
