"""Opening a month of ERA5 and wind interpolations per second.

Goal (issue 2): time to open a month of 0.25-degree ERA5 for a 10 x 10 degree area at 37
levels, and interpolations per second at 1, 1,000 and 1,000,000 points; over 5 million
wind interpolations per second on one core for large batches.

The month file is GENERATED here (SYNTHETIC smooth fields, no real data) in the new-CDS
NetCDF-4 layout (valid_time, pressure_level 1000 -> 1 hPa, decreasing latitude, float32,
zlib level 1, one chunk per time like the CDS files): 744 hourly times x 37 x 41 x 41 x 4
variables = 740 MB of float32 in a temporary folder, deleted at the end.

CPU seconds (process time) are reported beside wall seconds because the machine is shared;
the kernel is single-threaded numba (no parallel), so CPU time is one core's time.

Run: .venv/bin/python benchmarks/bench_weather.py [--small]  (--small: 3 days, for a quick look)
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from weather import open_atmosphere, to_epoch_seconds  # noqa: E402
from weather.geopotential import altitude_to_geopotential  # noqa: E402
from weather.sample_atmosphere import ERA5_PRESSURE_LEVELS_HPA  # noqa: E402
from weather.standard_atmosphere import ussa1976  # noqa: E402

GOAL_PER_S = 5_000_000
NORTH, WEST, SOUTH, EAST = 50.0, 0.0, 40.0, 10.0
STEP = 0.25


def _level_altitudes(p_hpa: np.ndarray) -> np.ndarray:
    alt = np.arange(-500.0, 80000.0, 5.0)
    pres = ussa1976(alt)[1]
    return np.interp(-np.log(p_hpa * 100.0), -np.log(pres), alt)


def generate_month(path: Path, hours: int) -> None:
    """Write the SYNTHETIC month in the new-CDS layout, one time step at a time."""
    import netCDF4

    levels = np.array(ERA5_PRESSURE_LEVELS_HPA, dtype=np.float64)
    lats = np.arange(NORTH, SOUTH - STEP / 2, -STEP)  # decreasing, as in CDS files
    lons = np.arange(WEST, EAST + STEP / 2, STEP)
    base_alt = _level_altitudes(levels)[:, None, None]
    base_t = ussa1976(base_alt)[0]
    la = lats[None, :, None]
    lo = lons[None, None, :]
    hk = base_alt / 1000.0
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.history = "SYNTHETIC benchmark data in the new-CDS layout (bench_weather.py)"
        nc.createDimension("valid_time", hours)
        nc.createDimension("pressure_level", levels.size)
        nc.createDimension("latitude", lats.size)
        nc.createDimension("longitude", lons.size)
        vt = nc.createVariable("valid_time", "i8", ("valid_time",))
        vt.units = "seconds since 1970-01-01"
        vt[:] = np.datetime64("2024-07-01T00:00:00", "s").astype(np.int64) + 3600 * np.arange(hours)
        pl = nc.createVariable("pressure_level", "f8", ("pressure_level",))
        pl.units = "hPa"
        pl[:] = levels
        nc.createVariable("latitude", "f8", ("latitude",))[:] = lats
        nc.createVariable("longitude", "f8", ("longitude",))[:] = lons
        dims = ("valid_time", "pressure_level", "latitude", "longitude")
        chunks = (1, levels.size, lats.size, lons.size)
        out = {}
        for name, units in (("z", "m**2 s**-2"), ("t", "K"), ("u", "m s**-1"), ("v", "m s**-1")):
            out[name] = nc.createVariable(
                name,
                "f4",
                dims,
                zlib=True,
                complevel=1,
                shuffle=True,
                chunksizes=chunks,
                fill_value=np.float32(np.nan),
            )
            out[name].units = units
        for h in range(hours):
            d = h / 24.0
            wave = np.sin(2 * np.pi * (lo / 10.0 - d / 3.0)) * np.cos(2 * np.pi * (la - 45) / 20)
            alt = base_alt + (40.0 + 3.0 * hk) * wave
            out["z"][h] = altitude_to_geopotential(alt).astype(np.float32)
            out["t"][h] = (base_t + 2.0 * wave - 0.5 * (la - 45.0) * (hk < 11)).astype(np.float32)
            out["u"][h] = (
                10.0
                + 30.0 * np.exp(-(((hk - 11.0) / 4.0) ** 2)) * (1 + 0.2 * wave)
                - 15.0 * (hk > 22)
            ).astype(np.float32)
            out["v"][h] = (8.0 * wave * np.exp(-(((hk - 9.0) / 6.0) ** 2))).astype(np.float32)
            if h % 96 == 0:
                print(f"  generating: {h}/{hours} hours", flush=True)


def _rate(call, n_points: int, repeats: int) -> tuple[float, float]:
    """Best points per second over ``repeats`` calls: (CPU-time based, wall-time based)."""
    best_cpu = best_wall = 0.0
    for _ in range(3):
        c0, w0 = time.process_time(), time.perf_counter()
        for _ in range(repeats):
            call()
        c1, w1 = time.process_time(), time.perf_counter()
        best_cpu = max(best_cpu, n_points * repeats / max(c1 - c0, 1e-9))
        best_wall = max(best_wall, n_points * repeats / max(w1 - w0, 1e-9))
    return best_cpu, best_wall


def main(argv: list[str] | None = None) -> int:
    """Generate, open, interpolate; print the figures and the ratio to the goal."""
    argv = sys.argv[1:] if argv is None else argv
    hours = 72 if "--small" in argv else 744
    with tempfile.TemporaryDirectory(prefix="strato-bench-weather-") as tmp:
        path = Path(tmp) / "era5_month_synthetic.nc"
        print(f"generating SYNTHETIC ERA5-layout file: {hours} h x 37 levels x 41 x 41 ...")
        w0 = time.perf_counter()
        generate_month(path, hours)
        print(
            f"  written {path.stat().st_size / 1e6:.0f} MB (compressed) in "
            f"{time.perf_counter() - w0:.1f} s"
        )

        c0, w0 = time.process_time(), time.perf_counter()
        atmosphere = open_atmosphere(path)
        c1, w1 = time.process_time(), time.perf_counter()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(
            f"open_atmosphere: {w1 - w0:.2f} s wall, {c1 - c0:.2f} s CPU; grid "
            f"{atmosphere.nbytes / 1e6:.0f} MB float32; peak RSS {rss:.0f} MB"
        )

        rng = np.random.default_rng(42)
        t0 = to_epoch_seconds(atmosphere.bounds.time_start)
        span = atmosphere.times[-1] - atmosphere.times[0]

        def uniform(n):
            return (
                t0 + rng.uniform(0, span, n),
                rng.uniform(SOUTH, NORTH, n),
                rng.uniform(WEST, EAST, n),
                rng.uniform(0.0, 45000.0, n),
            )

        def ensemble(n):
            # an ensemble/trajectory batch: one hour mid-month, a 2 x 2 degree box, 0..45 km
            start = t0 + 3600.0 * np.floor(span / 7200.0)
            return (
                start + rng.uniform(0, 3600.0, n),
                rng.uniform(44.0, 46.0, n),
                rng.uniform(4.0, 6.0, n),
                rng.uniform(0.0, 45000.0, n),
            )

        w0 = time.perf_counter()
        atmosphere.wind(*uniform(10))  # numba: compile or load the cached machine code
        print(f"first call (numba cache load/compile): {time.perf_counter() - w0:.2f} s")

        print(
            f"{'points':>9} {'batch':>9} {'call':>6} {'M/s CPU':>8} {'M/s wall':>8} {'vs 5 M/s':>8}"
        )
        verdict = {}
        for n, repeats in ((1, 2000), (1000, 200), (1_000_000, 1)):
            for kind, make in (("uniform", uniform), ("ensemble", ensemble)):
                q = make(n)
                for name in ("wind", "sample"):
                    method = getattr(atmosphere, name)
                    cpu, wall = _rate(lambda m=method, q=q: m(*q), n, repeats)
                    verdict[(n, kind, name)] = cpu
                    print(
                        f"{n:>9} {kind:>9} {name:>6} {cpu / 1e6:8.2f} {wall / 1e6:8.2f} "
                        f"{cpu / GOAL_PER_S:8.2f}"
                    )
        best = max(verdict[(1_000_000, k, "wind")] for k in ("uniform", "ensemble"))
        print(
            f"goal: > {GOAL_PER_S / 1e6:.0f} M wind interpolations/s on one core for large "
            f"batches; reached {verdict[(1_000_000, 'ensemble', 'wind')] / 1e6:.2f} M/s "
            f"(ensemble-like batch), {verdict[(1_000_000, 'uniform', 'wind')] / 1e6:.2f} M/s "
            f"(uniform over the month: cache-bound); ratio {best / GOAL_PER_S:.2f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
