"""``strato log`` end to end on file replays, the live view, and argument errors."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta

import pytest
from _flightlog_helpers import ukhas_sentence

from firmware_bridge.transports import RawCaptureWriter
from flightlog import read_flight, read_frames
from flightlog.live_view import LiveView, commit_line, format_ids, parse_chase, parse_ids
from flightlog.phase_observer import PhaseObserver
from flightlog.recorder import RecorderStats
from flightlog.store import FlightStore
from stratoflight.cli import main


def write_replay(path, n=30, garbage=True):
    now = datetime.now(UTC).replace(microsecond=0)
    with open(path, "wb") as handle:
        for i in range(1, n + 1):
            handle.write(
                ukhas_sentence("REPLAY", i, now + timedelta(seconds=i), 52.0, 0.1, 100.0 + 10 * i)
            )
            if garbage and i == 10:
                handle.write(b"$$REPLAY,garbage,no,checksum*0000\n")
    return path


def test_log_replay_no_live_prints_acknowledgements(tmp_path, capsys):
    replay = write_replay(tmp_path / "sentences.txt")
    db = tmp_path / "log.sqlite"
    code = main(
        [
            "log",
            f"file://{replay}",
            "--protocol",
            "ukhas",
            "--db",
            str(db),
            "--flight",
            "replay",
            "--no-live",
            "--callsign",
            "REPLAY",
            "--launch-site",
            "52.0,0.1,100",
        ]
    )
    assert code == 0
    out = capsys.readouterr().out
    acked = [
        i
        for line in out.splitlines()
        if " sentence_ids " in line
        for i in parse_ids(line.split(" sentence_ids ")[1].split(" ")[0])
    ]
    assert acked == list(range(1, 31))
    data, meta = read_flight(db, "replay")
    assert len(data) == 30 and meta["status"] == "stopped"
    assert meta["launch_site"] == {"latitude": 52.0, "longitude": 0.1, "altitude": 100.0}
    frames = read_frames(db, "replay")
    assert (frames["status"] != "ok").sum() == 1  # the garbage line is kept raw, with why


def test_log_max_frames_and_resume(tmp_path, capsys):
    replay = write_replay(tmp_path / "sentences.txt", garbage=False)
    db = tmp_path / "log.sqlite"
    args = [
        "log",
        f"file://{replay}",
        "--protocol",
        "ukhas",
        "--db",
        str(db),
        "--flight",
        "f",
        "--no-live",
    ]
    assert main([*args, "--max-frames", "10"]) == 0
    assert len(read_flight(db, "f")[0]) == 10
    # Same flight again (the replay starts over): the first 30 are all there once.
    assert main(args) == 0
    data, _ = read_flight(db, "f")
    assert sorted(data["sentence_id"]) == list(range(1, 31))
    assert "resuming flight 'f'" in capsys.readouterr().err


def test_log_stores_the_pre_launch_prediction(tmp_path):
    replay = write_replay(tmp_path / "s.txt", n=3, garbage=False)
    prediction = tmp_path / "prediction.json"
    prediction.write_text('{"landing": {"latitude": 52.5, "longitude": 1.0}}')
    db = tmp_path / "log.sqlite"
    assert (
        main(
            [
                "log",
                f"file://{replay}",
                "--db",
                str(db),
                "--flight",
                "p",
                "--no-live",
                "--prediction",
                str(prediction),
            ]
        )
        == 0
    )
    assert read_flight(db, "p")[1]["prediction"] == {
        "landing": {"latitude": 52.5, "longitude": 1.0}
    }


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--chase", "north"], "LAT,LON"),
        (["--launch-site", "52"], "LAT,LON"),
        (["--max-frames", "0"], "positive"),
        (["--protocol", "morse"], "unknown protocol"),
        (["--winds", "sample"], "burst altitude"),
    ],
)
def test_log_argument_errors_exit_2_with_a_reason(tmp_path, capsys, extra, message):
    replay = write_replay(tmp_path / "s.txt", n=1, garbage=False)
    code = main(
        ["log", f"file://{replay}", "--db", str(tmp_path / "x.sqlite"), "--no-live", *extra]
    )
    assert code == 2
    assert message in capsys.readouterr().err


def test_live_view_rows_and_commit_line(tmp_path):
    from _flightlog_helpers import frames_for

    with FlightStore(tmp_path / "log.sqlite", "f") as store:
        result = store.record(frames_for([1, 2, 3]))
    phases = PhaseObserver()
    phases(result)
    stats = RecorderStats(frames_ok=3, frames_bad=1, last_frame_at=datetime.now(UTC))
    view = LiveView("f", stats, phases, chase=parse_chase("52.0,0.1"))
    rows = dict(view.rows())
    assert rows["altitude"] == "1000 m"
    assert rows["frames"].startswith("ok 3  bad 1")
    # 0.0003 deg north and east of the chase point at 52 N: about 39 m, bearing ~32 deg
    # (north 33.4 m, east 20.5 m).
    distance_km, bearing = rows["from chase"].split(" km at ")
    assert float(distance_km) == pytest.approx(0.04, abs=0.01)
    assert float(bearing.split()[0]) == pytest.approx(32, abs=2)
    line = commit_line(result, stats, phases)
    assert " sentence_ids 1-3 " in line and "phase pre_launch" in line


def test_live_view_labels_a_prediction_from_a_synthetic_atmosphere():
    # A landing predicted with the analytic (synthetic) winds must say so on the crew's
    # screen, not only in the stored event (house rule: synthetic data labelled).
    from types import SimpleNamespace

    latest = {
        "landing_latitude": 52.1,
        "landing_longitude": 0.3,
        "landing_time": "2026-06-01T11:00:00+00:00",
        "basis": "descent",
    }
    stats = RecorderStats()
    real = LiveView("f", stats, PhaseObserver(), SimpleNamespace(latest=latest))
    assert "SYNTHETIC" not in dict(real.rows())["predicted landing"]
    fake = SimpleNamespace(latest={**latest, "synthetic_atmosphere": True})
    row = dict(LiveView("f", stats, PhaseObserver(), fake).rows())["predicted landing"]
    assert row.endswith("(descent) SYNTHETIC atmosphere")


def test_sentence_id_runs_round_trip():
    assert format_ids([1, 2, 3, 7, 9, 10]) == "1-3,7,9-10"
    assert format_ids([5, 4]) == "5,4"  # order kept, no sorting
    assert format_ids([]) == "-"
    for ids in ([1, 2, 3, 7, 9, 10], [5, 4], [], [42]):
        assert parse_ids(format_ids(ids)) == ids


def letfik2_sentences(realdata):
    """Flight-day sentences of LetFik2 in time order (latitude < 49.9 N drops the bench
    sentences recorded in Prague on earlier days; see telemetry/SOURCES.md)."""
    with open(realdata / "telemetry" / "LetFik2_HabHub_data.txt", newline="") as handle:
        rows = [
            r
            for r in csv.DictReader(handle)
            if r["time"] >= "08:00:00" and 0 < float(r["latitude"]) < 49.9
        ]
    rows.sort(key=lambda r: r["time"])
    return [r["_sentence"] for r in rows]


@pytest.mark.realdata
def test_real_flight_letfik2_replayed_gives_reference_burst(realdata, tmp_path):
    sentences = letfik2_sentences(realdata)
    # UKHAS carries only a time of day, dated from the receive time. Replaying plain text
    # would date it from "now" (and fail late in the UTC day), so the sentences go into a
    # raw capture received on the flight day, 2017-03-18, at their own times of day.
    replay = tmp_path / "letfik2.capture.jsonl"
    writer = RawCaptureWriter(replay)
    for sentence in sentences:
        time_of_day = sentence.split(",")[1]
        received = datetime.fromisoformat(f"2017-03-18T{time_of_day}+00:00")
        writer.write((sentence + "\n").encode("ascii"), received, source="habhub")
    writer.close()
    db = tmp_path / "log.sqlite"
    assert (
        main(
            [
                "log",
                f"file://{replay}?speed=max",
                "--protocol",
                "ukhas",
                "--db",
                str(db),
                "--flight",
                "fik2",
                "--no-live",
            ]
        )
        == 0
    )
    data, meta = read_flight(db, "fik2")
    assert len(data) == len(sentences)
    events = {e["kind"]: e for e in meta["events"]}
    # Reference (hab_flights/SOURCES.md): max 31400.4 m at 10:48:00 UTC, launch 09:33:00.
    assert events["burst"]["data"]["altitude_m"] == 31400.4
    assert events["burst"]["time"].strftime("%H:%M:%S") == "10:48:00"
    launch = events["launch"]["time"]
    # telemetry/SOURCES.md: lift-off about 09:35 UTC; the climb starts after the 09:35:02
    # sentence (456.0 m) and the next one (09:37:28) is at 1241.6 m.
    assert launch.strftime("%H:%M:%S") == "09:35:02"
    assert data["altitude"].max() == 31400.4
    # The GNSS fix froze at 21525.6 m for 30 min during the descent: no false landing there;
    # the data end mid-descent (last fix 425 m at 11:28:16), so no landing at all.
    assert "landing" not in events


def test_log_until_landed_on_a_synthetic_flight(tmp_path, capsys):
    from _flight_profile import flight_profile

    samples, truth = flight_profile()
    # UKHAS sends times of day; the decoder dates them with the receive date, nearest day
    # first, so the synthetic flight must end before "now" and start less than 12 h ago.
    start = datetime.now(UTC) - timedelta(seconds=samples[-1][0] + 600)
    replay = tmp_path / "flight.txt"
    with open(replay, "wb") as handle:
        for k, (t, h) in enumerate(samples[::5]):
            when = start + timedelta(seconds=t)
            handle.write(ukhas_sentence("SYNTH", k + 1, when, 52.0 + t * 1e-5, 0.1, h))
    db = tmp_path / "log.sqlite"
    assert (
        main(
            [
                "log",
                f"file://{replay}",
                "--protocol",
                "ukhas",
                "--db",
                str(db),
                "--flight",
                "synthetic",
                "--no-live",
                "--until-landed",
            ]
        )
        == 0
    )
    _, meta = read_flight(db, "synthetic")
    assert meta["status"] == "landed"
    kinds = [e["kind"] for e in meta["events"]]
    assert [k for k in kinds if k in ("launch", "float", "burst", "landing")] == [
        "launch",
        "burst",
        "landing",
    ]
    assert "event landing" in capsys.readouterr().out


def test_log_with_live_dashboard_runs_and_records(tmp_path, capsys):
    replay = write_replay(tmp_path / "s.txt", n=5, garbage=False)
    db = tmp_path / "log.sqlite"
    assert (
        main(
            ["log", f"file://{replay}", "--db", str(db), "--flight", "live", "--chase", "52.0,0.0"]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "strato log: live" in out and "from chase" in out
    assert len(read_flight(db, "live")[0]) == 5
