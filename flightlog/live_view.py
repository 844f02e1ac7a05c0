"""What the crew sees while logging: a Rich dashboard, or one plain line per commit.

:class:`LiveView` reads the recorder's running totals, the phase observer and the in-flight
predictor; it never touches the database. :func:`commit_line` is the ``--no-live`` form: one
line per commit, printed only after the commit returned, naming the sentence ids recorded
(tests and scripts read these lines as the "recorded" acknowledgement).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.console import Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from flightlog.live_quantities import distance_and_bearing
from flightlog.phase_observer import PhaseObserver
from flightlog.recorder import RecorderStats
from flightlog.store import RecordResult
from localization import N_, _, format_clock, format_number, format_position, parse_time

__all__ = ["ChasePosition", "LiveView", "commit_line", "format_ids", "parse_chase", "parse_ids"]

#: Flight phases (flightlog.phase_detection.PHASES) for people.
PHASE_NAMES = {
    "pre_launch": N_("pre-launch"),
    "ascent": N_("ascent"),
    "float": N_("float"),
    "descent": N_("descent"),
    "landed": N_("landed"),
}


@dataclass(frozen=True)
class ChasePosition:
    """Where the chase crew is: latitude [degree_north], longitude [degree_east]."""

    latitude: float
    longitude: float


def parse_chase(text: str) -> ChasePosition:
    """Parse ``"LAT,LON"`` in decimal degrees (e.g. ``"52.2,0.12"``)."""
    parts = [p.strip() for p in text.split(",")]
    try:
        lat, lon = (float(p) for p in parts)
    except ValueError as exc:
        raise ValueError(
            f"--chase {text!r} is not LAT,LON in decimal degrees; e.g. --chase 52.2,0.12"
        ) from exc
    if not (-90 <= lat <= 90 and -180 <= lon <= 360):
        raise ValueError(f"--chase {text!r} is outside -90..90 latitude / -180..360 longitude")
    return ChasePosition(lat, lon if lon <= 180 else lon - 360)


def _landing_place(latest: dict) -> str:
    """Where the predicted landing is (land, or how far out at sea), in the crew's language."""
    if "landing_surface" in latest and "coast_distance_m" in latest:
        from predictor.landing_surface import describe_landing_surface

        return describe_landing_surface(
            latest["landing_surface"], latest["coast_distance_m"], latest.get("coast_bearing_deg")
        )
    return str(latest.get("landing_place") or "")


def _people_clock(when: datetime | float | str | None) -> str:
    """Show a time on the crew's clock with the zone named (UTC beside it)."""
    if when is None:
        return "-"
    if isinstance(when, str):
        try:
            when = parse_time(when).utc
        except ValueError:
            return when
    return format_clock(when, seconds=True)


