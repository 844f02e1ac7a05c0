"""Run every ``benchmarks/bench_*.py`` in turn (``make bench``) and print their figures.

Each benchmark is a script with a ``main()`` that prints its measurements and the ratio to
its goal. They run in separate processes so that one's memory peak does not colour the
next one's. ``python benchmarks/run_all.py weather predictor`` runs a subset.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    """Run the selected benchmarks and return the number that failed."""
    scripts = sorted(HERE.glob("bench_*.py"))
    if argv:
        scripts = [s for s in scripts if any(name in s.stem for name in argv)]
    failed = 0
    for script in scripts:
        print(f"\n=== {script.stem} ===", flush=True)
        started = time.perf_counter()
        code = subprocess.call([sys.executable, str(script)], cwd=HERE.parent)
        elapsed = time.perf_counter() - started
        print(f"--- {script.stem}: exit {code}, {elapsed:.1f} s wall", flush=True)
        failed += code != 0
    return failed


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
