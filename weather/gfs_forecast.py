"""Download GFS 0.25-degree forecasts (GRIB2) for an area: NOMADS GRIB filter, cloud fallback.

For each forecast hour one GRIB2 file with UGRD, VGRD, HGT, TMP on the isobaric levels from
1000 to 1 hPa and HGT, LAND at the surface is fetched through the NOMADS GRIB filter
(``filter_gfs_0p25.pl``, cut to the area on the server). When NOMADS cannot be reached or
keeps failing, the same messages come from the public cloud mirror (NOAA Open Data on AWS):
the ``.idx`` inventory gives their byte ranges, they are fetched with HTTP ranges and cut to
the area here. Every file is written under a temporary name, checked (complete GRIB2, every
wanted field) and only then renamed; finished files are served from the cache.

``run="latest"`` picks the newest run whose last wanted hour is published (its ``.idx``
exists) and says when it had to fall back to an earlier run.

Base URLs: argument, else the environment variables ``STRATO_GFS_URL`` (NOMADS root) and
``STRATO_GFS_MIRROR_URL``, else the public servers.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import re
import socket
import time
from collections.abc import Callable, Iterable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from localization import N_, _, format_time
from weather.era5_request import Area
from weather.fetch_files import deliver_files, temporary_path
from weather.gfs_grib_tools import (
    GFS_ISOBARIC_LEVELS_HPA,
    GfsField,
    byte_ranges,
    check_gfs_file,
    crop_grib_file,
    gfs_fields,
    parse_grib_index,
)

__all__ = [
    "DEFAULT_FORECAST_HOURS",
    "DEFAULT_MIRROR_URL",
    "DEFAULT_NOMADS_URL",
    "ENV_GFS_MIRROR_URL",
    "ENV_GFS_URL",
    "GfsDownload",
    "GfsDownloadError",
    "GfsRun",
    "default_gfs_cache_dir",
    "download_gfs",
    "mirror_file_url",
    "nomads_filter_url",
    "nomads_file_url",
    "parse_forecast_hours",
]

ENV_GFS_URL = "STRATO_GFS_URL"
ENV_GFS_MIRROR_URL = "STRATO_GFS_MIRROR_URL"
DEFAULT_NOMADS_URL = "https://nomads.ncep.noaa.gov"
DEFAULT_MIRROR_URL = "https://noaa-gfs-bdp-pds.s3.amazonaws.com"
FILTER_SCRIPT = "/cgi-bin/filter_gfs_0p25.pl"
NOMADS_DATA_PATH = "/pub/data/nccf/com/gfs/prod"

#: Forecast hours fetched by default: 0 to 72 every 3 h.
DEFAULT_FORECAST_HOURS: tuple[int, ...] = tuple(range(0, 73, 3))

_RETRY_STATUS = (408, 429, 500, 502, 503, 504)


class GfsDownloadError(RuntimeError):
    """A GFS download failed; the message says why and what to do."""


@dataclass(frozen=True)
class GfsRun:
    """One GFS model run (cycle): 00, 06, 12 or 18 UTC of a day."""

    cycle: datetime

    def __post_init__(self) -> None:
        if self.cycle.tzinfo is None or self.cycle.hour % 6 or self.cycle.minute:
            raise ValueError(
                _("GFS runs start at 00, 06, 12 and 18 UTC; {value} is not one").format(
                    value=self.cycle.isoformat()
                )
            )

    @classmethod
    def parse(cls, text: str) -> GfsRun:
        """Read a run named ``YYYYMMDDHH`` (e.g. ``2024010106``)."""
        try:
            cycle = datetime.strptime(text.strip(), "%Y%m%d%H").replace(tzinfo=UTC)
        except ValueError as exc:
            raise ValueError(
                _("run {text!r} is not 'latest' or YYYYMMDDHH (e.g. 2024010106)").format(text=text)
            ) from exc
        return cls(cycle)

    @classmethod
    def newest_possible(cls, now: datetime) -> GfsRun:
        """Return the most recent run that has started at ``now`` (UTC)."""
        now = now.astimezone(UTC)
        return cls(now.replace(hour=now.hour - now.hour % 6, minute=0, second=0, microsecond=0))

    @property
    def name(self) -> str:
        """Run name ``YYYYMMDDHH``."""
        return f"{self.cycle:%Y%m%d%H}"

    @property
    def directory(self) -> str:
        """Directory of the run on NOMADS and the mirror, e.g. ``gfs.20240101/06/atmos``."""
        return f"gfs.{self.cycle:%Y%m%d}/{self.cycle:%H}/atmos"

    def file_name(self, hour: int) -> str:
        """GRIB2 file name of forecast ``hour``, e.g. ``gfs.t06z.pgrb2.0p25.f003``."""
        return f"gfs.t{self.cycle:%H}z.pgrb2.0p25.f{hour:03d}"

    def previous(self) -> GfsRun:
        """Return the run six hours earlier."""
        return GfsRun(self.cycle - timedelta(hours=6))


def parse_forecast_hours(text: str) -> list[int]:
    """Read forecast hours: ``0-72`` (every 3 h), ``0-24:1``, ``6`` or ``0,6,12``.

    Hours run 0..384; the 0.25-degree files are hourly up to 120 h, then every 3 h.
    """
    spec = text.replace(" ", "")
    try:
        if "-" in spec:
            span, _sep, step_text = spec.partition(":")
            first, last = (int(part) for part in span.split("-"))
            step = int(step_text) if step_text else 3
            if step < 1 or last < first:
                raise ValueError
            hours = list(range(first, last + 1, step))
        else:
            hours = sorted({int(part) for part in spec.split(",") if part})
    except ValueError as exc:
        raise ValueError(
            _(
                "forecast hours {text!r} not understood; write e.g. 0-72 (every 3 h),"
                " 0-24:1 (hourly) or 0,6,12"
            ).format(text=text)
        ) from exc
    bad = [h for h in hours if not 0 <= h <= 384 or (h > 120 and h % 3)]
    if not hours or bad:
        raise ValueError(
            _(
                "forecast hours {value} do not exist: GFS 0.25 has hours 0..120 "
                "hourly and 123..384 every 3 h"
            ).format(value=bad or text)
        )
    return hours


def nomads_filter_url(
    base: str, run: GfsRun, hour: int, area: Area, fields: Sequence[GfsField]
) -> str:
    """NOMADS GRIB filter URL for one forecast hour, cut to ``area`` on the server."""
    north, west, south, east = area.as_cds_list()
    if east <= west:
        east += 360.0  # across the antimeridian: one increasing range, e.g. 170..190
    query: list[tuple[str, str]] = [("dir", f"/{run.directory}"), ("file", run.file_name(hour))]
    for level in dict.fromkeys(f.level for f in fields):
        query.append((f"lev_{level.replace(' ', '_')}", "on"))
    for variable in dict.fromkeys(f.variable for f in fields):
        query.append((f"var_{variable}", "on"))
    query += [
        ("subregion", ""),
        ("leftlon", f"{west:g}"),
        ("rightlon", f"{east:g}"),
        ("toplat", f"{north:g}"),
        ("bottomlat", f"{south:g}"),
    ]
    return f"{base.rstrip('/')}{FILTER_SCRIPT}?{urlencode(query)}"


def nomads_file_url(base: str, run: GfsRun, hour: int) -> str:
    """URL of the whole GRIB2 file of a forecast hour on NOMADS (add ``.idx`` for its index)."""
    return f"{base.rstrip('/')}{NOMADS_DATA_PATH}/{run.directory}/{run.file_name(hour)}"


def mirror_file_url(mirror: str, run: GfsRun, hour: int) -> str:
    """URL of the whole GRIB2 file of a forecast hour on the cloud mirror."""
    return f"{mirror.rstrip('/')}/{run.directory}/{run.file_name(hour)}"


def default_gfs_cache_dir() -> Path:
    """Directory where downloaded GFS files are kept (per user)."""
    import platformdirs

    return platformdirs.user_cache_path("stratoflight") / "gfs"


@dataclass
class GfsDownload:
    """What :func:`download_gfs` got.

    Attributes
    ----------
    run : GfsRun
        The model run the files come from.
    hours : list of int
        Forecast hours [h] after the run start.
    files : list of Path
        One GRIB2 file per hour, in hour order.
    origins : list of str
        Where each file came from: ``NOMADS``, ``cloud mirror`` or ``cache``.
    notes : list of str
        Things the user should know (fallback to an earlier run, mirror used, ...).
    """

    run: GfsRun
    hours: list[int]
    files: list[Path]
    origins: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line naming the run and hours, e.g. for the command line."""
        counts = {origin: self.origins.count(origin) for origin in dict.fromkeys(self.origins)}
        where = ", ".join(
            _("{n} from {origin}").format(n=n, origin=_(origin)) for origin, n in counts.items()
        )
        return _(
            "GFS 0.25 run {run} ({cycle}), forecast hours {hours}: {files} file(s) ({where})"
        ).format(
            run=self.run.name,
            cycle=format_time(self.run.cycle),
            hours=_hours_text(self.hours),
            files=len(self.files),
            where=where,
        )


