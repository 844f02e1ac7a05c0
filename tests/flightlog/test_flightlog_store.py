"""The SQLite store: schema, raw-first writes, dedup, clock flags, resume, write failures."""

from __future__ import annotations

import os
import stat
from datetime import timedelta

import pytest
from _flightlog_helpers import T0, frames_for, good_frame

from firmware_bridge.frame import Frame, LinkEvent, RawChunk
from flightlog import FlightEvent, FlightStore, StoreWriteError, read_flight, read_frames
from flightlog.migrations import migrate, schema_version
from flightlog.schema import SCHEMA_VERSION, SYNCHRONOUS, connect
from flightlog.telemetry_rows import CLOCK_OFFSET_LIMIT


def test_new_database_has_current_schema_wal_and_full_sync(tmp_path):
    db = tmp_path / "log.sqlite"
    with FlightStore(db, "f1") as store:
        conn = store.connection
        assert schema_version(conn) == SCHEMA_VERSION
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        # PRAGMA synchronous reports 2 for FULL (SQLite docs: 0 OFF, 1 NORMAL, 2 FULL).
        assert SYNCHRONOUS == "FULL"
        assert conn.execute("PRAGMA synchronous").fetchone()[0] == 2
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"flights", "raw_chunks", "frames", "telemetry", "events"} <= tables


def test_migrate_is_idempotent_and_refuses_newer_schema(tmp_path):
    conn = connect(tmp_path / "log.sqlite")
    assert migrate(conn) == SCHEMA_VERSION
    assert migrate(conn) == SCHEMA_VERSION
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    with pytest.raises(ValueError, match="newer"):
        migrate(conn)
    conn.close()


def test_record_writes_raw_chunks_frames_and_telemetry_in_order(tmp_path):
    db = tmp_path / "log.sqlite"
    bad = Frame(
        b"$$TEST,garbage*0000\n", T0, "serial:/dev/test", "ukhas", "bad_checksum", "CRC16 mismatch"
    )
    with FlightStore(db, "f1", callsign="TEST") as store:
        result = store.record([*frames_for([1, 2, 3]), RawChunk(bad.raw, T0, bad.source), bad])
        conn = store.connection
        chunk_ids = [r[0] for r in conn.execute("SELECT id FROM raw_chunks ORDER BY id")]
        # Raw first: every frame points at the chunk it came from, stored before it.
        linked = conn.execute("SELECT chunk_id FROM frames ORDER BY id").fetchall()
    assert result.frames == 4 and result.good_frames == 3 and result.bad_frames == 1
    assert result.sentence_ids == [1, 2, 3]
    assert [r[0] for r in linked] == chunk_ids
    data, meta = read_flight(db, "f1")
    assert list(data["sentence_id"]) == [1, 2, 3]
    assert str(data["time"].dtype) == "datetime64[ns, UTC]"
    assert data["altitude"].tolist() == [1000.0] * 3
    frames = read_frames(db, "f1")
    assert frames["status"].tolist() == ["ok", "ok", "ok", "bad_checksum"]
    assert frames["error"].iloc[3] == "CRC16 mismatch"
    assert frames["raw"].iloc[3] == bad.raw
    assert meta["callsign"] == "TEST"


def test_same_frame_from_two_receivers_is_one_telemetry_row_and_two_frames(tmp_path):
    db = tmp_path / "log.sqlite"
    first = good_frame(7, source="serial:/dev/ttyUSB0")
    second = good_frame(
        7, source="udp://0.0.0.0:55673", received_at=first.received_at + timedelta(seconds=0.8)
    )
    other_payload = good_frame(7, callsign="OTHER")
    with FlightStore(db, "f1") as store:
        r1 = store.record([first])
        r2 = store.record([second, other_payload])
    assert (r1.new_telemetry, r1.duplicates) == (1, 0)
    assert (r2.new_telemetry, r2.duplicates) == (1, 1)
    data, _ = read_flight(db, "f1")
    assert len(read_frames(db, "f1")) == 3
    assert len(data) == 2
    row = data[data["callsign"] == "TEST"].iloc[0]
    assert row["heard_count"] == 2
    assert row["received_at"] == first.received_at  # the first copy is the one kept


