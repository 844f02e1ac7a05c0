"""Launch-window studies split into tasks, run in-process or on a Dask cluster.

Splitting: the pressure-level files are ordered by time, and each file's launch slots form
one task. A task opens only the time window it needs: from just before its first slot
(minus the launch-time uncertainty) to just after its last slot plus the flight horizon,
read from its own file and whichever neighbours that window reaches (the next file for
flights running past the file's end, the previous one for launches slipping before its
start); only the window's times are read. Single-level surface files go to every task.
A ten-year study of yearly files therefore never holds much more than one year of data
per worker.

Running: ``workers=0`` runs the tasks one after another in this process (small studies and
tests); otherwise a ``distributed.LocalCluster`` with ``workers`` worker processes (one
thread each) is started, or an existing scheduler at ``scheduler`` is used. Progress is
shown with Rich. Results do not depend on the split or the runner: each slot's members are
drawn from a generator seeded by (seed, launch time).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from localization import _
from predictor.planner import PlanResult, PlanSettings, combine_plan_parts, plan_slots
from weather.protocol import Atmosphere, from_epoch_seconds

__all__ = [
    "DEFAULT_FLIGHT_HORIZON_S",
    "PlanTask",
    "describe_tasks",
    "file_time_ranges",
    "launch_time_margin",
    "open_atmosphere_window",
    "run_study",
    "run_task",
    "split_by_files",
]

#: Data kept after a task's last launch for its flights [s] (a 30-35 km flight takes 3-4 h;
#: 12 h leaves room for slow ascents). Members still flying at the end of the data stop.
DEFAULT_FLIGHT_HORIZON_S = 12 * 3600.0

Opener = Callable[[Sequence[str], float, float], Atmosphere]


@dataclass(frozen=True)
class PlanTask:
    """One unit of work: launch slots and the data they need.

    Attributes
    ----------
    slots : tuple of float
        Launch times [s since epoch].
    paths : tuple of str
        Files to open (own pressure-level file, the next one, surface files).
    window_start, window_end : float
        Time window of data to load [s since epoch].
    label : str
        For progress displays.
    """

    slots: tuple[float, ...]
    paths: tuple[str, ...]
    window_start: float
    window_end: float
    label: str = ""


def file_time_ranges(
    paths: Sequence[str | Path],
) -> tuple[list[tuple[str, float, float]], list[str]]:
    """Time range of each pressure-level file, and the list of single-level files.

    Files are opened lazily (only the time coordinate is read).

    Returns
    -------
    ranges : list of (path, first time [s], last time [s])
        Pressure-level files, sorted by first time.
    surface : list of str
        Single-level (orography, land-sea mask) files.
    """
    from weather.atmosphere_files import read_any

    ranges: list[tuple[str, float, float]] = []
    surface: list[str] = []
    for path in paths:
        for ds in read_any(path, load=False):
            try:
                if "level" in ds.dims:
                    t = ds["time"].values.astype("datetime64[ns]").astype(np.int64) / 1e9
                    ranges.append((str(path), float(t.min()), float(t.max())))
                else:
                    surface.append(str(path))
            finally:
                ds.close()
    if not ranges:
        raise ValueError(_("none of the --winds files holds pressure-level data (u, v, z, t)"))
    ranges.sort(key=lambda r: r[1])
    return ranges, surface


def split_by_files(
    paths: Sequence[str | Path],
    slots: Sequence[float] | np.ndarray,
    launch_time_margin: float = 0.0,
    flight_horizon: float = DEFAULT_FLIGHT_HORIZON_S,
) -> list[PlanTask]:
    """One task per pressure-level file holding its slots (see the module docstring).

    Parameters
    ----------
    paths : sequence of path
        All atmosphere files of the study.
    slots : array of float
        Launch times [s since epoch].
    launch_time_margin : float
        Largest launch-time slip of a member [s] (3 sigma of the launch-time uncertainty).
    flight_horizon : float
        Data needed after a launch [s].

    Returns
    -------
    list of PlanTask
        Tasks in time order; slots outside every file go to a last task that reports them
        as skipped.
    """
    ranges, surface = file_time_ranges(paths)
    slots = np.sort(np.asarray(slots, dtype=np.float64))
    starts = np.array([r[1] for r in ranges])
    owner = np.searchsorted(starts, slots, side="right") - 1
    tasks: list[PlanTask] = []
    ends = np.array([r[2] for r in ranges])
    # each file "reaches" from the previous file's last time to the next file's first time:
    # a window overlapping that reach needs the file (for the bracketing times)
    reach_lo = np.concatenate([[starts[0]], ends[:-1]])
    reach_hi = np.concatenate([starts[1:], [ends[-1]]])
    for i, (path, _t0, t1) in enumerate(ranges):
        last = i + 1 == len(ranges)
        mine = slots[(owner == i) & ((slots <= t1) | (not last))]
        if mine.size == 0:
            continue
        w0 = float(mine[0] - launch_time_margin)
        w1 = float(mine[-1] + launch_time_margin + flight_horizon)
        needed = [
            ranges[k][0] for k in range(len(ranges)) if reach_hi[k] >= w0 and reach_lo[k] <= w1
        ]
        tasks.append(
            PlanTask(
                tuple(float(t) for t in mine),
                tuple(dict.fromkeys(needed + surface)),
                w0,
                w1,
                Path(path).name,
            )
        )
    covered = np.concatenate([np.asarray(t.slots) for t in tasks]) if tasks else np.array([])
    rest = np.setdiff1d(slots, covered)
    if rest.size:  # no file holds them: reported as skipped, nothing is opened
        tasks.append(
            PlanTask(
                tuple(float(t) for t in rest),
                (),
                float(rest[0]),
                float(rest[-1]),
                "outside the files",
            )
        )
    return tasks


def open_atmosphere_window(paths: Sequence[str], start: float, end: float) -> Atmosphere:
    """Open ``paths`` as one atmosphere holding only the times needed for [start, end] [s].

    The data times bracketing the window are kept, so interpolation inside it is exact.
    Each file is sliced to the window *before* the files are joined, so only the window's
    values are read from disk (``weather.open_atmosphere(..., time_window=...)``).
    """
    from weather.atmosphere_files import open_atmosphere

    return open_atmosphere(list(paths), time_window=(start, end))


def run_task(task: PlanTask, settings: PlanSettings, opener: Opener | None = None) -> PlanResult:
    """Open the task's data window and plan its slots (runs on a worker)."""
    if not task.paths and opener is None:
        skipped = [
            {"launch_time": _iso(t), "reason": "no --winds file covers this time"}
            for t in task.slots
        ]
        return combine_plan_parts([], settings, skipped)
    atmosphere = (opener or open_atmosphere_window)(task.paths, task.window_start, task.window_end)
    return plan_slots(atmosphere, np.asarray(task.slots), settings)


