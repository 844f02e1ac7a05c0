"""Flight phases from altitude and vertical rate, with hysteresis: the one phase detector.

Thresholds follow the PITS tracker's flight states (telemetry-formats.md §10): launched
when rising at >= 1 m/s and more than 150 m above the lowest altitude seen; burst when
falling faster than 10 m/s after having risen at least 2000 m, or (a low burst, whose
parachute never falls that fast) falling faster than 3 m/s 1000 m below the top; landed
when the vertical rate stays near zero below 9000 m (no ground is higher, so a GNSS
altitude frozen at 21 km after losing lock is not a landing). Float (a zero-pressure or
superpressure balloon levelling off) is declared after |rate| < 1 m/s for ``float_time``
seconds more than 2000 m above the start. Every transition needs its condition on
``confirm`` consecutive samples (hysteresis), so one noisy GPS altitude cannot launch or
land a balloon. The vertical rate is the least-squares slope over the last
``rate_window`` seconds (:mod:`flightlog.live_quantities`). The analysis replays recorded
flights through this detector (:func:`analysis.cleaning.split_phases`).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Any

from flightlog.live_quantities import vertical_rate

__all__ = ["PHASES", "PhaseChange", "PhaseDetector"]

#: Phases in flight order.
PHASES = ("pre_launch", "ascent", "float", "descent", "landed")


@dataclass(frozen=True, slots=True)
class PhaseChange:
    """A detected phase change.

    Attributes
    ----------
    kind : str
        Event kind: ``launch``, ``float``, ``burst`` or ``landing``.
    time : float
        When it happened [s since epoch] (estimated: the lowest point before launch, the
        highest point for burst, the start of the level or still segment).
    altitude : float
        Altitude there [m].
    phase : str
        The phase entered.
    data : dict
        Extra numbers for the event (units in the keys).
    """

    kind: str
    time: float
    altitude: float
    phase: str
    data: dict[str, Any]


class PhaseDetector:
    """Feed altitude samples in time order; get phase changes.

    Parameters
    ----------
    phase : str
        Starting phase (restore it from stored events when resuming a flight).
    launch_rate : float
        Ascent rate that counts as launched [m s-1].
    launch_height : float
        Height above the lowest altitude seen needed for launch [m].
    burst_rate : float
        Descent rate (positive number) that counts as falling after burst [m s-1].
    min_rise : float
        Rise above the lowest altitude required before burst or float [m].
    fall_height, fall_rate : float
        A fall of ``fall_height`` [m] below the top at more than ``fall_rate`` [m s-1]
        is a burst too (a low burst never falls at ``burst_rate``).
    float_rate : float
        |Vertical rate| below which the balloon is level [m s-1].
    float_time : float
        How long it must stay level to be floating [s].
    landed_rate : float
        |Vertical rate| below which a descending payload is still [m s-1].
    landed_time : float
        How long it must stay still to be landed [s].
    max_landing_altitude : float
        Highest altitude at which stillness counts as landed [m] (above the highest
        ground, 8849 m; a frozen GNSS altitude aloft is not a landing).
    confirm : int
        Consecutive samples a condition must hold.
    rate_window : float
        Span of samples for the vertical rate [s].
    """

    def __init__(
        self,
        phase: str = "pre_launch",
        *,
        launch_rate: float = 1.0,
        launch_height: float = 150.0,
        burst_rate: float = 10.0,
        min_rise: float = 2000.0,
        fall_height: float = 1000.0,
        fall_rate: float = 3.0,
        float_rate: float = 1.0,
        float_time: float = 300.0,
        landed_rate: float = 0.5,
        landed_time: float = 30.0,
        max_landing_altitude: float = 9000.0,
        confirm: int = 3,
        rate_window: float = 20.0,
    ) -> None:
        if phase not in PHASES:
            raise ValueError(f"unknown phase {phase!r}; use one of {PHASES}")
        self.phase = phase
        self.launch_rate, self.launch_height = launch_rate, launch_height
        self.burst_rate, self.min_rise = burst_rate, min_rise
        self.fall_height, self.fall_rate = fall_height, fall_rate
        self.float_rate, self.float_time = float_rate, float_time
        self.landed_rate, self.landed_time = landed_rate, landed_time
        self.max_landing_altitude = max_landing_altitude
        self.confirm, self.rate_window = confirm, rate_window
        self.rate = math.nan
        self.min_altitude = math.inf
        self.min_time = math.nan
        self.max_altitude = -math.inf
        self.max_time = math.nan
        self.burst_altitude: float | None = None
        self._samples: deque[tuple[float, float]] = deque()
        self._recent: deque[tuple[float, float]] = deque(maxlen=600)  # to locate events
        self._streak = 0
        self._level_since: tuple[float, float] | None = None

    def update(self, time: float, altitude: float) -> PhaseChange | None:
        """Add a sample (time [s since epoch], altitude [m]); return a phase change or None.

        Samples not later than the previous one, or with a non-finite altitude, are ignored.
        """
        if not math.isfinite(altitude) or not math.isfinite(time):
            return None
        if self._samples and time <= self._samples[-1][0]:
            return None
        self._samples.append((time, altitude))
        self._recent.append((time, altitude))
        while self._samples and self._samples[0][0] < time - self.rate_window:
            self._samples.popleft()
        times, altitudes = zip(*self._samples, strict=True)
        self.rate = vertical_rate(times, altitudes) if len(self._samples) >= 2 else math.nan
        if self.phase == "pre_launch" and altitude <= self.min_altitude:
            self.min_altitude, self.min_time = altitude, time
        elif self.phase != "pre_launch" and altitude < self.min_altitude:
            self.min_altitude, self.min_time = altitude, time
        if altitude > self.max_altitude:
            self.max_altitude, self.max_time = altitude, time
        return self._step(time, altitude)

    def _held(self, condition: bool) -> bool:
        self._streak = self._streak + 1 if condition else 0
        return self._streak >= self.confirm

    def _change(
        self, kind: str, phase: str, time: float, altitude: float, **data: Any
    ) -> PhaseChange:
        self.phase = phase
        self._streak = 0
        self._level_since = None
        data = {"altitude_m": round(altitude, 1), **data}
        if math.isfinite(self.rate):
            data["vertical_rate_m_s"] = round(self.rate, 2)
        return PhaseChange(kind, time, altitude, phase, data)

    def _lift_off(self) -> tuple[float, float]:
        """Start of the climb: walk back from the detection while the altitude keeps falling.

        Walking back stops at the first sample not lower than the one after it (the ground
        wander before lift-off) or at the ground band (within 20 m of the lowest altitude,
        a few times the GNSS noise of a payload standing on the ground).
        """
        later: tuple[float, float] | None = None
        for sample in reversed(self._recent):
            if later is not None and sample[1] >= later[1]:
                return later
            if sample[1] <= self.min_altitude + 20.0:
                return sample
            later = sample
        return later if later is not None else (self.min_time, self.min_altitude)

    def _touchdown(self, altitude: float) -> tuple[float, float]:
        """Start of the still segment: walk back while the altitude stays within 10 m.

        The rate window lags the real touchdown by up to ``rate_window``; 10 m is a few
        times the GNSS altitude noise.
        """
        start = self._level_since
        assert start is not None
        for sample_time, sample_altitude in reversed(self._recent):
            if abs(sample_altitude - altitude) > 10.0:
                break
            start = (sample_time, sample_altitude)
        return start

    def _step(self, time: float, altitude: float) -> PhaseChange | None:
        rate = self.rate
        if not math.isfinite(rate):
            return None
        risen = self.max_altitude - self.min_altitude
        if self.phase == "pre_launch":
            if self._held(
                rate >= self.launch_rate and altitude > self.min_altitude + self.launch_height
            ):
                start_time, start_altitude = self._lift_off()
                return self._change("launch", "ascent", start_time, start_altitude)
            return None
        if self.phase in ("ascent", "float"):
            fallen = self.max_altitude - altitude >= self.fall_height
            falling = rate <= -self.burst_rate or (fallen and rate <= -self.fall_rate)
            if self._held(falling and risen >= self.min_rise):
                self.burst_altitude = self.max_altitude
                return self._change(
                    "burst",
                    "descent",
                    self.max_time,
                    self.max_altitude,
                    after=self.phase,
                )
            if self.phase == "ascent" and risen >= self.min_rise:
                if abs(rate) < self.float_rate:
                    if self._level_since is None:
                        self._level_since = (time, altitude)
                    elif time - self._level_since[0] >= self.float_time:
                        start_time, start_altitude = self._level_since
                        return self._change("float", "float", start_time, start_altitude)
                else:
                    self._level_since = None
            return None
        if self.phase == "descent":
            if abs(rate) < self.landed_rate and altitude < self.max_landing_altitude:
                if self._level_since is None:
                    self._level_since = (time, altitude)
                elif time - self._level_since[0] >= self.landed_time:
                    start_time, start_altitude = self._touchdown(altitude)
                    return self._change("landing", "landed", start_time, start_altitude)
            else:
                self._level_since = None
        return None
