"""``strato simulate`` (a virtual payload) and ``strato bridge listen`` (a link monitor)."""

from __future__ import annotations

import math
import signal
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from localization import (
    N_,
    _,
    format_clock,
    format_number,
    format_position,
    format_time,
    parse_time,
)
from stratoflight.errors import UserError, user_errors
from stratoflight.options import check_output_folders, open_winds

__all__ = ["parse_speedup", "register"]

SIM_PROTOCOLS = ("ukhas", "nmea", "horus", "frame", "jsonl")
TO_HELP = N_(
    "pty | DEVICE | tcp://HOST:PORT (served) | udp://HOST:PORT | file://PATH[?format=capture]"
)
FAULTS_HELP = N_(
    "Comma list of noise,badcrc,drop,disconnect (NAME=P sets the probability per frame)."
)
FIELDS_HELP = N_(
    "Names of the UKHAS extras: none (extra_1, extra_2...), strato (the virtual payload's) "
    "or a FILE with one 'NAME [UNIT]' line per extra."
)
WINDS_HELP = N_("ERA5/GFS files (default: the SYNTHETIC sample atmosphere).")


def parse_speedup(text: str) -> float:
    """``"10"`` -> 10.0; ``"max"``/``"inf"``/``"0"`` -> infinity (as fast as possible)."""
    from firmware_bridge.transports import parse_speed_factor

    value = parse_speed_factor(text)
    if value is None:
        raise UserError(
            _(
                "--speedup must be a positive number (1 = real time, 60 = a minute "
                "per second) or 'max', not {text!r}"
            ).format(text=text)
        )
    return value


def _check_target(to: str) -> None:
    """Reject a malformed ``--to`` before the flight is computed (opening comes later)."""
    if to == "pty":
        return
    if to.startswith("file://"):
        from urllib.parse import urlsplit

        check_output_folders([Path(urlsplit(to).path)], "--to")
        return
    from firmware_bridge.transports import parse_source

    parse_source(to)


def _defaults(atmosphere, winds, lat, lon, when):
    """Launch site and time: the sample's site, or the centre/start of the given data."""
    import weather

    bounds = atmosphere.bounds
    if not winds:
        site = weather.SAMPLE_LAUNCH_SITE
        lat = site.latitude if lat is None else lat
        lon = site.longitude if lon is None else lon
        default_time = weather.SAMPLE_TIME_START.replace(hour=12)
    else:
        if lat is None or lon is None:
            raise UserError(
                "with --winds give the launch site too (--lat and --lon); the data cover "
                + bounds.describe()
            )
        default_time = bounds.time_start
    return lat, lon, (when or default_time)


def simulate(
    to: Annotated[str, typer.Option(help=TO_HELP)] = "pty",
    protocol: Annotated[str, typer.Option(help=N_("ukhas|nmea|horus|frame|jsonl"))] = "ukhas",
    rate: Annotated[float, typer.Option(help=N_("Telemetry rate [Hz]."))] = 1.0,
    speedup: Annotated[str, typer.Option(help=N_("Times real time, or 'max'."))] = "1",
    seed: Annotated[int, typer.Option(help=N_("Seed of sensor noise and faults."))] = 0,
    faults: Annotated[str, typer.Option(help=FAULTS_HELP)] = "",
    winds: Annotated[list[Path] | None, typer.Option(help=WINDS_HELP)] = None,
    lat: Annotated[float | None, typer.Option(help=N_("Launch latitude [deg N]."))] = None,
    lon: Annotated[float | None, typer.Option(help=N_("Launch longitude [deg E]."))] = None,
    time: Annotated[
        str | None, typer.Option(help=N_("Launch time, ISO 8601 (no zone = UTC) or now."))
    ] = None,
    ascent_rate: Annotated[float, typer.Option(help=N_("Ascent rate [m/s]."))] = 5.0,
    burst_altitude: Annotated[float, typer.Option(help=N_("Burst altitude [m]."))] = 30000.0,
    descent_rate: Annotated[float, typer.Option(help=N_("Descent rate at sea level [m/s]."))] = 5.0,
    duration: Annotated[
        float | None, typer.Option(help=N_("Send only the first S seconds [s]."))
    ] = None,
    callsign: Annotated[str, typer.Option(help=N_("Payload callsign."))] = "STRATOSIM",
    baud: Annotated[int, typer.Option(help=N_("Baud rate for a DEVICE target [bit/s]."))] = 9600,
    link: Annotated[Path | None, typer.Option(help=N_("Stable symlink path for --to pty."))] = None,
    start_delay: Annotated[
        float, typer.Option(help=N_("Wait after printing the target, for a logger [s]."))
    ] = 0.0,
) -> None:
    """Fly a SIMULATED payload and send its telemetry (first stdout line: where to listen)."""
    with user_errors():
        _simulate(**locals())


