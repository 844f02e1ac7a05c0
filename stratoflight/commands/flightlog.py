"""Commands of the flight log: ``strato log``, ``strato flights``, ``strato export``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from stratoflight.errors import UserError, user_errors

__all__ = ["register"]

EXPORT_FORMATS = ("csv", "netcdf", "kml", "gpx", "sondehub")
FIELDS_HELP = (
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
            f"--launch-site {text!r} is not LAT,LON[,ALT_M] in decimal degrees and metres; "
            "e.g. --launch-site 52.2,0.12,30"
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
        raise UserError(f"--prediction {exc}") from exc


def _atmosphere(winds: list[str] | None):
    """Open the atmosphere for in-flight predictions: files, 'sample', or none."""
    if not winds:
        return None
    from stratoflight.options import open_winds

    return open_winds(None if winds == ["sample"] else [Path(w) for w in winds])


def log(
    source: Annotated[str, typer.Argument(help="Serial device, tcp://, udp://, file:// ...")],
    protocol: Annotated[str, typer.Option(help="auto, ukhas, nmea, horus, frame, jsonl")] = "auto",
    db: Annotated[
        Path | None, typer.Option(help="Flight-log database (default: user data dir)")
    ] = None,
    flight: Annotated[
        str | None, typer.Option(help="Flight name; an existing one is resumed")
    ] = None,
    baud: Annotated[int, typer.Option(help="Serial speed [bit/s]")] = 9600,
    fields: Annotated[str, typer.Option(help=FIELDS_HELP)] = "none",
    callsign: Annotated[str | None, typer.Option(help="Payload callsign")] = None,
    launch_site: Annotated[
        str | None, typer.Option(help="Launch site LAT,LON[,ALT] [deg, deg, m]")
    ] = None,
    balloon: Annotated[str | None, typer.Option(help="Balloon, e.g. 'Totex TA-1200'")] = None,
    prediction: Annotated[
        Path | None, typer.Option(help="Pre-launch prediction JSON ('strato predict --out')")
    ] = None,
    winds: Annotated[
        list[str] | None,
        typer.Option(
            help="Wind files for in-flight prediction ('sample' = built-in SYNTHETIC sample)"
        ),
    ] = None,
    burst_altitude: Annotated[float | None, typer.Option(help="Planned burst altitude [m]")] = None,
    descent_rate: Annotated[float, typer.Option(help="Planned sea-level descent rate [m/s]")] = 5.0,
    prediction_interval: Annotated[
        float, typer.Option(help="Time between in-flight predictions [s]")
    ] = 30.0,
    chase: Annotated[
        str | None, typer.Option(help="Chase position LAT,LON [deg] for distance/bearing")
    ] = None,
    no_live: Annotated[
        bool, typer.Option("--no-live", help="Plain log lines instead of the dashboard")
    ] = False,
    max_frames: Annotated[int | None, typer.Option(help="Stop after this many frames")] = None,
    duration: Annotated[float | None, typer.Option(help="Stop after this long [s]")] = None,
    until_landed: Annotated[
        bool, typer.Option("--until-landed", help="Stop once landing is detected and recorded")
    ] = False,
    spill: Annotated[
        Path | None, typer.Option(help="Overflow file while the database cannot be written")
    ] = None,
    synthetic: Annotated[
        bool,
        typer.Option(
            "--synthetic",
            help="The payload is simulated ('strato simulate'): label the flight SYNTHETIC "
            "in everything made from it",
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
            raise UserError(f"--{name.replace('_', '-')} must be positive, not {value}")
    if not options["prediction_interval"] >= 0:
        raise UserError(
            f"--prediction-interval must be 0 or more seconds, not {options['prediction_interval']}"
        )
    chase = parse_chase(options["chase"]) if options["chase"] else None
    if options["winds"] and options["burst_altitude"] is None:
        raise UserError(
            "in-flight prediction needs the planned burst altitude: add "
            "--burst-altitude METRES (or leave out --winds)"
        )
    launch_site = _launch_site(options["launch_site"])
    prediction = _prediction(options["prediction"])
    atmosphere = _atmosphere(options["winds"])
    err = Console(stderr=True, highlight=False)
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
        raise UserError(f"{exc}; or give another --db PATH") from exc
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
        Path | None, typer.Option(help="Flight-log database (default: user data dir)")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Machine-readable output")] = False,
) -> None:
    """List the flights in a flight log with counts, times and status."""
    with user_errors():
        from flightlog.reading import list_flights

        rows = list_flights(_db(db))
        if json_output:
            import json

            typer.echo(json.dumps(rows, default=lambda v: v.isoformat(), indent=2))
            return
        from rich.console import Console
        from rich.table import Table

        table = Table(title=str(_db(db)))
        for column in (
            "flight",
            "callsign",
            "status",
            "frames ok/bad",
            "telemetry",
            "first",
            "last",
            "max alt [m]",
            "events",
        ):
            table.add_column(column)
        for r in rows:

            def when(v):
                return "-" if v is None else v.strftime("%Y-%m-%d %H:%M:%SZ")

            table.add_row(
                r["name"],
                r["callsign"] or "-",
                r["status"],
                f"{r['good_frames']}/{r['bad_frames']}"
                + (
                    f" ({r['implausible_frames']} implausible, "
                    f"{r['quarantined_frames']} quarantined)"
                    if r["implausible_frames"] or r["quarantined_frames"]
                    else ""
                ),
                str(r["telemetry_rows"]),
                when(r["first_time"]),
                when(r["last_time"]),
                "-" if r["max_altitude"] is None else f"{r['max_altitude']:.0f}",
                str(r["events"]),
            )
        Console().print(table)


def export(
    flight: Annotated[str, typer.Option(help="Flight name")],
    out: Annotated[Path, typer.Option(help="Output file")],
    format: Annotated[
        str, typer.Option("--format", help="csv, netcdf, kml, gpx or sondehub")
    ] = "csv",  # noqa: A002
    db: Annotated[
        Path | None, typer.Option(help="Flight-log database (default: user data dir)")
    ] = None,
    uploader: Annotated[str, typer.Option(help="Uploader callsign (sondehub)")] = "N0CALL",
) -> None:
    """Export a recorded flight as CSV, CF-NetCDF trajectory, KML, GPX or SondeHub JSON."""
    with user_errors():
        if format not in EXPORT_FORMATS:
            raise UserError(
                f"unknown --format {format!r}; choose one of {', '.join(EXPORT_FORMATS)}"
            )
        from flightlog.exports import export_flight

        path = export_flight(_db(db), flight, format, out, uploader_callsign=uploader)
        typer.echo(f"wrote {path}")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the `strato` app."""
    app.command("log")(log)
    app.command("flights")(flights)
    app.command("export")(export)
