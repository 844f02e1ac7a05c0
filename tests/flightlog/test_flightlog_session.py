"""``run_logging_session``: the wiring of ``strato log`` called as a library (no subprocess)."""

from __future__ import annotations

import io
import os
import sqlite3
import threading
import time
import tty
from datetime import UTC, datetime, timedelta

import pytest
from _flightlog_helpers import ukhas_sentence
from rich.console import Console

from firmware_bridge.transports import RawCaptureWriter
from flightlog import read_flight, read_frames, run_logging_session
from flightlog.live_view import parse_chase, parse_ids
from flightlog.store import StoreWriteError

# a recorded day (SYNTHETIC sentences); payload clock = receive clock, so no clock events
START = datetime(2026, 6, 1, 9, 0, 0, tzinfo=UTC)


def write_capture(path, n, spacing=1.0, garbage_after=None):
    """A raw capture (as ``strato bridge --capture`` writes) of ``n`` UKHAS sentences."""
    with RawCaptureWriter(path) as writer:
        for i in range(1, n + 1):
            when = START + timedelta(seconds=spacing * i)
            writer.write(
                ukhas_sentence("SESS", i, when, 52.0, 0.1, 100.0 + 10 * i), when, "serial:/dev/x"
            )
            if i == garbage_after:
                writer.write(b"$$SESS,garbage,no,checksum*0000\n", when, "serial:/dev/x")
    return path


def acked_ids(lines):
    """Sentence ids named by the per-commit 'recorded' lines."""
    return [
        i
        for line in lines
        if " recorded " in line
        for i in parse_ids(line.split(" sentence_ids ")[1].split(" ")[0])
    ]


def test_replay_of_a_capture_records_everything_and_resumes(tmp_path):
    capture = write_capture(tmp_path / "s.capture.jsonl", 12, garbage_after=5)
    db = tmp_path / "log.sqlite"
    source = f"file://{capture}?speed=max"
    lines: list[str] = []
    notices: list[str] = []
    summary = run_logging_session(
        source,
        protocol="ukhas",
        db_path=db,
        flight="s",
        callsign="SESS",
        launch_site={"latitude": 52.0, "longitude": 0.1},
        on_line=lines.append,
        on_notice=notices.append,
    )
    assert acked_ids(lines) == list(range(1, 13))  # every good frame reported, in order
    stats = summary.stats
    assert (stats.frames_ok, stats.frames_bad, stats.duplicates) == (12, 1, 0)
    assert summary.complete and summary.status == "stopped" and not summary.resumed
    assert summary.flight == "s" and summary.db_path == db
    assert notices == [
        f"recording flight 's' from file:{capture} into {db} (WAL, synchronous=FULL; "
        f"if the disk fails, unsaved items go to {db}.s.unsaved.jsonl)"
    ]
    assert summary.report() == [
        f"stopped: 12 good and 1 bad frames recorded in {stats.commits} commits (0 duplicates)"
    ]
    data, meta = read_flight(db, "s")
    assert len(data) == 12 and meta["status"] == "stopped" and meta["callsign"] == "SESS"
    assert meta["settings"] == {
        "protocol": "ukhas",
        "baud": 9600,
        "fields": "none",
        "burst_altitude": None,
        "descent_rate": 5.0,
        "source": source,
    }
    assert (read_frames(db, "s")["status"] != "ok").sum() == 1  # garbage kept raw

    # the same capture again: the flight resumes and every frame is a duplicate
    notices.clear()
    again = run_logging_session(
        source,
        protocol="ukhas",
        db_path=db,
        flight="s",
        on_line=lines.append,
        on_notice=notices.append,
    )
    assert again.resumed and notices[0].startswith("resuming flight 's'")
    assert again.stats.duplicates == 12
    assert len(read_flight(db, "s")[0]) == 12