def _iso(t: float) -> str:
    return from_epoch_seconds(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def _progress():
    """Progress bar on stderr (stdout may carry JSON)."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    return Progress(
        TextColumn(_("[bold]planning[/]")),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn(_("tasks")),
        TimeElapsedColumn(),
        TextColumn("{task.description}"),
        transient=False,
        console=Console(stderr=True),
    )


def run_study(
    tasks: Sequence[PlanTask],
    settings: PlanSettings,
    *,
    workers: int = 2,
    scheduler: str | None = None,
    opener: Opener | None = None,
    progress: bool = True,
    client: Any = None,
) -> PlanResult:
    """Run every task and combine the ranked study.

    Parameters
    ----------
    tasks : sequence of PlanTask
        From :func:`split_by_files` (or built by hand with an ``opener`` that knows them).
    settings : PlanSettings
        Shared settings.
    workers : int
        0 = in this process; otherwise the number of worker processes of the local cluster.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:8786``); overrides ``workers``.
    opener : callable, optional
        ``opener(paths, start, end) -> Atmosphere``; default :func:`open_atmosphere_window`.
        Must be importable on the workers (a module-level function).
    progress : bool
        Show a Rich progress bar (on stderr).
    client : distributed.Client, optional
        An already connected client to use (tests); not closed here.
    """
    if workers < 0:
        raise ValueError(_("--workers must be >= 0, got {workers}").format(workers=workers))
    results: list[PlanResult] = []
    bar = _progress() if progress else None
    if workers == 0 and scheduler is None and client is None:
        if bar is not None:
            bar.start()
            job = bar.add_task("", total=len(tasks))
        try:
            for task in tasks:
                results.append(run_task(task, settings, opener))
                if bar is not None:
                    bar.update(job, advance=1, description=task.label)
        finally:
            if bar is not None:
                bar.stop()
        return combine_plan_parts(results, settings)
    return combine_plan_parts(
        _run_dask(tasks, settings, workers, scheduler, opener, bar, client), settings
    )


def _run_dask(tasks, settings, workers, scheduler, opener, bar, client) -> list[PlanResult]:
    from distributed import Client, LocalCluster, as_completed

    cluster = None
    own_client = client is None
    if client is None:
        if scheduler is not None:
            client = Client(scheduler)
        else:
            cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=1,
                processes=True,
                # the scheduler's HTTP server starts even without a dashboard, on 8787 by
                # default; any free port, so a second study (or another program) never clashes
                dashboard_address=":0",
            )
            try:
                client = Client(cluster)
            except BaseException:
                cluster.close()  # no worker processes left behind when the client fails
                raise
    try:
        futures = [client.submit(run_task, task, settings, opener, pure=False) for task in tasks]
        label = {f.key: t.label for f, t in zip(futures, tasks, strict=True)}
        results = []
        if bar is not None:
            bar.start()
            job = bar.add_task("", total=len(futures))
        try:
            for future in as_completed(futures):
                results.append(future.result())
                if bar is not None:
                    bar.update(job, advance=1, description=label[future.key])
        finally:
            if bar is not None:
                bar.stop()
        return results
    finally:
        if own_client:
            client.close()
        if cluster is not None:
            cluster.close()


def launch_time_margin(settings: PlanSettings) -> float:
    """Largest launch-time slip of a member [s]: 3 sigma (draws are clipped there)."""
    return 3.0 * settings.effective_uncertainty.launch_time


def describe_tasks(tasks: Sequence[PlanTask]) -> str:
    """One line for people: how the study was split."""
    n = sum(len(t.slots) for t in tasks)
    span = max((t.window_end - t.window_start for t in tasks), default=0.0)
    return _("{n} launches in {tasks} task(s); largest data window {days} days").format(
        n=n, tasks=len(tasks), days=math.ceil(span / 86400)
    )