def _hours_text(hours: Sequence[int]) -> str:
    steps = {b - a for a, b in zip(hours, hours[1:], strict=False)}
    if len(hours) > 2 and len(steps) == 1:
        return _("{first}-{last} every {step} h").format(
            first=hours[0], last=hours[-1], step=steps.pop()
        )
    return ",".join(str(h) for h in hours)


class _Http:
    """GET with retries on network errors and busy servers."""

    def __init__(self, timeout: float, retries: int, retry_wait: float) -> None:
        import requests

        self.session = requests.Session()
        self.session.headers["User-Agent"] = "stratoflight-gfs"
        self.timeout = timeout
        self.retries = max(1, retries)
        self.retry_wait = retry_wait

    def close(self) -> None:
        self.session.close()

    def get(self, url: str, headers: dict[str, str] | None = None) -> Any:
        """Return the response of the last try (network errors after all tries raise)."""
        import requests

        for attempt in range(1, self.retries + 1):
            try:
                response = self.session.get(url, headers=headers, timeout=self.timeout, stream=True)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt == self.retries or network_down(exc):
                    raise
            else:
                if response.status_code not in _RETRY_STATUS or attempt == self.retries:
                    return response
                response.close()
            time.sleep(self.retry_wait * attempt)
        raise AssertionError("unreachable")

    def save(
        self, url: str, target: Path, headers: dict[str, str] | None = None, mode: str = "wb"
    ) -> None:
        """Stream ``url`` into ``target``; raise for HTTP errors and short bodies."""
        import requests

        response = self.get(url, headers)
        with response:
            response.raise_for_status()
            expected = response.headers.get("Content-Length")
            written = 0
            with open(target, mode) as sink:
                try:
                    for chunk in response.iter_content(1 << 16):
                        sink.write(chunk)
                        written += len(chunk)
                except requests.RequestException as exc:
                    raise ValueError(
                        _("download of {url} broke off after {written} bytes ({exc})").format(
                            url=url, written=written, exc=exc
                        )
                    ) from exc
        if expected is not None and written != int(expected):
            raise ValueError(
                _("download of {url} stopped after {written} of {expected} bytes").format(
                    url=url, written=written, expected=expected
                )
            )

    def exists(self, url: str) -> bool | None:
        """Return True for HTTP 200, False for 404/403, None when unreachable or failing."""
        import requests

        try:
            response = self.get(url)
        except (requests.ConnectionError, requests.Timeout) as exc:
            if network_down(exc):
                raise _Unreachable(url, exc) from exc
            return None
        with response:
            if response.status_code == 200:
                return True
            if response.status_code in (403, 404):
                return False
            return None


