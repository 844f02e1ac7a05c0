"""One logging session: a link, a flight in the store, the recorder and what watches it.

:func:`run_logging_session` is what ``strato log`` does once its options are checked: it
opens the link (:class:`firmware_bridge.bridge.Bridge`) and the flight
(:class:`~flightlog.store.FlightStore`, resumed when the name exists), rebuilds the flight
phase from the stored events, attaches phase detection and, given an atmosphere, in-flight
landing prediction, records until the link ends, a limit is reached, the landing is
recorded (``until_landed``) or ``stop`` is set, and finally stores the flight's status.

While it runs it says what happens through callbacks: a plain line per commit
(:func:`~flightlog.live_view.commit_line`, only after the COMMIT returned) or a Rich
dashboard (:class:`~flightlog.live_view.LiveView`), and notices for the crew (start, write
errors). It returns a :class:`SessionSummary`; nothing here exits the process or touches
signal handlers, so it can run in a thread or a test.
"""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from flightlog.events import read_events
from flightlog.live_view import ChasePosition, LiveView, commit_line
from flightlog.pending_buffer import read_spilled_events
from flightlog.phase_detection import PhaseDetector
from flightlog.phase_observer import PhaseObserver, phase_after_events
from flightlog.recorder import Recorder, RecorderStats
from flightlog.store import FlightStore, RecordResult, StoreWriteError
from localization import _

__all__ = ["SessionSummary", "run_logging_session"]


@dataclass(frozen=True)
class SessionSummary:
    """What a logging session recorded.

    Attributes
    ----------
    flight : str
        The flight's name.
    db_path : Path
        The flight-log database.
    resumed : bool
        Whether the flight existed before and was resumed.
    stats : RecorderStats
        The recorder's final totals (frames, commits, duplicates, pending, spilled, lost).
    spill_path : Path
        Where items that could not be written went (used only when ``stats.spilled``).
    status : str or None
        The flight status stored at the end (``"landed"`` or ``"stopped"``; ``"recording"``
        when another logger still records the flight); None when the store could not be
        written at the end.
    spill_paths : tuple of Path
        Every spill file written (the default one moves to the temporary folder when its
        disk is full).
    """

    flight: str
    db_path: Path
    resumed: bool
    stats: RecorderStats
    spill_path: Path
    status: str | None
    spill_paths: tuple[Path, ...] = ()

    @property
    def complete(self) -> bool:
        """True when every item reached the database (none pending, spilled or lost)."""
        stats = self.stats
        return not (stats.pending or stats.dropped or stats.spilled or stats.link_dropped)

    def report(self) -> list[str]:
        """Return the closing lines for the crew (Rich markup): totals, how to replay a spill."""
        stats = self.stats
        summary = _(
            "stopped: {good} good and {bad} bad frames recorded in {commits} commits "
            "({duplicates} duplicates)"
        ).format(
            good=stats.frames_ok,
            bad=stats.frames_bad,
            commits=stats.commits,
            duplicates=stats.duplicates,
        )
        if stats.spilled or stats.dropped:
            where = ", ".join(str(path) for path in self.spill_paths) or str(self.spill_path)
            summary += "; " + _("{spilled} items spilled to {where}, {lost} lost").format(
                spilled=stats.spilled, where=where, lost=stats.dropped
            )
        lines = [summary]
        if stats.implausible or stats.quarantined:
            lines.append(
                _(
                    "{implausible} frames left out of telemetry as implausible and "
                    "{quarantined} items quarantined, all kept raw with the reason "
                    "(latest: {last_reason})"
                ).format(
                    implausible=stats.implausible,
                    quarantined=stats.quarantined,
                    last_reason=stats.last_reason,
                )
            )
        if stats.link_dropped:
            lines.append(
                _(
                    "[bold red]{link_dropped} items of the UDP link were dropped[/]: "
                    "the disk could not keep up (a data_dropped event says when)"
                ).format(link_dropped=stats.link_dropped)
            )
        for path in self.spill_paths or ((self.spill_path,) if stats.spilled else ()):
            lines.append(
                _(
                    "[bold red]items are not in the database[/]: replay them with "
                    'strato log "file://{path}?speed=max" --flight {flight!r} --db '
                    "{db_path} once the disk is writable"
                ).format(path=path, flight=self.flight, db_path=self.db_path)
            )
        if self.status == "recording":
            lines.append(
                _(
                    "another logger is still recording this flight: its status stays "
                    "'recording' until the last logger stops"
                )
            )
        return lines


