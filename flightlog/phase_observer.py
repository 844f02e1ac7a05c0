"""Connect phase detection to the recorder: committed telemetry in, phase events out."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from flightlog.events import FLIGHT_PHASE_EVENTS, FlightEvent
from flightlog.phase_detection import PhaseDetector
from flightlog.store import RecordResult
from flightlog.telemetry_rows import TelemetryRow

__all__ = ["PhaseObserver", "phase_after_events"]

_PHASE_AFTER = {"launch": "ascent", "float": "float", "burst": "descent", "landing": "landed"}


def phase_after_events(events: Iterable[dict[str, Any]]) -> tuple[str, float | None]:
    """Phase and burst altitude [m] implied by stored events (for resuming a flight).

    Parameters
    ----------
    events : iterable of dict
        ``{kind, time, data}`` as returned by :func:`flightlog.read_events`, in time order.
    """
    phase, burst_altitude = "pre_launch", None
    for event in events:
        if event["kind"] in FLIGHT_PHASE_EVENTS:
            phase = _PHASE_AFTER[event["kind"]]
            if event["kind"] == "burst":
                burst_altitude = event["data"].get("altitude_m")
    return phase, burst_altitude


class PhaseObserver:
    """Feed committed telemetry to a :class:`PhaseDetector`; emit launch/float/burst/landing.

    Also keeps the latest row and rate for live displays. Fixes identical to the previous
    one (latitude, longitude and altitude to the last digit) are skipped as stale.

    Parameters
    ----------
    detector : PhaseDetector, optional
        Default: a detector with the standard thresholds starting before launch.
    burst_altitude : float, optional
        Burst altitude already known (when resuming after burst) [m].
    """

    def __init__(
        self, detector: PhaseDetector | None = None, burst_altitude: float | None = None
    ) -> None:
        self.detector = detector or PhaseDetector()
        if burst_altitude is not None:
            self.detector.burst_altitude = burst_altitude
        self.last_row: TelemetryRow | None = None
        self._last_fix: tuple[float | None, float | None, float] | None = None
        self.history: list[tuple[float, float, float, float]] = []  # t, lat, lon, alt

    @property
    def phase(self) -> str:
        """The current phase."""
        return self.detector.phase

    def __call__(self, result: RecordResult | None) -> list[FlightEvent]:
        """Look at newly committed telemetry rows; return phase events."""
        if result is None:
            return []
        events = []
        for row in result.telemetry:
            when = row.payload_time if row.payload_time is not None else row.received_at
            altitude = row.values.get("altitude")
            if altitude is None:
                continue
            lat, lon = row.values.get("latitude"), row.values.get("longitude")
            fix = (lat, lon, altitude)
            if fix == self._last_fix:
                # A fix repeated to the last digit is a receiver that lost its fix and
                # repeats the last one (seen for 30 min at 21.5 km in the real LetFik2
                # flight): it says nothing about the vertical rate.
                continue
            self._last_fix = fix
            if self.last_row is None or when >= self._time(self.last_row):
                self.last_row = row
            if lat is not None and lon is not None:
                self.history.append((when, lat, lon, altitude))
                del self.history[:-600]  # the last 10 min at 1 Hz is plenty for estimates
            change = self.detector.update(when, altitude)
            if change is not None:
                data = dict(change.data)
                point = self._position_at(change.time)
                if point is not None:
                    data.update(latitude=point[0], longitude=point[1])
                events.append(
                    FlightEvent(change.kind, datetime.fromtimestamp(change.time, tz=UTC), data)
                )
        return events

    def _position_at(self, when: float) -> tuple[float, float] | None:
        """Latitude and longitude [deg] of the stored fix nearest in time to ``when``."""
        if not self.history:
            return None
        nearest = min(self.history, key=lambda point: abs(point[0] - when))
        return nearest[1], nearest[2]

    @staticmethod
    def _time(row: TelemetryRow) -> float:
        return row.payload_time if row.payload_time is not None else row.received_at
