"""Run ERA5 jobs through the real ``cdsapi`` client, atomically and with a cache.

Each :class:`~weather.era5_request.CdsJob` is downloaded to a temporary name in the cache
directory, checked by its magic bytes (a zip is unpacked into its ``.nc`` members) and only
then renamed to its final name; a small manifest written last marks the job complete. A job
whose manifest and files exist is served from the cache without contacting the CDS.

Credentials are those of ``cdsapi`` itself: ``CDSAPI_URL`` / ``CDSAPI_KEY`` or the file named
by ``CDSAPI_RC`` (default ``~/.cdsapirc``).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import warnings
import zipfile
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from pathlib import Path
from typing import Any

from localization import _
from weather.era5_request import CdsJob
from weather.fetch_files import deliver_files, temporary_path, write_text_atomically
from weather.file_sniffing import sniff_format

__all__ = [
    "CDS_KEY_HELP",
    "CdsDownloadError",
    "MissingCdsKeyError",
    "cds_configuration",
    "default_cache_dir",
    "download_era5",
]

LOGGER = logging.getLogger(__name__)

#: How to set up CDS access; part of the missing-key message.
CDS_KEY_HELP = """\
To download ERA5 you need a free Copernicus Climate Data Store account:
  1. register or log in at https://cds.climate.copernicus.eu
  2. copy your personal access token from your profile page,
     https://cds.climate.copernicus.eu/profile
  3. accept the licences of 'ERA5 hourly data on pressure levels'
     and '... on single levels' (dataset page, tab Download)
  4. create the file ~/.cdsapirc with these two lines:
       url: https://cds.climate.copernicus.eu/api
       key: <your personal access token>