def test_stop_event_ends_a_real_time_replay_early(tmp_path):
    # 40 sentences 0.1 s apart, replayed at real speed: 4 s unless stopped
    capture = write_capture(tmp_path / "slow.capture.jsonl", 40, spacing=0.1)
    stop = threading.Event()
    lines: list[str] = []

    def first_commit_stops(line: str) -> None:
        lines.append(line)
        stop.set()

    summary = run_logging_session(
        f"file://{capture}?speed=1",
        protocol="ukhas",
        db_path=tmp_path / "log.sqlite",
        flight="early",
        on_line=first_commit_stops,
        on_notice=[].append,
        stop=stop,
    )
    # stopped after the first commit: the rest of the 4 s replay was never read
    assert lines and 1 <= summary.stats.frames_ok < 40
    assert summary.complete and summary.status == "stopped"


def test_live_dashboard_draws_on_the_given_console_and_prints_no_lines(tmp_path):
    capture = write_capture(tmp_path / "s.capture.jsonl", 3)
    screen = io.StringIO()
    lines: list[str] = []
    summary = run_logging_session(
        f"file://{capture}?speed=max",
        protocol="ukhas",
        db_path=tmp_path / "log.sqlite",
        flight="dash",
        chase=parse_chase("52.0,0.0"),
        live=True,
        console=Console(file=screen, width=100),
        on_line=lines.append,
        on_notice=[].append,
    )
    assert summary.stats.frames_ok == 3 and lines == []
    assert "strato log: dash" in screen.getvalue() and "from chase" in screen.getvalue()


class PtyPayload(threading.Thread):
    """Write the flight's sentences to a pty master, then a ground fix every 0.05 s."""

    def __init__(self, master: int, flight: list[bytes], ground) -> None:
        super().__init__(daemon=True)
        self.master, self.flight, self.ground = master, flight, ground
        self.stop = threading.Event()

    def run(self) -> None:
        try:
            for sentence in self.flight:
                os.write(self.master, sentence)
            k = 0
            while not self.stop.wait(0.05):
                k += 1
                os.write(self.master, self.ground(k))
        except OSError:  # the test closed the pty
            return


def test_until_landed_stops_a_live_link_and_runs_inflight_predictions(tmp_path):
    from _flight_profile import flight_profile

    from weather.analytic_atmosphere import AnalyticAtmosphere, uniform_wind

    samples, _ = flight_profile()  # SYNTHETIC: 5 m/s up to 30 km, then down, 180 s on ground
    # UKHAS sends times of day, dated with the receive date (nearest day): the flight and
    # the ground fixes after it all lie in the last few hours before now.
    start = datetime.now(UTC) - timedelta(seconds=samples[-1][0] + 1800)
    # the latitude creeps so that no fix repeats the previous one (repeats are stale)
    flight = [
        ukhas_sentence("SYNTH", k + 1, start + timedelta(seconds=t), 52.0 + t * 1e-5, 0.1, h)
        for k, (t, h) in enumerate(samples[::5])
    ]
    after = start + timedelta(seconds=samples[-1][0])

    def ground(k: int) -> bytes:  # the payload keeps sending from the ground (5 s steps)
        when = after + timedelta(seconds=5 * k)
        return ukhas_sentence("SYNTH", len(flight) + k, when, 53.0 + k * 1e-4, 0.1, 100.0)

    master, slave = os.openpty()
    tty.setraw(slave)
    payload = PtyPayload(master, flight, ground)
    lines: list[str] = []
    backstop = 60.0  # [s] the session's duration limit, far above the expected few seconds
    started = time.monotonic()
    try:
        payload.start()
        summary = run_logging_session(
            os.ttyname(slave),
            protocol="ukhas",
            db_path=tmp_path / "log.sqlite",
            flight="landed",
            baud=115200,
            atmosphere=AnalyticAtmosphere(uniform_wind(5.0, 0.0)),
            burst_altitude=30000.0,
            prediction_interval=0.0,
            until_landed=True,
            duration=backstop,
            on_line=lines.append,
            on_notice=[].append,
        )
    finally:
        payload.stop.set()
        payload.join(timeout=5)
        os.close(master)
        os.close(slave)
    # the landing ended the session, not the duration limit nor the (endless) link
    assert time.monotonic() - started < backstop - 10
    kinds = [e.kind for e in summary.stats.events]
    assert summary.status == "landed" and "landing" in kinds
    assert "prediction" in kinds  # the in-flight predictor was wired in and recorded
    assert any(" event landing" in line for line in lines)
    _, meta = read_flight(tmp_path / "log.sqlite", "landed")
    assert meta["status"] == "landed" and meta["settings"]["burst_altitude"] == 30000.0


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"protocol": "morse"}, ValueError, "unknown protocol"),
        ({"max_frames": 0}, ValueError, "max_frames must be a positive"),
        ({"prediction_interval": -1.0}, ValueError, "prediction_interval"),
        ({"atmosphere": object()}, ValueError, "burst_altitude"),
        ({"fields": "no-such-spec-file.txt"}, ValueError, "no-such-spec-file"),
    ],
)
def test_bad_arguments_raise_before_the_database_is_touched(tmp_path, kwargs, error, match):
    capture = write_capture(tmp_path / "s.capture.jsonl", 1)
    db = tmp_path / "log.sqlite"
    with pytest.raises(error, match=match):
        run_logging_session(f"file://{capture}", db_path=db, on_notice=[].append, **kwargs)
    assert not db.exists()