#: errno values of a socket that say the network (not the server) is the problem.
_DOWN_ERRNOS = {errno.ENETUNREACH, errno.EHOSTUNREACH, errno.ECONNREFUSED, errno.ENETDOWN}


class _Unreachable(Exception):
    """A server could not be reached at all (no network, unknown name, refused)."""

    def __init__(self, url: str, error: BaseException) -> None:
        host = url.split("/")[2] if "//" in url else url
        why = re.sub(r"\[Errno -?\d+\] ", "", str(_root_cause(error)))
        super().__init__(f"cannot reach {host}: {why}")


def _root_cause(exc: BaseException) -> BaseException:
    """Find the innermost exception of a chain (e.g. the socket error inside requests')."""
    seen = {id(exc)}
    while True:
        inner = exc.__cause__ or exc.__context__
        if inner is None and exc.args and isinstance(exc.args[0], BaseException):
            inner = exc.args[0]
        reason = getattr(exc, "reason", None)
        if inner is None and isinstance(reason, BaseException):
            inner = reason
        if inner is None or id(inner) in seen:
            return exc
        seen.add(id(inner))
        exc = inner


def network_down(exc: BaseException) -> bool:
    """Tell whether ``exc`` says the network is down or the name cannot be resolved.

    These fail at once and the same way on every try, so they are not retried (a slow or
    busy server, a timeout, is).
    """
    current: BaseException | None = exc
    seen: set[int] = set()
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, socket.gaierror) or type(current).__name__ == "NameResolutionError":
            return True
        if isinstance(current, OSError) and current.errno in _DOWN_ERRNOS:
            return True
        nxt = current.__cause__ or current.__context__ or getattr(current, "reason", None)
        if nxt is None and current.args and isinstance(current.args[0], BaseException):
            nxt = current.args[0]
        current = nxt if isinstance(nxt, BaseException) else None
    return False


