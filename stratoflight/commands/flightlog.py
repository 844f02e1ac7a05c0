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
    import json

    if not path.is_file():
        raise UserError(
            f"--prediction {path}: no such file; give the file written by "
            "'strato predict --out prediction.json'"
        )
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(
            f"--prediction {path} is not JSON ({exc}); give the file written by "
            "'strato predict --out prediction.json'"
        ) from exc


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
) -> None:
    """Record a flight durably (SQLite, WAL, synchronous=FULL) with a live view."""
    with user_errors():
        _run_log(**locals())


def _run_log(**options) -> None:
    import signal
    import sys
    import threading
    from datetime import UTC, datetime

    from rich.console import Console

    from firmware_bridge.bridge import Bridge
    from flightlog.events import read_events
    from flightlog.live_view import LiveView, commit_line, parse_chase
    from flightlog.phase_detection import PhaseDetector
    from flightlog.phase_observer import PhaseObserver, phase_after_events
    from flightlog.recorder import Recorder
    from flightlog.store import FlightStore

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
    atmosphere = _atmosphere(options["winds"])
    flight = options["flight"] or f"flight-{datetime.now(UTC):%Y-%m-%d}"
    from firmware_bridge.field_specs import field_spec_for

    field_spec = field_spec_for(options["fields"])
    bridge = Bridge(options["source"], options["protocol"], options["baud"], field_spec=field_spec)
    settings = {
        k: options[k] for k in ("protocol", "baud", "fields", "burst_altitude", "descent_rate")
    }
    settings["source"] = options["source"]
    from flightlog.store import StoreWriteError

    try:
        store = FlightStore(
            _db(options["db"]),
            flight,
            callsign=options["callsign"],
            launch_site=_launch_site(options["launch_site"]),
            balloon=options["balloon"],
            prediction=_prediction(options["prediction"]),
            settings=settings,
        )
    except StoreWriteError as exc:
        raise UserError(f"{exc}; or give another --db PATH") from exc
    err = Console(stderr=True, highlight=False)
    out = Console(highlight=False, soft_wrap=True)
    stop = threading.Event()
    try:
        phase, burst = phase_after_events(read_events(store.connection, store.flight_id))
        phases = PhaseObserver(PhaseDetector(phase), burst_altitude=burst)
        observers: list = [phases]
        predictor = None
        if atmosphere is not None:
            from flightlog.inflight_prediction import InflightPredictor

            predictor = InflightPredictor(
                atmosphere,
                phases,
                burst_altitude=options["burst_altitude"],
                descent_rate=options["descent_rate"],
                interval=options["prediction_interval"],
            )
            observers.append(predictor)
        live = not options["no_live"]

        def on_commit(result, stats) -> None:
            if options["until_landed"] and any(
                event.kind == "landing" for event in result.events_written
            ):
                stop.set()
            line = None if live else commit_line(result, stats, phases)
            if line:
                print(line, flush=True)

        def on_write_error(error, stats) -> None:
            err.print(
                f"[bold red]WRITE ERROR[/] {error} (pending in memory: {stats.pending}, "
                f"spilled: {stats.spilled}, lost: {stats.dropped}); retrying"
            )

        recorder = Recorder(
            store,
            observers=observers,
            on_commit=on_commit,
            on_write_error=on_write_error,
            spill_path=options["spill"],
        )
        view = LiveView(flight, recorder.stats, phases, predictor, chase)

        def request_stop(signum, frame) -> None:
            stop.set()

        signal.signal(signal.SIGINT, request_stop)
        signal.signal(signal.SIGTERM, request_stop)
        verb = "resuming" if store.resumed else "recording"
        err.print(
            f"{verb} flight {flight!r} from {bridge.label} into {store.path} "
            "(WAL, synchronous=FULL)"
        )
        run = dict(max_frames=options["max_frames"], duration=options["duration"])
        if live:
            from rich.live import Live

            with Live(view, console=out, refresh_per_second=2, transient=False):
                stats = recorder.run(bridge.items(stop), stop, **run)
        else:
            stats = recorder.run(bridge.items(stop), stop, **run)
        try:
            if predictor is not None:
                tail = predictor.close(wait=True)  # at most one prediction still running
                if tail:
                    store.record(tail)
            store.set_status("landed" if phases.phase == "landed" else "stopped")
        except StoreWriteError as exc:
            err.print(f"[bold red]WRITE ERROR[/] at the end (flight status not updated): {exc}")
    finally:
        store.close()
    summary = (
        f"stopped: {stats.frames_ok} good and {stats.frames_bad} bad frames recorded in "
        f"{stats.commits} commits ({stats.duplicates} duplicates)"
    )
    if stats.spilled or stats.dropped:
        summary += (
            f"; {stats.spilled} items spilled to {recorder.pending.spill_path}, "
            f"{stats.dropped} lost"
        )
    err.print(summary)
    if stats.spilled:
        err.print(
            f"[bold red]{stats.spilled} items are not in the database[/]: replay them "
            f'with strato log "file://{recorder.pending.spill_path}?speed=max" '
            f"--flight {flight!r} once the disk is writable"
        )
    if stats.pending or stats.dropped or stats.spilled:
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
                f"{r['good_frames']}/{r['bad_frames']}",
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
