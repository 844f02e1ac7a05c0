"""Benchmark: a 10-year launch-window study, 4 launches a day (14,600 launches).

The archive is GENERATED (SYNTHETIC ERA5-like yearly files in the new-CDS NetCDF layout,
int16-packed, 37 pressure levels, 6-hourly, 0.5 deg over +-2.5 deg around the site, plus a
land-sea mask), written to a temporary folder before the clock starts. The timed part is
the whole study as ``strato plan`` runs it: splitting by file, opening each year's data
window (data load), one landings-only solve per year, ranking and the climatology table,
on a Dask LocalCluster (2 worker processes by default) or in-process (``--workers 0``).

Goal: the whole 14,600-launch study in under 60 s on this machine.

    .venv/bin/python benchmarks/bench_planner.py [--years N] [--workers W]
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests" / "predictor"))

GOAL_S = 60.0
SITE = (20.86, 106.68)  # Hai Phong


def main(argv: list[str] | None = None) -> int:
    from test_planner_archive import write_era5_like_archive

    from predictor.ensemble import FlightSpec
    from predictor.planner import PlanSettings, climatology_table, launch_slots
    from predictor.planner_dask import run_study, split_by_files

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10, help="years of data (default 10)")
    parser.add_argument("--workers", type=int, default=2, help="Dask workers; 0 = in-process")
    parser.add_argument("--grid-step", type=float, default=0.5, help="grid spacing [deg]")
    args = parser.parse_args(argv)

    first_year = 2011
    start = datetime(first_year, 1, 1, tzinfo=UTC)
    end = datetime(first_year + args.years - 1, 12, 31, 18, tzinfo=UTC)
    with tempfile.TemporaryDirectory(prefix="bench-planner-") as tmp:
        t = time.perf_counter()
        files = write_era5_like_archive(Path(tmp), start, end, *SITE, grid_step=args.grid_step)
        size = sum(f.stat().st_size for f in files) / 1e6
        print(
            f"generated SYNTHETIC ERA5-like archive: {len(files) - 1} yearly files + surface, "
            f"{size:.0f} MB, 37 levels, 6-hourly, {args.grid_step} deg "
            f"({time.perf_counter() - t:.1f} s, not timed)"
        )

        slots = launch_slots(start, end, 6.0)
        settings = PlanSettings(*SITE, FlightSpec(5.0, 30000.0, 5.0))
        t0 = time.perf_counter()
        tasks = split_by_files(files, slots)
        result = run_study(tasks, settings, workers=args.workers, progress=False)
        table = climatology_table(result.slots)
        elapsed = time.perf_counter() - t0

    n = len(result.slots)
    self_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    child_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024.0
    runner = "in-process" if args.workers == 0 else f"Dask LocalCluster, {args.workers} workers"
    print(f"study: {n} launches ({args.years} years x 4/day) in {len(tasks)} tasks, {runner}")
    print(
        f"  whole study incl. data load and cluster start: {elapsed:.1f} s "
        f"-> {n / elapsed:.0f} predictions/s"
    )
    scaled = elapsed * 14600 / max(n, 1)
    print(
        f"  goal: 14,600 launches < {GOAL_S:.0f} s; measured (scaled to 14,600): "
        f"{scaled:.1f} s, ratio to goal {scaled / GOAL_S:.2f}"
    )
    workers_peak = f"{child_peak:.0f} MiB" if args.workers else "n/a (in-process)"
    print(
        f"  peak memory: main process {self_peak:.0f} MiB, largest worker process "
        f"{workers_peak} (ru_maxrss)"
    )
    print(
        "  safe-landing probability by month (mean over hours): "
        + ", ".join(f"{int(m)}:{v:.2f}" for m, v in table.mean(axis=1).items())
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