def test_payload_clock_far_off_is_flagged_with_one_event(tmp_path):
    db = tmp_path / "log.sqlite"
    # Payload clock 61 s ahead: just beyond the 60 s limit; 59 s: just inside.
    assert CLOCK_OFFSET_LIMIT == 60.0
    items = [
        good_frame(
            1, received_at=T0 + timedelta(seconds=1.0), payload_time=T0 + timedelta(seconds=1)
        ),
        good_frame(
            2, received_at=T0 + timedelta(seconds=2), payload_time=T0 + timedelta(seconds=63)
        ),
        good_frame(
            3, received_at=T0 + timedelta(seconds=3), payload_time=T0 + timedelta(seconds=64)
        ),
        good_frame(
            4, received_at=T0 + timedelta(seconds=4), payload_time=T0 + timedelta(seconds=63)
        ),
    ]
    with FlightStore(db, "f1") as store:
        store.record(items)
    data, meta = read_flight(db, "f1")
    by_id = data.set_index("sentence_id")
    assert by_id.loc[1, "clock_suspect"] == False  # noqa: E712 (numpy bool)
    assert by_id.loc[2, "clock_offset"] == pytest.approx(61.0)
    assert bool(by_id.loc[2, "clock_suspect"]) and bool(by_id.loc[3, "clock_suspect"])
    assert not by_id.loc[4, "clock_suspect"]  # 59 s
    kinds = [e["kind"] for e in meta["events"]]
    assert kinds.count("clock_offset") == 1 and kinds.count("clock_ok") == 1


def test_time_falls_back_to_receive_time_without_payload_time(tmp_path):
    db = tmp_path / "log.sqlite"
    frame = Frame(
        b"$GPGGA...\r\n",
        T0,
        "serial:/dev/gps",
        "nmea",
        "ok",
        None,
        {"latitude": 48.1, "longitude": 11.5, "altitude": 545.4},
    )
    with FlightStore(db, "f1") as store:
        store.record([frame])
    data, _ = read_flight(db, "f1")
    assert data["time"].iloc[0] == T0
    assert data["payload_time"].isna().all()


def test_same_flight_name_resumes_and_keeps_metadata(tmp_path):
    db = tmp_path / "log.sqlite"
    prediction = {"landing": {"latitude": 52.3, "longitude": 0.9}}
    site = {"latitude": 52.2, "longitude": 0.1, "altitude": 30.0}
    with FlightStore(db, "f1", callsign="TEST", launch_site=site, prediction=prediction) as s:
        assert not s.resumed
        s.record(frames_for([1, 2]))
        s.set_status("stopped")
    with FlightStore(db, "f1", balloon="TA-1200") as s:
        assert s.resumed
        s.record(frames_for([3]))
    data, meta = read_flight(db, "f1")
    assert list(data["sentence_id"]) == [1, 2, 3]
    assert meta["launch_site"] == site
    assert meta["prediction"] == prediction
    assert meta["balloon"] == "TA-1200" and meta["callsign"] == "TEST"
    assert meta["status"] == "recording"


def test_flight_takes_the_payload_callsign_when_none_was_given(tmp_path):
    db = tmp_path / "log.sqlite"
    with FlightStore(db, "f1") as store:
        store.record(frames_for([1], callsign="PAYLOAD1"))
        store.record(frames_for([2], callsign="OTHER"))  # the first one stays
    assert read_flight(db, "f1")[1]["callsign"] == "PAYLOAD1"
    with FlightStore(db, "f2", callsign="GIVEN") as store:
        store.record(frames_for([1], callsign="PAYLOAD1"))
    assert read_flight(db, "f2")[1]["callsign"] == "GIVEN"


def test_events_are_stored_with_data(tmp_path):
    db = tmp_path / "log.sqlite"
    with FlightStore(db, "f1") as store:
        store.record(
            [
                LinkEvent("link_lost", T0, "serial:/dev/x", "EIO"),
                FlightEvent("burst", T0 + timedelta(hours=2), {"altitude_m": 31000.0}),
            ]
        )
    _, meta = read_flight(db, "f1")
    assert [e["kind"] for e in meta["events"]] == ["link_lost", "burst"]
    assert meta["events"][1]["data"] == {"altitude_m": 31000.0}
    assert meta["events"][0]["data"]["detail"] == "EIO"


def test_unknown_flight_is_a_clear_error(tmp_path):
    db = tmp_path / "log.sqlite"
    FlightStore(db, "f1").close()
    with pytest.raises(ValueError, match="no flight named 'nope'.*f1"):
        read_flight(db, "nope")
    with pytest.raises(FileNotFoundError, match="strato log"):
        read_flight(tmp_path / "missing.sqlite", "f1")


