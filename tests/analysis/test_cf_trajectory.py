"""CF-NetCDF trajectory: our writer, reading it back, and reading the flight log's export."""

from __future__ import annotations

import netCDF4
import numpy as np
import pandas as pd

from analysis.cf_trajectory import read_cf_trajectory, write_cf_trajectory
from analysis.read_profile import detect_format, read_profile
from analysis.synthetic import synthetic_flight


def test_round_trip(tmp_path):
    profile, _ = synthetic_flight(burst_altitude=5000.0, step_s=10.0)
    path = write_cf_trajectory(profile, tmp_path / "t.nc", "SYNTHETIC-1", {"comment": "SYNTHETIC"})
    with netCDF4.Dataset(path) as ds:
        assert ds.featureType == "trajectory"
        assert ds["trajectory"].cf_role == "trajectory_id"
        assert ds["air_pressure"].coordinates == "time lat lon altitude"
        assert np.all(np.diff(ds["time"][:]) > 0)  # CF trajectory: strictly increasing time
    assert detect_format(path) == "cf_netcdf"
    back, meta = read_cf_trajectory(path)
    assert meta["name"] == "SYNTHETIC-1" and meta["synthetic"]
    np.testing.assert_allclose(back["pressure"], profile["pressure"])
    np.testing.assert_allclose(back["latitude"], profile["latitude"])
    assert (back["time"] == profile["time"]).all()


def test_profile_without_times_is_a_cf_profile(tmp_path):
    rows = pd.DataFrame({"time": pd.NaT, "altitude": [0.0, 1000.0], "pressure": [1e5, 9e4],
                         "temperature": [288.0, 281.5], "latitude": np.nan,
                         "longitude": np.nan})  # fmt: skip
    path = write_cf_trajectory(rows, tmp_path / "p.nc", "station")
    back, meta = read_cf_trajectory(path)
    assert meta["feature_type"] == "profile"
    np.testing.assert_allclose(back["temperature"], [288.0, 281.5])


def test_reads_the_flight_log_netcdf_export(tmp_path):
    """flightlog.export_netcdf.write_netcdf output is read by its standard names."""
    from flightlog.export_netcdf import write_netcdf

    profile, _ = synthetic_flight(burst_altitude=4000.0, step_s=10.0)
    frame = profile[["time", "latitude", "longitude", "altitude", "pressure", "temperature",
                     "relative_humidity"]].copy()  # fmt: skip
    frame["received_at"] = frame["time"]
    frame["sentence_id"] = np.arange(len(frame))
    frame["clock_suspect"] = False  # read_flight columns the exporter writes too
    frame["clock_offset"] = 0.0
    path = write_netcdf(frame, {"name": "SYNTHETIC", "callsign": "TEST"}, tmp_path / "f.nc")
    back, meta = read_profile(path)
    assert meta["format"] == "cf_netcdf"
    np.testing.assert_allclose(back["pressure"], frame["pressure"])
    np.testing.assert_allclose(back["relative_humidity"], frame["relative_humidity"])
    np.testing.assert_allclose(back["altitude"], frame["altitude"])


def test_synthetic_label_of_the_flight_log_export_is_recognised(tmp_path):
    """flightlog's export labels a simulated flight with a ``synthetic = "true: ..."``
    global attribute (and a SYNTHETIC title), not our ``comment``; the report must still
    say SYNTHETIC. An unlabelled file stays unlabelled."""
    profile, _ = synthetic_flight(burst_altitude=3000.0, step_s=20.0)
    label = {"synthetic": "true: recorded from the simulated payload (strato simulate)"}
    path = write_cf_trajectory(profile, tmp_path / "s.nc", "demo", label)
    assert read_cf_trajectory(path)[1].get("synthetic") is True
    path = write_cf_trajectory(profile, tmp_path / "r.nc", "demo")
    assert "synthetic" not in read_cf_trajectory(path)[1]
