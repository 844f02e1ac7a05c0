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
    try:
        from weather.sample_atmosphere import SAMPLE_LAUNCH_SITE, open_sample_atmosphere

        atm = open_sample_atmosphere()
        return atm, SAMPLE_LAUNCH_SITE.latitude, SAMPLE_LAUNCH_SITE.longitude, (
            datetime(2025, 6, 21, 6, tzinfo=UTC)), "SYNTHETIC sample atmosphere (GridAtmosphere)"
    except ImportError:  # the sample is not there: an analytic field
        from weather.analytic_atmosphere import AnalyticAtmosphere, linear_shear_wind

        return (AnalyticAtmosphere(linear_shear_wind(5.0, 0.001)), 42.0, 4.0,
                datetime(2025, 6, 21, 6, tzinfo=UTC), "analytic shear wind (SYNTHETIC)")


def _median_time(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    from predictor import predict, predict_landings

    atm, lat, lon, when, label = _atmosphere()
    kw = dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    predict(atm, when, lat, lon, **kw)  # warm-up: compiles kernels, fills caches

    single = _median_time(lambda: predict(atm, when, lat, lon, **kw), 20)
    rng = np.random.default_rng(0)
    lats = lat + rng.uniform(-0.5, 0.5, 1000)
    lons = lon + rng.uniform(-0.5, 0.5, 1000)
    bursts = rng.normal(30000.0, 1500.0, 1000)
    ens_kw = dict(ascent_rate=5.0, burst_altitude=bursts, descent_rate=5.0)
    ensemble = _median_time(lambda: predict(atm, when, lats, lons, **ens_kw), 3)
    landings = _median_time(lambda: predict_landings(atm, when, lats, lons, **ens_kw), 3)
    r = predict(atm, when, lat, lon, **kw)
    steps = sum(int(s.n_points[0]) - 1 for s in r.stages)

    print(f"predictor benchmark on the {label}")
    print(f"  standard flight 5 m/s to 30 km, 5 m/s descent, 60 s step: {steps} RK4 steps")
    print(f"  single prediction:          {single * 1e3:8.2f} ms   goal {GOAL_SINGLE_S * 1e3:.1f} ms"
          f"   ratio {single / GOAL_SINGLE_S:6.2f}   (Tawhiri ~{TAWHIRI_SINGLE_S * 1e3:.1f} ms:"
          f" ratio {single / TAWHIRI_SINGLE_S:.1f})")
    print(f"  1,000 members, one solve:   {ensemble:8.3f} s    goal {GOAL_ENSEMBLE_S:.1f} s"
          f"    ratio {ensemble / GOAL_ENSEMBLE_S:6.2f}   ({ensemble:.3f} ms per member)")
    print(f"  1,000 members, landings only: {landings:6.3f} s    goal {GOAL_ENSEMBLE_S:.1f} s"
          f"    ratio {landings / GOAL_ENSEMBLE_S:6.2f}")


if __name__ == "__main__":
    main()
