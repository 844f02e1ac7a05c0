"""Every ``strato`` command over a generated table of bad inputs: never a traceback.

For each command and each file it reads, the table makes the file missing, empty,
truncated (the first part of a valid file), random bytes, and a file of the wrong format,
and for each command that writes, a read-only destination. Every case must end with exit
code 2 and a one-line ``error:`` message: a traceback, an "unexpected error" (a bug) or
exit 0 fails the test. Telemetry streams are the one exception: ``strato log`` stores
whatever arrives (garbage is recorded as bad frames, by design), so there only a missing
source must fail, and nothing may raise.

Commands run in-process through typer's CliRunner (fast); the read-only destinations run
as real subprocesses on a read-only file system.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import typer.main
from typer.testing import CliRunner

from stratoflight.cli import app
from tests.weather.era5_fixtures import write_legacy_cds

runner = CliRunner()
KINDS = ("missing", "empty", "truncated", "random", "wrong_format")
WIND_TIME = "2024-03-01T00:00:00Z"  # the first hour of the wind file below


def _run(args: list[str]):
    return runner.invoke(app, args, catch_exceptions=True)


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> dict[str, Path]:
    """One valid file of every kind the commands read, made once."""
    d = tmp_path_factory.mktemp("good")
    files = {"winds": d / "era5.nc", "geojson": d / "zones.geojson"}
    # large enough that a cut falls in the data, where netCDF-C reads on without a word
    grid = tuple(np.arange(43.0, 38.0, -0.5)), tuple(np.arange(-10.0, -5.0, 0.5))
    write_legacy_cds(files["winds"], hours=tuple(range(13)), lats=grid[0], lons=grid[1])
    files["geojson"].write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {
                        "type": "Feature",
                        "properties": {"name": "field"},
                        "geometry": {
                            "type": "Polygon",
                            "coordinates": [[[4, 42], [4.5, 42], [4.5, 42.5], [4, 42]]],
                        },
                    }
                ],
            }
        ),
        encoding="utf-8",
    )
    files["telemetry"] = d / "payload.txt"
    result = _run(
        [
            "simulate",
            "--to",
            f"file://{files['telemetry']}",
            "--speedup",
            "max",
            "--duration",
            "120",
        ]
    )
    assert result.exit_code == 0, result.output
    files["prediction"] = d / "prediction.json"
    result = _run(["predict", "--out", str(files["prediction"])])
    assert result.exit_code == 0, result.output
    files["db"] = d / "flights.sqlite"
    result = _run(
        [
            "log",
            f"file://{files['telemetry']}",
            "--protocol",
            "ukhas",
            "--fields",
            "strato",
            "--flight",
            "rehearsal",
            "--db",
            str(files["db"]),
            "--no-live",
        ]
    )
    assert result.exit_code == 0, result.output
    files["fields"] = d / "fields.txt"
    files["fields"].write_text("satellites int\ncandy_noise\n", encoding="utf-8")
    return files


#: What to give when a command wants a file of the wrong format.
WRONG = {
    "winds": "geojson",
    "geojson": "winds",
    "prediction": "winds",
    "db": "prediction",
    "telemetry": "winds",
    "fields": "winds",
}


def _bad_file(kind: str, what: str, good: dict[str, Path], folder: Path) -> Path:
    """Make the bad version ``kind`` of a file of type ``what`` (``good``: a valid copy)."""
    suffix = good[what].suffix
    if kind == "good":
        path = folder / f"good_{what}{suffix}"
        shutil.copy(good[what], path)
        return path
    path = folder / f"bad_{what}_{kind}{suffix}"
    if kind == "missing":
        return path
    if kind == "empty":
        path.write_bytes(b"")
    elif kind == "truncated":
        data = good[what].read_bytes()
        path.write_bytes(data[: max(1, len(data) * 6 // 10)])
    elif kind == "random":
        path.write_bytes(random.Random(f"{what}{kind}").randbytes(3000))
    else:
        shutil.copy(good[WRONG[what]], path)
    return path


#: (name, file type, args with {X} for the bad file, {OUT} for a fresh folder, {good_*}),
#: kinds for which exit 0 is right (the file is valid for the command).
TABLE: list[tuple[str, str, list[str], frozenset[str]]] = [
    (
        "predict --winds",
        "winds",
        ["predict", "--winds", "{X}", "--lat", "40.5", "--lon", "-8.5", "--time", WIND_TIME],
        frozenset(),
    ),
    ("predict --avoid", "geojson", ["predict", "--ensemble", "3", "--avoid", "{X}"], frozenset()),
    (
        "plan --winds",
        "winds",
        [
            "plan",
            "--winds",
            "{X}",
            "--lat",
            "40.5",
            "--lon",
            "-8.5",
            "--from",
            WIND_TIME,
            "--to",
            "2024-03-01T06:00:00Z",
            "--workers",
            "0",
        ],
        frozenset(),
    ),
    (
        "simulate --winds",
        "winds",
        [
            "simulate",
            "--winds",
            "{X}",
            "--lat",
            "40.5",
            "--lon",
            "-8.5",
            "--to",
            "file://{OUT}/sim.txt",
            "--speedup",
            "max",
        ],
        frozenset(),
    ),
    (
        "log SOURCE",
        "telemetry",
        ["log", "file://{X}", "--db", "{OUT}/log.sqlite", "--no-live"],
        # a telemetry stream is stored whatever it holds (bad frames are recorded)
        frozenset({"empty", "truncated", "random", "wrong_format"}),
    ),
    (
        "log --prediction",
        "prediction",
        [
            "log",
            "file://{good_telemetry}",
            "--db",
            "{OUT}/log.sqlite",
            "--no-live",
            "--prediction",
            "{X}",
        ],
        frozenset(),
    ),
    (
        "log --fields",
        "fields",
        [
            "log",
            "file://{good_telemetry}",
            "--db",
            "{OUT}/log.sqlite",
            "--no-live",
            "--fields",
            "{X}",
        ],
        frozenset({"empty", "truncated"}),  # no extras named / the first extras named
    ),
    (
        "log --winds",
        "winds",
        [
            "log",
            "file://{good_telemetry}",
            "--db",
            "{OUT}/log.sqlite",
            "--no-live",
            "--winds",
            "{X}",
            "--burst-altitude",
            "30000",
        ],
        frozenset(),
    ),
    (
        "log --db",
        "db",
        ["log", "file://{good_telemetry}", "--db", "{X}", "--no-live"],
        frozenset({"missing", "empty"}),  # a new flight log is created there
    ),
    ("flights --db", "db", ["flights", "--db", "{X}"], frozenset()),
    (
        "export --db",
        "db",
        ["export", "--db", "{X}", "--flight", "rehearsal", "--out", "{OUT}/e.csv"],
        frozenset(),
    ),
    (
        "report --db",
        "db",
        ["report", "--db", "{X}", "--flight", "rehearsal", "--out", "{OUT}/r"],
        frozenset(),
    ),
    (
        "report --input",
        "telemetry",
        ["report", "--input", "{X}", "--out", "{OUT}/r"],
        frozenset({"truncated"}),  # a text log cut short is a shorter log, still readable
    ),
    (
        "report --prediction",
        "prediction",
        [
            "report",
            "--db",
            "{good_db}",
            "--flight",
            "rehearsal",
            "--out",
            "{OUT}/r",
            "--prediction",
            "{X}",
        ],
        frozenset(),
    ),
    (
        "report --winds",
        "winds",
        [
            "report",
            "--db",
            "{good_db}",
            "--flight",
            "rehearsal",
            "--out",
            "{OUT}/r",
            "--winds",
            "{X}",
        ],
        frozenset(),
    ),
    ("weather info", "winds", ["weather", "info", "{X}"], frozenset()),
]

#: "good" is the control: the same command with a valid file must succeed, so a row that
#: fails for another reason (a wrong option, a time outside the data) is caught.
CASES = [
    pytest.param(row, kind, id=f"{row[0]}-{kind}") for row in TABLE for kind in ("good", *KINDS)
]


def _fill(args: list[str], bad: Path, out: Path, good: dict[str, Path]) -> list[str]:
    values = {"X": str(bad), "OUT": str(out), **{f"good_{k}": str(v) for k, v in good.items()}}
    return [a.format(**values) for a in args]


def _assert_clean_failure(result, ok_exit_zero: bool, label: str) -> None:
    text = result.output
    assert "Traceback" not in text, f"{label}: traceback\n{text}"
    assert "unexpected error" not in text, f"{label}: a bug, not a clear message\n{text}"
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{label}: raised {result.exception!r}\n{text}")
    if ok_exit_zero and result.exit_code == 0:
        return
    assert result.exit_code == 2, f"{label}: exit {result.exit_code}, want 2\n{text}"
    assert "error:" in text, f"{label}: no error message\n{text}"


@pytest.mark.slow
@pytest.mark.parametrize(("row", "kind"), CASES)
def test_bad_input_gives_one_clear_error(row, kind, good, tmp_path):
    name, what, args, fine = row
    bad = _bad_file(kind, what, good, tmp_path)
    out = tmp_path / "out"
    out.mkdir()
    result = _run(_fill(args, bad, out, good))
    if kind == "good":
        assert result.exit_code == 0, f"{name} with a valid file fails:\n{result.output}"
        return
    _assert_clean_failure(result, kind in fine, f"{name} / {kind}")


def test_every_command_is_in_the_table():
    """A new command must be added to the table (or to the list of commands without files)."""
    group = typer.main.get_command(app)

    def names(cmd, prefix=()):
        if hasattr(cmd, "commands"):
            for sub_name, sub in cmd.commands.items():
                yield from names(sub, (*prefix, sub_name))
        else:
            yield " ".join(prefix)

    covered = {row[2][0] if row[2][0] != "weather" else " ".join(row[2][:2]) for row in TABLE}
    covered |= {
        " ".join(args[:2]) if args[0] in ("weather", "bridge") else args[0]
        for args, _ in VALUE_CASES
    }
    covered |= {"version"}  # reads nothing, writes nothing
    assert set(names(group)) <= covered, set(names(group)) - covered


#: A launch-window study of the built-in sample: site and window.
PLAN_SLOTS = [
    "--lat", "20.86", "--lon", "106.68", "--from", "2025-06-21T00Z", "--to", "2025-06-21T06Z",
]  # fmt: skip

#: Bad values and unusable services, one or more per command: (args, why it is bad).
VALUE_CASES: list[tuple[list[str], str]] = [
    (["predict", "--lat", "95"], "latitude out of range"),
    (["predict", "--time", "yesterday-ish"], "unparsable time"),
    (["predict", "--profile", "descent", "--burst-altitude", "-5"], "negative altitude"),
    (["burst", "--balloon", "NOPE", "--payload", "1"], "unknown balloon"),
    (["burst", "--balloon", "TA800", "--payload", "-1"], "negative payload"),
    (
        ["plan", "--lat", "20.86", "--lon", "106.68",
         "--from", "2025-06-21T06Z", "--to", "2025-06-21T00Z"],  # fmt: skip
        "end before start",
    ),
    (
        [
            "plan",
            "--scheduler",
            "tcp://127.0.0.1:9",
            *PLAN_SLOTS,
        ],
        "--scheduler without --winds",
    ),
    (["simulate", "--to", "/dev/ttyUSB9-not-there"], "missing device"),
    (["simulate", "--speedup", "fast"], "bad speed-up"),
    (
        [
            "log",
            "/dev/ttyUSB9-not-there",
            "--no-live",
            "--duration",
            "0.2",
            "--db",
            "{OUT}/x.sqlite",
            "--protocol",
            "nonsense",
        ],
        "unknown protocol",
    ),
    (["flights", "--db", "{OUT}"], "a folder, not a database"),
    (["serve", "--db", "{OUT}", "--port", "0"], "a folder, not a database"),
    (["serve", "--port", "70000"], "port out of range"),
    (["serve", "--winds", "{OUT}/none.nc", "--port", "0"], "missing wind file"),
    (["serve", "--max-members", "1"], "ensemble cap too small"),
    (
        ["export", "--db", "{OUT}/none.sqlite", "--flight", "x", "--out", "{OUT}/x.csv"],
        "no such flight log",
    ),
    (["report", "--out", "{OUT}/r"], "neither --input nor --flight"),
    (
        [
            "weather",
            "fetch",
            "--area",
            "47",
            "7",
            "46",
            "8",
            "--start",
            "2024-01-01T00Z",
            "--end",
            "2023-01-01T00Z",
        ],
        "end before start",
    ),
    (
        [
            "weather",
            "forecast",
            "--area",
            "22",
            "106",
            "20",
            "108",
            "--base-url",
            "http://127.0.0.1:9",
            "--mirror-url",
            "http://127.0.0.1:9/m",
            "--retries",
            "3",
        ],
        "network unreachable",
    ),
    (["weather", "info"], "no file given"),
    (["bridge", "listen", "file:///nonexistent/capture.txt"], "missing replay file"),
]


@pytest.mark.parametrize(("args", "why"), VALUE_CASES, ids=[w for _, w in VALUE_CASES])
def test_bad_value_gives_one_clear_error(args, why, tmp_path, monkeypatch):
    monkeypatch.setattr("time.sleep", lambda s: pytest.fail(f"slept {s} s: {why}"))
    result = _run([a.format(OUT=tmp_path) for a in args])
    _assert_clean_failure(result, False, why)


def test_export_format_contradicting_the_suffix_is_refused(good, tmp_path):
    out = tmp_path / "x.kml"
    result = _run(
        [
            "export",
            "--db",
            str(good["db"]),
            "--flight",
            "rehearsal",
            "--format",
            "gpx",
            "--out",
            str(out),
        ]
    )
    _assert_clean_failure(result, False, "gpx into .kml")
    assert not out.exists()
    result = _run(["export", "--db", str(good["db"]), "--flight", "rehearsal", "--out", str(out)])
    assert result.exit_code == 0
    import xml.etree.ElementTree as ET

    assert ET.parse(out).getroot().tag.endswith("kml")


def test_unexpected_error_is_short_and_says_where_to_report(monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr("stratoflight.commands.predict._run", broken)
    monkeypatch.delenv("STRATO_DEBUG", raising=False)
    result = _run(["predict"])
    assert result.exit_code == 1
    assert "unexpected error" in result.output and "report" in result.output
    assert "Traceback" not in result.output
    result = _run(["--debug", "predict"])
    assert "Traceback" in result.output and "KeyError" in result.output


# ------------------------------------------------------------ real subprocesses
def _strato() -> list[str]:
    return [
        sys.executable,
        "-c",
        "import sys; from stratoflight.cli import main; sys.exit(main(sys.argv[1:]))",
    ]


def _read_only_runner(folder: Path):
    """A way to run commands with ``folder`` read-only, or skip with the reason."""
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return lambda argv: subprocess.run(argv, capture_output=True, text=True, timeout=300)
    unshare = shutil.which("unshare")
    if unshare is None:
        pytest.skip("running as root without unshare: cannot make a read-only folder")
    probe = subprocess.run(
        [unshare, "-m", "sh", "-c", f"mount -t tmpfs -o ro,size=1m tmpfs {folder} && true"],
        capture_output=True,
        text=True,
    )
    if probe.returncode != 0:
        pytest.skip(f"cannot mount a read-only file system here: {probe.stderr.strip()}")

    def run(argv: list[str]):
        import shlex

        script = f"mount -t tmpfs -o ro,size=1m tmpfs {shlex.quote(str(folder))} && " + " ".join(
            shlex.quote(a) for a in argv
        )
        return subprocess.run(
            [unshare, "-m", "sh", "-c", script], capture_output=True, text=True, timeout=300
        )

    return run


@pytest.mark.slow
def test_read_only_destinations_real_processes(good, tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    run = _read_only_runner(ro)
    commands = {
        "predict": ["predict", "--out", f"{ro}/p.json"],
        "predict --ensemble": ["predict", "--ensemble", "3", "--out", f"{ro}/e.json"],
        "plan": [
            "plan",
            *PLAN_SLOTS,
            "--workers",
            "0",
            "--out",
            f"{ro}/plan",
        ],
        "report": [
            "report",
            "--db",
            str(good["db"]),
            "--flight",
            "rehearsal",
            "--out",
            f"{ro}/report",
        ],
        "export": [
            "export",
            "--db",
            str(good["db"]),
            "--flight",
            "rehearsal",
            "--out",
            f"{ro}/e.gpx",
        ],
        "simulate": [
            "simulate",
            "--to",
            f"file://{ro}/s.txt",
            "--speedup",
            "max",
            "--duration",
            "10",
        ],
        "log": ["log", f"file://{good['telemetry']}", "--db", f"{ro}/log.sqlite", "--no-live"],
    }
    for name, args in commands.items():
        done = run([*_strato(), *args])
        text = done.stdout + done.stderr
        assert "Traceback" not in text, f"{name}: traceback\n{text}"
        assert done.returncode == 2, f"{name}: exit {done.returncode}\n{text}"
        # the flight log's own message (issue 14's store) says "cannot write the flight log"
        said = ("read-only", "cannot write") if name == "log" else ("read-only",)
        assert any(word in text for word in said), f"{name}: unclear\n{text}"