def test_full_database_raises_clear_error_and_keeps_committed_data(tmp_path):
    db = tmp_path / "log.sqlite"
    store = FlightStore(db, "f1")
    store.record(frames_for(range(1, 11)))
    conn = store.connection
    pages = conn.execute("PRAGMA page_count").fetchone()[0]
    # "Disk full" without root: cap the database at its current size (SQLITE_FULL).
    conn.execute(f"PRAGMA max_page_count = {pages}")
    big = [good_frame(100 + i, extra_blob="x" * 4000) for i in range(50)]
    with pytest.raises(StoreWriteError, match="full") as info:
        store.record(big)
    assert info.value.reason == "full"
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    data, _ = read_flight(db, "f1")
    assert list(data["sentence_id"]) == list(range(1, 11))  # nothing committed was harmed
    conn.execute(f"PRAGMA max_page_count = {pages * 100}")
    store.record(big)  # the same batch goes in once there is room again
    store.close()
    data, _ = read_flight(db, "f1")
    assert len(data) == 60


def test_read_only_connection_raises_read_only_error(tmp_path):
    db = tmp_path / "log.sqlite"
    store = FlightStore(db, "f1")
    store.record(frames_for([1]))
    store.connection.execute("PRAGMA query_only = ON")  # stands in for a read-only remount
    with pytest.raises(StoreWriteError) as info:
        store.record(frames_for([2]))
    assert info.value.reason == "read_only"
    assert "resumes by itself" in str(info.value)
    store.connection.execute("PRAGMA query_only = OFF")
    store.record(frames_for([2]))
    store.close()
    assert len(read_flight(db, "f1")[0]) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores file permissions")
def test_read_only_file_cannot_be_opened_for_recording(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    db = folder / "log.sqlite"
    with FlightStore(db, "f1") as store:
        store.record(frames_for([1]))
    db.chmod(stat.S_IRUSR)
    folder.chmod(stat.S_IRUSR | stat.S_IXUSR)
    try:
        with pytest.raises(StoreWriteError) as info:
            FlightStore(db, "f1")
        assert info.value.reason == "read_only"
        assert "writable" in str(info.value)
    finally:
        folder.chmod(stat.S_IRWXU)
        db.chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert len(read_flight(db, "f1")[0]) == 1


def test_not_a_database_is_a_clear_error(tmp_path):
    db = tmp_path / "notes.txt"
    db.write_text("this is not SQLite\n" * 100)
    with pytest.raises(ValueError, match="not a Stratoflight flight log"):
        FlightStore(db, "f1")


def test_extra_fields_come_back_numeric_when_they_are_numbers(tmp_path):
    db = tmp_path / "log.sqlite"
    with FlightStore(db, "f1") as store:
        store.record([good_frame(1, extra_1=3, extra_2="abc"), good_frame(2, extra_1=4.5)])
    data, _ = read_flight(db, "f1")
    assert str(data["extra_1"].dtype) == "float64"
    assert data["extra_1"].tolist() == [3.0, 4.5]
    assert data["extra_2"].tolist() == ["abc", None]


def test_sentence_id_too_big_for_sqlite_is_a_bad_frame_not_a_crash(tmp_path):
    # A JSON line {"frame": 1e30, ...} decodes "ok" with sentence_id 10**30 (jsonl._int
    # accepts any finite number); SQLite INTEGER is signed 64-bit, so inserting it raised
    # OverflowError out of record() and killed the recorder. It must be kept as a bad frame.
    db = tmp_path / "log.sqlite"
    base = good_frame(2)
    huge = Frame(
        base.raw,
        base.received_at,
        base.source,
        "ukhas",
        "ok",
        None,
        {**base.fields, "sentence_id": 10**30},
    )
    with FlightStore(db, "f1") as store:
        result = store.record([*frames_for([1]), RawChunk(huge.raw, T0, huge.source), huge])
    assert result.good_frames == 1 and result.bad_frames == 1
    frames = read_frames(db, "f1")
    assert frames["status"].tolist() == ["ok", "malformed"]
    assert "64-bit" in frames["error"].iloc[1]
    assert frames["raw"].iloc[1] == huge.raw  # the bytes are kept
    assert list(read_flight(db, "f1")[0]["sentence_id"]) == [1]