def test_missing_replay_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="does not exist"):
        run_logging_session(f"file://{tmp_path / 'nothing.txt'}", db_path=tmp_path / "x.sqlite")


def test_unwritable_database_raises_store_write_error(tmp_path, monkeypatch):
    """Another connection holds the write lock: opening the flight fails after the busy wait.

    ``strato log`` turns exactly this error into its "give another --db PATH" message.
    """
    monkeypatch.setattr("flightlog.schema.BUSY_TIMEOUT_MS", 200)  # not the 5 s default wait
    capture = write_capture(tmp_path / "s.capture.jsonl", 1)
    db = tmp_path / "log.sqlite"
    run_logging_session(f"file://{capture}", db_path=db, flight="a", on_notice=[].append)
    blocker = sqlite3.connect(db, isolation_level=None)
    try:
        blocker.execute("BEGIN EXCLUSIVE")
        with pytest.raises(StoreWriteError):
            run_logging_session(f"file://{capture}", db_path=db, flight="b", on_notice=[].append)
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()


def test_write_errors_are_announced_and_nothing_is_lost(tmp_path, monkeypatch):
    """Another connection holds the write lock for 0.5 s mid-session: the session says so
    (WRITE ERROR notices), keeps the frames in memory and writes them once the lock is gone.
    """
    monkeypatch.setattr("flightlog.schema.BUSY_TIMEOUT_MS", 50)  # fail fast while locked
    capture = write_capture(tmp_path / "s.capture.jsonl", 20, spacing=0.05)  # 1 s at speed 1
    db = tmp_path / "log.sqlite"
    blocker = sqlite3.connect(db, isolation_level=None, check_same_thread=False)
    released = threading.Event()

    def release() -> None:
        blocker.execute("ROLLBACK")
        released.set()

    timer = threading.Timer(0.5, release)

    def lock_after_first_commit(line: str) -> None:
        if not timer.is_alive() and not released.is_set():
            blocker.execute("BEGIN EXCLUSIVE")
            timer.start()

    notices: list[str] = []
    try:
        summary = run_logging_session(
            f"file://{capture}?speed=1",
            protocol="ukhas",
            db_path=db,
            flight="locked",
            on_line=lock_after_first_commit,
            on_notice=notices.append,
        )
    finally:
        timer.cancel()
        released.wait(timeout=5)
        blocker.close()
    assert any(n.startswith("[bold red]WRITE ERROR[/]") for n in notices)
    assert summary.complete and summary.status == "stopped"
    data, meta = read_flight(db, "locked")
    assert sorted(data["sentence_id"]) == list(range(1, 21))
    kinds = [e["kind"] for e in meta["events"]]
    assert "write_error" in kinds and "write_recovered" in kinds