def _published_on(http: _Http, nomads: str, mirror: str, run: GfsRun, hour: int) -> str | None:
    """Where the index of ``hour`` of ``run`` exists.

    Returns ``"NOMADS"``, ``"cloud mirror"`` (NOMADS answered: not there),
    ``"cloud mirror, NOMADS unreachable"`` or None (nowhere).
    """
    try:
        on_nomads = http.exists(nomads_file_url(nomads, run, hour) + ".idx")
        nomads_down = None
    except _Unreachable as exc:
        on_nomads, nomads_down = None, exc
    if on_nomads:
        return "NOMADS"
    try:
        on_mirror = http.exists(mirror_file_url(mirror, run, hour) + ".idx")
    except _Unreachable as exc:
        if nomads_down is not None:  # neither answers: the network is down, say so now
            raise GfsDownloadError(
                _(
                    "{nomads_down}; {exc}. Check the internet connection (and any "
                    "proxy), or use forecast files downloaded earlier (--winds FILES)"
                ).format(nomads_down=nomads_down, exc=exc)
            ) from exc
        on_mirror = None
    if on_mirror:
        return "cloud mirror" if on_nomads is False else "cloud mirror, NOMADS unreachable"
    return None


def _choose_run(
    http: _Http,
    requested: str,
    last_hour: int,
    nomads: str,
    mirror: str,
    now: datetime,
    max_runs_back: int,
) -> tuple[GfsRun, str, list[str]]:
    """Pick the run: (run, where it is published, notes for the user)."""
    if requested.strip().lower() != "latest":
        run = GfsRun.parse(requested)
        where = _published_on(http, nomads, mirror, run, last_hour)
        if where is None:
            raise GfsDownloadError(
                _(
                    "GFS run {name} has no forecast hour {last_hour} on NOMADS "
                    "({nomads}) or the cloud mirror ({mirror}): it is not published "
                    "yet, too old for NOMADS and absent from the mirror, or the "
                    "servers are unreachable. Use --run latest or an earlier run."
                ).format(name=run.name, last_hour=last_hour, nomads=nomads, mirror=mirror)
            )
        return run, where, []
    run = GfsRun.newest_possible(now)
    skipped = []
    for _attempt in range(max_runs_back + 1):
        where = _published_on(http, nomads, mirror, run, last_hour)
        if where is not None:
            notes = []
            if skipped:
                notes.append(
                    f"run {skipped[0]} is not published yet (hour {last_hour} missing); "
                    f"using the previous run {run.name}"
                    if len(skipped) == 1
                    else f"runs {', '.join(skipped)} are not published yet (hour {last_hour} "
                    f"missing); using run {run.name}"
                )
            return run, where, notes
        skipped.append(run.name)
        run = run.previous()
    raise GfsDownloadError(
        _(
            "no GFS run with forecast hour {last_hour} found on NOMADS ({nomads}) or "
            "the cloud mirror ({mirror}); tried {items}. Check the network, or ask "
            "for fewer hours (e.g. --hours 0-24)."
        ).format(last_hour=last_hour, nomads=nomads, mirror=mirror, items=", ".join(skipped))
    )


def _area_key(area: Area, fields: Sequence[GfsField]) -> str:
    text = json.dumps([area.as_cds_list(), [(f.variable, f.level) for f in fields]])
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def _fetch_from_nomads(
    http: _Http,
    base: str,
    run: GfsRun,
    hour: int,
    area: Area,
    fields: Sequence[GfsField],
    target: Path,
) -> None:
    http.save(nomads_filter_url(base, run, hour, area, fields), target)
    check_gfs_file(target, fields)


