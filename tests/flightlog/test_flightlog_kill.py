"""Kill test: a real ``strato log`` process on a pty, SIGKILLed at random moments, restarted.

Every frame the process reported as recorded (its ``--no-live`` line naming the sentence ids,
printed only after COMMIT returned) must be in the database exactly once after every kill,
and ``PRAGMA integrity_check`` must pass every time.
"""

from __future__ import annotations

import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import tty
from datetime import UTC, datetime
from pathlib import Path

import pytest
from _flightlog_helpers import ukhas_sentence

from flightlog.live_view import parse_ids

ROOT = Path(__file__).resolve().parents[2]
ACK = re.compile(r" recorded \d+ frames .* sentence_ids ([\d,-]+) ")
KILLS = 20


class PayloadWriter(threading.Thread):
    """Write numbered UKHAS sentences to the pty master at about ``rate`` per second."""

    def __init__(self, master: int, rate: float = 50.0) -> None:
        super().__init__(daemon=True)
        self.master, self.interval = master, 1.0 / rate
        self.stop = threading.Event()
        self.sent = 0

    def run(self) -> None:
        while not self.stop.is_set():
            i = self.sent + 1
            sentence = ukhas_sentence("KILL", i, datetime.now(UTC), 52.0 + i * 1e-5, 0.1, 100.0 + i)
            try:
                os.write(self.master, sentence)
            except OSError:
                return
            self.sent = i
            time.sleep(self.interval)


def start_logger(device: str, db: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stratoflight.cli",
            "log",
            device,
            "--protocol",
            "ukhas",
            "--db",
            str(db),
            "--flight",
            "kill-test",
            "--no-live",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )


def collect_acks(process: subprocess.Popen[str], acked: list[int]) -> threading.Thread:
    def read() -> None:
        for line in process.stdout:
            match = ACK.search(line)
            if match:
                acked.extend(parse_ids(match.group(1)))

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    return thread


def check_database(db: Path, acked: list[int]) -> int:
    conn = sqlite3.connect(db)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = dict(
            conn.execute(
                "SELECT sentence_id, count(*) FROM telemetry GROUP BY sentence_id"
            ).fetchall()
        )
        heard = dict(conn.execute("SELECT sentence_id, heard_count FROM telemetry").fetchall())
    finally:
        conn.close()
    missing = [i for i in acked if i not in rows]
    assert not missing, f"acknowledged but not in the database: {missing[:20]}"
    # Exactly once: one telemetry row, made from one stored good frame.
    assert all(rows[i] == 1 and heard[i] == 1 for i in acked)
    return len(rows)


@pytest.mark.slow
def test_sigkill_at_random_moments_loses_no_acknowledged_frame(tmp_path):
    master, slave = os.openpty()
    tty.setraw(slave)  # the test keeps the slave open, so bytes wait while no logger runs
    device = os.ttyname(slave)
    db = tmp_path / "kill.sqlite"
    writer = PayloadWriter(master)
    writer.start()
    rng = random.Random(20260601)
    acked_total: list[int] = []
    try:
        for _ in range(KILLS):
            acked: list[int] = []
            process = start_logger(device, db)
            reader = collect_acks(process, acked)
            if rng.random() < 0.2:
                time.sleep(rng.uniform(0.05, 0.5))  # during start-up (opening, migrating)
            else:
                deadline = time.monotonic() + 10
                while not acked and time.monotonic() < deadline:
                    time.sleep(0.01)
                time.sleep(rng.uniform(0.0, 0.8))  # mid-flight, often inside a commit
            process.send_signal(signal.SIGKILL)
            process.wait(timeout=10)
            reader.join(timeout=5)
            process.stdout.close()
            acked_total += acked
            check_database(db, acked_total)
    finally:
        writer.stop.set()
        writer.join(timeout=5)
        os.close(master)
        os.close(slave)
    assert len(set(acked_total)) == len(acked_total)
    # The test means something only if frames were acknowledged in most rounds.
    assert len(acked_total) > 5 * KILLS, f"only {len(acked_total)} frames acknowledged"


def test_sigterm_stops_cleanly_with_everything_committed(tmp_path):
    master, slave = os.openpty()
    tty.setraw(slave)
    db = tmp_path / "term.sqlite"
    process = start_logger(os.ttyname(slave), db)
    acked: list[int] = []
    reader = collect_acks(process, acked)
    try:
        deadline = time.monotonic() + 20
        sent = 0
        while len(acked) < 5 and time.monotonic() < deadline:
            sent += 1
            os.write(master, ukhas_sentence("TERM", sent, datetime.now(UTC), 52.0, 0.1, 100.0))
            time.sleep(0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
        reader.join(timeout=5)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        os.close(master)
        os.close(slave)
    assert len(acked) >= 5
    conn = sqlite3.connect(db)
    try:
        status = conn.execute("SELECT status FROM flights").fetchone()[0]
        kinds = [r[0] for r in conn.execute("SELECT kind FROM events ORDER BY id")]
        stored = {r[0] for r in conn.execute("SELECT sentence_id FROM telemetry")}
    finally:
        conn.close()
    assert status == "stopped"
    assert kinds[-1] == "recording_stopped"
    assert set(acked) <= stored
