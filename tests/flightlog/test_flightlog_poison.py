"""One bad frame never costs a good one: poison frames, absurd dates, loose numbers, deep JSON.

Each test carries the raw bytes of the hostile case (SYNTHETIC telemetry).
"""

from __future__ import annotations

import csv
import json
from datetime import UTC, datetime, timedelta

import pytest
from _flightlog_helpers import T0, frames_for

from firmware_bridge.frame import Frame, RawChunk
from firmware_bridge.jsonl import parse_jsonl
from firmware_bridge.transports import RawCaptureWriter
from firmware_bridge.ukhas import parse_ukhas
from flightlog import FlightStore, list_flights, read_flight, read_frames
from flightlog.exports import export_flight
from flightlog.recorder import Recorder
from stratoflight.cli import main

#: A JSON line whose callsign is a lone UTF-16 surrogate: valid JSON, not storable UTF-8.
POISON = b'{"callsign":"\\ud800","sentence_id":7,"latitude_deg":20.8,"longitude_deg":106.7,"altitude_m":100}\n'  # noqa: E501


def json_line(i: int, when: datetime) -> bytes:
    return (
        json.dumps(
            {
                "callsign": "HAIPHONG1",
                "sentence_id": i,
                "payload_time_utc": when.isoformat().replace("+00:00", "Z"),
                "latitude_deg": 20.8 + i * 1e-5,
                "longitude_deg": 106.7 + i * 1e-5,
                "altitude_m": 100.0 + i,
            }
        ).encode()
        + b"\n"
    )


def log(db, source, flight="f", *extra) -> int:
    return main(
        ["log", source, "--protocol", "jsonl", "--db", str(db), "--flight", flight, "--no-live"]
        + list(extra)
    )


def test_a_poison_frame_every_100_costs_no_good_frame(tmp_path, capsys):
    replay = tmp_path / "poisoned.jsonl"
    now = datetime.now(UTC).replace(microsecond=0)
    good = 0
    with open(replay, "wb") as handle:
        for i in range(1, 2001):
            if i % 100 == 0:
                handle.write(POISON)
            else:
                handle.write(json_line(i, now + timedelta(seconds=i)))
                good += 1
    db = tmp_path / "log.sqlite"
    assert log(db, f"file://{replay}") == 0
    err = capsys.readouterr().err
    data, meta = read_flight(db, "f")
    assert len(data) == good == 1980  # every good frame is telemetry
    frames = read_frames(db, "f")
    quarantined = frames[frames["status"] == "quarantined"]
    assert len(quarantined) == 20
    assert set(quarantined["raw"]) == {POISON}  # kept raw, byte for byte
    assert quarantined["error"].str.contains("UnicodeEncodeError").all()
    assert "surrogate" in quarantined["error"].iloc[0]
    assert meta["frames_left_out"] == {"quarantined": 20}
    assert "20 items quarantined" in " ".join(meta["notes"])
    # The spill file is for storage failures only: none was written, and nobody blamed the disk.
    assert not list(tmp_path.glob("*.unsaved.jsonl*"))
    assert "WRITE ERROR" not in err and "20 items quarantined" in err
    assert list_flights(db)[0]["quarantined_frames"] == 20


def test_store_quarantines_the_item_and_commits_the_rest_of_its_batch(tmp_path):
    poison = parse_jsonl(POISON, received_at=T0)
    assert poison.ok and poison.fields["callsign"] == "\ud800"
    items = [*frames_for([1, 2]), RawChunk(POISON, T0, "serial:/dev/test"), poison]
    items += frames_for([3])
    items.append("an object the store does not know")  # a bug upstream: kept, not fatal
    with FlightStore(tmp_path / "log.sqlite", "f") as store:
        result = store.record(items)
    assert result.good_frames == 3 and result.quarantined == 2
    frames = read_frames(tmp_path / "log.sqlite", "f")
    assert list(frames["status"]) == ["ok", "ok", "quarantined", "ok", "quarantined"]
    assert frames["raw"].iloc[2] == POISON
    assert "TypeError" in frames["error"].iloc[4]


