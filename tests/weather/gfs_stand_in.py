"""A loopback stand-in for NOMADS (GRIB filter + data directory) and the GFS cloud mirror.

Serves SYNTHETIC GFS 0.25-degree GRIB2 written with ecCodes (centre kwbc; u, v, gh, t on
isobaric levels, orography and land mask at the surface, plus RH messages the downloader
must skip). Paths, as on the real servers:

- ``/nomads/cgi-bin/filter_gfs_0p25.pl?dir=/gfs.YYYYMMDD/HH/atmos&file=...&lev_..=on&var_..=on
  &subregion=&leftlon=..&rightlon=..&toplat=..&bottomlat=..``
- ``/nomads/pub/data/nccf/com/gfs/prod/gfs.YYYYMMDD/HH/atmos/gfs.tHHz.pgrb2.0p25.fFFF.idx``
- ``/mirror/gfs.YYYYMMDD/HH/atmos/gfs.tHHz.pgrb2.0p25.fFFF[.idx]`` (HTTP Range supported;
  the mirror's files cover a fixed region, standing in for the global files).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import eccodes
import numpy as np

G0 = 9.80665
STEP = 0.25
# (discipline, category, number) of the GRIB2 parameters, WMO GRIB2 code table 4.2
PARAMETERS = {
    "UGRD": (0, 2, 2),
    "VGRD": (0, 2, 3),
    "HGT": (0, 3, 5),
    "TMP": (0, 0, 0),
    "RH": (0, 1, 1),
    "LAND": (2, 0, 0),
}
ISOBARIC_ORDER = ("HGT", "TMP", "RH", "UGRD", "VGRD")
# The mirror's "global" files: a fixed region instead of the whole globe (keeps tests fast).
MIRROR_REGION = (50.0, 0.0, 40.0, 20.0)  # N W S E


def synthetic_value(variable: str, level_hpa: float | None, hour: int, lat, lon):
    """SYNTHETIC, smooth, plausible values [SI or gpm] for a field at grid points."""
    lat = np.asarray(lat, dtype=float)
    lon = np.asarray(lon, dtype=float)
    if level_hpa is None:  # surface
        if variable == "HGT":
            return 100.0 + 10.0 * (lat - 40.0) + 0 * lon  # orography [m]
        return (lon % 360.0 > 10.0).astype(float) + 0 * lat  # land east of 10 E
    height = 7000.0 * np.log(1013.25 / level_hpa)  # scale-height atmosphere [m]
    values = {
        "HGT": height + 5.0 * (lat - 45.0),
        "TMP": max(288.15 - 0.0065 * height, 216.65) + 0.1 * (lat - 45.0),
        "RH": 50.0 + 0 * lat,
        "UGRD": 10.0 + 0.5 * hour + 0.001 * height + 0 * lat,
        "VGRD": -2.0 + 0.1 * (lon % 360.0) + 0 * lat,
    }[variable]
    return np.broadcast_to(values, np.broadcast(lat, lon).shape)


def _message(
    variable: str,
    level_hpa: float | None,
    run: datetime,
    hour: int,
    lat: np.ndarray,
    lon: np.ndarray,
) -> bytes:
    discipline, category, number = PARAMETERS[variable]
    handle = eccodes.codes_grib_new_from_samples("regular_ll_pl_grib2")
    try:
        eccodes.codes_set(handle, "centre", "kwbc")
        eccodes.codes_set(handle, "dataDate", int(f"{run:%Y%m%d}"))
        eccodes.codes_set(handle, "dataTime", run.hour * 100)
        eccodes.codes_set(handle, "discipline", discipline)
        eccodes.codes_set(handle, "parameterCategory", category)
        eccodes.codes_set(handle, "parameterNumber", number)
        if level_hpa is None:
            eccodes.codes_set(handle, "typeOfFirstFixedSurface", 1)
            eccodes.codes_set(handle, "scaleFactorOfFirstFixedSurface", 0)
            eccodes.codes_set(handle, "scaledValueOfFirstFixedSurface", 0)
        else:
            eccodes.codes_set(handle, "typeOfFirstFixedSurface", 100)
            eccodes.codes_set(handle, "scaleFactorOfFirstFixedSurface", 0)
            eccodes.codes_set(handle, "scaledValueOfFirstFixedSurface", int(level_hpa * 100))
        eccodes.codes_set(handle, "stepUnits", 1)
        eccodes.codes_set(handle, "forecastTime", hour)
        eccodes.codes_set(handle, "Ni", len(lon))
        eccodes.codes_set(handle, "Nj", len(lat))
        eccodes.codes_set(handle, "latitudeOfFirstGridPointInDegrees", float(lat[0]))
        eccodes.codes_set(handle, "longitudeOfFirstGridPointInDegrees", float(lon[0] % 360))
        eccodes.codes_set(handle, "latitudeOfLastGridPointInDegrees", float(lat[-1]))
        eccodes.codes_set(
            handle, "longitudeOfLastGridPointInDegrees", float(lon[0] % 360 + (len(lon) - 1) * STEP)
        )
        eccodes.codes_set(handle, "iDirectionIncrementInDegrees", STEP)
        eccodes.codes_set(handle, "jDirectionIncrementInDegrees", STEP)
        eccodes.codes_set(handle, "jScansPositively", 0)
        eccodes.codes_set(handle, "packingType", "grid_simple")
        eccodes.codes_set(handle, "bitsPerValue", 24)
        lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
        values = synthetic_value(variable, level_hpa, hour, lat2, lon2)
        eccodes.codes_set_values(handle, np.ascontiguousarray(values, dtype=float).ravel())
        return eccodes.codes_get_message(handle)
    finally:
        eccodes.codes_release(handle)


def grid(north: float, west: float, south: float, east: float):
    """Grid rows (north to south) and columns (eastward) of the 0.25-degree GFS grid."""
    if east <= west:
        east += 360.0
    lat = np.arange(np.ceil(north / STEP) * STEP, np.floor(south / STEP) * STEP - 1e-9, -STEP)
    lon = np.arange(np.floor(west / STEP) * STEP, np.ceil(east / STEP) * STEP + 1e-9, STEP)
    return lat, lon


def gfs_messages(
    run: datetime,
    hour: int,
    lat,
    lon,
    levels: Iterable[float],
    variables: Iterable[str] = ("UGRD", "VGRD", "HGT", "TMP", "RH", "LAND"),
    surface: bool = True,
) -> list[tuple[str, str, bytes]]:
    """(variable, level text, GRIB2 message) for a forecast hour, in GFS file order."""
    wanted = set(variables)
    out = []
    for level in sorted(levels):
        for variable in ISOBARIC_ORDER:
            if variable in wanted:
                out.append(
                    (variable, f"{level:g} mb", _message(variable, level, run, hour, lat, lon))
                )
    if surface:
        for variable in ("HGT", "LAND"):
            if variable in wanted:
                out.append((variable, "surface", _message(variable, None, run, hour, lat, lon)))
    return out


def write_gfs_grib(
    path: Path,
    run: datetime,
    hour: int,
    area=(47.0, 7.0, 46.0, 8.0),
    levels=(1000, 500, 100, 10, 1),
) -> Path:
    """Write one SYNTHETIC GFS-like GRIB2 forecast file and return its path."""
    lat, lon = grid(*area)
    path.write_bytes(b"".join(m for _, _, m in gfs_messages(run, hour, lat, lon, levels)))
    return path


def inventory(messages: list[tuple[str, str, bytes]], run: datetime, hour: int) -> str:
    """wgrib2-style .idx text for the concatenated messages."""
    lines, offset = [], 0
    step = "anl" if hour == 0 else f"{hour} hour fcst"
    for number, (variable, level, data) in enumerate(messages, start=1):
        lines.append(f"{number}:{offset}:d={run:%Y%m%d%H}:{variable}:{level}:{step}:")
        offset += len(data)
    return "\n".join(lines) + "\n"


class GfsStandIn:
    """NOMADS + mirror stand-in. ``published`` maps run name -> set of forecast hours.

    ``broken`` maps (run name, hour) -> "html" | "truncated" for the NOMADS filter;
    ``mirror_broken`` likewise for the mirror's data file. ``requests`` records
    (method, path) of every request.
    """

    def __init__(self, levels=(1000, 500, 100, 10, 1)) -> None:
        self.levels = tuple(levels)
        self.published: dict[str, set[int]] = {}
        self.broken: dict[tuple[str, int], str] = {}
        self.mirror_broken: dict[tuple[str, int], str] = {}
        self.gone_from_nomads: set[str] = set()  # old runs NOMADS no longer keeps
        self.requests: list[tuple[str, str]] = []
        self._mirror_cache: dict[tuple[str, int], tuple[bytes, str]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def publish(self, run: str, hours: Iterable[int]) -> None:
        """Make ``hours`` of ``run`` (YYYYMMDDHH) available."""
        self.published.setdefault(run, set()).update(hours)

    @property
    def root(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def nomads_url(self) -> str:
        return f"{self.root}/nomads"

    @property
    def mirror_url(self) -> str:
        return f"{self.root}/mirror"

    def paths(self, prefix: str) -> list[str]:
        return [path for _, path in self.requests if path.startswith(prefix)]

    def __enter__(self) -> GfsStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def _run_hour(
        self, directory: str, file_name: str, nomads: bool = False
    ) -> tuple[str, datetime, int] | None:
        dir_match = re.fullmatch(r"/?gfs\.(\d{8})/(\d{2})/atmos/?", directory)
        file_match = re.fullmatch(r"gfs\.t(\d{2})z\.pgrb2\.0p25\.f(\d{3})", file_name)
        if not dir_match or not file_match or dir_match.group(2) != file_match.group(1):
            return None
        name = dir_match.group(1) + dir_match.group(2)
        hour = int(file_match.group(2))
        if hour not in self.published.get(name, set()) or (
            nomads and name in self.gone_from_nomads
        ):
            return None
        run = datetime.strptime(name, "%Y%m%d%H").replace(tzinfo=UTC)
        return name, run, hour

    def _mirror_file(self, name: str, run: datetime, hour: int) -> tuple[bytes, str]:
        key = (name, hour)
        if key not in self._mirror_cache:
            lat, lon = grid(*MIRROR_REGION)
            messages = gfs_messages(run, hour, lat, lon, self.levels)
            self._mirror_cache[key] = (
                b"".join(m for _, _, m in messages),
                inventory(messages, run, hour),
            )
        return self._mirror_cache[key]

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                """Stay quiet."""

            def _send(
                self,
                code: int,
                data: bytes,
                content_type: str = "text/plain",
                extra: dict[str, str] | None = None,
                cut: bool = False,
            ) -> None:
                self.send_response(code)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                if cut:
                    self.send_header("Connection", "close")
                self.end_headers()
                if self.command == "HEAD":
                    return
                self.wfile.write(data[: len(data) // 2] if cut else data)
                if cut:
                    self.close_connection = True

            def do_HEAD(self) -> None:  # noqa: N802
                self.do_GET()

            def do_GET(self) -> None:  # noqa: N802
                parts = urlsplit(self.path)
                stand_in.requests.append((self.command, parts.path))
                if parts.path == "/nomads/cgi-bin/filter_gfs_0p25.pl":
                    self._filter(parse_qs(parts.query, keep_blank_values=True))
                elif parts.path.startswith("/nomads/pub/data/nccf/com/gfs/prod/"):
                    rest = parts.path.removeprefix("/nomads/pub/data/nccf/com/gfs/prod/")
                    self._file(rest, mirror=False)
                elif parts.path.startswith("/mirror/"):
                    self._file(parts.path.removeprefix("/mirror/"), mirror=True)
                else:
                    self._send(404, b"not found")

            def _file(self, rest: str, mirror: bool) -> None:
                directory, _, file_name = rest.rpartition("/")
                is_index = file_name.endswith(".idx")
                found = stand_in._run_hour(
                    directory, file_name.removesuffix(".idx"), nomads=not mirror
                )
                if found is None:
                    self._send(404, b"<html><body>404 Not Found</body></html>", "text/html")
                    return
                name, run, hour = found
                data, index = stand_in._mirror_file(name, run, hour)
                if is_index:
                    self._send(200, index.encode())
                    return
                if not mirror:
                    self._send(200, data, "application/octet-stream")
                    return
                broken = stand_in.mirror_broken.get((name, hour))
                if broken == "html":
                    self._send(200, b"<html>SlowDown</html>", "text/html")
                    return
                match = re.fullmatch(r"bytes=(\d+)-(\d*)", self.headers.get("Range", ""))
                if match:
                    first = int(match.group(1))
                    last = int(match.group(2)) if match.group(2) else len(data) - 1
                    span = f"bytes {first}-{last}/{len(data)}"
                    self._send(
                        206,
                        data[first : last + 1],
                        "application/octet-stream",
                        {"Content-Range": span},
                        cut=broken == "truncated",
                    )
                else:
                    self._send(200, data, "application/octet-stream", cut=broken == "truncated")

            def _filter(self, query: dict[str, list[str]]) -> None:
                found = stand_in._run_hour(
                    query.get("dir", [""])[0], query.get("file", [""])[0], nomads=True
                )
                if found is None:
                    self._send(
                        200, b"<html><body>Data file is not present</body></html>", "text/html"
                    )
                    return
                name, run, hour = found
                broken = stand_in.broken.get((name, hour))
                if broken == "html":
                    self._send(200, b"<html><body>Too many requests</body></html>", "text/html")
                    return
                variables = [k[4:] for k in query if k.startswith("var_")]
                levels = [float(k[4:-3]) for k in query if re.fullmatch(r"lev_[\d.]+_mb", k)]
                lat, lon = grid(
                    float(query["toplat"][0]),
                    float(query["leftlon"][0]),
                    float(query["bottomlat"][0]),
                    float(query["rightlon"][0]),
                )
                messages = gfs_messages(
                    run, hour, lat, lon, levels, variables, surface="lev_surface" in query
                )
                data = b"".join(m for _, _, m in messages)
                self._send(200, data, "application/octet-stream", cut=broken == "truncated")

        return Handler


def recent_run(now: datetime, back: int = 0) -> str:
    """Name of the run ``back`` cycles before the newest one started at ``now``."""
    cycle = now.replace(hour=now.hour - now.hour % 6, minute=0, second=0, microsecond=0)
    return f"{cycle - timedelta(hours=6 * back):%Y%m%d%H}"
