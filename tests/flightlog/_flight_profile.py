"""A synthetic balloon flight profile (altitude against time) for phase and rate tests.

Ground 60 s at 100 m, ascent at a constant 5 m/s to the burst altitude (optionally a level
float), then descent with ``v(h) = v0 sqrt(1.225 / rho(h))`` (USSA 1976 density; the
model of predictor-physics.md §1.4) integrated with 0.1 s Euler steps, then 180 s on the
ground. Samples every second.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from weather.standard_atmosphere import ussa1976_density

GROUND = 100.0
# USSA 1976 density tabulated every 10 m (linear interpolation between 10 m nodes changes
# the density by < 0.01 %), so the 0.1 s integration stays fast.
_GRID = np.arange(0.0, 50001.0, 10.0)
_RHO = ussa1976_density(_GRID)


@lru_cache
def flight_profile(
    burst: float = 30000.0, ascent_rate: float = 5.0, v0: float = 5.0, float_time: float = 0.0
) -> tuple[list[tuple[float, float]], dict[str, float]]:
    """Samples ``(t [s], altitude [m])`` and the true event times [s]."""
    samples: list[tuple[float, float]] = []
    t = 0.0
    while t < 60.0:
        samples.append((t, GROUND))
        t += 1.0
    launch = 60.0
    truth = {"launch": launch}
    while True:
        altitude = GROUND + ascent_rate * (t - launch)
        if altitude >= burst:
            break
        samples.append((t, altitude))
        t += 1.0
    top_time = launch + (burst - GROUND) / ascent_rate
    truth["top"] = top_time
    if float_time:
        truth["float"] = top_time
        while t < top_time + float_time:
            samples.append((t, burst))
            t += 1.0
    burst_time = top_time + float_time
    truth["burst"] = burst_time
    # Descent from the burst point, sampled at whole seconds.
    h, time_now, next_sample = burst, burst_time, t
    while h > GROUND:
        v = v0 * math.sqrt(1.225 / float(np.interp(h, _GRID, _RHO)))
        h -= v * 0.1
        time_now += 0.1
        if time_now >= next_sample - 1e-9:
            if h > GROUND:
                samples.append((next_sample, h))
            next_sample += 1.0
    truth["landing"] = time_now
    t = next_sample
    while t < truth["landing"] + 180.0:
        samples.append((t, GROUND))
        t += 1.0
    return samples, truth
