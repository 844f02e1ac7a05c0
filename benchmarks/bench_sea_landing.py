"""Cost of finishing sea landings at sea level (``predictor/sea_landing.py``).

10,000 members from Hai Phong on the SYNTHETIC sample's offshore day (most land at sea, on
a coarse orography above 0 m): ``predict_landings`` with the step, and in the same run with
the step replaced by "leave the landing where the solver stopped", alternating, best of
2 x 3 each. Prints both times, the ratio, and how many sea landings were above sea level
without the step.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

import numpy as np

import predictor.prediction as prediction
from predictor import predict_landings
from weather import open_sample_atmosphere

N = 10_000


def _skip(atmosphere, stages, landing, shore, *args, **kwargs):
    """The prediction without the step: the landing stays on the weather ground."""
    return stages, landing, shore


def _best(fly, repeats: int = 3):
    best, result = float("inf"), None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fly()
        best = min(best, time.perf_counter() - t0)
    return best, result


def main() -> int:
    """Print the figures; return 0."""
    atmosphere = open_sample_atmosphere()
    rng = np.random.default_rng(1)
    noon = datetime(2025, 6, 21, 12, tzinfo=UTC).timestamp()
    times = noon + rng.uniform(-3 * 3600, 3 * 3600, N)
    burst = rng.uniform(25000, 32000, N)

    def fly():
        return predict_landings(
            atmosphere, times, 20.86, 106.68, ascent_rate=5.0, burst_altitude=burst,
            descent_rate=5.0,
        )  # fmt: skip

    fly()  # warm: compiled kernel, coastline tiles
    real = prediction.fall_to_sea_level
    without = with_step = float("inf")
    for _ in range(2):  # alternate, so that neither side gets the warmer machine
        try:
            prediction.fall_to_sea_level = _skip
            seconds, before = _best(fly)
            without = min(without, seconds)
        finally:
            prediction.fall_to_sea_level = real
        seconds, after = _best(fly)
        with_step = min(with_step, seconds)
    sea_before = before.surface == "sea"
    sea_after = after.surface == "sea"
    print(f"predict_landings, {N} members, offshore day (best of 2 x 3, alternating):")
    print(f"  without the sea-level step: {without:.3f} s")
    print(f"  with it:                    {with_step:.3f} s (ratio {with_step / without:.3f})")
    print(
        f"  sea landings above 0 m: {int((before.landing.altitude[sea_before] > 0).sum())} of "
        f"{int(sea_before.sum())} without the step, "
        f"{int((after.landing.altitude[sea_after] > 0).sum())} of {int(sea_after.sum())} with it"
    )
    print(
        f"  members that drifted ashore in the last drop: {int(sea_before.sum() - sea_after.sum())}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