def _iso(when: datetime | float | str | None) -> str:
    if when is None or (isinstance(when, float) and not math.isfinite(when)):
        return "-"
    if isinstance(when, str):
        try:
            when = datetime.fromisoformat(when)
        except ValueError:
            return when
    if not isinstance(when, datetime):
        when = datetime.fromtimestamp(float(when), tz=UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def format_ids(ids: list[int]) -> str:
    """Sentence ids as compact runs, in the given order: ``[1, 2, 3, 7]`` -> ``"1-3,7"``."""
    if not ids:
        return "-"
    runs: list[str] = []
    start = previous = ids[0]
    for number in [*ids[1:], None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        runs.append(str(start) if start == previous else f"{start}-{previous}")
        if number is not None:
            start = previous = number
    return ",".join(runs)


def parse_ids(text: str) -> list[int]:
    """Inverse of :func:`format_ids`: ``"1-3,7"`` -> ``[1, 2, 3, 7]``."""
    if text == "-":
        return []
    ids: list[int] = []
    for run in text.split(","):
        first, _, last = run.partition("-")
        ids.extend(range(int(first), int(last or first) + 1))
    return ids


def commit_line(
    result: RecordResult, stats: RecorderStats, phases: PhaseObserver | None = None
) -> str | None:
    """One plain line saying what a commit recorded (``--no-live``); None if nothing to say.

    Frames: ``<UTC> recorded N frames (ok, bad, duplicate) sentence_ids 1-3,7 | totals ...``
    (ids as runs, see :func:`format_ids`);
    a commit of events only: ``<UTC> event <kind> ...``.
    """
    events = [
        f"event {event.kind} {_event_summary(event.data)}".rstrip()
        for event in result.events_written
        if event.kind not in ("recording_started", "recording_stopped")
    ]
    if not result.frames:
        return f"{_iso(datetime.now(UTC))} " + " | ".join(events) if events else None
    ids = format_ids(result.sentence_ids)
    text = (
        f"{_iso(datetime.now(UTC))} recorded {result.frames} frames "
        f"(ok {result.good_frames}, bad {result.bad_frames}, duplicate {result.duplicates}) "
        f"sentence_ids {ids} | totals ok {stats.frames_ok} bad {stats.frames_bad}"
    )
    if phases is not None and phases.last_row is not None:
        altitude = phases.last_row.values.get("altitude")
        rate = phases.detector.rate
        if altitude is not None:
            text += f" | altitude {altitude:.0f} m"
        if math.isfinite(rate):
            text += f" rate {rate:+.1f} m/s"
        text += f" phase {phases.phase}"
    return " | ".join([text, *events])


def _event_summary(data: dict[str, Any]) -> str:
    keys = (
        "altitude_m",
        "landing_latitude",
        "landing_longitude",
        "landing_time",
        "offset_s",
        "detail",
    )
    parts = []
    for key in keys:
        value = data.get(key)
        if value in (None, ""):
            continue
        parts.append(
            f"{key}={value:.5f}"
            if isinstance(value, float) and "itude" in key and "altitude" not in key
            else f"{key}={value}"
        )
    return " ".join(parts)


def _payload_text(values: dict[str, Any]) -> str:
    """Battery, satellites and temperatures of the last fix, as far as the payload sends them."""
    parts = []
    battery = values.get("battery_voltage")
    if isinstance(battery, int | float):
        parts.append(_("battery {volts} V").format(volts=format_number(battery, 2)))
    satellites = values.get("satellites")
    if isinstance(satellites, int | float):
        parts.append(_("{count} satellites").format(count=format_number(satellites, 0)))
    for key, label in (("temperature", N_("air")), ("internal_temperature", N_("inside"))):
        kelvin = values.get(key)
        if isinstance(kelvin, int | float) and math.isfinite(kelvin):
            parts.append(
                _("{where} {celsius} degC").format(
                    where=_(label), celsius=format_number(kelvin - 273.15, 1)
                )
            )
    return ", ".join(parts) or "-"


def _time_to_landing(latest: dict[str, Any], now: datetime | float | None) -> str:
    """Minutes from the last fix's payload time to the predicted landing."""
    landing = latest.get("landing_time_s")
    if now is None or not isinstance(landing, int | float) or not math.isfinite(landing):
        return "-"
    at = now.timestamp() if isinstance(now, datetime) else float(now)
    seconds = landing - at
    if seconds <= 0:
        return _("landing now")
    if seconds < 5400:
        return _("{minutes} min").format(minutes=format_number(seconds / 60, 0))
    return _("{hours} h").format(hours=format_number(seconds / 3600, 1))


class LiveView:
    """Rich dashboard of a flight being recorded.

    Parameters
    ----------
    flight_name : str
        Shown in the title.
    stats : RecorderStats
        The recorder's running totals.
    phases : PhaseObserver
        Latest fix, vertical rate, phase, burst altitude.
    predictor : object, optional
        An :class:`flightlog.inflight_prediction.InflightPredictor` (its ``latest``).
    chase : ChasePosition, optional
        Show distance and bearing from here.
    """

    def __init__(
        self,
        flight_name: str,
        stats: RecorderStats,
        phases: PhaseObserver,
        predictor: Any = None,
        chase: ChasePosition | None = None,
    ) -> None:
        self.flight_name = flight_name
        self.stats = stats
        self.phases = phases
        self.predictor = predictor
        self.chase = chase

    def _chase_text(self, lat: float | None, lon: float | None) -> str:
        if self.chase is None or lat is None or lon is None:
            return "-"
        chase = self.chase
        distance, bearing = distance_and_bearing(chase.latitude, chase.longitude, lat, lon)
        return _("{distance} km at {bearing} deg").format(
            distance=format_number(distance / 1000, 2), bearing=format_number(bearing, 0)
        )

    def rows(self) -> list[tuple[str, str]]:
        """Return the dashboard's (label, value) rows, as plain text."""
        stats, row = self.stats, self.phases.last_row
        values = row.values if row is not None else {}
        lat, lon, alt = values.get("latitude"), values.get("longitude"), values.get("altitude")
        rate = self.phases.detector.rate
        since = "-"
        if stats.last_frame_at is not None:
            seconds = (datetime.now(UTC) - stats.last_frame_at).total_seconds()
            since = f"{format_number(seconds, 0)} s"
        when = None if row is None else (row.payload_time or row.received_at)
        fix = (
            "-"
            if lat is None or lon is None
            else _("{position} at {time}").format(
                position=format_position(lat, lon, 5), time=_people_clock(when)
            )
        )
        burst = self.phases.detector.burst_altitude
        phase = self.phases.phase
        rows = [
            (N_("last fix"), fix),
            (N_("altitude"), "-" if alt is None else f"{format_number(alt, 0)} m"),
            (
                N_("vertical rate"),
                "-" if not math.isfinite(rate) else f"{format_number(rate, 1, signed=True)} m/s",
            ),
            (N_("phase"), _(PHASE_NAMES[phase]) if phase in PHASE_NAMES else phase),
            (N_("payload"), _payload_text(values)),
            (N_("since last frame"), since),
            (
                N_("vertical rate"),
                "-" if not math.isfinite(rate) else f"{format_number(rate, 1, signed=True)} m/s",
            ),
            (N_("phase"), _(PHASE_NAMES[phase]) if phase in PHASE_NAMES else phase),
            (N_("since last frame"), since),
            (
                N_("frames"),
                _("ok {ok}  bad {bad}  duplicate {duplicates}").format(
                    ok=stats.frames_ok, bad=stats.frames_bad, duplicates=stats.duplicates
                ),
            ),
            (N_("burst altitude"), "-" if burst is None else f"{format_number(burst, 0)} m"),
            (N_("from chase"), self._chase_text(lat, lon)),
        ]
        latest = getattr(self.predictor, "latest", None)
        if latest is not None:
            surface = latest.get("landing_surface", "unknown")
            landing_at = latest.get("landing_time_s", latest.get("landing_time"))
            rows.append(
                (
                    N_("predicted landing"),
                    _("{position} at {time} ({basis})").format(
                        position=format_position(
                            latest["landing_latitude"], latest["landing_longitude"], 4
                        ),
                        time=_people_clock(landing_at),
                        basis=_(PHASE_NAMES.get(latest["basis"], latest["basis"])),
                    )
                    + (
                        " " + _("SYNTHETIC atmosphere")
                        if latest.get("synthetic_atmosphere")
                        else ""
                    ),
                )
            )
            rows.append(
                (
                    N_("land or sea"),
                    _landing_place(latest)
                    or (
                        _(surface).upper()
                        if surface in ("land", "sea")
                        else _("land or sea unknown")
                    ),
                )
            )
            if latest.get("terrain_not_covered"):
                rows.append(
                    (N_("ground"), _("DEM does not cover the landing: weather orography"))
                )
            rows.append((N_("time to landing"), _time_to_landing(latest, when)))
            rows.append(
                (
                    N_("landing from chase"),
                    self._chase_text(latest["landing_latitude"], latest["landing_longitude"]),
                )
            )
        else:
            error = getattr(self.predictor, "last_error", None)
            rows.append((N_("predicted landing"), f"- ({error})" if error else "-"))
        if stats.write_error:
            rows.append(
                (
                    N_("WRITE ERROR"),
                    _("{error} (pending {pending}, spilled {spilled}, lost {lost})").format(
                        error=stats.write_error,
                        pending=stats.pending,
                        spilled=stats.spilled,
                        lost=stats.dropped,
                    ),
                )
            )
        return rows

    def __rich__(self) -> Panel:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold")
        table.add_column()
        for label, value in self.rows():
            style = "bold red" if label == "WRITE ERROR" else None
            table.add_row(_(label), Text(value, style=style or ""))
        recent = [
            e
            for e in self.stats.events[-5:]
            if e.kind not in ("recording_started", "recording_stopped")
        ]
        # events fold onto further lines rather than being cut at the panel's edge
        lines = [
            Text(
                f"{_people_clock(e.time)} {e.kind} {_event_summary(e.data)}",
                no_wrap=False,
                overflow="fold",
            )
            for e in recent
        ]
        return Panel(Group(table, *lines), title=f"strato log: {self.flight_name}")