def _simulate(
    *,
    to: str,
    protocol: str,
    rate: float,
    speedup: str,
    seed: int,
    faults: str,
    winds: list[Path] | None,
    lat: float | None,
    lon: float | None,
    time: str | None,
    ascent_rate: float,
    burst_altitude: float,
    descent_rate: float,
    duration: float | None,
    callsign: str,
    baud: int,
    link: Path | None,
    start_delay: float,
) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

    from firmware_bridge.sinks import open_sink
    from firmware_bridge.virtual_payload import FlightTrack, VirtualPayload, parse_faults
    from predictor.flight_track import simulated_flight_track

    err = Console(stderr=True)
    if protocol not in SIM_PROTOCOLS:
        raise UserError(
            _("--protocol {protocol!r} unknown; choose {items}").format(
                protocol=protocol, items=", ".join(SIM_PROTOCOLS)
            )
        )
    factor = parse_speedup(speedup)
    fault_settings = parse_faults(faults)
    parsed = None if time is None else parse_time(time, "--time")
    when, naive = (None, False) if parsed is None else (parsed.utc, parsed.naive)
    if rate <= 0 or not math.isfinite(rate):
        raise UserError(_("--rate must be a positive number of Hz, not {rate}").format(rate=rate))
    if start_delay < 0 or not math.isfinite(start_delay):
        raise UserError(
            _("--start-delay must be a number of seconds >= 0, not {start_delay}").format(
                start_delay=start_delay
            )
        )

    _check_target(to)
    atmosphere = open_winds(winds)
    lat, lon, when = _defaults(atmosphere, winds, lat, lon, when)
    track_arrays = simulated_flight_track(
        atmosphere,
        when,
        lat,
        lon,
        ascent_rate,
        burst_altitude,
        descent_rate,
        rate_hz=max(rate, 1.0),
        seed=seed,
    )
    track = FlightTrack.from_mapping(track_arrays)
    payload = VirtualPayload(
        track,
        protocol,
        rate=rate,
        speedup=factor,
        seed=seed,
        faults=fault_settings,
        callsign=callsign,
        duration=duration,
    )
    sink = open_sink(to, baud=baud, link=None if link is None else str(link))
    try:
        # the first stdout line says what to listen to, for scripts (flushed at once)
        sys.stdout.write(f"{sink.source}\n")
        sys.stdout.flush()
        err.print(
            _("[bold yellow]SIMULATED flight[/] -> {target}").format(target=sink.description),
            highlight=False,
        )
        err.print(track.description, highlight=False)
        if naive:
            err.print(_("note: {text}").format(text=parsed.note("--time")), highlight=False)
        err.print(
            _(
                "launch {time} at {position}; {points} points at {rate} Hz, {protocol}, "
                "speed-up {speedup}, seed {seed}, faults {faults}"
            ).format(
                time=format_time(when, seconds=True),
                position=format_position(lat, lon, 4),
                points=payload.counts["points"],
                rate=format_number(rate, 1 if rate != int(rate) else 0),
                protocol=protocol,
                speedup=speedup,
                seed=seed,
                faults=",".join(fault_settings.rates) or _("none"),
            ),
            highlight=False,
        )
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_args: stop.set())
        try:
            if start_delay > 0:
                stop.wait(start_delay)
            with Progress(
                TextColumn(_("sending")),
                BarColumn(),
                TextColumn("{task.completed}/{task.total}"),
                TimeRemainingColumn(),
                console=err,
                transient=True,
            ) as progress:
                task = progress.add_task("send", total=len(payload.plan))
                try:
                    counts = payload.run(
                        sink, stop, lambda i, n: progress.update(task, completed=i)
                    )
                except KeyboardInterrupt:
                    counts = payload.played_counts()
        finally:
            signal.signal(signal.SIGTERM, previous)
        if counts["steps_played"] < counts["steps_planned"]:
            err.print(
                _(
                    "SIMULATED flight stopped early: sent {sent} of {planned} planned frames "
                    "({steps} of {steps_planned} steps)"
                ).format(
                    sent=counts["frames_sent"],
                    planned=counts["frames_planned"],
                    steps=counts["steps_played"],
                    steps_planned=counts["steps_planned"],
                ),
                highlight=False,
            )
        err.print(
            _("SIMULATED: ") + ", ".join(f"{k} {v}" for k, v in counts.items()), highlight=False
        )
    finally:
        sink.close()


