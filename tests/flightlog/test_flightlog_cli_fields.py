"""``strato simulate --protocol ukhas`` into ``strato log``: field names, units and times."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from flightlog import read_flight
from stratoflight.cli import main


def simulate_ukhas(tmp_path, capsys, seconds: int = 20) -> tuple[str, datetime]:
    """Fly the SIMULATED payload for ``seconds`` into a file; return its URL and launch time.

    The launch's time of day is six hours after now, so that the payload clock (a time of
    day dated with the receive date) is certainly far from the receiver's clock.
    """
    now = datetime.now(UTC)
    launch = datetime(2025, 6, 21, (now.hour + 6) % 24, 0, 0, tzinfo=UTC)  # inside the sample
    path = tmp_path / "sim.txt"
    args = f"--protocol ukhas --speedup max --duration {seconds} --time {launch.isoformat()}"
    code = main(["simulate", "--to", f"file://{path}", *args.split()])
    capsys.readouterr()
    assert code == 0
    return f"file://{path}?speed=max", launch


def log(db, source, *extra: str) -> int:
    return main(
        ["log", source, "--protocol", "ukhas", "--db", str(db), "--flight", "sim", "--no-live"]
        + list(extra)
    )


def test_fields_strato_stores_the_simulated_sensors_under_canonical_names(tmp_path, capsys):
    source, _ = simulate_ukhas(tmp_path, capsys)
    db = tmp_path / "log.sqlite"
    assert log(db, source, "--fields", "strato") == 0
    data, meta = read_flight(db, "sim")
    assert len(data) == 21  # 20 s at 1 Hz, both ends included
    assert not [c for c in data.columns if c.startswith("extra_")]
    # near the ground of the sample atmosphere (launch at ~120 m): sea-level pressure is
    # 101325 Pa in USSA 1976, ~1.4 % less at 120 m; the sample's June air is 10-30 degC
    assert data["pressure"].between(90_000, 102_000).all()
    assert data["temperature"].between(273.15, 313.15).all()
    assert data["relative_humidity"].between(0, 100).all()
    assert data["battery_voltage"].between(3.0, 5.0).all()  # a 1S lithium cell [V]
    assert meta["settings"]["fields"] == "strato"


def test_fields_default_none_keeps_extras_as_sent(tmp_path, capsys):
    source, _ = simulate_ukhas(tmp_path, capsys, seconds=5)
    db = tmp_path / "log.sqlite"
    assert log(db, source) == 0
    data, _ = read_flight(db, "sim")
    assert data["pressure"].isna().all()  # not guessed
    # the 6th extra is the pressure as sent, in hPa (STRATO_UKHAS_FIELD_SPEC order)
    assert data["extra_6"].between(900, 1020).all()


def test_fields_file_names_the_extras(tmp_path, capsys):
    source, _ = simulate_ukhas(tmp_path, capsys, seconds=5)
    spec = tmp_path / "fields.txt"
    spec.write_text(
        "# our payload\nsatellites int\nspeed_kmh km h-1  # not canonical\nheading\n"
        "vertical_velocity\ntemperature degC\npressure hPa\n",
        encoding="utf-8",
    )
    db = tmp_path / "log.sqlite"
    assert log(db, source, "--fields", str(spec)) == 0
    data, _ = read_flight(db, "sim")
    assert data["pressure"].between(90_000, 102_000).all()
    # the non-canonical name is kept as extra_<name>, converted from km h-1 to m s-1: the
    # payload sends its ground speed in m s-1, so read as km h-1 it is 3.6 times smaller
    assert log(tmp_path / "strato.sqlite", source, "--fields", "strato") == 0
    strato, _ = read_flight(tmp_path / "strato.sqlite", "sim")
    assert np.allclose(data["extra_speed_kmh"] * 3.6, strato["ground_speed"])
    # extras after the named ones stay numbered by position (7th = relative humidity)
    assert data["extra_7"].between(0, 100).all()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("pressure degC\n", "cannot be made from 'degC'"),
        ("pressure furlongs\n", "unknown unit 'furlongs'"),
        ("altitude m\n", "before the extras"),
        ("# nothing\n", "names no fields"),
    ],
)
def test_fields_bad_file_exit_2(tmp_path, capsys, content, message):
    spec = tmp_path / "fields.txt"
    spec.write_text(content, encoding="utf-8")
    code = log(tmp_path / "log.sqlite", f"file://{spec}", "--fields", str(spec))
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2
    assert message in err and "Traceback" not in err


def test_fields_missing_file_exit_2(tmp_path, capsys):
    code = log(tmp_path / "log.sqlite", f"file://{tmp_path}", "--fields", "strat")
    err = " ".join(capsys.readouterr().err.split())
    assert code == 2 and "field spec strat: no such file" in err


def test_time_of_day_is_dated_on_receipt_and_the_payload_clock_is_flagged(tmp_path, capsys):
    """UKHAS carries only HH:MM:SS: the flight log dates it with the receive date (the
    nearest such time), keeps it, and flags the clock offset once as an event."""
    source, launch = simulate_ukhas(tmp_path, capsys, seconds=10)
    db = tmp_path / "log.sqlite"
    assert log(db, source, "--fields", "strato") == 0
    data, _ = read_flight(db, "sim")
    first = data.iloc[0]
    # the time of day is the simulated one (launch + sentence_id - 1 seconds at 1 Hz)
    expected = launch + timedelta(seconds=int(first["sentence_id"]) - 1)
    assert first["payload_time"].time() == expected.time()
    # dated on receipt, not in 2025: within 12 h of the receive time
    offsets = (data["payload_time"] - data["received_at"]).dt.total_seconds()
    assert np.all(np.abs(offsets) <= 12 * 3600)
    # six hours ahead of the receiver's clock, minus the minutes into this hour (see
    # simulate_ukhas): well beyond the 60 s limit, so every row is flagged
    assert data["clock_suspect"].all()
    assert np.allclose(data["clock_offset"], offsets, atol=1e-3)
    with sqlite3.connect(db) as conn:
        events = conn.execute("SELECT data_json FROM events WHERE kind = 'clock_offset'").fetchall()
    assert len(events) == 1  # flagged once, not once per frame
    assert abs(json.loads(events[0][0])["offset_s"]) > 60
