"""Benchmark: the full flight report for a 3-hour 1 Hz flight (~10,000 rows) in under 10 s.

The flight is SYNTHETIC (analysis.synthetic: 5 m/s ascent to 30 km, 30 min float, parachute
descent, shear wind, 1 Hz noise on T, p and position, radiation counts). Two figures:

* in process: ``analysis.report.build_report`` with the libraries already imported;
* cold: ``strato report --input flight.nc --out DIR`` in a fresh process (Python start,
  imports, reading the CF-NetCDF file, every product, plots and HTML).

Wall time depends on what else the machine runs; CPU time (user + system) does much less,
so both are printed.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_S = 10.0


def _report(label: str, wall: float, cpu: float) -> None:
    print(
        f"{label}: wall {wall:.2f} s (ratio to the {GOAL_S:.0f} s goal {wall / GOAL_S:.2f}), "
        f"CPU {cpu:.2f} s (ratio {cpu / GOAL_S:.2f})"
    )


def main() -> None:
    from analysis.report import build_report
    from analysis.synthetic import synthetic_flight
    from flightlog.cf_trajectory import write_cf_trajectory

    profile, meta = synthetic_flight(
        wind=lambda z: (5.0 + z / 1000.0, -3.0 + 0.0 * z),
        float_duration_s=1800.0,
        temperature_noise=0.2,
        pressure_noise=15.0,
        position_noise=2.0,
        radiation=True,
    )
    hours = (profile["time"].iloc[-1] - profile["time"].iloc[0]).total_seconds() / 3600
    print(f"SYNTHETIC flight: {len(profile)} rows at 1 Hz, {hours:.2f} h")
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        build_report(profile, meta, tmp_path / "warmup", show_progress=False)  # imports
        start, cpu_start = time.perf_counter(), time.process_time()
        build_report(profile, meta, tmp_path / "warm", show_progress=False)
        _report("build_report in process", time.perf_counter() - start,
                time.process_time() - cpu_start)  # fmt: skip
        source = write_cf_trajectory(
            profile, tmp_path / "flight.nc", "SYNTHETIC bench", synthetic="benchmark flight"
        )
        strato = Path(sys.executable).with_name("strato")
        command = [str(strato), "report", "--input", str(source), "--out", str(tmp_path / "cold")]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        _report("strato report, fresh process", wall, cpu)
    with open("/proc/loadavg") as handle:
        print(f"machine load average (1 min) at the end: {handle.read().split()[0]} on 2 cores")


if __name__ == "__main__":
    main()
