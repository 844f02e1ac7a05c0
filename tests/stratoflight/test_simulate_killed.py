"""A killed ``strato simulate`` reports the frames it really sent, not the ones planned."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time

import pytest


@pytest.mark.slow
def test_sigterm_reports_only_frames_sent(tmp_path):
    out = tmp_path / "sent.txt"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from stratoflight.cli import main; sys.exit(main(sys.argv[1:]))",
            "simulate",
            "--to",
            f"file://{out}",
            "--speedup",
            "200",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline()  # the target: sending starts now
        deadline = time.monotonic() + 60
        while (not out.exists() or out.stat().st_size < 2000) and time.monotonic() < deadline:
            time.sleep(0.1)
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "Traceback" not in err
    sent_lines = out.read_bytes().count(b"\n")
    match = re.search(r"sent (\d+) of (\d+) planned frames", err)
    assert match, err
    sent, planned = int(match.group(1)), int(match.group(2))
    assert 0 < sent < planned
    assert sent == sent_lines
    assert f"frames_sent {sent}," in err.replace("\n", " ")
