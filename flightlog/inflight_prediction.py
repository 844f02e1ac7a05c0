"""Landing predictions during the flight, from the observed state.

During ascent: from the current position and altitude with the observed ascent rate, the
planned burst altitude and the planned sea-level descent rate. After burst: a descent-only
prediction from the current position with the sea-level descent rate estimated from the
observed descent, fitting ``v(h) = v0 sqrt(rho0 / rho(h))`` (predictor-physics.md §1.4;
telemetry-formats.md §10) with the density of the same atmosphere above the current
position. Predictions run on a worker thread at most every ``interval`` seconds, so
recording never waits for them, and each one is stored as a ``prediction`` event so the
report can show how the landing estimate converged.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import numpy as np

from flightlog.events import FlightEvent
from flightlog.live_quantities import vertical_rate
from flightlog.phase_observer import PhaseObserver
from flightlog.store import RecordResult
from localization import _
from predictor import constants as predictor_constants

__all__ = [
    "SEA_LEVEL_DENSITY",
    "InflightPredictor",
    "atmosphere_density",
    "estimate_sea_level_descent_rate",
    "predict_landing",
]

#: Reference sea-level density rho0 of the descent model [kg m-3] (USSA 1976, and the value
#: the predictor's ``stratoflight`` model uses).
SEA_LEVEL_DENSITY = predictor_constants.SEA_LEVEL_DENSITY


def estimate_sea_level_descent_rate(
    times: Sequence[float],
    altitudes: Sequence[float],
    density: Callable[[np.ndarray], np.ndarray],
    rho0: float = SEA_LEVEL_DENSITY,
) -> float:
    """Sea-level descent rate v0 [m s-1] fitted to observed descent samples.

    Each consecutive pair gives a descent speed ``v = -dh/dt`` at its mid altitude ``h``;
    ``v = v0 sqrt(rho0 / rho(h))`` is linear in v0, so the least-squares estimate is
    ``v0 = sum(v s) / sum(s^2)`` with ``s = sqrt(rho0 / rho(h))``.

    Parameters
    ----------
    times : sequence of float
        Sample times [s], increasing.
    altitudes : sequence of float
        Altitudes [m].
    density : callable
        ``density(altitudes) -> rho`` [m] -> [kg m-3], e.g. the flight's atmosphere at the
        current position (see :class:`InflightPredictor`) or USSA 1976.
    rho0 : float
        Reference sea-level density [kg m-3].

    Returns
    -------
    float
        v0 [m s-1] (positive), NaN when no pair descends.
    """
    t = np.asarray(times, dtype=float)
    h = np.asarray(altitudes, dtype=float)
    if t.size < 2:
        return math.nan
    dt = np.diff(t)
    ok = dt > 0
    speed = -np.diff(h)[ok] / dt[ok]
    mid = 0.5 * (h[1:] + h[:-1])[ok]
    descending = speed > 0
    if not np.any(descending):
        return math.nan
    s = np.sqrt(rho0 / np.asarray(density(mid[descending]), dtype=float))
    return float(np.sum(speed[descending] * s) / np.sum(s * s))


def atmosphere_density(
    atmosphere: Any, when: float, latitude: float, longitude: float
) -> Callable[[np.ndarray], np.ndarray]:
    """``density(altitudes)`` [kg m-3] of an atmosphere above one position at one time."""

    def density(altitudes: np.ndarray) -> np.ndarray:
        h = np.asarray(altitudes, dtype=float)
        full = np.ones_like(h)
        return atmosphere.sample(full * when, full * latitude, full * longitude, h).density

    return density


def predict_landing(
    atmosphere: Any,
    phase: str,
    when: float,
    latitude: float,
    longitude: float,
    altitude: float,
    *,
    ascent_rate: float | None = None,
    burst_altitude: float | None = None,
    descent_rate: float,
    float_until: float | None = None,
    terrain: Any = None,
) -> dict[str, Any]:
    """Predict the landing from one observed state.

    Parameters
    ----------
    atmosphere : weather.protocol.Atmosphere
        Winds and density.
    phase : {"ascent", "float", "descent"}
        ``ascent``: a standard flight from here (needs ``ascent_rate`` and
        ``burst_altitude``); ``float``: float here until ``float_until``, then descent;
        ``descent``: descent only.
    when : float
        Time of the state [s since epoch].
    latitude, longitude, altitude : float
        Position [degree_north], [degree_east], [m].
    ascent_rate : float, optional
        Observed ascent rate [m s-1].
    burst_altitude : float, optional
        Planned burst altitude [m]; raised to 100 m above the current altitude when the
        balloon is already higher.
    descent_rate : float
        Sea-level descent rate [m s-1].
    float_until : float, optional
        Planned end of the float (cut-down) [s since epoch] (phase ``float``); a time
        already past means a cut-down one second from now.
    terrain : terrain.elevation.ElevationModel, optional
        A DEM: the landing ends on it (sea level where the coastline says sea) instead of
        the weather file's orography; where it does not cover the landing, the weather
        orography is used and ``terrain_not_covered`` says so.

    Returns
    -------
    dict
        ``landing_latitude``, ``landing_longitude`` [deg], ``landing_time`` (ISO UTC),
        ``landing_time_s`` [s since epoch], ``landing_altitude_m``, ``status``, the land or
        sea and distance to the shore, ``ground_source`` and the inputs used (units in keys).
    """
    from predictor.prediction import predict

    inputs: dict[str, Any] = {
        "basis": phase,
        "from_time": datetime.fromtimestamp(when, tz=UTC).isoformat(),
        "from_latitude": latitude,
        "from_longitude": longitude,
        "from_altitude_m": round(altitude, 1),
        "sea_level_descent_rate_m_s": round(descent_rate, 3),
    }
    if phase == "ascent":
        if ascent_rate is None or not ascent_rate > 0:
            raise ValueError(_("an ascent prediction needs a positive observed ascent rate"))
        if burst_altitude is None:
            raise ValueError(_("an ascent prediction needs the planned burst altitude"))
        burst = max(float(burst_altitude), altitude + 100.0)
        flight = dict(profile="standard", ascent_rate=ascent_rate, burst_altitude=burst)
        inputs.update(ascent_rate_m_s=round(ascent_rate, 3), burst_altitude_m=round(burst, 1))
    elif phase == "float":
        if float_until is None:
            raise ValueError(_("a float prediction needs the planned end of the float"))
        end = max(float(float_until), when + 1.0)
        flight = dict(profile="float", from_stage="float", float_until=end)
        inputs.update(float_until=datetime.fromtimestamp(end, tz=UTC).isoformat())
    elif phase == "descent":
        flight = dict(profile="descent")
    else:
        raise ValueError(_("no in-flight prediction for phase {phase!r}").format(phase=phase))
    from predictor.landing_surface import describe_landing_surface

    result = predict(
        atmosphere,
        when,
        latitude,
        longitude,
        altitude,
        descent_rate=descent_rate,
        record_trajectory=terrain is not None,  # the DEM step follows the recorded descent
        **flight,
    )
    ground = "weather orography (sea level where the coastline says sea)"
    if terrain is not None:
        from predictor.terrain_landing import land_on_dem

        result = land_on_dem(result, terrain, atmosphere)
        ground = result.settings["ground_source"]
    landing = result.landing
    landing_time = float(landing.time[0])
    return {
        **inputs,
        "landing_latitude": float(landing.latitude[0]),
        "landing_longitude": float(landing.longitude[0]),
        "landing_time_s": landing_time,
        "landing_time": (
            datetime.fromtimestamp(landing_time, tz=UTC).isoformat()
            if math.isfinite(landing_time)
            else None
        ),
        "landing_altitude_m": _first(landing.altitude),
        "ground_source": ground,
        "terrain_not_covered": bool(
            "terrain_not_covered" in result.warnings
            and result.warnings["terrain_not_covered"].fired[0]
        ),
        "status": str(result.status[0]),
        # land or sea from the high-resolution coastline; how far out a sea landing is
        "landing_surface": str(result.surface[0]),
        "landing_place": describe_landing_surface(
            str(result.surface[0]),
            _first(result.coast_distance_m),
            _first(result.coast_bearing_deg),
        ),
        "coast_distance_m": _first(result.coast_distance_m),
        "coast_bearing_deg": _first(result.coast_bearing_deg),
        "atmosphere": getattr(atmosphere, "source", ""),
        "synthetic_atmosphere": bool(getattr(atmosphere, "synthetic", False)),
    }


def _first(values: Any) -> float | None:
    """First member's value, None when absent or NaN (JSON-safe)."""
    if values is None:
        return None
    v = float(values[0])
    return v if math.isfinite(v) else None


