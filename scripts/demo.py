"""`make demo`: the whole Stratoflight pipeline on the built-in SYNTHETIC sample data.

1. the atmosphere: describe the built-in sample (synthetic, coastal launch site);
2. plan: burst calculator, a prediction (JSON/KML/GeoJSON/GPX/CSV), an ensemble with its
   landing map, and a small launch-window study;
3. fly: a simulated payload sends binary telemetry frames through a pseudo-terminal (a real
   serial device as far as the logger can tell) into `strato log`, which records them in a
   SQLite flight log and re-predicts the landing in flight;
4. record: list the flights and export the flight (CSV, CF-NetCDF, KML, GPX);
5. analyse: the measurement report (summary.json, tables, plots, HTML);
6. serve: `strato serve` on this machine, asked once through its Tawhiri-compatible API
   and once for the logged flight's track, as a chase laptop's map app would.

Everything is written under ``demo-output/``. Every step runs the real ``strato`` command.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from rich.console import Console
from rich.rule import Rule

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demo-output"
STRATO = [sys.executable, "-m", "stratoflight.cli"]
console = Console()

# The simulated flight and the pre-launch prediction use the same planned behaviour, so the
# report's verification compares like with like (the flight itself adds sensor noise).
# Hai Phong, ~15 km from the sea. 21 June is the sample's offshore day (SYNTHETIC winds): the
# flight drifts out towards Cat Ba and the Ha Long islands, so the coast question is real.
LAUNCH_LAT = "20.86"
LAUNCH_LON = "106.68"
LAUNCH_TIME = "2025-06-21T12:00:00Z"
ASCENT_RATE = "5"
BURST_ALTITUDE = "30000"
DESCENT_RATE = "5"
# The logger cannot know the payload is simulated; the name carries it into every product.
FLIGHT_NAME = "SIMULATED-demo"


FLIGHT = [
    "--lat",
    LAUNCH_LAT,
    "--lon",
    LAUNCH_LON,
    "--ascent-rate",
    ASCENT_RATE,
    "--burst-altitude",
    BURST_ALTITUDE,
    "--descent-rate",
    DESCENT_RATE,
]

# An example restricted zone (SYNTHETIC, for the demo only) on the usual drift line.
DEMO_ZONE = {
    "type": "FeatureCollection",
    "features": [
        {
            "type": "Feature",
            "properties": {"name": "Example restricted zone (SYNTHETIC demo zone)"},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [106.95, 20.80],
                        [107.10, 20.80],
                        [107.10, 20.92],
                        [106.95, 20.92],
                        [106.95, 20.80],
                    ]
                ],
            },
        }
    ],
}


def step(title: str) -> None:
    """Print a step heading."""
    console.print(Rule(f"[bold cyan]{title}"))


def run(*args: str, quiet: bool = False, stdout_path: Path | None = None) -> None:
    """Run one `strato` command, echoing it; stop the demo if it fails."""
    console.print(f"[dim]$ strato {' '.join(args)}[/]")
    if stdout_path is not None:
        with open(stdout_path, "w") as handle:
            result = subprocess.run([*STRATO, *args], cwd=ROOT, stdout=handle)
    else:
        result = subprocess.run(
            [*STRATO, *args], cwd=ROOT, stdout=subprocess.DEVNULL if quiet else None
        )
    if result.returncode != 0:
        console.print(f"[bold red]demo step failed (exit {result.returncode}): strato {args[0]}")
        sys.exit(result.returncode)


def serve_once(db: str) -> None:
    """Start `strato serve` on a free loopback port, ask it once as a client would, stop it."""
    import urllib.parse
    import urllib.request

    args = ["serve", "--db", db, "--port", "0"]
    console.print(f"[dim]$ strato {' '.join(args)} &[/]")
    server = subprocess.Popen(
        [*STRATO, *args], cwd=ROOT, stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        base = None
        for line in server.stdout:
            console.print(f"  {line.rstrip()}", highlight=False)
            if line.startswith("map app: "):
                base = line.split("map app: ", 1)[1].strip()
                break
        if base is None:
            console.print("[bold red]demo step failed: strato serve did not start")
            sys.exit(1)
        query = urllib.parse.urlencode({
            "launch_latitude": LAUNCH_LAT, "launch_longitude": LAUNCH_LON,
            "launch_datetime": LAUNCH_TIME, "ascent_rate": ASCENT_RATE,
            "burst_altitude": BURST_ALTITUDE, "descent_rate": DESCENT_RATE,
        })  # fmt: skip
        for name, url in (
            ("tawhiri_answer.json", f"{base}api/v1/?{query}"),
            ("flight_track.geojson", f"{base}api/flights/{FLIGHT_NAME}/track"),
        ):
            console.print(f"[dim]$ curl '{url}'[/]")
            with urllib.request.urlopen(url, timeout=60) as answer:
                (OUT / name).write_bytes(answer.read())
        landing = json.loads((OUT / "tawhiri_answer.json").read_text())["prediction"][-1]
        end = landing["trajectory"][-1]
        console.print(
            f"  Tawhiri-style answer: landing {end['latitude']:.4f} N "
            f"{end['longitude']:.4f} (0..360 E) at {end['datetime']}",
            highlight=False,
        )
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def fly_and_log() -> None:
    """Simulated payload -> pty -> `strato log`, until the logger sees the landing."""
    tty = OUT / "payload-tty"
    db = OUT / "flightlog.sqlite"
    simulate_args = [
        "simulate",
        "--to",
        "pty",
        "--link",
        str(tty),
        "--protocol",
        "frame",
        "--rate",
        "1",
        "--speedup",
        "150",
        "--seed",
        "1",
        "--faults",
        "noise,badcrc",
        "--time",
        LAUNCH_TIME,
        *FLIGHT,
        "--start-delay",
        "3",
    ]
    console.print(f"[dim]$ strato {' '.join(simulate_args)} &[/]")
    simulator = subprocess.Popen(
        [*STRATO, *simulate_args], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        first_line = simulator.stdout.readline().strip() if simulator.stdout else ""
        console.print(f"simulated payload is sending on [bold]{first_line}[/]")
        # In a terminal the crew's live dashboard shows; otherwise the plain per-commit
        # lines go to a file and the flight events are echoed here.
        live = sys.stdout.isatty()
        log_lines = OUT / "strato-log.txt"
        run(
            "log",
            str(tty),
            "--protocol",
            "auto",
            "--db",
            str(db),
            "--flight",
            FLIGHT_NAME,
            "--callsign",
            "STRATOSIM",
            "--synthetic",
            "--prediction",
            str(OUT / "prediction.json"),
            "--winds",
            "sample",
            "--burst-altitude",
            BURST_ALTITUDE,
            "--descent-rate",
            DESCENT_RATE,
            "--prediction-interval",
            "5",
            *([] if live else ["--no-live"]),
            "--until-landed",
            "--duration",
            "240",
            stdout_path=None if live else log_lines,
        )
        if not live:
            for line in log_lines.read_text().splitlines():
                if " event " in line and "clock_offset" not in line:
                    console.print("  " + line[line.index(" event ") + 1 :], highlight=False)
    finally:
        if simulator.poll() is None:
            simulator.send_signal(signal.SIGTERM)
            try:
                simulator.wait(timeout=10)
            except subprocess.TimeoutExpired:
                simulator.kill()
        if simulator.stdout:
            simulator.stdout.close()


def main() -> int:
    """Run the demo pipeline."""
    started = time.perf_counter()
    if OUT.exists():
        shutil.rmtree(OUT)
    OUT.mkdir()
    db = str(OUT / "flightlog.sqlite")

    step("1. The atmosphere (built-in SYNTHETIC sample)")
    run("weather", "info", "--sample")

    step("2. Plan the flight")
    zones = OUT / "demo_zone.geojson"
    zones.write_text(json.dumps(DEMO_ZONE))
    run("burst", "--balloon", "TA800", "--payload", "1.2", "--ascent-rate", ASCENT_RATE)
    run(
        "predict",
        "--time",
        LAUNCH_TIME,
        *FLIGHT,
        *[
            f"--out={OUT / name}"
            for name in (
                "prediction.json",
                "prediction.kml",
                "prediction.geojson",
                "prediction.gpx",
                "prediction.csv",
                "prediction_map.png",
            )
        ],
    )
    run(
        "predict",
        "--time",
        LAUNCH_TIME,
        *FLIGHT,
        "--avoid",
        str(zones),
        "--ensemble",
        "200",
        "--seed",
        "1",
        f"--out={OUT / 'ensemble_map.png'}",
        f"--out={OUT / 'ensemble.kml'}",
        f"--out={OUT / 'ensemble.json'}",
    )
    run(
        "plan",
        *FLIGHT,
        "--from",
        "2025-06-21T00:00Z",
        "--to",
        "2025-06-22T18:00Z",
        "--every",
        "3",
        "--avoid",
        str(zones),
        "--ensemble",
        "20",
        "--workers",
        "0",
        "--out",
        str(OUT / "plan"),
    )

    step("3. Fly a SIMULATED payload through the serial bridge into the flight log")
    fly_and_log()

    step("4. The record")
    run("flights", "--db", db)
    for fmt, suffix in (
        ("csv", "csv"),
        ("netcdf", "nc"),
        ("kml", "kml"),
        ("gpx", "gpx"),
    ):  # no SondeHub JSON: it is for uploading real flights, and refuses simulated ones
        run(
            "export",
            "--db",
            db,
            "--flight",
            FLIGHT_NAME,
            "--format",
            fmt,
            "--out",
            str(OUT / f"flight.{suffix}"),
            quiet=True,
        )

    step("5. Measurement products")
    run("report", "--db", db, "--flight", FLIGHT_NAME, "--out", str(OUT / "report"))

    step("6. Serve the map app and the Tawhiri-compatible API (this machine only)")
    serve_once(db)

    step("Done")
    for path in sorted(OUT.rglob("*")):
        if path.is_file() and path.name != "payload-tty":
            console.print(f"  {path.relative_to(ROOT)}  [dim]{path.stat().st_size:,} B[/]")
    console.print(
        f"\nDemo finished in {time.perf_counter() - started:.0f} s. Open "
        f"[bold]{(OUT / 'report' / 'report.html').relative_to(ROOT)}[/] in a browser. "
        "All data above are SYNTHETIC (built-in sample atmosphere, simulated payload)."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
