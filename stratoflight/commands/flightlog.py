"""Commands of the flight log: ``strato log``, ``strato flights``, ``strato export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from localization import N_, _
from stratoflight.errors import UserError, user_errors

__all__ = ["register"]

EXPORT_FORMATS = ("csv", "netcdf", "kml", "gpx", "sondehub")
FIELDS_HELP = N_(
    "Names of the UKHAS extras after the altitude: none (kept as extra_1, extra_2...), "
    "strato (the 'strato simulate' payload: pressure, temperature... in SI units) or a "
    "FILE with one 'NAME [UNIT]' line per extra (see docs/telemetry.md)"
)


def _db(db: Path | None) -> Path:
    from flightlog.paths import default_db_path

    return db if db is not None else default_db_path()


def _launch_site(text: str | None) -> dict[str, float] | None:
    if text is None:
        return None
    try:
        numbers = [float(p) for p in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (2, 3):
        raise UserError(
            _(
                "--launch-site {text!r} is not LAT,LON[,ALT_M] in decimal degrees and"
                " metres; e.g. --launch-site 52.2,0.12,30"
            ).format(text=text)
        )
    site = {"latitude": numbers[0], "longitude": numbers[1]}
    if len(numbers) == 3:
        site["altitude"] = numbers[2]
    return site


def _prediction(path: Path | None) -> dict | None:
    if path is None:
        return None
    from predictor.writers.json_writer import read_prediction_json

    try:
        return read_prediction_json(path)
    except (FileNotFoundError, ValueError) as exc:
        raise UserError(_("--prediction {exc}").format(exc=exc)) from exc


def _atmosphere(winds: list[str] | None):
    """Open the atmosphere for in-flight predictions: files, 'sample', or none."""
    if not winds:
        return None
    from stratoflight.options import open_winds

    return open_winds(winds)


def _terrain(path: Path | None, winds: Any, launch_site: Any, err: Any) -> Any:
    """Open ``--terrain FILE`` for in-flight predictions; warn when it misses the launch site."""
    if path is None:
        return None
    if not winds:
        raise UserError(
            _("--terrain is used by in-flight predictions: add --winds FILES (or --winds sample)")
        )
    from stratoflight.commands.predict import launch_ground, open_terrain

    dem = open_terrain(path)
    if launch_site is not None:
        ground, note = launch_ground(dem, launch_site["latitude"], launch_site["longitude"])
        if ground is None:
            err.print(
                note
                + "; "
                + _("in-flight landings it does not cover use the weather file's orography")
            )
    return dem


def log(
    source: Annotated[str, typer.Argument(help=N_("Serial device, tcp://, udp://, file:// ..."))],
    protocol: Annotated[
        str, typer.Option(help=N_("auto, ukhas, nmea, horus, frame, jsonl"))
    ] = "auto",
    db: Annotated[
        Path | None, typer.Option(help=N_("Flight-log database (default: user data dir)"))
    ] = None,
    flight: Annotated[
        str | None, typer.Option(help=N_("Flight name; an existing one is resumed"))
    ] = None,
    baud: Annotated[int, typer.Option(help=N_("Serial speed [bit/s]"))] = 9600,
    fields: Annotated[str, typer.Option(help=FIELDS_HELP)] = "none",
    callsign: Annotated[str | None, typer.Option(help=N_("Payload callsign"))] = None,
    launch_site: Annotated[
        str | None, typer.Option(help=N_("Launch site LAT,LON[,ALT] [deg, deg, m]"))
    ] = None,
    balloon: Annotated[str | None, typer.Option(help=N_("Balloon, e.g. 'Totex TA-1200'"))] = None,
    prediction: Annotated[
        Path | None, typer.Option(help=N_("Pre-launch prediction JSON ('strato predict --out')"))
    ] = None,
    winds: Annotated[
        list[str] | None,
        typer.Option(
            help=N_("Wind files for in-flight prediction ('sample' = built-in SYNTHETIC sample)")
        ),
    ] = None,
    burst_altitude: Annotated[
        float | None, typer.Option(help=N_("Planned burst altitude [m]"))
    ] = None,
    descent_rate: Annotated[
        float, typer.Option(help=N_("Planned sea-level descent rate [m/s]"))
    ] = 5.0,
    prediction_interval: Annotated[
        float, typer.Option(help=N_("Time between in-flight predictions [s]"))
    ] = 30.0,
    float_until: Annotated[
        str | None,
        typer.Option(
            help=N_(
                "Planned end of a float flight (cut-down), ISO 8601 (no zone = UTC): in-flight "
                "predictions during the float fly on to it"
            )
        ),
    ] = None,
    terrain: Annotated[
        Path | None,
        typer.Option(
            help=N_(
                "DEM GeoTIFF for in-flight predictions' landings (any CRS); default: the "
                "weather file's orography"
            )
        ),
    ] = None,
    chase: Annotated[
        str | None, typer.Option(help=N_("Chase position LAT,LON [deg] for distance/bearing"))
    ] = None,
    no_live: Annotated[
        bool, typer.Option("--no-live", help=N_("Plain log lines instead of the dashboard"))
    ] = False,
    max_frames: Annotated[int | None, typer.Option(help=N_("Stop after this many frames"))] = None,
    duration: Annotated[float | None, typer.Option(help=N_("Stop after this long [s]"))] = None,
    until_landed: Annotated[
        bool, typer.Option("--until-landed", help=N_("Stop once landing is detected and recorded"))
    ] = False,
    spill: Annotated[
        Path | None, typer.Option(help=N_("Overflow file while the database cannot be written"))
    ] = None,
    synthetic: Annotated[
        bool,
        typer.Option(
            "--synthetic",
            help=N_(
                "The payload is simulated ('strato simulate'): label the flight SYNTHETIC "
                "in everything made from it"
            ),
        ),
    ] = False,
) -> None:
    """Record a flight durably (SQLite, WAL, synchronous=FULL) with a live view."""
    with user_errors():
        _run_log(**locals())


def _run_log(**options) -> None:
    import signal
    import sys
    import threading

    from rich.console import Console

    from firmware_bridge.transports import PortInUseError
    from flightlog.live_view import parse_chase
    from flightlog.session import run_logging_session
    from flightlog.store import StoreWriteError

    for name in ("max_frames", "duration", "burst_altitude", "descent_rate"):
        value = options[name]
        if value is not None and not value > 0:
            raise UserError(
                _("--{option} must be positive, not {value}").format(
                    option=name.replace("_", "-"), value=value
                )
            )
    if not options["prediction_interval"] >= 0:
        raise UserError(
            _("--prediction-interval must be 0 or more seconds, not {prediction_interval}").format(
                prediction_interval=options["prediction_interval"]
            )
        )
    chase = parse_chase(options["chase"]) if options["chase"] else None
    if options["winds"] and options["burst_altitude"] is None:
        raise UserError(
            _(
                "in-flight prediction needs the planned burst altitude: add "
                "--burst-altitude METRES (or leave out --winds)"
            )
        )
    launch_site = _launch_site(options["launch_site"])
    float_until = None
    if options["float_until"] is not None:
        from localization import parse_time

        until = parse_time(options["float_until"], "--float-until")
        if until.naive:
            Console(stderr=True, highlight=False).print(
                _("note: {text}").format(text=until.note("--float-until"))
            )
        float_until = until.utc.timestamp()
    prediction = _prediction(options["prediction"])
    atmosphere = _atmosphere(options["winds"])
    err = Console(stderr=True, highlight=False)
    dem = _terrain(options["terrain"], options["winds"], launch_site, err)
    stop = threading.Event()

    def request_stop(signum, frame) -> None:
        stop.set()

    previous = {sig: signal.signal(sig, request_stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        summary = run_logging_session(
            options["source"],
            protocol=options["protocol"],
            db_path=_db(options["db"]),
            flight=options["flight"],
            baud=options["baud"],
            fields=options["fields"],
            callsign=options["callsign"],
            launch_site=launch_site,
            balloon=options["balloon"],
            prediction=prediction,
            atmosphere=atmosphere,
            burst_altitude=options["burst_altitude"],
            descent_rate=options["descent_rate"],
            prediction_interval=options["prediction_interval"],
            float_until=float_until,
            terrain=dem,
            chase=chase,
            max_frames=options["max_frames"],
            duration=options["duration"],
            until_landed=options["until_landed"],
            spill_path=options["spill"],
            synthetic=options["synthetic"],
            live=not options["no_live"],
            on_notice=err.print,
            stop=stop,
        )
    except StoreWriteError as exc:  # only opening the database raises it
        raise UserError(_("{exc}; or give another --db PATH").format(exc=exc)) from exc
    except PortInUseError as exc:
        raise UserError(str(exc)) from exc
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    for line in summary.report():
        err.print(line)
    if not summary.complete:
        sys.exit(1)


def flights(
    db: Annotated[
        Path | None, typer.Option(help=N_("Flight-log database (default: user data dir)"))
    ] = None,
    json_output: Annotated[
        bool, typer.Option("--json", help=N_("Machine-readable output"))
    ] = False,
) -> None:
    """List the flights in a flight log with counts, times and status."""
    with user_errors():
        from flightlog.reading import list_flights

        rows = list_flights(_db(db))
        if json_output:
            import json

            typer.echo(json.dumps(rows, default=lambda v: v.isoformat(), indent=2))
            return
        for line in flight_listing(str(_db(db)), rows):
            typer.echo(line)


def flight_listing(title: str, rows: list[dict]) -> list[str]:
    """Lines listing flights, each block led by the full flight name (never cut).

    The name is what a person types next (``--flight NAME``), so it starts its own line;
    the details follow on short indented lines that fit 80 columns. Times are the people's
    (their zone, named), words in their language.
    """
    from localization import format_number, format_time

    statuses = {"recording": _("recording"), "stopped": _("stopped"), "landed": _("landed")}

    def when(v) -> str:
        return "-" if v is None else format_time(v, seconds=True)

    lines = [
        _("flights in {title}:").format(title=title)
        if rows
        else _("no flights in {title}").format(title=title)
    ]
    for r in rows:
        label = "  " + _("SYNTHETIC (simulated)") if r.get("synthetic") else ""
        lines.append(f"{r['name']}{label}")
        alt = "-" if r["max_altitude"] is None else f"{format_number(r['max_altitude'], 0)} m"
        lines.append(
            "    "
            + _("{status}, callsign {callsign}").format(
                status=statuses.get(r["status"], r["status"]), callsign=r["callsign"] or "-"
            )
        )
        lines.append(
            "    "
            + _("frames {good} ok / {bad} bad, {telemetry} telemetry rows, {events} events").format(
                good=r["good_frames"],
                bad=r["bad_frames"],
                telemetry=r["telemetry_rows"],
                events=r["events"],
            )
        )
        if r.get("implausible_frames") or r.get("quarantined_frames"):
            lines.append(
                "    "
                + _(
                    "kept raw, left out: {implausible} implausible, {quarantined} quarantined"
                ).format(
                    implausible=r.get("implausible_frames", 0),
                    quarantined=r.get("quarantined_frames", 0),
                )
            )
        lines.append(
            "    "
            + _("{first} to {last}, max {altitude}").format(
                first=when(r["first_time"]), last=when(r["last_time"]), altitude=alt
            )
        )
    return lines


def export(
    flight: Annotated[str, typer.Option(help=N_("Flight name"))],
    out: Annotated[Path, typer.Option(help=N_("Output file"))],
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            help=N_("csv, netcdf, kml, gpx or sondehub (default: from the --out suffix, else csv)"),
        ),
    ] = None,  # noqa: A002
    db: Annotated[
        Path | None, typer.Option(help=N_("Flight-log database (default: user data dir)"))
    ] = None,
    uploader: Annotated[str, typer.Option(help=N_("Uploader callsign (sondehub)"))] = "N0CALL",
) -> None:
    """Export a recorded flight as CSV, CF-NetCDF trajectory, KML, GPX or SondeHub JSON."""
    with user_errors():
        format = export_format(format, out)  # noqa: A001
        from flightlog.exports import export_flight

        path = export_flight(_db(db), flight, format, out, uploader_callsign=uploader)
        from stratoflight.people_texts import print_written

        print_written([path])


#: Output suffix -> export format.
EXPORT_SUFFIXES = {
    ".csv": "csv",
    ".nc": "netcdf",
    ".kml": "kml",
    ".gpx": "gpx",
    ".json": "sondehub",
}


def export_format(given: str | None, out: Path) -> str:
    """Choose the export format: ``--format``, else the ``--out`` suffix, else csv.

    A ``--format`` that contradicts a known suffix (GPX into ``x.kml``) is refused.
    """
    implied = EXPORT_SUFFIXES.get(out.suffix.lower())
    if given is None:
        return implied or "csv"
    if given not in EXPORT_FORMATS:
        raise UserError(
            _("unknown --format {given!r}; choose one of {items}").format(
                given=given, items=", ".join(EXPORT_FORMATS)
            )
        )
    if implied is not None and implied != given:
        wanted = next(k for k, v in EXPORT_SUFFIXES.items() if v == given)
        raise UserError(
            _(
                "--format {given} but --out {out} ends in {suffix} ({implied}); give "
                "a file name ending in {wanted}, or leave out --format to write "
                "{implied}"
            ).format(given=given, out=out, suffix=out.suffix, implied=implied, wanted=wanted)
        )
    return given


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `strato` app."""
    app.command(
        "log",
        help=N_("Record a flight durably (SQLite, WAL, synchronous=FULL) with a live view."),
    )(log)
    app.command(
        "flights", help=N_("List the flights in a flight log with counts, times and status.")
    )(flights)
    app.command(
        "export",
        help=N_(
            "Export a recorded flight as CSV, CF-NetCDF trajectory, KML, GPX or SondeHub JSON."
        ),
    )(export)
