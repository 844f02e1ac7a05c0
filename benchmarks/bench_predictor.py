"""Predictor speed: one prediction after the atmosphere is loaded, and 1,000 members in one
solve. Goals (issue 3): single < 2 ms, 1,000 members < 0.3 s on the 2-core box. For context,
Tawhiri (compiled Cython) takes ~0.6 ms per prediction, one at a time
(notes/predictor-physics.md §7).

Run: ``.venv/bin/python benchmarks/bench_predictor.py``
"""

from __future__ import annotations

import statistics
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

GOAL_SINGLE_S = 2e-3
GOAL_ENSEMBLE_S = 0.3
TAWHIRI_SINGLE_S = 0.6e-3


def _atmosphere():
    from weather.sample_atmosphere import SAMPLE_LAUNCH_SITE, open_sample_atmosphere

    return (
        open_sample_atmosphere(),
        SAMPLE_LAUNCH_SITE.latitude,
        SAMPLE_LAUNCH_SITE.longitude,
        datetime(2025, 6, 21, 6, tzinfo=UTC),
        "SYNTHETIC sample atmosphere (GridAtmosphere)",
    )


def _median_time(fn, repeat: int) -> tuple[float, float]:
    """Median wall-clock and CPU (process) time [s]; CPU time shows the cost on a busy box."""
    walls, cpus = [], []
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w0)
        cpus.append(time.process_time() - c0)
    return statistics.median(walls), statistics.median(cpus)


def _line(label: str, wall: float, cpu: float, goal: float, unit: str = "ms") -> str:
    scale = 1e3 if unit == "ms" else 1.0
    return (
        f"  {label:<34} wall {wall * scale:8.3f} {unit}  cpu {cpu * scale:8.3f} {unit}"
        f"  goal {goal * scale:.1f} {unit}  ratio wall/goal {wall / goal:5.2f}"
    )


def main() -> None:
    import os

    from predictor import predict, predict_landings

    atm, lat, lon, when, label = _atmosphere()
    kw = dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    rng = np.random.default_rng(0)
    lats = lat + rng.uniform(-0.5, 0.5, 1000)
    lons = lon + rng.uniform(-0.5, 0.5, 1000)
    bursts = rng.normal(30000.0, 1500.0, 1000)
    ens_kw = dict(ascent_rate=5.0, burst_altitude=bursts, descent_rate=5.0)
    # Warm-up: compiles (or loads the cached) numba kernels, both variants.
    predict(atm, when, lat, lon, **kw)
    predict(atm, when, lats, lons, **ens_kw)
    r = predict(atm, when, lat, lon, **kw)
    steps = sum(int(s.n_points[0]) - 1 for s in r.stages)

    print(
        f"predictor benchmark on the {label}; load average {os.getloadavg()[0]:.1f} on "
        f"{os.cpu_count()} CPUs (wall times grow with load; CPU time is the cost)"
    )
    print(
        f"  standard flight 5 m/s to 30 km, 5 m/s descent, 60 s step: {steps} RK4 steps; "
        f"solver {r.settings['solver']}"
    )
    w, c = _median_time(lambda: predict(atm, when, lat, lon, **kw), 30)
    print(
        _line("single prediction", w, c, GOAL_SINGLE_S)
        + f"  (Tawhiri ~{TAWHIRI_SINGLE_S * 1e3:.1f} ms: ratio {w / TAWHIRI_SINGLE_S:.1f})"
    )
    w, c = _median_time(lambda: predict(atm, when, lat, lon, compiled=False, **kw), 5)
    print(_line("single prediction, generic solver", w, c, GOAL_SINGLE_S))
    w, c = _median_time(lambda: predict(atm, when, lats, lons, **ens_kw), 3)
    print(_line("1,000 members, one solve", w, c, GOAL_ENSEMBLE_S, "s"))
    w, c = _median_time(lambda: predict_landings(atm, when, lats, lons, **ens_kw), 3)
    print(_line("1,000 members, landings only", w, c, GOAL_ENSEMBLE_S, "s"))
    w, c = _median_time(lambda: predict(atm, when, lats, lons, compiled=False, **ens_kw), 3)
    print(_line("1,000 members, generic solver", w, c, GOAL_ENSEMBLE_S, "s"))


if __name__ == "__main__":
    main()