ABSURD_DATES = [
    b'{"callsign":"HP","sentence_id":1,"payload_time_utc":"2300-01-01T00:00:00Z","latitude_deg":20.8,"longitude_deg":106.7,"altitude_m":100}\n',  # noqa: E501
    b'{"callsign":"HP","sentence_id":2,"payload_time_utc":"0001-01-01T00:00:00Z","latitude_deg":20.8,"longitude_deg":106.7,"altitude_m":100}\n',  # noqa: E501
]


def test_absurd_dates_are_kept_raw_and_never_break_exports_or_the_report(tmp_path):
    capture = tmp_path / "capture.jsonl"
    now = datetime.now(UTC).replace(microsecond=0)
    with RawCaptureWriter(capture) as writer:
        for i in range(3, 13):
            writer.write(json_line(i, now + timedelta(seconds=i)), now + timedelta(seconds=i))
        for line in ABSURD_DATES:
            writer.write(line, now + timedelta(seconds=20))
        # A receive time of year 2300 in the capture itself.
        writer.write(json_line(99, now), datetime(2300, 1, 1, tzinfo=UTC))
    db = tmp_path / "log.sqlite"
    assert log(db, f"file://{capture}?speed=max") == 0
    data, meta = read_flight(db, "f")
    assert sorted(data["sentence_id"]) == list(range(3, 13))
    frames = read_frames(db, "f")
    implausible = frames[frames["status"] == "implausible"]
    assert set(implausible["raw"]) == {*ABSURD_DATES, json_line(99, now)}
    assert implausible["error"].str.contains("implausible").all()
    assert implausible["error"].str.contains("2300-01-01|0001-01-01").all()
    assert frames["received_at"].isna().sum() == 1  # the year-2300 receive time reads as NaT
    assert meta["frames_left_out"] == {"implausible": 3}
    assert list_flights(db)[0]["implausible_frames"] == 3
    for fmt, suffix in [("csv", "csv"), ("kml", "kml"), ("gpx", "gpx"), ("netcdf", "nc")]:
        out = export_flight(db, "f", fmt, tmp_path / f"f.{suffix}")
        assert out.stat().st_size > 0
    with open(tmp_path / "f.csv", encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 10
    assert main(["report", "--db", str(db), "--flight", "f", "--out", str(tmp_path / "r")]) == 0
    summary = json.loads((tmp_path / "r" / "summary.json").read_text())
    assert any("3 frames left out as implausible" in note for note in summary["notes"])


def test_old_logs_with_absurd_telemetry_rows_still_read_and_export(tmp_path):
    """A log written before times were checked may hold a telemetry row dated 2300."""
    db = tmp_path / "log.sqlite"
    with FlightStore(db, "f") as store:
        store.record(frames_for(range(1, 6)))
        store.connection.execute(
            "UPDATE telemetry SET payload_time = ? WHERE sentence_id = 3",
            (datetime(2300, 1, 1, tzinfo=UTC).timestamp(),),
        )
    data, _ = read_flight(db, "f")
    assert sorted(data["sentence_id"]) == [1, 2, 4, 5]
    export_flight(db, "f", "csv", tmp_path / "f.csv")


def test_implausible_values_are_left_out_not_stored_as_good_frames(tmp_path):
    huge = b'{"callsign":"HP","sentence_id":1,"latitude_deg":20.8,"longitude_deg":106.7,"altitude_m":1e308}\n'  # noqa: E501
    empty = b"{}\n"
    wet = b'{"callsign":"HP","sentence_id":2,"latitude_deg":20.8,"longitude_deg":106.7,"altitude_m":120,"relative_humidity_percent":250}\n'  # noqa: E501
    frames = [parse_jsonl(raw, received_at=T0) for raw in (huge, empty, wet)]
    assert all(frame.ok for frame in frames)  # decodable, but not all plausible
    with FlightStore(tmp_path / "log.sqlite", "f") as store:
        result = store.record(frames)
    assert result.good_frames == 1 and result.implausible == 2
    stored = read_frames(tmp_path / "log.sqlite", "f")
    assert list(stored["status"]) == ["implausible", "implausible", "ok"]
    assert "altitude 1e+308" in stored["error"].iloc[0]
    assert "no telemetry field" in stored["error"].iloc[1]
    data, _ = read_flight(tmp_path / "log.sqlite", "f")
    # The wet sensor costs only its own value: the position is telemetry.
    assert data["altitude"].tolist() == [120.0] and data["relative_humidity"].isna().all()
    assert "relative_humidity 250" in stored["error"].iloc[2]


@pytest.mark.parametrize(
    "raw, why",
    [
        (b"$$HP1,1,09:00:00,1_000,106.7,100*", "1_000"),
        (b"$$HP1,1,09:00:00,20.8,106.7,1_00*", "1_00"),
        (b"$$HP1,1_0,09:00:00,20.8,106.7,100*", "1_0"),
        (b"$$HP1,1,09:00:00,nan,106.7,100*", "nan"),
        (b"$$HP1,1,09:00:00,20.8,106.7,infinity*", "infinity"),
    ],
)
def test_ukhas_numbers_are_read_strictly(raw, why):
    import binascii

    body = raw[2:-1]
    sentence = raw + b"%04X\n" % binascii.crc_hqx(body, 0xFFFF)
    frame = parse_ukhas(sentence, received_at=T0)
    assert frame.status == "malformed" and why in frame.error


def test_ukhas_checksum_with_underscore_is_not_a_checksum():
    frame = parse_ukhas(b"$$HP1,1,09:00:00,20.8,106.7,100*1_2A\n", received_at=T0)
    assert frame.status == "malformed" and "checksum" in frame.error


def test_json_duplicate_keys_are_rejected_not_last_wins():
    raw = b'{"callsign":"HP","latitude_deg":20.8,"latitude_deg":-33.9,"longitude_deg":106.7}\n'
    frame = parse_jsonl(raw, received_at=T0)
    assert frame.status == "malformed" and "'latitude_deg' appears twice" in frame.error
    assert parse_jsonl(b'{"latitude_deg":"1_0","longitude_deg":1}', received_at=T0).status == (
        "malformed"
    )


def test_deeply_nested_json_in_a_file_replay_is_stored_raw_with_a_reason(tmp_path, capsys):
    nested = b"[" * 200_000 + b"\n"
    nested_object = b'{"a":' * 100_000 + b"1" + b"}" * 100_000 + b"\n"
    replay = tmp_path / "nested.jsonl"
    now = datetime.now(UTC).replace(microsecond=0)
    replay.write_bytes(nested_object + json_line(1, now) + nested + json_line(2, now))
    db = tmp_path / "log.sqlite"
    code = main(["log", f"file://{replay}", "--db", str(db), "--flight", "f", "--no-live"])
    captured = capsys.readouterr()
    assert code == 0 and "Traceback" not in captured.err and "RecursionError" not in captured.err
    data, _ = read_flight(db, "f")
    assert sorted(data["sentence_id"]) == [1, 2]
    frames = read_frames(db, "f")
    bad = frames[frames["status"] != "ok"]
    assert bad["raw"].map(len).sum() == len(nested) + len(nested_object)  # every byte kept
    assert bad["error"].notna().all()


def test_a_frame_with_a_callsign_that_is_not_text_is_quarantined(tmp_path):
    raw = b"$$HP\xff,1,09:00:00,20.8,106.7,100*0000\n"
    frame = Frame(raw, T0, "serial:\udcff", "ukhas", "ok", None, {"callsign": "HP\udcff"})
    with FlightStore(tmp_path / "log.sqlite", "f") as store:
        stats = Recorder(store).run(iter([RawChunk(raw, T0, "serial:\udcff"), frame]))
    assert stats.quarantined == 2 and stats.spilled == 0 and stats.dropped == 0
    frames = read_frames(tmp_path / "log.sqlite", "f")
    assert frames["raw"].iloc[0] == raw and frames["source"].iloc[0] == "serial:\\udcff"
