"""The report end to end: synthetic flight, a real sounding, the flight-log database, the CLI."""

from __future__ import annotations

import base64
import json
import re
from datetime import UTC, datetime

import netCDF4
import numpy as np
import pytest
from _analysis_helpers import prediction_from as _prediction_from
from _analysis_helpers import shift_error_m

from analysis.read_profile import read_profile
from analysis.report import build_report
from analysis.synthetic import synthetic_flight
from stratoflight.cli import main

EXPECTED_FILES = {
    "summary.json", "report.html", "profile.csv", "standard_levels.csv", "trajectory.nc",
    "sounding.txt", "skewt.png", "profiles.png", "ascent_rate.png", "track_map.png",
    "ascent_rate.csv",
}  # fmt: skip


def _embedded_pngs(html: str) -> int:
    images = re.findall(r"src='data:image/png;base64,([A-Za-z0-9+/=]+)'", html)
    for image in images:
        assert base64.b64decode(image).startswith(b"\x89PNG")
    return len(images)


@pytest.mark.slow
def test_synthetic_flight_report(tmp_path):
    """Synthetic 1 Hz flight (USSA knots: tropopause 11 km, burst 30 km at 11:39:40) through
    a shear wind, with a prediction shifted 0.01 deg north (WGS84 landing error 1112.67 m)."""
    profile, meta = synthetic_flight(
        wind=lambda z: (5.0 + z / 1000.0, -3.0 + 0 * z), step_s=2.0, temperature_noise=0.1,
        pressure_noise=10.0, radiation=True,
    )  # fmt: skip
    prediction = _prediction_from(profile)
    summary = build_report(profile, meta, tmp_path, prediction=prediction, show_progress=False)
    assert EXPECTED_FILES | {"track_divergence.csv"} <= {p.name for p in tmp_path.iterdir()}
    on_disk = json.loads((tmp_path / "summary.json").read_text())
    assert on_disk["synthetic"] is True
    assert on_disk["burst"] == summary["burst"]
    assert summary["burst"]["altitude_m"] == 30000.0
    assert summary["burst"]["datetime"] == "2026-06-01T11:39:40+00:00"
    assert summary["ascent_rate_mean_ms"] == pytest.approx(5.0, abs=1e-3)
    first = summary["tropopause"][0]
    assert set(first) == {"kind", "pressure_hpa", "altitude_m", "temperature_c"}
    assert first["kind"] == "wmo_first" and abs(first["altitude_m"] - 11000.0) <= 100.0
    error = summary["verification"]["landing_error_m"]
    assert error == pytest.approx(shift_error_m(profile), abs=1.0)
    assert 50.0 < summary["pfotzer"]["pressure_hpa"] < 75.0
    assert "surface_cape_j_kg" in summary["stability"]
    html = (tmp_path / "report.html").read_text()
    assert "SYNTHETIC" in html
    assert _embedded_pngs(html) == 4
    # the headline (before any plot) carries the burst and the landing error, in km
    headline = html[html.index("<h2>Headline</h2>") : html.index("<img")]
    assert "30,000 m" in headline and "2026-06-01T11:39:40+00:00" in headline
    assert "landing error against the prediction" in headline and "1.1 km" in headline
    with netCDF4.Dataset(tmp_path / "trajectory.nc") as ds:
        assert ds.featureType == "trajectory" and ds.title.startswith("SYNTHETIC")
    levels = (tmp_path / "standard_levels.csv").read_text().splitlines()
    assert levels[0].startswith("pressure_hpa,")
    # launch at 100 m (1001 hPa) and burst at 30 km (11.6 hPa): 1000 ... 20 hPa, 15 levels
    assert [float(line.split(",")[0]) for line in levels[1:]] == [
        1000.0, 925.0, 850.0, 700.0, 500.0, 400.0, 300.0, 250.0, 200.0, 150.0, 100.0, 70.0,
        50.0, 30.0, 20.0,
    ]  # fmt: skip
    sounding, _ = read_profile(tmp_path / "sounding.txt")
    assert np.all(np.diff(sounding["pressure"].to_numpy()) < 0)


@pytest.mark.realdata
def test_hilo_report_via_cli(realdata, tmp_path, capsys):
    """strato report on the Hilo UWyo CSV: the reported tropopause 95.4 hPa / 16841 m."""
    path = realdata / "soundings" / "HILO-Nov-1-2023-00z-WYOMING.csv"
    code = main(["report", "--input", str(path), "--out", str(tmp_path)])
    assert code == 0
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["tropopause"][0] == {
        "kind": "wmo_first", "pressure_hpa": 95.4, "altitude_m": 16841.0, "temperature_c": -78.1
    }  # fmt: skip
    assert summary["stability"]["precipitable_water_mm"] > 0
    assert summary["burst"]["datetime"] is None  # a table of levels has no times
    assert "95.4 hPa" in capsys.readouterr().out
    assert _embedded_pngs((tmp_path / "report.html").read_text()) == 2  # skew-T, profiles


def test_cli_errors_exit_2(tmp_path, capsys):
    assert main(["report", "--out", str(tmp_path)]) == 2
    bad = tmp_path / "bad.txt"
    bad.write_text("not a sounding\n")
    assert main(["report", "--input", str(bad), "--out", str(tmp_path / "o")]) == 2
    assert "format not recognised" in " ".join(capsys.readouterr().err.split())
    good = tmp_path / "s.txt"
    good.write_text("x")
    assert main(["report", "--input", str(good), "--out", str(tmp_path), "--date", "18/3"]) == 2
    assert main(["report", "--db", str(tmp_path / "x.sqlite"), "--out", str(tmp_path)]) == 2
    assert "--flight" in capsys.readouterr().err