def listen(
    source: Annotated[str, typer.Argument(help=N_("Device path, tcp://, udp://, file:// or URL."))],
    protocol: Annotated[str, typer.Option(help=N_("auto|ukhas|nmea|horus|frame|jsonl"))] = "auto",
    baud: Annotated[int, typer.Option(help=N_("Serial speed [bit/s]."))] = 9600,
    fields: Annotated[str, typer.Option(help=FIELDS_HELP)] = "none",
    strato_fields: Annotated[
        bool, typer.Option(help=N_("Same as --fields strato (kept for old scripts)."))
    ] = False,
    raw: Annotated[bool, typer.Option(help=N_("Also print the raw chunks."))] = False,
) -> None:
    """Print decoded frames and link events from a source (to test a cable or radio)."""
    with user_errors():
        from firmware_bridge.bridge import Bridge
        from firmware_bridge.field_specs import field_spec_for
        from firmware_bridge.frame import Frame, LinkEvent, RawChunk

        spec = field_spec_for("strato" if strato_fields else fields)
        bridge = Bridge(source, protocol, baud, field_spec=spec)
        counts = {"ok": 0, "bad_checksum": 0, "malformed": 0}
        stop = threading.Event()
        previous = signal.signal(signal.SIGTERM, lambda *_args: stop.set())
        try:
            for item in bridge.items(stop):
                if isinstance(item, LinkEvent):
                    typer.echo(
                        _("{time} LINK {kind}: {detail}").format(
                            time=format_clock(item.at, seconds=True),
                            kind=item.kind,
                            detail=item.detail,
                        ),
                        err=True,
                    )
                elif isinstance(item, RawChunk):
                    if raw:
                        typer.echo(
                            f"{format_clock(item.received_at, seconds=True)} RAW {item.data!r}"
                        )
                elif isinstance(item, Frame):
                    counts[item.status] = counts.get(item.status, 0) + 1
                    typer.echo(_frame_line(item))
        except KeyboardInterrupt:
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
        typer.echo(_("frames: ") + ", ".join(f"{k} {v}" for k, v in counts.items()), err=True)


def _frame_line(frame) -> str:
    when = format_clock(frame.received_at, seconds=True)
    if not frame.ok:
        return f"{when} {frame.protocol} {frame.status}: {frame.error} {frame.raw[:60]!r}"
    f = frame.fields
    parts = [f"{when} {frame.protocol}"]
    for name, fmt in (
        ("callsign", "{}"),
        ("sentence_id", "#{}"),
        ("latitude", "lat {:.5f}"),
        ("longitude", "lon {:.5f}"),
        ("altitude", "alt {:.0f} m"),
        ("pressure", "p {:.0f} Pa"),
        ("temperature", "T {:.1f} K"),
    ):
        if f.get(name) is not None:
            parts.append(fmt.format(f[name]))
    return " ".join(parts)


def register(app: typer.Typer) -> None:
    """Add ``simulate`` and the ``bridge`` group to the ``strato`` app."""
    app.command(
        "simulate",
        help=N_(
            "Fly a SIMULATED payload and send its telemetry (first stdout line: where to listen)."
        ),
    )(simulate)
    bridge_app = typer.Typer(help=N_("Payload link tools: monitor a serial/TCP/UDP source."))
    bridge_app.command(
        "listen",
        help=N_("Print decoded frames and link events from a source (to test a cable or radio)."),
    )(listen)
    app.add_typer(bridge_app, name="bridge")
