"""SYNTHETIC flights with known answers, for tests, the benchmark and demonstrations.

Everything made here is labelled synthetic (``metadata["synthetic"] = True``, names start
with "SYNTHETIC"), so a report built from it says so wherever a user looks.

The atmosphere is a piecewise-linear temperature profile (knots of altitude and
temperature) in hydrostatic balance; winds are a function of altitude; the balloon rises
at a set rate, bursts, and falls at the terminal velocity of a parachute with a given
sea-level descent rate, v(z) = v0 sqrt(rho0 / rho(z)).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from analysis.columns import finish_profile
from weather.constants import DRY_AIR_GAS_CONSTANT, EARTH_RADIUS, STANDARD_GRAVITY

__all__ = [
    "STANDARD_KNOTS",
    "hydrostatic_pressure",
    "synthetic_flight",
    "temperature_at",
]

#: US Standard Atmosphere 1976 knots (altitude [m], temperature [K]): tropopause at 11 km.
STANDARD_KNOTS: tuple[tuple[float, float], ...] = (
    (0.0, 288.15), (11000.0, 216.65), (20000.0, 216.65), (32000.0, 228.65), (47000.0, 270.65),
)  # fmt: skip
_G = STANDARD_GRAVITY
_RD = DRY_AIR_GAS_CONSTANT
_RHO0 = 1.225


def temperature_at(altitude: np.ndarray, knots: Sequence[tuple[float, float]]) -> np.ndarray:
    """Temperature [K] at altitudes [m], linear between ``knots`` (held beyond them)."""
    z, t = np.array(knots, dtype=float).T
    return np.interp(altitude, z, t)


def hydrostatic_pressure(
    altitude: np.ndarray, knots: Sequence[tuple[float, float]], surface_pressure: float = 101325.0
) -> np.ndarray:
    """Pressure [Pa] at altitudes [m] from hydrostatic balance of the knot temperatures.

    Integrates d ln p / dz = -g / (R_d T) on a 1 m grid from 0 m (trapezoidal rule).
    """
    top = float(np.nanmax(altitude)) + 2.0
    grid = np.arange(-600.0, top, 1.0)
    inv_t = 1.0 / temperature_at(grid, knots)
    steps = 0.5 * (inv_t[1:] + inv_t[:-1])
    log_p = np.concatenate([[0.0], np.cumsum(-_G / _RD * steps)])
    log_p -= np.interp(0.0, grid, log_p)
    return surface_pressure * np.exp(np.interp(altitude, grid, log_p))


def synthetic_flight(
    *,
    knots: Sequence[tuple[float, float]] = STANDARD_KNOTS,
    wind: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]] | None = None,
    ascent_rate: float = 5.0,
    burst_altitude: float = 30000.0,
    sea_level_descent_rate: float = 5.0,
    launch_altitude: float = 100.0,
    launch_latitude: float = 52.0,
    launch_longitude: float = 5.0,
    launch_time: datetime = datetime(2026, 6, 1, 10, 0, tzinfo=UTC),
    step_s: float = 1.0,
    float_duration_s: float = 0.0,
    temperature_noise: float = 0.0,
    pressure_noise: float = 0.0,
    position_noise: float = 0.0,
    radiation: bool = False,
    seed: int = 1,
) -> tuple[pd.DataFrame, dict]:
    """Simulate a SYNTHETIC balloon flight sampled every ``step_s`` seconds.

    Parameters
    ----------
    knots : sequence of (altitude [m], temperature [K])
        Temperature profile; pressure follows hydrostatically.
    wind : callable, optional
        ``wind(altitude) -> (u, v)`` [m s-1]; calm when None.
    ascent_rate : float
        Constant ascent rate [m s-1].
    burst_altitude : float
        [m]
    sea_level_descent_rate : float
        Parachute descent rate at sea-level density [m s-1].
    launch_altitude, launch_latitude, launch_longitude : float
        [m], [degree_north], [degree_east]
    launch_time : datetime
        UTC.
    step_s : float
        Sample interval [s].
    float_duration_s : float
        Time held at the burst altitude before descending [s] (0 = no float).
    temperature_noise, pressure_noise, position_noise : float
        Gaussian noise sigma added to temperature [K], pressure [Pa] and the horizontal
        position [m] (measurement noise; the true track is the integral of the wind).
    radiation : bool
        Add Poisson ``radiation_counts`` whose rate peaks at 63 hPa (Pfotzer maximum).
    seed : int
        Random seed of the noise.

    Returns
    -------
    profile : DataFrame
        Canonical profile (SI units), ends at landing on the launch altitude.
    metadata : dict
        ``name`` (SYNTHETIC ...), ``synthetic`` True, ``format`` "synthetic" and the true
        parameters under ``truth``.
    """
    from weather.standard_atmosphere import ussa1976_density

    wind = wind or (lambda z: (np.zeros_like(z), np.zeros_like(z)))
    rng = np.random.default_rng(seed)
    altitudes, z, t = [], launch_altitude, 0.0
    phase_float_end = None
    while True:
        altitudes.append(z)
        if phase_float_end is None:
            if z < burst_altitude:
                z = min(z + ascent_rate * step_s, burst_altitude)
            else:
                phase_float_end = t + float_duration_s
        if phase_float_end is not None and t >= phase_float_end:
            rho = float(ussa1976_density(np.array([z]))[0])
            z -= sea_level_descent_rate * np.sqrt(_RHO0 / rho) * step_s
            if z <= launch_altitude:
                altitudes.append(launch_altitude)
                break
        t += step_s
    alt = np.array(altitudes)
    seconds = np.arange(len(alt)) * step_s
    u, v = wind(alt)
    u, v = np.broadcast_to(u, alt.shape).astype(float), np.broadcast_to(v, alt.shape).astype(float)
    lat = np.empty(len(alt))
    lon = np.empty(len(alt))
    lat[0], lon[0] = launch_latitude, launch_longitude
    for i in range(1, len(alt)):  # forward Euler on the wind at the previous point
        lat[i] = lat[i - 1] + np.rad2deg(v[i - 1] * step_s / EARTH_RADIUS)
        coslat = np.cos(np.deg2rad(lat[i - 1]))
        lon[i] = lon[i - 1] + np.rad2deg(u[i - 1] * step_s / (EARTH_RADIUS * coslat))
    temperature = temperature_at(alt, knots)
    pressure = hydrostatic_pressure(alt, knots)
    rh = np.clip(80.0 - 70.0 * alt / 12000.0, 5.0, None)
    if position_noise > 0:
        lat = lat + np.rad2deg(rng.normal(0, position_noise, len(alt)) / EARTH_RADIUS)
        lon = lon + np.rad2deg(
            rng.normal(0, position_noise, len(alt)) / (EARTH_RADIUS * np.cos(np.deg2rad(lat)))
        )
    frame = pd.DataFrame(
        {
            "time": pd.Timestamp(launch_time) + pd.to_timedelta(seconds, unit="s"),
            "latitude": lat,
            "longitude": lon,
            "altitude": alt,
            "pressure": pressure + rng.normal(0, pressure_noise, len(alt)) * (pressure_noise > 0),
            "temperature": temperature
            + rng.normal(0, temperature_noise, len(alt)) * (temperature_noise > 0),
            "relative_humidity": rh,
        }
    )
    if radiation:
        log_p = np.log(pressure / 6310.0)
        rate = 0.5 + 20.0 * np.exp(-0.5 * (log_p / 0.6) ** 2)  # counts per second
        frame["radiation_counts"] = rng.poisson(rate * step_s).astype(float)
    metadata = {
        "name": "SYNTHETIC flight",
        "synthetic": True,
        "format": "synthetic",
        "truth": {
            "ascent_rate_ms": ascent_rate,
            "burst_altitude_m": burst_altitude,
            "sea_level_descent_rate_ms": sea_level_descent_rate,
            "knots": [list(k) for k in knots],
        },
    }
    return finish_profile(frame), metadata