class InflightPredictor:
    """Recorder observer running landing predictions at most every ``interval`` seconds.

    Parameters
    ----------
    atmosphere : weather.protocol.Atmosphere
        Winds for the predictions.
    phases : PhaseObserver
        Source of the current state and phase.
    burst_altitude : float
        Planned burst altitude [m].
    descent_rate : float
        Planned sea-level descent rate, used during ascent [m s-1].
    interval : float
        Shortest time between two predictions [s] (wall clock).
    rate_window : float
        Span of samples for the observed ascent rate and descent fit [s].
    float_until : float, optional
        Planned end of a float (cut-down) [s since epoch]: during the ``float`` phase the
        prediction floats until then and descends at ``descent_rate``; without it no
        prediction is made during a float.
    terrain : terrain.elevation.ElevationModel, optional
        A DEM the predicted landings end on (see :func:`predict_landing`).

    Attributes
    ----------
    latest : dict or None
        The newest prediction (see :func:`predict_landing`).
    last_error : str or None
        Why the last attempt failed (e.g. the balloon left the wind data).
    """

    def __init__(
        self,
        atmosphere: Any,
        phases: PhaseObserver,
        *,
        burst_altitude: float,
        descent_rate: float = 5.0,
        interval: float = 30.0,
        rate_window: float = 120.0,
        float_until: float | None = None,
        terrain: Any = None,
    ) -> None:
        self.atmosphere = atmosphere
        self.terrain = terrain
        self.phases = phases
        self.burst_altitude = float(burst_altitude)
        self.descent_rate = float(descent_rate)
        self.interval = float(interval)
        self.rate_window = float(rate_window)
        self.float_until = None if float_until is None else float(float_until)
        self.latest: dict[str, Any] | None = None
        self.last_error: str | None = None
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="prediction")
        self._running: Future[dict[str, Any]] | None = None
        self._next_at = 0.0

    def _state(self) -> tuple[str, float, float, float, float, dict[str, float]] | None:
        phase = self.phases.phase
        if phase not in ("ascent", "float", "descent") or not self.phases.history:
            return None
        when, lat, lon, alt = self.phases.history[-1]
        if phase == "float":
            if self.float_until is None:
                return None
            rates = {"descent_rate": self.descent_rate, "float_until": self.float_until}
            return phase, when, lat, lon, alt, rates
        recent = [p for p in self.phases.history if p[0] >= when - self.rate_window]
        times = [p[0] for p in recent]
        alts = [p[3] for p in recent]
        if phase == "ascent":
            rate = vertical_rate(times, alts)
            if not (math.isfinite(rate) and rate > 0):
                return None
            return (
                phase,
                when,
                lat,
                lon,
                alt,
                {
                    "ascent_rate": rate,
                    "burst_altitude": self.burst_altitude,
                    "descent_rate": self.descent_rate,
                },
            )
        v0 = estimate_sea_level_descent_rate(
            times, alts, atmosphere_density(self.atmosphere, when, lat, lon)
        )
        if not (math.isfinite(v0) and v0 > 0):
            return None
        return phase, when, lat, lon, alt, {"descent_rate": v0}

    def __call__(self, result: RecordResult | None) -> list[FlightEvent]:
        """Collect a finished prediction as an event; start a new one when due."""
        events: list[FlightEvent] = []
        if self._running is not None and self._running.done():
            future, self._running = self._running, None
            try:
                prediction = future.result()
            except Exception as exc:  # noqa: BLE001 (a failed prediction must not stop logging)
                self.last_error = f"{type(exc).__name__}: {exc}"
            else:
                self.latest, self.last_error = prediction, None
                when = datetime.fromisoformat(prediction["from_time"])
                events.append(FlightEvent("prediction", when, prediction))
        if self._running is None and _time.monotonic() >= self._next_at:
            try:  # the descent fit samples the atmosphere here, on the recorder's thread
                state = self._state()
            except Exception as exc:  # noqa: BLE001 (e.g. OutsideAtmosphereError: keep logging)
                self.last_error = f"{type(exc).__name__}: {exc}"
                self._next_at = _time.monotonic() + self.interval
                state = None
            if state is not None:
                phase, when, lat, lon, alt, rates = state
                self._next_at = _time.monotonic() + self.interval
                self._running = self._executor.submit(
                    predict_landing,
                    self.atmosphere,
                    phase,
                    when,
                    lat,
                    lon,
                    alt,
                    **rates,
                    terrain=self.terrain,
                )
        return events

    def close(self, wait: bool = True) -> list[FlightEvent]:
        """Finish the running prediction (when ``wait``) and stop the worker."""
        events: list[FlightEvent] = []
        if self._running is not None and wait:
            self._running.exception()
            self._next_at = math.inf
            events = self(None)
        self._executor.shutdown(wait=wait, cancel_futures=True)
        return events
