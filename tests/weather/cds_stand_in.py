"""A loopback stand-in for the Copernicus CDS that the real ``cdsapi`` client talks to.

It speaks the new CDS API (OGC API - Processes, ../shared/notes/cds-protocol.md §2, §4) and
the legacy v2 API (§3) on 127.0.0.1, and serves SYNTHETIC ERA5 NetCDF files generated
from each request in the new-CDS layout (§6.1: ``valid_time``, ``pressure_level`` 1000 -> 1,
latitude decreasing, ``expver``, float32). Nothing here reaches the internet.

Each submitted job follows a :class:`JobScript`: the status sequence the polls see, and
what the download does (serve the file, a zip of it, an HTML page, or cut the connection).
"""

from __future__ import annotations

import io
import json
import threading
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import netCDF4
import numpy as np

TOKEN = "b6a8c6f2-0d3e-4c8e-9a51-5d0c2f7e1a11"
LEGACY_KEY = "12345:b6a8c6f2-0d3e-4c8e-9a51-5d0c2f7e1a11"


@dataclass
class JobScript:
    """How one submitted job behaves.

    statuses : what successive status polls report (the last one repeats).
    download : "file" (the NetCDF), "zip" (the NetCDF inside a zip), "html" (an error page
        served as the asset), or "cut" (announce the full size, send half, close).
    failure_title : title of the 400 answer to the results request of a failed job.
    """

    statuses: list[str] = field(default_factory=lambda: ["successful"])
    download: str = "file"
    failure_title: str = "The job has failed"


def _grid(area: list[float], step: float = 0.25) -> tuple[np.ndarray, np.ndarray]:
    north, west, south, east = area
    if east < west:
        east += 360.0
    lat = np.round(np.arange(north, south - step / 2, -step), 6)
    lon = np.round(np.arange(west, east + step / 2, step), 6)
    return lat, lon


def _times(request: dict[str, Any]) -> np.ndarray:
    stamps = sorted(
        datetime(int(y), int(m), int(d), int(t[:2]), tzinfo=UTC).timestamp()
        for y in request["year"]
        for m in request["month"]
        for d in request["day"]
        for t in request["time"]
    )
    return np.array(stamps, dtype=np.int64)


def write_new_cds_netcdf(path: Path, request: dict[str, Any]) -> None:
    """Write a SYNTHETIC ERA5 file for ``request`` in the new-CDS NetCDF-4 layout.

    Pressure-level requests give u, v, z, t on (valid_time, pressure_level, latitude,
    longitude); single-level requests give z (surface geopotential) and lsm on
    (valid_time, latitude, longitude). Values are smooth, plausible made-up fields.
    """
    lat, lon = _grid(request["area"])
    times = _times(request)
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.Conventions = "CF-1.7"
        nc.institution = "European Centre for Medium-Range Weather Forecasts"
        nc.history = "SYNTHETIC test data from tests/weather/cds_stand_in.py"
        nc.createDimension("valid_time", len(times))
        nc.createDimension("latitude", len(lat))
        nc.createDimension("longitude", len(lon))
        number = nc.createVariable("number", "i8")
        number.standard_name = "realization"
        number.assignValue(0)
        vt = nc.createVariable("valid_time", "i8", ("valid_time",))
        vt.units = "seconds since 1970-01-01"
        vt.calendar = "proleptic_gregorian"
        vt[:] = times
        la = nc.createVariable("latitude", "f8", ("latitude",))
        la.units = "degrees_north"
        la.stored_direction = "decreasing"
        la[:] = lat
        lo = nc.createVariable("longitude", "f8", ("longitude",))
        lo.units = "degrees_east"
        lo[:] = lon
        expver = nc.createVariable("expver", str, ("valid_time",))
        for index in range(len(times)):
            expver[index] = "0001"
        lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
        if "pressure_level" in request:
            levels = np.array(sorted((float(p) for p in request["pressure_level"]), reverse=True))
            nc.createDimension("pressure_level", len(levels))
            pl = nc.createVariable("pressure_level", "f8", ("pressure_level",))
            pl.units = "hPa"
            pl.positive = "down"
            pl.stored_direction = "decreasing"
            pl[:] = levels
            dims = ("valid_time", "pressure_level", "latitude", "longitude")
            shape = (len(times), len(levels), len(lat), len(lon))
            # Scale height 7 km: z = g0 * H * ln(p0 / p) (synthetic, roughly standard).
            height = 7000.0 * np.log(1013.25 / levels)
            fields = {
                "u": ("m s**-1", 10.0 + 0.001 * height[:, None, None] + 0 * lat2),
                "v": ("m s**-1", 2.0 + 0.1 * (lon2 - lon2.mean()) + 0 * height[:, None, None]),
                "z": ("m**2 s**-2", 9.80665 * height[:, None, None] + 0 * lat2),
                "t": ("K", np.maximum(288.15 - 0.0065 * height, 216.65)[:, None, None] + 0 * lat2),
            }
        else:
            dims = ("valid_time", "latitude", "longitude")
            shape = (len(times), len(lat), len(lon))
            fields = {
                "z": ("m**2 s**-2", 9.80665 * np.clip(200.0 * (lat2 - lat2.min()), 0, None)),
                "lsm": ("(0 - 1)", (lon2 > lon2.mean()).astype(float)),
            }
        for name, (units, values) in fields.items():
            var = nc.createVariable(name, "f4", dims, fill_value=np.float32(np.nan), zlib=True)
            var.units = units
            var[:] = np.broadcast_to(values, shape).astype(np.float32)


