"""Databases that are not ours are never changed; readers never write and work read-only.

Every case is a real file on disk (a foreign SQLite database, a damaged or truncated log,
text, a folder, an empty file) and the real ``strato`` command; read-only media is a real
tmpfs remounted read-only (skipped without root).
"""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
from _flightlog_helpers import frames_for
from _mounts import remount, small_disk

from flightlog import FlightStore, list_flights, read_flight
from flightlog.errors import DamagedFlightLogError, NotAFlightLogError
from flightlog.opening import APPLICATION_ID
from stratoflight.cli import main


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def make_log(path, n=10):
    with FlightStore(path, "f") as store:
        store.record(frames_for(range(1, n + 1)))
    return path


def log_into(db, tmp_path) -> int:
    replay = tmp_path / "one.txt"
    replay.write_bytes(b"$$HP1,1,09:00:00,20.8,106.7,100*0000\n")
    return main(["log", f"file://{replay}", "--db", str(db), "--flight", "x", "--no-live"])


def test_new_logs_carry_our_application_id(tmp_path):
    db = make_log(tmp_path / "log.sqlite")
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID


def test_a_foreign_sqlite_database_is_refused_and_left_untouched(tmp_path, capsys):
    foreign = tmp_path / "contacts.sqlite"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE people (name TEXT)")
        conn.execute("INSERT INTO people VALUES ('Lan')")
    conn.close()
    before = digest(foreign)
    assert log_into(foreign, tmp_path) == 2
    err = capsys.readouterr().err
    err = " ".join(err.split())
    assert "another program's SQLite database" in err and "people" in err
    assert "Traceback" not in err
    assert digest(foreign) == before  # no tables added, no WAL switch
    assert not (tmp_path / "contacts.sqlite-wal").exists()
    with sqlite3.connect(foreign) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


def test_a_damaged_log_is_refused_and_not_written(tmp_path, capsys):
    db = make_log(tmp_path / "log.sqlite", n=300)
    data = bytearray(db.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[3 * page : 3 * page + 200] = b"\xa5" * 200  # scribble over a b-tree page
    db.write_bytes(bytes(data))
    before = digest(db)
    assert log_into(db, tmp_path) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "damaged" in err and "Traceback" not in err
    assert digest(db) == before


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: p.write_bytes(b""), "empty file"),
        (lambda p: p.write_text("flight,lat,lon\n1,20.8,106.7\n"), "not an SQLite database"),
        (lambda p: p.mkdir(), "is a folder"),
        (
            lambda p: p.write_bytes(make_log(p.with_name("full.sqlite")).read_bytes()[:1500]),
            "truncated",
        ),
        (lambda p: p.write_bytes(make_log(p.with_name("full.sqlite")).read_bytes()[:60]), "trunc"),
    ],
    ids=["empty", "text", "directory", "truncated", "truncated-header"],
)
def test_readers_explain_bad_files_in_one_line(tmp_path, capsys, make, message):
    bad = tmp_path / "bad.sqlite"
    make(bad)
    for command in (
        ["flights", "--db", str(bad)],
        ["export", "--flight", "f", "--out", str(tmp_path / "o.csv"), "--db", str(bad)],
    ):
        assert main(command) == 2
        err = " ".join(capsys.readouterr().err.split())  # Rich wraps at the terminal width
        assert message in err and "Traceback" not in err
        assert err.count("error:") == 1


def test_missing_table_is_a_clear_error(tmp_path, capsys):
    db = make_log(tmp_path / "log.sqlite")
    with sqlite3.connect(db) as conn:
        conn.execute("DROP TABLE events")
    conn.close()
    assert main(["flights", "--db", str(db)]) == 2
    assert "table(s) events are missing" in " ".join(capsys.readouterr().err.split())
    with pytest.raises(DamagedFlightLogError, match="events"):
        read_flight(db, "f")
    before = digest(db)
    assert log_into(db, tmp_path) == 2  # and the logger does not "repair" it either
    assert digest(db) == before


def test_missing_database_is_a_clear_error(tmp_path, capsys):
    assert main(["flights", "--db", str(tmp_path / "nope.sqlite")]) == 2
    assert "does not exist" in " ".join(capsys.readouterr().err.split())


def test_readers_never_write(tmp_path):
    db = make_log(tmp_path / "log.sqlite")
    before, mtime = digest(db), db.stat().st_mtime_ns
    list_flights(db)
    read_flight(db, "f")
    assert digest(db) == before and db.stat().st_mtime_ns == mtime
    assert sorted(p.name for p in tmp_path.iterdir()) == ["log.sqlite", "log.sqlite.loggers"]


def test_readers_work_on_read_only_media(tmp_path, capsys):
    with small_disk(tmp_path / "card") as card:
        make_log(card / "log.sqlite")
        remount(card, "ro")
        try:
            assert main(["flights", "--db", str(card / "log.sqlite"), "--json"]) == 0
            assert '"good_frames": 10' in capsys.readouterr().out
            out = tmp_path / "f.csv"
            assert (
                main(
                    ["export", "--flight", "f", "--out", str(out), "--db", str(card / "log.sqlite")]
                )
                == 0
            )  # noqa: E501
            assert out.read_text().count("\n") == 11
            data, _ = read_flight(card / "log.sqlite", "f")
            assert len(data) == 10
        finally:
            remount(card, "rw")


def test_log_on_a_read_only_disk_or_missing_folder_there_is_a_clear_error(tmp_path, capsys):
    with small_disk(tmp_path / "card") as card:
        remount(card, "ro")
        try:
            for db in (card / "log.sqlite", card / "missing" / "folder" / "log.sqlite"):
                assert log_into(db, tmp_path) == 2
                err = " ".join(capsys.readouterr().err.split())
                assert "read-only" in err and "Traceback" not in err
        finally:
            remount(card, "rw")


def test_log_into_a_missing_folder_creates_it(tmp_path):
    db = tmp_path / "new" / "folder" / "log.sqlite"
    assert log_into(db, tmp_path) == 0 and db.exists()


def test_a_blank_sqlite_file_becomes_a_log_but_first_release_logs_are_recognised(tmp_path):
    blank = tmp_path / "blank.sqlite"
    sqlite3.connect(blank).close()  # SQLite makes a 0-byte file
    make_log(blank)
    old = make_log(tmp_path / "old.sqlite")
    with sqlite3.connect(old) as conn:
        conn.execute("PRAGMA application_id = 0")  # as the first release wrote them
    conn.close()
    with FlightStore(old, "f") as store:
        assert store.resumed
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
    conn.close()
    with pytest.raises(NotAFlightLogError):
        with sqlite3.connect(tmp_path / "other.sqlite") as conn:
            conn.execute("PRAGMA application_id = 1234")
            conn.execute("CREATE TABLE flights (id INTEGER)")
        conn.close()
        FlightStore(tmp_path / "other.sqlite", "f")
