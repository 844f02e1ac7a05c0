"""``strato simulate`` and ``strato bridge listen`` end to end."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta

import pytest
from _link_helpers import BridgeThread

from firmware_bridge.bridge import Bridge
from firmware_bridge.stream_decoder import StreamDecoder
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC
from stratoflight.cli import main
from weather import SAMPLE_LAUNCH_SITE


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.slow
def test_simulate_to_file_is_reproducible_and_decodes(tmp_path, capsys):
    paths = [tmp_path / "a.log", tmp_path / "b.log"]
    for path in paths:
        code, out, err = run_cli(
            capsys,
            "simulate",
            "--to",
            f"file://{path}",
            "--protocol",
            "ukhas",
            "--speedup",
            "max",
            "--duration",
            "60",
            "--seed",
            "3",
            "--faults",
            "badcrc=0.1",
        )
        assert code == 0, err
        assert out.splitlines()[0] == f"file://{path}"
        assert "SIMULATED" in err
    assert paths[0].read_bytes() == paths[1].read_bytes()  # same seed, same bytes

    launch = datetime(2025, 6, 21, 12, 0, tzinfo=UTC)  # the sample atmosphere's default
    decoder = StreamDecoder("ukhas", field_spec=STRATO_UKHAS_FIELD_SPEC)
    # UKHAS sends the time of day only: date it as if received at launch
    frames = decoder.feed(paths[0].read_bytes(), received_at=launch) + decoder.flush(launch)
    ok = [f for f in frames if f.ok]
    bad = [f for f in frames if f.status == "bad_checksum"]
    assert len(ok) + len(bad) == 61  # 60 s at 1 Hz, both ends included
    assert len(bad) > 0  # seed 3 with 10 % badcrc corrupts some of the 61 frames
    first = ok[0].fields
    # the default launch: the sample atmosphere's Hai Phong site at 2025-06-21 12:00 UTC
    assert first["latitude"] == pytest.approx(SAMPLE_LAUNCH_SITE.latitude, abs=1e-3)
    assert first["longitude"] == pytest.approx(SAMPLE_LAUNCH_SITE.longitude, abs=1e-3)
    assert first["payload_time"] == launch + timedelta(seconds=first["sentence_id"] - 1)
    assert 90_000 < first["pressure"] < 102_000  # near the ground
    assert all(f.fields["callsign"] == "STRATOSIM" for f in ok)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--protocol", "morse"], "unknown"),
        (["--faults", "lightning"], "unknown fault"),
        (["--speedup", "-2"], "--speedup must be a positive number"),
        (["--protocol", "jsonl", "--faults", "badcrc"], "no checksum"),
        (["--time", "yesterday"], "not an ISO 8601 time"),
        (["--to", "gopher://x:1"], "unknown source scheme"),
        (["--start-delay", "-1"], "--start-delay must be"),
    ],
)
def test_simulate_rejects_bad_input_with_exit_2(tmp_path, capsys, args, message):
    base = ["simulate", "--to", f"file://{tmp_path}/x.log", "--duration", "5", "--speedup", "max"]
    code, _, err = run_cli(capsys, *base, *args)
    assert code == 2
    assert message in " ".join(err.split())


def test_bridge_listen_prints_frames_of_a_replayed_capture(tmp_path, capsys):
    capture = tmp_path / "sim.capture.jsonl"
    code, _, err = run_cli(
        capsys,
        "simulate",
        "--to",
        f"file://{capture}?format=capture",
        "--protocol",
        "nmea",
        "--speedup",
        "max",
        "--duration",
        "9",
    )
    assert code == 0, err
    code, out, err = run_cli(
        capsys, "bridge", "listen", f"file://{capture}?speed=max", "--protocol", "nmea"
    )
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 20  # 10 points, each a GGA and an RMC sentence
    assert all(line.startswith("12:00:") and " nmea " in line for line in lines)
    assert "ok 20" in err and "LINK link_opened" in err


@pytest.mark.slow
def test_simulate_to_pty_prints_the_path_first_and_a_logger_can_read_it(tmp_path):
    link = tmp_path / "ttySIM"
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stratoflight.cli",
            "simulate",
            "--to",
            "pty",
            "--link",
            str(link),
            "--protocol",
            "ukhas",
            "--speedup",
            "40",
            "--duration",
            "40",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
    )
    try:
        first_line = proc.stdout.readline().decode().strip()
        assert first_line == str(link)
        bridge = Bridge(
            first_line,
            "ukhas",
            read_timeout=0.05,
            max_backoff=0.2,
            field_spec=STRATO_UKHAS_FIELD_SPEC,
            reconnect=False,
        )
        with BridgeThread(bridge) as run:
            proc.wait(60)
            done = threading.Event()
            done.wait(0.5)  # the bridge reads the last bytes, then sees the pty vanish
        assert proc.returncode == 0, proc.stderr.read().decode()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    ids = [f.fields["sentence_id"] for f in run.frames() if f.ok]
    # frames sent before the bridge opened the pty may be missed; after that, none
    assert ids and ids == list(range(ids[0], 42))  # 40 s at 1 Hz: sentence ids 1..41
    assert len(ids) >= 20
    assert not link.exists()  # the simulator removed its link on exit


def test_bridge_listen_rejects_an_unknown_protocol(capsys):
    code, _, err = run_cli(capsys, "bridge", "listen", "loop://", "--protocol", "morse")
    assert code == 2 and "unknown protocol" in err


@pytest.mark.parametrize(("fields", "named"), [("strato", True), ("none", False)])
def test_bridge_listen_names_ukhas_extras_with_fields(tmp_path, capsys, fields, named):
    sentences = tmp_path / "sim.txt"
    code, _, err = run_cli(
        capsys, "simulate", "--to", f"file://{sentences}", "--speedup", "max", "--duration", "2"
    )
    assert code == 0, err
    code, out, err = run_cli(
        capsys, "bridge", "listen", f"file://{sentences}?speed=max", "--fields", fields
    )
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3  # 2 s at 1 Hz, both ends included
    # with the strato spec the pressure is printed in Pa (near the ground: ~1000 hPa)
    for line in lines:
        if not named:
            assert " p " not in line
        else:
            pressure = float(line.split(" p ")[1].split()[0])
            assert 90_000 < pressure < 102_000
