"""A simulated flight as plain arrays: the predicted trajectory plus what sensors would see.

:func:`simulated_flight_track` flies :func:`predictor.prediction.predict` through an
atmosphere, resamples the trajectory to a telemetry rate, adds a ground phase after landing,
and fills pressure and temperature from the atmosphere and a SYNTHETIC relative-humidity
profile. The virtual payload (``firmware_bridge.virtual_payload``) turns the arrays into
telemetry.
"""

from __future__ import annotations

from datetime import datetime

import numpy as np
import numpy.typing as npt

from localization import _
from predictor.prediction import predict
from weather.protocol import Atmosphere

__all__ = ["TRACK_KEYS", "simulated_flight_track", "synthetic_relative_humidity"]

FloatArray = npt.NDArray[np.float64]

#: Array keys of the returned track (besides ``stage``).
TRACK_KEYS = (
    "time",
    "latitude",
    "longitude",
    "altitude",
    "pressure",
    "temperature",
    "relative_humidity",
)


def synthetic_relative_humidity(
    altitude: npt.ArrayLike, rng: np.random.Generator, tropopause_altitude: float = 11_000.0
) -> FloatArray:
    """Return a plausible, SYNTHETIC relative-humidity profile [%] at altitudes [m].

    Moist boundary layer (about 75 %) drying with height (e-folding 6 km), one cloud layer
    (up to about 95 %) at a random height 1.5-4 km, a dry stratosphere (3 %) above the
    tropopause, and small random variability. Not a measurement.
    """
    z = np.asarray(altitude, dtype=float)
    cloud_base = rng.uniform(1500.0, 4000.0)
    cloud_depth = rng.uniform(300.0, 800.0)
    rh = 75.0 * np.exp(-np.maximum(z, 0.0) / 6000.0)
    rh = rh + 25.0 * np.exp(-(((z - cloud_base) / cloud_depth) ** 2))
    blend = 1.0 / (1.0 + np.exp(-(z - tropopause_altitude) / 500.0))
    rh = (1.0 - blend) * rh + blend * 3.0
    rh = rh + rng.normal(0.0, 1.0, z.shape)
    return np.clip(rh, 0.5, 100.0)


def simulated_flight_track(
    atmosphere: Atmosphere,
    launch_time: datetime | float,
    latitude: float,
    longitude: float,
    ascent_rate: float,
    burst_altitude: float,
    descent_rate: float,
    rate_hz: float = 1.0,
    seed: int = 0,
    *,
    launch_altitude: float | None = None,
    ground_duration: float = 600.0,
    step: float = 10.0,
) -> dict[str, np.ndarray | str | bool]:
    """Predict a flight and return it as arrays sampled at ``rate_hz``.

    Parameters
    ----------
    atmosphere : weather.protocol.Atmosphere
        Winds, pressure and temperature (e.g. ``weather.open_sample_atmosphere()``).
    launch_time : datetime or float
        Launch time (tz-aware) or seconds since the epoch [s].
    latitude, longitude : float
        Launch site [degree_north], [degree_east].
    ascent_rate : float
        Ascent rate [m s-1].
    burst_altitude : float
        Burst altitude [m].
    descent_rate : float
        Descent rate at sea level [m s-1].
    rate_hz : float
        Output sample rate [Hz].
    seed : int
        Seed of the synthetic humidity profile.
    launch_altitude : float, optional
        Launch altitude [m]; default the ground of the atmosphere.
    ground_duration : float
        Time the payload keeps reporting after landing [s].
    step : float
        Predictor integration step [s]; shorter than the predictor's default so that the
        trajectory, interpolated to the telemetry rate, keeps a smooth descent rate.

    Returns
    -------
    dict
        ``time`` [s since epoch], ``latitude`` [degree_north], ``longitude``
        [degree_east], ``altitude`` [m], ``pressure`` [Pa], ``temperature`` [K],
        ``relative_humidity`` [%, SYNTHETIC], ``stage`` (ascent/descent/ground) as arrays;
        ``synthetic`` (always True: a simulated flight) and ``description``.

    Raises
    ------
    ValueError
        For bad flight parameters or a launch outside the atmosphere (from ``predict``),
        a non-positive rate or a negative ground duration.
    """
    if not (np.isfinite(rate_hz) and rate_hz > 0):
        raise ValueError(
            _("rate_hz must be a positive number [Hz], not {rate_hz!r}").format(rate_hz=rate_hz)
        )
    if not (np.isfinite(ground_duration) and ground_duration >= 0):
        raise ValueError(
            _("ground_duration must be >= 0 s, not {ground_duration!r}").format(
                ground_duration=ground_duration
            )
        )
    result = predict(
        atmosphere,
        launch_time,
        latitude,
        longitude,
        launch_altitude,
        ascent_rate=ascent_rate,
        burst_altitude=burst_altitude,
        descent_rate=descent_rate,
        step=step,
    )
    flown = result.trajectory(0)
    t_flight = flown["time"]
    t_end = float(t_flight[-1]) + ground_duration
    times = np.arange(float(t_flight[0]), t_end + 1e-9, 1.0 / rate_hz)
    lon_unwrapped = np.rad2deg(np.unwrap(np.deg2rad(flown["longitude"])))
    lat = np.interp(times, t_flight, flown["latitude"])
    lon = (np.interp(times, t_flight, lon_unwrapped) + 180.0) % 360.0 - 180.0
    alt = np.interp(times, t_flight, flown["altitude"])
    stage_index = np.searchsorted(t_flight, times, side="left")  # label of the interval end
    stage = np.where(
        times > t_flight[-1], "ground", flown["stage"][np.clip(stage_index, 0, t_flight.size - 1)]
    )

    bounds = atmosphere.bounds
    query_time = np.clip(times, bounds.time_start.timestamp(), bounds.time_end.timestamp())
    air = atmosphere.sample(query_time, lat, lon, alt)
    rng = np.random.default_rng(seed)
    status = str(result.status[0])
    description = (
        f"SIMULATED flight: predictor trajectory ({status}) through {atmosphere.source}; "
        "relative humidity is a SYNTHETIC profile"
    )
    return {
        "time": times,
        "latitude": lat,
        "longitude": lon,
        "altitude": alt,
        "pressure": np.asarray(air.pressure, dtype=float),
        "temperature": np.asarray(air.temperature, dtype=float),
        "relative_humidity": synthetic_relative_humidity(alt, rng),
        "stage": stage,
        "synthetic": True,
        "description": description,
    }