def _print_line(line: str) -> None:
    print(line, flush=True)


def _check_positive(name: str, value: float | None) -> None:
    if value is not None and not value > 0:  # NaN fails too
        raise ValueError(
            _("{name} must be a positive number, not {value}").format(name=name, value=value)
        )


def run_logging_session(
    source: str,
    *,
    protocol: str = "auto",
    db_path: str | Path | None = None,
    flight: str | None = None,
    baud: int = 9600,
    fields: str = "none",
    callsign: str | None = None,
    launch_site: dict[str, float] | None = None,
    balloon: str | None = None,
    prediction: dict[str, Any] | None = None,
    atmosphere: Any = None,
    burst_altitude: float | None = None,
    descent_rate: float = 5.0,
    prediction_interval: float = 30.0,
    float_until: float | None = None,
    terrain: Any = None,
    chase: ChasePosition | None = None,
    max_frames: int | None = None,
    duration: float | None = None,
    until_landed: bool = False,
    spill_path: Path | None = None,
    synthetic: bool = False,
    live: bool = False,
    console: Any = None,
    on_line: Callable[[str], None] = _print_line,
    on_notice: Callable[[str], None] | None = None,
    stop: threading.Event | None = None,
) -> SessionSummary:
    """Record a flight from a telemetry link until it ends, a limit is hit or ``stop`` is set.

    Parameters
    ----------
    source : str
        The link: serial device, ``tcp://``, ``udp://``, ``file://PATH[?speed=X]`` (replay).
    protocol : str
        Link protocol (``auto``, ``ukhas``, ``nmea``, ``horus``, ``frame``, ``jsonl``).
    db_path : str or Path, optional
        Flight-log database (default :func:`flightlog.paths.default_db_path`).
    flight : str, optional
        Flight name; an existing flight is resumed (default ``flight-YYYY-MM-DD``, today UTC).
    baud : int
        Serial speed [bit s-1].
    fields : str
        UKHAS extras: ``none``, ``strato`` or a field-spec file
        (:func:`firmware_bridge.field_specs.field_spec_for`); stored with the settings.
    callsign, balloon : str, optional
        Flight metadata.
    launch_site : dict, optional
        ``{"latitude": deg, "longitude": deg[, "altitude": m]}``.
    prediction : dict, optional
        The pre-launch prediction (JSON of ``strato predict --out``), stored with the flight.
    atmosphere : weather.protocol.Atmosphere, optional
        Winds for in-flight landing predictions; None runs none.
    burst_altitude : float, optional
        Planned burst altitude [m]; needed with ``atmosphere``.
    descent_rate : float
        Planned sea-level descent rate [m s-1].
    prediction_interval : float
        Shortest time between two in-flight predictions [s].
    float_until : float, optional
        Planned end of a float (cut-down) [s since the epoch, UTC]: in-flight predictions
        during a float fly on to it, then descend. Without it none is made while floating.
    terrain : terrain.elevation.ElevationModel, optional
        A DEM (``--terrain FILE``): in-flight landings end on it instead of the weather
        file's orography (:func:`predictor.terrain_landing.land_on_dem`).
    chase : ChasePosition, optional
        The chase crew's position, for distance and bearing in the live view.
    max_frames : int, optional
        Stop after this many frames (good and bad) were committed.
    duration : float, optional
        Stop after this long [s].
    until_landed : bool
        Stop once a landing event has been committed.
    spill_path : Path, optional
        Overflow file while the database cannot be written (default beside the database).
    synthetic : bool
        The payload is simulated: stored in the flight's settings (``"synthetic": true``)
        so that reports label everything made from it SYNTHETIC.
    live : bool
        Show the Rich dashboard on ``console`` instead of one ``on_line`` call per commit.
    console : rich.console.Console, optional
        Where the dashboard draws (default: standard output).
    on_line : callable
        ``on_line(text)`` with each plain per-commit line (default: print and flush);
        the line is produced only after the COMMIT returned.
    on_notice : callable, optional
        ``on_notice(text)`` with notices in Rich markup: the start of recording and write
        errors (default: standard error through Rich).
    stop : threading.Event, optional
        Set it (e.g. from a signal handler) to end the session cleanly.

    Returns
    -------
    SessionSummary

    Raises
    ------
    StoreWriteError
        When the database cannot be created or opened for writing.
    ValueError
        For an unknown protocol or field spec, a malformed source, an atmosphere without a
        burst altitude, non-positive limits or rates, or a file that is not a flight log.
    FileNotFoundError
        For a ``file://`` replay of a file that does not exist.
    """
    from firmware_bridge.bridge import Bridge
    from firmware_bridge.field_specs import field_spec_for

    for name, value in (
        ("max_frames", max_frames),
        ("duration", duration),
        ("burst_altitude", burst_altitude),
        ("descent_rate", descent_rate),
    ):
        _check_positive(name, value)
    if not prediction_interval >= 0:
        raise ValueError(
            _("prediction_interval must be 0 or more seconds, not {prediction_interval}").format(
                prediction_interval=prediction_interval
            )
        )
    if atmosphere is not None and burst_altitude is None:
        raise ValueError(_("in-flight prediction needs the planned burst_altitude [m]"))
    if on_notice is None:
        from rich.console import Console

        on_notice = Console(stderr=True, highlight=False).print
    flight = flight or f"flight-{datetime.now(UTC):%Y-%m-%d}"
    if db_path is None:
        from flightlog.paths import default_db_path

        db_path = default_db_path()
    stop = stop if stop is not None else threading.Event()

    bridge = Bridge(source, protocol, baud, field_spec=field_spec_for(fields))
    settings: dict[str, Any] = {
        "protocol": protocol,
        "baud": baud,
        "fields": fields,
        "burst_altitude": burst_altitude,
        "descent_rate": descent_rate,
        "source": source,
    }
    if synthetic:
        # Stored with the flight so reports and listings label it SYNTHETIC.
        settings["synthetic"] = True
    store = FlightStore(
        db_path,
        flight,
        callsign=callsign,
        launch_site=launch_site,
        balloon=balloon,
        prediction=prediction,
        settings=settings,
    )
    predictor = None
    try:
        phase, burst = phase_after_events(read_events(store.connection, store.flight_id))
        phases = PhaseObserver(PhaseDetector(phase), burst_altitude=burst)
        observers: list[Any] = [phases]
        if atmosphere is not None:
            from flightlog.inflight_prediction import InflightPredictor

            predictor = InflightPredictor(
                atmosphere,
                phases,
                burst_altitude=burst_altitude,
                descent_rate=descent_rate,
                interval=prediction_interval,
                float_until=float_until,
                terrain=terrain,
            )
            observers.append(predictor)

        def on_commit(result: RecordResult, stats: RecorderStats) -> None:
            if until_landed and any(event.kind == "landing" for event in result.events_written):
                stop.set()
            line = None if live else commit_line(result, stats, phases)
            if line:
                on_line(line)

        def on_write_error(error: StoreWriteError, stats: RecorderStats) -> None:
            on_notice(
                _(
                    "[bold red]WRITE ERROR[/] {error} (pending in memory: {pending}, "
                    "spilled: {spilled}, lost: {dropped}); retrying"
                ).format(
                    error=error,
                    pending=stats.pending,
                    spilled=stats.spilled,
                    dropped=stats.dropped,
                )
            )

        def on_stall(seconds: float, stats: RecorderStats) -> None:
            on_notice(
                _(
                    "[bold yellow]DISK STALLED[/] a commit to {path} has been running"
                    " for {seconds:.0f} s (the disk does not answer; pending in "
                    "memory: {pending}). Nothing is lost yet; check the disk or its "
                    "cable."
                ).format(path=store.path, seconds=seconds, pending=stats.pending)
            )

        replayed = Path(bridge.spec.target) if bridge.spec.kind == "file" else None
        recorder = Recorder(
            store,
            observers=observers,
            on_commit=on_commit,
            on_write_error=on_write_error,
            on_stall=on_stall,
            spill_path=spill_path,
            avoid_path=replayed,
        )
        if store.resumed:
            _continue_totals(recorder.stats, store)
            _continue_dating(bridge, store)
        verb = _("resuming") if store.resumed else _("recording")
        on_notice(
            _(
                "{verb} flight {flight!r} from {label} into {path} (WAL, "
                "synchronous=FULL; if the disk fails, unsaved items go to "
                "{spill_path})"
            ).format(
                verb=verb,
                flight=flight,
                label=bridge.label,
                path=store.path,
                spill_path=recorder.pending.spill_path,
            )
        )
        link_items = bridge.items(stop)
        if replayed is not None:
            # Replaying a spill file: its events (the write_error of the failure, phase
            # events) go in too.
            link_items = itertools.chain(read_spilled_events(replayed), link_items)
        can_wait = bridge.spec.kind != "udp"
        limits = {"max_frames": max_frames, "duration": duration}
        if live:
            from rich.console import Console
            from rich.live import Live

            view = LiveView(flight, recorder.stats, phases, predictor, chase)
            screen = console if console is not None else Console(highlight=False, soft_wrap=True)
            with Live(view, console=screen, refresh_per_second=2, transient=False):
                stats = recorder.run(link_items, stop, can_wait=can_wait, **limits)
        else:
            stats = recorder.run(link_items, stop, can_wait=can_wait, **limits)
        status: str | None = "landed" if phases.phase == "landed" else "stopped"
        try:
            if predictor is not None:
                tail = predictor.close(wait=True)  # at most one prediction still running
                predictor = None
                if tail:
                    store.record(tail)
            if not store.set_status(status):
                status = "recording"  # another logger still records this flight
        except StoreWriteError as exc:
            status = None
            on_notice(
                _("[bold red]WRITE ERROR[/] at the end (flight status not updated): {exc}").format(
                    exc=exc
                )
            )
    finally:
        if predictor is not None:  # left early: do not wait for a running prediction
            predictor.close(wait=False)
        store.close()
    return SessionSummary(
        flight=flight,
        db_path=store.path,
        resumed=store.resumed,
        stats=stats,
        spill_path=recorder.pending.spill_path,
        status=status,
        spill_paths=tuple(recorder.pending.spill_paths),
    )


def _continue_totals(stats: RecorderStats, store: FlightStore) -> None:
    """Start a resumed flight's running totals from what it already holds (not from 0)."""
    row = store.connection.execute(
        "SELECT (SELECT count(*) FROM frames WHERE flight_id = ? AND status = 'ok'),"
        " (SELECT count(*) FROM frames WHERE flight_id = ? AND status != 'ok'),"
        " (SELECT count(*) FROM telemetry WHERE flight_id = ?)",
        (store.flight_id,) * 3,
    ).fetchone()
    ok, bad, telemetry = (int(v) for v in row)
    stats.frames_ok, stats.frames_bad, stats.telemetry = ok, bad, telemetry
    stats.duplicates = max(0, ok - telemetry)  # good frames that added no new row


def _continue_dating(bridge: Any, store: FlightStore) -> None:
    """Date a resumed flight's times of day on from its last stored payload time."""
    dating = getattr(getattr(bridge, "decoder", None), "dating", None)
    row = store.connection.execute(
        "SELECT max(payload_time) FROM telemetry WHERE flight_id = ?", (store.flight_id,)
    ).fetchone()
    if dating is not None and row is not None and row[0] is not None:
        dating.last = datetime.fromtimestamp(float(row[0]), tz=UTC)