class CdsStandIn:
    """The stand-in server. Use as a context manager; ``url`` is the API root (``.../api``).

    Attributes
    ----------
    requests : list of (method, path)
        Every HTTP request received, in order.
    submitted : list of (dataset, request dict)
        The bodies of the job submissions.
    scripts : list of JobScript
        Behaviour of the next submitted jobs, consumed in order; when empty, jobs succeed.
    """

    def __init__(
        self,
        token: str = TOKEN,
        legacy_key: str = LEGACY_KEY,
        make_file: Callable[[Path, dict[str, Any]], None] = write_new_cds_netcdf,
        workdir: Path | None = None,
    ) -> None:
        self.token = token
        self.legacy_key = legacy_key
        self.make_file = make_file
        self.workdir = workdir
        self.requests: list[tuple[str, str]] = []
        self.submitted: list[tuple[str, dict[str, Any]]] = []
        self.scripts: list[JobScript] = []
        self.jobs: dict[str, dict[str, Any]] = {}
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def root(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:40123``."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        """New-API root to put in CDSAPI_URL."""
        return f"{self.root}/api"

    @property
    def legacy_url(self) -> str:
        """Legacy v2 API root to put in CDSAPI_URL."""
        return f"{self.root}/api/v2"

    def methods(self) -> list[str]:
        """HTTP methods received, in order."""
        return [method for method, _ in self.requests]

    def __enter__(self) -> CdsStandIn:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    # -- job bookkeeping ------------------------------------------------------------------
    def _new_job(self, dataset: str, request: dict[str, Any]) -> str:
        with self._lock:
            self.submitted.append((dataset, request))
            script = self.scripts.pop(0) if self.scripts else JobScript()
            job_id = uuid.uuid4().hex
            self.jobs[job_id] = {"script": script, "request": request, "polls": 0, "data": None}
        return job_id

    def _status(self, job_id: str, advance: bool) -> str:
        job = self.jobs[job_id]
        statuses = job["script"].statuses
        status = statuses[min(job["polls"], len(statuses) - 1)]
        if advance:
            job["polls"] += 1
        return status

    def _payload(self, job_id: str) -> bytes:
        job = self.jobs[job_id]
        if job["data"] is None:
            script: JobScript = job["script"]
            if script.download == "html":
                job["data"] = b"<html><body>502 Bad Gateway</body></html>\n"
            else:
                base = self.workdir
                assert base is not None, "CdsStandIn needs workdir= to generate files"
                path = base / f"{job_id}.nc"
                self.make_file(path, job["request"])
                data = path.read_bytes()
                path.unlink()
                if script.download == "zip":
                    buffer = io.BytesIO()
                    with zipfile.ZipFile(buffer, "w") as bundle:
                        bundle.writestr("data_stream-oper_stepType-instant.nc", data)
                    data = buffer.getvalue()
                job["data"] = data
        return job["data"]

    # -- HTTP -----------------------------------------------------------------------------
    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        stand_in = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
                """Stay quiet."""

            def _send_json(self, code: int, body: Any, extra: dict[str, str] | None = None):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in (extra or {}).items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> Any:
                length = int(self.headers.get("Content-Length") or 0)
                return json.loads(self.rfile.read(length) or b"null")

            def _record(self) -> tuple[str, str]:
                path, _, query = self.path.partition("?")
                stand_in.requests.append((self.command, path))
                return path, query

            def _new_api_authorised(self) -> bool:
                if self.headers.get("PRIVATE-TOKEN") == stand_in.token:
                    return True
                self._send_json(401, {"title": "Authentication failed", "detail": "bad token"})
                return False

            def _legacy_authorised(self) -> bool:
                import base64

                expected = base64.b64encode(stand_in.legacy_key.encode()).decode()
                if self.headers.get("Authorization") == f"Basic {expected}":
                    return True
                self._send_json(401, {"message": "Authorization failed"})
                return False

            def _serve_download(self, job_id: str, head: bool) -> None:
                data = stand_in._payload(job_id)
                script: JobScript = stand_in.jobs[job_id]["script"]
                self.send_response(200)
                self.send_header("Content-Type", "application/octet-stream")
                self.send_header("Content-Length", str(len(data)))
                if script.download == "cut":
                    self.send_header("Connection", "close")
                self.end_headers()
                if head:
                    return
                if script.download == "cut":
                    self.wfile.write(data[: len(data) // 2])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                self.wfile.write(data)

            def do_HEAD(self) -> None:  # noqa: N802
                path, _ = self._record()
                if path.startswith("/download/"):
                    self._serve_download(path.rsplit("/", 1)[1].split(".")[0], head=True)
                else:
                    self._send_json(404, {"title": "not found"})

            def do_DELETE(self) -> None:  # noqa: N802
                self._record()
                self._send_json(200, {"status": "dismissed"})

            def do_POST(self) -> None:  # noqa: N802
                path, _ = self._record()
                parts = path.strip("/").split("/")
                body = self._body()
                if parts[:4] == ["api", "retrieve", "v1", "processes"] and parts[-1] == "execution":
                    if not self._new_api_authorised():
                        return
                    job_id = stand_in._new_job(parts[4], body["inputs"])
                    monitor = f"{stand_in.url}/retrieve/v1/jobs/{job_id}"
                    self._send_json(
                        201,
                        {
                            "jobID": job_id,
                            "status": "accepted",
                            "links": [{"rel": "monitor", "href": monitor}],
                        },
                        {"Location": monitor},
                    )
                elif parts[:3] == ["api", "v2", "resources"]:
                    if not self._legacy_authorised():
                        return
                    job_id = stand_in._new_job(parts[3], body)
                    self._send_json(202, {"state": "queued", "request_id": job_id})
                else:
                    self._send_json(404, {"title": f"no such endpoint {path}"})

            def do_GET(self) -> None:  # noqa: N802
                path, query = self._record()
                parts = path.strip("/").split("/")
                if path == "/api/catalogue/v1/messages":
                    self._send_json(200, {"messages": []})
                elif parts[:4] == ["api", "retrieve", "v1", "processes"]:
                    if self._new_api_authorised():
                        self._send_json(200, {"id": parts[4], "links": [], "inputs": {}})
                elif parts[:4] == ["api", "retrieve", "v1", "jobs"]:
                    if not self._new_api_authorised():
                        return
                    job_id = parts[4]
                    if job_id not in stand_in.jobs:
                        self._send_json(404, {"title": "job not found"})
                        return
                    job_url = f"{stand_in.url}/retrieve/v1/jobs/{job_id}"
                    if len(parts) == 6 and parts[5] == "results":
                        status = stand_in._status(job_id, advance=False)
                        if status == "successful":
                            data = stand_in._payload(job_id)
                            href = f"{stand_in.root}/download/{job_id}.nc"
                            asset = {
                                "href": href,
                                "file:size": len(data),
                                "type": "application/netcdf",
                            }
                            self._send_json(200, {"asset": {"value": asset}})
                        else:
                            title = stand_in.jobs[job_id]["script"].failure_title
                            self._send_json(400, {"title": title, "traceback": "synthetic"})
                        return
                    status = stand_in._status(job_id, advance="log" in query)
                    links = [{"rel": "self", "href": job_url}]
                    if status in ("successful", "failed"):
                        links.append({"rel": "results", "href": f"{job_url}/results"})
                    body = {
                        "jobID": job_id,
                        "status": status,
                        "links": links,
                        "metadata": {"log": []},
                    }
                    self._send_json(200, body)
                elif path == "/api/v2/status.json":
                    self._send_json(200, {"info": [], "warning": []})
                elif parts[:3] == ["api", "v2", "tasks"]:
                    if not self._legacy_authorised():
                        return
                    job_id = parts[3]
                    status = stand_in._status(job_id, advance=True)
                    state = {"successful": "completed"}.get(status, status)
                    reply: dict[str, Any] = {"state": state, "request_id": job_id}
                    if state == "completed":
                        data = stand_in._payload(job_id)
                        reply.update(
                            location=f"/download/{job_id}.nc",
                            content_length=len(data),
                            content_type="application/x-netcdf",
                        )
                    elif state == "failed":
                        title = stand_in.jobs[job_id]["script"].failure_title
                        reply["error"] = {"message": title, "reason": "synthetic failure"}
                    self._send_json(200, reply)
                elif path.startswith("/download/"):
                    self._serve_download(path.rsplit("/", 1)[1].split(".")[0], head=False)
                else:
                    self._send_json(404, {"title": f"no such endpoint {path}"})

        return Handler