Or set the environment variables CDSAPI_URL and CDSAPI_KEY
(CDSAPI_RC names another configuration file).
Old 'UID:KEY' keys stopped working in September 2024."""


class CdsDownloadError(RuntimeError):
    """A CDS download failed; the message says why and what to do."""


class MissingCdsKeyError(CdsDownloadError):
    """No CDS url/key is configured."""


def default_cache_dir() -> Path:
    """Directory where downloaded ERA5 files are kept (per user, e.g. ~/.cache/...)."""
    import platformdirs

    return platformdirs.user_cache_path("stratoflight") / "era5"


def _rc_path() -> Path:
    return Path(os.environ.get("CDSAPI_RC", os.path.expanduser("~/.cdsapirc")))


def cds_configuration() -> tuple[str, str]:
    """Return the CDS (url, key) the way ``cdsapi`` finds them, or explain how to set them.

    Raises
    ------
    MissingCdsKeyError
        If the url or key is missing; the message explains how to create ``~/.cdsapirc``.
    """
    url = os.environ.get("CDSAPI_URL")
    key = os.environ.get("CDSAPI_KEY")
    rc = _rc_path()
    if (url is None or key is None) and rc.is_file():
        for line in rc.read_text(encoding="utf-8", errors="replace").splitlines():
            name, sep, value = line.partition(":")
            if not sep:
                continue
            if name.strip() == "url" and url is None:
                url = value.strip()
            elif name.strip() == "key" and key is None:
                key = value.strip()
    if not url or not key:
        missing = " and ".join(n for n, v in (("url", url), ("key", key)) if not v)
        where = f"{rc} does not exist" if not rc.is_file() else f"{rc} has no {missing}"
        raise MissingCdsKeyError(
            _(
                "no CDS {missing} configured: {where}, and CDSAPI_URL and CDSAPI_KEY "
                "are not both set. {CDS_KEY_HELP}"
            ).format(missing=missing, where=where, CDS_KEY_HELP=CDS_KEY_HELP)
        )
    return url, key


def _make_client(timeout: float, retry_max: int, sleep_max: float) -> Any:
    import cdsapi

    # The client asks the CDS for service messages when it is built and turns a failure
    # into a UserWarning; log it instead so a network problem surfaces once, as our error.
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        client = cdsapi.Client(
            quiet=True,
            progress=False,
            timeout=timeout,
            retry_max=retry_max,
            sleep_max=sleep_max,
        )
    for warning in caught:
        LOGGER.warning("cdsapi: %s", warning.message)
    return client


def _explain_failure(exc: BaseException, job: CdsJob, url: str, key: str) -> str:
    """One message saying what went wrong with ``job`` and what to do about it."""
    import requests

    what = _("CDS download of {label} ({dataset})").format(label=job.label, dataset=job.dataset)
    hint_old_key = (
        "\n"
        + _(
            "Your key looks like an old 'UID:KEY' key; the legacy CDS was closed in "
            "September 2024. Put your new personal access token in ~/.cdsapirc."
        )
        if ":" in key
        else ""
    )
    response = getattr(exc, "response", None)
    status = getattr(response, "status_code", None)
    text = str(exc).strip() or type(exc).__name__
    said = "\n" + _("Server said: {text}").format(text=text)
    if isinstance(exc, requests.HTTPError) and status in (401, 403):
        return (
            _(
                "{what} was refused: the CDS at {url} did not accept the key (HTTP {status}).\n"
                "Check that the key in ~/.cdsapirc (or CDSAPI_KEY) is your current personal "
                "access token from https://cds.climate.copernicus.eu/profile and that you "
                "accepted the dataset licence."
            ).format(what=what, url=url, status=status)
            + hint_old_key
            + said
        )
    if isinstance(exc, requests.HTTPError):
        return (
            _(
                "{what} failed on the CDS side (HTTP {status}); the job was rejected or "
                "failed. Nothing was saved. Check the area, dates and levels, and the CDS "
                "status page https://status.ecmwf.int."
            ).format(what=what, status=status)
            + said
        )
    if isinstance(exc, requests.ConnectionError | requests.Timeout):
        return _(
            "{what} could not reach the CDS at {url}: {text}\n"
            "Check the network connection and the url in ~/.cdsapirc. Nothing was saved; "
            "run the command again to retry."
        ).format(what=what, url=url, text=text)
    name = type(exc).__name__
    if name == "ProcessingFailedError":
        return _("{what} failed: the CDS reported {text}. Nothing was saved.").format(
            what=what, text=text
        )
    if name == "DownloadError":
        return _(
            "{what} stopped before the file was complete: {text}. Nothing was saved."
        ).format(what=what, text=text)
    return _("{what} failed: {text}{hint}. Nothing was saved.").format(
        what=what, text=text, hint=hint_old_key
    )


def _unpack_zip(
    archive: Path, stem: str, directory: Path, pending: list[tuple[Path, Path]]
) -> None:
    """Extract the data members of ``archive`` to temporary names.

    Appends (temporary, final) path pairs to ``pending`` as it goes, so the caller can
    rename them on success and remove them on failure.
    """
    with zipfile.ZipFile(archive) as bundle:
        members = [m for m in bundle.infolist() if not m.is_dir()]
        if not members:
            raise ValueError(
                _("the zip from the CDS ({name}) holds no files").format(name=archive.name)
            )
        for member in members:
            temporary = temporary_path(directory, f"{stem}.member")
            member_stem = Path(member.filename).stem.replace("/", "_")
            pending.append((temporary, directory / f"{stem}__{member_stem}.nc"))
            with bundle.open(member) as source, open(temporary, "wb") as target:
                shutil.copyfileobj(source, target)
            kind = sniff_format(temporary)
            if kind == "grib":
                pending[-1] = (temporary, directory / f"{stem}__{member_stem}.grib")
            elif kind not in ("netcdf3", "netcdf4"):
                raise ValueError(
                    _("zip member {filename!r} is {kind}, not NetCDF/GRIB").format(
                        filename=member.filename, kind=kind
                    )
                )


def _manifest_path(directory: Path, job: CdsJob) -> Path:
    return directory / f"{job.file_stem()}.manifest.json"


def _cached_files(directory: Path, job: CdsJob) -> list[Path] | None:
    """Files of a completed earlier download of ``job``, or None."""
    manifest = _manifest_path(directory, job)
    if not manifest.is_file():
        return None
    try:
        record = json.loads(manifest.read_text(encoding="utf-8"))
        files = [directory / name for name in record["files"]]
    except (ValueError, KeyError, TypeError):
        return None
    if record.get("request") != json.loads(json.dumps(job.request)) or not all(
        f.is_file() for f in files
    ):
        return None
    return files


def _download_job(client: Any, job: CdsJob, directory: Path) -> list[Path]:
    """Download one job into ``directory``; on failure leave nothing behind."""
    stem = job.file_stem()
    download = temporary_path(directory, stem)
    pending: list[tuple[Path, Path]] = []
    try:
        client.retrieve(job.dataset, dict(job.request), str(download))
        kind = sniff_format(download)
        if kind == "zip":
            _unpack_zip(download, stem, directory, pending)
        else:
            pending = [(download, directory / f"{stem}{'.grib' if kind == 'grib' else '.nc'}")]
        for temporary, final in pending:
            os.replace(temporary, final)
        files = [final for _, final in pending]
        write_text_atomically(
            _manifest_path(directory, job),
            json.dumps(
                {
                    "dataset": job.dataset,
                    "request": job.request,
                    "label": job.label,
                    "files": [f.name for f in files],
                },
                indent=1,
            ),
        )
        return files
    finally:
        download.unlink(missing_ok=True)
        for temporary, _ in pending:
            temporary.unlink(missing_ok=True)


def download_era5(
    jobs: Sequence[CdsJob],
    *,
    out_dir: str | Path | None = None,
    cache_dir: str | Path | None = None,
    timeout: float = 60.0,
    retry_max: int = 5,
    sleep_max: float = 30.0,
    show_progress: bool = True,
    on_file: Callable[[Path, bool], None] | None = None,
) -> list[Path]:
    """Download ERA5 jobs through ``cdsapi`` (or serve them from the cache).

    Parameters
    ----------
    jobs : sequence of CdsJob
        From :func:`weather.era5_request.build_era5_jobs`.
    out_dir : str or Path, optional
        Where to put the files; default: leave them in the cache directory.
    cache_dir : str or Path, optional
        Cache directory; default :func:`default_cache_dir`.
    timeout : float
        Seconds per HTTP call [s].
    retry_max : int
        Tries per HTTP call (server errors and network hiccups are retried).
    sleep_max : float
        Longest wait between status polls, and the wait between retries [s].
    show_progress : bool
        Show a Rich progress bar over the jobs (on stderr).
    on_file : callable, optional
        Called as ``on_file(path, from_cache)`` for every file delivered.

    Returns
    -------
    list of Path
        The files written (or found in the cache), in job order.

    Raises
    ------
    MissingCdsKeyError
        If a job must be downloaded and no CDS key is configured.
    CdsDownloadError
        If the CDS rejects the key or the job, the job fails, the network fails or the
        download is incomplete. Completed jobs stay in the cache; no partial file remains.
    """
    cache = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cache.mkdir(parents=True, exist_ok=True)
    target = Path(out_dir) if out_dir is not None else None
    client = None
    url = key = ""
    written: list[Path] = []
    progress_context: Any = nullcontext()
    if show_progress:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        progress_context = Progress(
            TextColumn("[bold]ERA5[/]"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.description}"),
            console=Console(stderr=True),
            transient=False,
        )
    with progress_context as progress:
        task = progress.add_task("", total=len(jobs)) if progress is not None else None
        for job in jobs:
            if progress is not None:
                progress.update(task, description=job.label)
            files = _cached_files(cache, job)
            from_cache = files is not None
            if files is None:
                if client is None:
                    url, key = cds_configuration()
                    client = _make_client(timeout, retry_max, sleep_max)
                try:
                    files = _download_job(client, job, cache)
                except Exception as exc:  # every failure becomes one clear message
                    raise CdsDownloadError(_explain_failure(exc, job, url, key)) from exc
            for path in deliver_files(files, target):
                written.append(path)
                if on_file is not None:
                    on_file(path, from_cache)
            if progress is not None:
                progress.advance(task)
    return written