def test_report_from_the_flight_log(tmp_path):
    """A flight recorded with flightlog.FlightStore (with its stored prediction) reports
    through --db/--flight."""
    from firmware_bridge.frame import Frame
    from flightlog import FlightStore

    profile, _ = synthetic_flight(burst_altitude=6000.0, step_s=10.0)
    frames = []
    for i, row in profile.iterrows():
        when = row["time"].to_pydatetime()
        fields = {"payload_time": when, "sentence_id": i, "latitude": row["latitude"],
                  "longitude": row["longitude"], "altitude": row["altitude"],
                  "pressure": row["pressure"], "temperature": row["temperature"],
                  "relative_humidity": row["relative_humidity"]}  # fmt: skip
        frames.append(Frame(f"$$SYN,{i}".encode(), when, "test", "ukhas", "ok", None, fields))
    db = tmp_path / "log.sqlite"
    # Logged as a simulated payload ('strato log --synthetic' stores this setting).
    store = FlightStore(
        db,
        "SYNTHETIC-DB",
        callsign="SYN",
        prediction=_prediction_from(profile),
        settings={"synthetic": True},
    )
    try:
        store.record(frames)
    finally:
        store.close()
    out = tmp_path / "out"
    assert main(["report", "--db", str(db), "--flight", "SYNTHETIC-DB", "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["source_format"] == "flightlog_db"
    assert summary["synthetic"] is True  # from the flight's stored settings
    assert "SYNTHETIC DATA: not a real flight" in (out / "report.html").read_text()
    assert summary["burst"]["altitude_m"] == 6000.0
    error = summary["verification"]["landing_error_m"]
    assert error == pytest.approx(shift_error_m(profile), abs=1.0)


@pytest.mark.realdata
@pytest.mark.slow
def test_era5_winds_through_the_cli(realdata, tmp_path):
    """A calm SYNTHETIC flight inside the euroc ERA5 file (39-40 N, 9-8 W, from
    2022-10-13 10Z): GPS winds ~0, so GPS-minus-ERA5 equals minus the ERA5 wind; every
    point is inside the file."""
    from datetime import UTC, datetime

    from flightlog.cf_trajectory import write_cf_trajectory

    profile, _ = synthetic_flight(
        launch_latitude=39.5, launch_longitude=-8.5, burst_altitude=20000.0, step_s=5.0,
        launch_time=datetime(2022, 10, 13, 10, 0, tzinfo=UTC),
    )  # fmt: skip
    source = write_cf_trajectory(profile, tmp_path / "f.nc", "SYNTHETIC", synthetic="test flight")
    era5 = realdata / "era5_grib" / "euroc_2022_all_windows.nc"
    out = tmp_path / "out"
    assert main(["report", "--input", str(source), "--winds", str(era5), "--out", str(out)]) == 0
    summary = json.loads((out / "summary.json").read_text())
    assert summary["synthetic"] is True
    winds = summary["winds"]
    assert winds["points_outside_model"] == 0
    assert "euroc_2022_all_windows.nc" in winds["model_source"]
    import pandas as pd

    table = pd.read_csv(out / "profile.csv")
    model_speed = np.hypot(table["model_wind_u_ms"], table["model_wind_v_ms"])
    assert winds["gps_minus_model_rms_ms"] == pytest.approx(
        float(np.sqrt(np.mean(model_speed**2))),
        abs=0.05,  # GPS winds of a calm flight ~ 0
    )


def test_prediction_file_through_the_cli(tmp_path):
    """--prediction FILE: the 0.01 deg shifted prediction gives 1112.67 m (WGS84)."""
    from flightlog.cf_trajectory import write_cf_trajectory

    profile, _ = synthetic_flight(burst_altitude=5000.0, step_s=10.0)
    source = write_cf_trajectory(profile, tmp_path / "f.nc", "SYNTHETIC", synthetic="test flight")
    prediction = tmp_path / "prediction.json"
    prediction.write_text(json.dumps(_prediction_from(profile)))
    out = tmp_path / "out"
    args = ["report", "--input", str(source), "--prediction", str(prediction), "--out", str(out)]
    assert main(args) == 0
    summary = json.loads((out / "summary.json").read_text())
    error = summary["verification"]["landing_error_m"]
    assert error == pytest.approx(shift_error_m(profile), abs=1.0)
    assert (out / "track_divergence.csv").is_file()


def test_flight_log_reader_labels_only_simulated_flights_synthetic(tmp_path):
    """read_flight_db: 'synthetic' follows the flight's stored setting, False by default."""
    from analysis.read_exports import read_flight_db
    from firmware_bridge.frame import Frame
    from flightlog import FlightStore

    when = datetime(2025, 6, 21, 12, tzinfo=UTC)
    fields = {"payload_time": when, "sentence_id": 1, "latitude": 42.0, "longitude": 3.6,
              "altitude": 200.0}  # fmt: skip
    db = tmp_path / "log.sqlite"
    for name, settings in (("real", {}), ("sim", {"synthetic": True})):
        store = FlightStore(db, name, settings=settings)
        try:
            store.record([Frame(b"$$X,1", when, "test", "ukhas", "ok", None, fields)])
        finally:
            store.close()
    assert read_flight_db(db, "real")[1]["synthetic"] is False
    assert read_flight_db(db, "sim")[1]["synthetic"] is True


def test_summary_json_stays_valid_json_with_nan_values():
    """NaN and inf (plain or numpy floats) become null: summary.json must always parse."""
    import numpy as np

    from analysis.report import _json_safe

    value = {"a": float("nan"), "b": [np.float64("inf"), 1.5], "c": {"d": np.nan}, "e": "x"}
    text = json.dumps(_json_safe(value), allow_nan=False)
    assert json.loads(text) == {"a": None, "b": [None, 1.5], "c": {"d": None}, "e": "x"}
