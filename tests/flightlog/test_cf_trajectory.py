"""The one CF-NetCDF trajectory writer/reader: round trips from the flight log and from
analysis, the CF checker's verdict on every file it writes, and the one SYNTHETIC mark."""

from __future__ import annotations

import netCDF4
import numpy as np
import pandas as pd
import pytest
from _cf_compliance import cf_failures

from analysis.read_profile import detect_format, read_profile
from analysis.synthetic import synthetic_flight
from flightlog.cf_trajectory import read_cf_trajectory, write_cf_trajectory


def _flight_log_table(burst_altitude: float = 4000.0) -> pd.DataFrame:
    profile, _ = synthetic_flight(burst_altitude=burst_altitude, step_s=10.0)
    frame = profile[["time", "latitude", "longitude", "altitude", "pressure", "temperature",
                     "relative_humidity"]].copy()  # fmt: skip
    frame["received_at"] = frame["time"] + pd.Timedelta(seconds=1.5)
    frame["sentence_id"] = np.arange(len(frame))
    frame["clock_suspect"] = False  # read_flight columns the exporter writes too
    frame["clock_offset"] = 0.0
    frame["battery_voltage"] = 3.7
    frame["heading"] = 90.0
    return frame


def test_analysis_profile_round_trip_is_cf_clean(tmp_path):
    profile, _ = synthetic_flight(burst_altitude=5000.0, step_s=10.0)
    path = write_cf_trajectory(profile, tmp_path / "t.nc", "SYNTHETIC-1", synthetic="test")
    with netCDF4.Dataset(path) as ds:
        assert ds.featureType == "trajectory"
        assert ds.title.startswith("SYNTHETIC (test): ")
        assert ds["trajectory"].cf_role == "trajectory_id"
        assert ds["air_pressure"].coordinates == "time lat lon altitude"
        assert ds["relative_humidity"].units == "%"
        assert np.all(np.diff(ds["time"][:]) > 0)  # CF trajectory: strictly increasing time
    assert cf_failures(path, lowest_weight=1) == []  # not even a suggestion
    assert detect_format(path) == "cf_netcdf"
    back, meta = read_cf_trajectory(path)
    assert meta["name"] == "SYNTHETIC-1" and meta["synthetic"]
    np.testing.assert_allclose(back["pressure"], profile["pressure"])
    np.testing.assert_allclose(back["latitude"], profile["latitude"])
    assert (back["time"] == profile["time"]).all()


def test_flight_log_table_round_trip_is_cf_clean(tmp_path):
    frame = _flight_log_table()
    path = write_cf_trajectory(frame, tmp_path / "f.nc", "demo", attributes={"balloon": "TX800"})
    assert cf_failures(path, lowest_weight=1) == []
    back, meta = read_cf_trajectory(path)
    assert meta["name"] == "demo" and "synthetic" not in meta
    assert meta["attributes"]["balloon"] == "TX800"
    for column in ("pressure", "relative_humidity", "altitude", "battery_voltage", "heading"):
        np.testing.assert_allclose(back[column], frame[column])
    assert (back["received_at"] == frame["received_at"]).all()
    assert back["sentence_id"].tolist() == list(range(len(frame)))
    profile, meta = read_profile(path)  # analysis reads the flight log's file
    assert meta["format"] == "cf_netcdf"
    np.testing.assert_allclose(profile["temperature"], frame["temperature"])


def test_duplicate_times_are_written_once(tmp_path):
    frame = _flight_log_table(3000.0)
    doubled = pd.concat([frame, frame.iloc[[3]].assign(pressure=1.0)]).reset_index(drop=True)
    back, _ = read_cf_trajectory(write_cf_trajectory(doubled, tmp_path / "d.nc", "d"))
    assert len(back) == len(frame)
    assert back["pressure"].iloc[3] == frame["pressure"].iloc[3]  # the first copy wins


def test_profile_without_times_is_a_cf_profile(tmp_path):
    rows = pd.DataFrame({"time": pd.NaT, "altitude": [0.0, 1000.0], "pressure": [1e5, 9e4],
                         "temperature": [288.0, 281.5], "latitude": np.nan,
                         "longitude": np.nan})  # fmt: skip
    path = write_cf_trajectory(rows, tmp_path / "p.nc", "station")
    # no CF error; the checker's one "should" here (9.1: it sees the per-level lat/lon of a
    # station table as points) is a warning, not an error
    assert cf_failures(path) == []
    back, meta = read_cf_trajectory(path)
    assert meta["feature_type"] == "profile"
    np.testing.assert_allclose(back["temperature"], [288.0, 281.5])


def test_other_producers_units_and_names_are_read(tmp_path):
    """A CF file of another producer (``alt`` variable, hPa, degC) reads into SI."""
    path = tmp_path / "other.nc"
    with netCDF4.Dataset(path, "w") as ds:
        ds.featureType = "trajectory"
        ds.createDimension("obs", 2)
        for name, standard, units, values in (
            ("t", "time", "hours since 2024-05-01 00:00:00", [0.0, 1.0]),
            ("alt", "altitude", "m", [10.0, 20.0]),
            ("p", "air_pressure", "hPa", [1000.0, 990.0]),
            ("ta", "air_temperature", "degC", [15.0, 14.0]),
        ):
            var = ds.createVariable(name, "f8", ("obs",))
            var.standard_name, var.units = standard, units
            if name == "t":
                var.axis = "T"
            var[:] = values
    back, meta = read_cf_trajectory(path)
    assert back["time"].iloc[1] == pd.Timestamp("2024-05-01T01:00Z")
    np.testing.assert_allclose(back["pressure"], [1e5, 99000.0])
    np.testing.assert_allclose(back["temperature"], [288.15, 287.15])
    assert "synthetic" not in meta


def test_not_a_trajectory_is_refused(tmp_path):
    path = tmp_path / "grid.nc"
    with netCDF4.Dataset(path, "w") as ds:
        ds.createDimension("x", 1)
    with pytest.raises(ValueError, match="featureType"):
        read_cf_trajectory(path)
