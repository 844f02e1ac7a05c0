"""The coastline: load time, memory and per-point cost of land/sea and distance to shore.

Goal (issue 12): the coastline adds at most 0.3 s and 200 MB to a cold ``strato predict``
(cached tiles), and answers a 10,000-member ensemble's landings cheaply. Also measured in
the same run for comparison: the whole-globe packages ``roaring-landmask`` (GSHHG + a
roaring-bitmap raster; our data source) and ``global-land-mask`` (1 km GLOBE raster) when
installed, with their agreement with our coastline on points near the Hai Phong coast.

Each measurement runs in a fresh Python process (``resource`` peak RSS is per process).
First use is measured with an empty cache folder (a temporary one); "cached" re-uses it.

Run: .venv/bin/python benchmarks/bench_terrain.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_S = 0.3
GOAL_MB = 200.0
N = 10_000

_POINTS = """
import numpy as np
rng = np.random.default_rng(12)
lat = 20.86 + rng.normal(0.0, 0.25, {n})
lon = 106.68 + rng.normal(0.4, 0.35, {n})
"""

_RSS = "import resource; rss = lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024"


def _run(code: str, cache: str) -> dict:
    env = {"STRATOFLIGHT_COASTLINE_CACHE": cache, "PATH": "/usr/bin:/bin"}
    out = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


BASELINE = f"""
import time, json
{_RSS}
t0 = time.perf_counter()
import numpy, shapely
{_POINTS.format(n=N)}
print(json.dumps({{"s": time.perf_counter() - t0, "mb": rss()}}))
"""

OURS = f"""
import time, json
{_RSS}
t0 = time.perf_counter()
import numpy, shapely
{_POINTS.format(n=N)}
t1 = time.perf_counter()
import terrain
first = terrain.is_land(20.86, 106.68)
one = terrain.coast_distance(20.80, 107.30)  # one sea landing, as strato predict does
t2 = time.perf_counter()
mb_single = rss()
land = terrain.is_land(lat, lon)
t3 = time.perf_counter()
mb_is_land = rss()
reps = 20
for _ in range(reps):
    terrain.is_land(lat, lon)
t4 = time.perf_counter()
d, b = terrain.coast_distance(lat, lon)
t5 = time.perf_counter()
d, b = terrain.coast_distance(lat, lon)
t6 = time.perf_counter()
print(json.dumps({{
    "load_s": t2 - t1, "first_batch_s": t3 - t2, "per_point_us": (t4 - t3) / reps / {N} * 1e6,
    "distance_first_s": t5 - t4, "distance_per_point_us": (t6 - t5) / {N} * 1e6,
    "mb": rss(), "mb_single": mb_single, "mb_is_land": mb_is_land,
    "sea_share": float((~land).mean()),
    "land": land.tolist(),
}}))
"""


def _other_mask(load: str, query: str) -> str:
    """Script timing a whole-globe land mask package: ``load`` it, then ``land = query``."""
    return f"""
import time, json
{_RSS}
import numpy, shapely
{_POINTS.format(n=N)}
t1 = time.perf_counter()
{load}
t2 = time.perf_counter()
land = {query}
t3 = time.perf_counter()
print(json.dumps({{"load_s": t2 - t1, "per_point_us": (t3 - t2) / {N} * 1e6, "mb": rss(),
                  "land": numpy.asarray(land, dtype=bool).tolist()}}))
"""


ROARING = _other_mask(
    "from roaring_landmask import RoaringLandmask\nmask = RoaringLandmask.new()",
    "mask.contains_many(lon, lat)",
)

GLOBE = _other_mask("from global_land_mask import globe", "globe.is_land(lat, lon)")


def main() -> int:
    """Print the figures and the ratios to the goals."""
    import importlib.util

    import numpy as np

    with tempfile.TemporaryDirectory() as cache:
        base = _run(BASELINE, cache)
        first = _run(OURS, cache)
        cached = _run(OURS, cache)
    print(
        f"points: {N:,} landings around Hai Phong (Gulf of Tonkin), sea share "
        f"{cached['sea_share']:.0%}"
    )
    print(f"baseline process (numpy + shapely + points): peak {base['mb']:.0f} MB")
    print(
        f"first use (empty cache: loads the global GSHHG once, cuts and writes tiles): "
        f"{first['load_s']:.2f} s, peak {first['mb']:.0f} MB"
    )
    extra_mb = cached["mb_single"] - base["mb"]
    print(
        f"cached (every later run): one landing (import, land/sea, distance to shore) "
        f"{cached['load_s'] * 1000:.0f} ms, peak +{extra_mb:.0f} MB over baseline"
    )
    print(
        f"  then {N:,} landings: land/sea first batch {cached['first_batch_s'] * 1000:.0f} ms, "
        f"peak +{cached['mb_is_land'] - base['mb']:.0f} MB; after distances to shore "
        f"+{cached['mb'] - base['mb']:.0f} MB"
    )
    print(
        f"is_land: {cached['per_point_us']:.2f} us per point amortised over {N:,} "
        f"({cached['per_point_us'] * N / 1000:.1f} ms per ensemble)"
    )
    print(
        f"coast_distance: first call {cached['distance_first_s']:.2f} s (search trees), "
        f"then {cached['distance_per_point_us']:.1f} us per point"
    )
    added_s = cached["load_s"]
    print(
        f"goal: cold predict +{added_s:.2f} s of {GOAL_S} s (ratio {added_s / GOAL_S:.2f}), "
        f"+{extra_mb:.0f} MB of {GOAL_MB:.0f} MB (ratio {extra_mb / GOAL_MB:.2f})"
    )
    ours = np.array(cached["land"])
    for name, module, code in (
        ("roaring-landmask", "roaring_landmask", ROARING),
        ("global-land-mask", "global_land_mask", GLOBE),
    ):
        if importlib.util.find_spec(module) is None:
            print(f"{name}: not installed (pip install {name} to compare)")
            continue
        with tempfile.TemporaryDirectory() as cache:
            other = _run(code, cache)
        agree = float(np.mean(np.array(other["land"]) == ours))
        print(
            f"{name}: load {other['load_s']:.2f} s, peak {other['mb']:.0f} MB, "
            f"{other['per_point_us']:.2f} us per point; agrees with ours on {agree:.1%}; "
            f"load ratio to our cached load {other['load_s'] / max(cached['load_s'], 1e-6):.0f}x"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