def _fetch_from_mirror(
    http: _Http,
    mirror: str,
    run: GfsRun,
    hour: int,
    area: Area,
    fields: Sequence[GfsField],
    target: Path,
) -> None:
    url = mirror_file_url(mirror, run, hour)
    response = http.get(url + ".idx")
    with response:
        response.raise_for_status()
        index = parse_grib_index(response.text)
    whole = temporary_path(target.parent, target.name + ".global")
    try:
        for first, last in byte_ranges(index, fields):
            span = f"bytes={first}-{'' if last is None else last}"
            http.save(url, whole, headers={"Range": span}, mode="ab")
        check_gfs_file(whole, fields)
        north, west, south, east = area.as_cds_list()
        crop_grib_file(whole, target, north, west, south, east)
        check_gfs_file(target, fields)
    finally:
        whole.unlink(missing_ok=True)


def download_gfs(
    area: Area,
    run: str = "latest",
    hours: Iterable[int] = DEFAULT_FORECAST_HOURS,
    *,
    out_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
    base_url: str | None = None,
    mirror_url: str | None = None,
    levels_hpa: Iterable[int] = GFS_ISOBARIC_LEVELS_HPA,
    timeout: float = 60.0,
    retries: int = 3,
    retry_wait: float = 10.0,
    max_runs_back: int = 4,
    now: datetime | None = None,
    show_progress: bool = True,
    on_file: Callable[[Path, str], None] | None = None,
) -> GfsDownload:
    """Download GFS 0.25-degree forecast GRIB2 files for an area.

    Parameters
    ----------
    area : Area
        Box [degree] (N, W, S, E).
    run : str
        ``"latest"`` or a run name ``YYYYMMDDHH``.
    hours : iterable of int
        Forecast hours [h], default 0..72 every 3 h (see :func:`parse_forecast_hours`).
    out_dir : str or Path, optional
        Where to put the files; default: leave them in the cache directory.
    cache_dir : str or Path, optional
        Cache; default :func:`default_gfs_cache_dir`.
    base_url, mirror_url : str, optional
        NOMADS root and cloud mirror root; default ``$STRATO_GFS_URL`` /
        ``$STRATO_GFS_MIRROR_URL``, else the public servers.
    levels_hpa : iterable of int
        Isobaric levels [hPa]; default all from 1000 to 1 hPa.
    timeout : float
        Seconds per HTTP call [s].
    retries : int
        Tries per HTTP call and per file before giving up on a source.
    retry_wait : float
        Wait before the second try, growing linearly [s].
    max_runs_back : int
        How many earlier runs ``latest`` may fall back to.
    now : datetime, optional
        Current time (UTC) for ``latest``; default the clock.
    show_progress : bool
        Show a Rich progress bar over the hours (on stderr).
    on_file : callable, optional
        Called as ``on_file(path, origin)`` for every file delivered.

    Returns
    -------
    GfsDownload
        Run, hours, files, where each came from, and notes (e.g. fallback to an earlier run).

    Raises
    ------
    GfsDownloadError
        When no source delivers a complete file; no partial file is left behind.
    """
    hours = sorted(set(hours))
    if not hours:
        raise ValueError(_("no forecast hours asked for; e.g. --hours 0-72"))
    unknown = [level for level in levels_hpa if level not in GFS_ISOBARIC_LEVELS_HPA]
    if unknown:
        raise ValueError(
            _(
                "GFS has no isobaric level(s) {unknown} hPa; choose from {GFS_ISOBARIC_LEVELS_HPA}"
            ).format(unknown=unknown, GFS_ISOBARIC_LEVELS_HPA=GFS_ISOBARIC_LEVELS_HPA)
        )
    fields = gfs_fields(levels_hpa)
    nomads = base_url or os.environ.get(ENV_GFS_URL) or DEFAULT_NOMADS_URL
    mirror = mirror_url or os.environ.get(ENV_GFS_MIRROR_URL) or DEFAULT_MIRROR_URL
    cache_root = Path(cache_dir) if cache_dir is not None else default_gfs_cache_dir()
    target_dir = Path(out_dir) if out_dir is not None else None
    http = _Http(timeout, retries, retry_wait)
    try:
        chosen, where, notes = _choose_run(
            http, run, hours[-1], nomads, mirror, now or datetime.now(UTC), max_runs_back
        )
        result = GfsDownload(chosen, hours, [], [], notes)
        nomads_usable = where == "NOMADS"
        if where == "cloud mirror":
            result.notes.append(
                _(
                    "run {name} is not on NOMADS ({nomads}); using the cloud mirror ({mirror})"
                ).format(name=chosen.name, nomads=nomads, mirror=mirror)
            )
        elif not nomads_usable:
            result.notes.append(
                _("NOMADS ({nomads}) is unreachable; using the cloud mirror ({mirror})").format(
                    nomads=nomads, mirror=mirror
                )
            )
        directory = cache_root / chosen.name
        directory.mkdir(parents=True, exist_ok=True)
        key = _area_key(area, fields)
        progress_context: Any = nullcontext()
        if show_progress:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

            progress_context = Progress(
                TextColumn(f"[bold]GFS {chosen.name}[/]"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
            )
        with progress_context as progress:
            task = progress.add_task("", total=len(hours)) if progress is not None else None
            for hour in hours:
                final = directory / f"gfs_{chosen.name}_f{hour:03d}_{key}.grib2"
                if progress is not None:
                    progress.update(task, description=f"f{hour:03d}")
                origin = "cache"
                if not final.is_file():
                    origin, nomads_usable = _fetch_hour(
                        http,
                        nomads,
                        mirror,
                        chosen,
                        hour,
                        area,
                        fields,
                        final,
                        nomads_usable,
                        result.notes,
                    )
                for path in deliver_files([final], target_dir):
                    result.files.append(path)
                    result.origins.append(origin)
                    if on_file is not None:
                        on_file(path, origin)
                if progress is not None:
                    progress.advance(task)
        return result
    finally:
        http.close()


def _fetch_hour(
    http: _Http,
    nomads: str,
    mirror: str,
    run: GfsRun,
    hour: int,
    area: Area,
    fields: Sequence[GfsField],
    final: Path,
    nomads_usable: bool,
    notes: list[str],
) -> tuple[str, bool]:
    """Fetch one hour to ``final``: NOMADS filter first, then the mirror.

    Returns the origin and whether NOMADS should still be tried for later hours.
    """
    import requests

    failures = []
    if nomads_usable:
        for attempt in range(1, http.retries + 1):
            temporary = temporary_path(final.parent, final.name)
            try:
                _fetch_from_nomads(http, nomads, run, hour, area, fields, temporary)
                os.replace(temporary, final)
                return N_("NOMADS"), True
            except (requests.ConnectionError, requests.Timeout) as exc:
                failures.append(
                    _("NOMADS unreachable ({kind}: {exc})").format(
                        kind=exc.__class__.__name__, exc=exc
                    )
                )
                nomads_usable = False
                notes.append(
                    _("NOMADS ({nomads}) unreachable; using the cloud mirror ({mirror})").format(
                        nomads=nomads, mirror=mirror
                    )
                )
                break
            except requests.HTTPError as exc:
                failures.append(_("NOMADS: {exc}").format(exc=exc))
                break
            except ValueError as exc:  # not GRIB, cut short, fields missing: try again
                failures.append(_("NOMADS: {exc}").format(exc=exc))
                if attempt < http.retries:
                    time.sleep(http.retry_wait * attempt)
            finally:
                temporary.unlink(missing_ok=True)
    temporary = temporary_path(final.parent, final.name)
    try:
        _fetch_from_mirror(http, mirror, run, hour, area, fields, temporary)
        os.replace(temporary, final)
        if failures and nomads_usable:
            notes.append(
                _("f{hour:03d} came from the cloud mirror after NOMADS failed").format(hour=hour)
            )
        return N_("cloud mirror"), nomads_usable
    except (requests.RequestException, ValueError) as exc:
        failures.append(_("cloud mirror: {exc}").format(exc=exc))
    finally:
        temporary.unlink(missing_ok=True)
    raise GfsDownloadError(
        f"could not download GFS run {run.name} forecast hour {hour} (file "
        f"{run.file_name(hour)}); nothing was saved for it.\n  "
        + "\n  ".join(failures[-3:])
        + "\nCheck the network and try again later (files already downloaded stay cached)."
    )
