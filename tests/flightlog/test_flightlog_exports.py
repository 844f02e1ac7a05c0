"""Exports parsed back: CSV columns, CF-NetCDF attributes, KML/GPX XML, SondeHub JSON."""

from __future__ import annotations

import json
from datetime import timedelta

import netCDF4
import numpy as np
import pandas as pd
import pytest
from _cf_compliance import cf_failures
from _flightlog_helpers import T0, good_frame
from track_readers import read_gpx, read_kml

from flightlog import FlightEvent, FlightStore, read_flight
from flightlog.export_csv import column_name, field_from_column
from flightlog.exports import export_flight
from stratoflight.cli import main

N = 12


@pytest.fixture
def flight_db(tmp_path):
    """A small synthetic flight with PTU sensors and a burst event."""
    db = tmp_path / "log.sqlite"
    items = []
    for i in range(1, N + 1):
        items.append(
            good_frame(
                i,
                altitude=1000.0 * i,
                pressure=90000.0 - 5000.0 * i,
                temperature=288.15 - 6.5 * i,
                relative_humidity=50.0 + i,
                battery_voltage=3.7,
                satellites=9,
            )
        )
    items.append(
        good_frame(
            5,
            source="udp://0.0.0.0:55673",  # second receiver: a duplicate
            altitude=5000.0,
            pressure=65000.0,
        )
    )
    items.append(
        FlightEvent(
            "burst",
            T0 + timedelta(seconds=N),
            {"altitude_m": 12000.0, "latitude": 52.0012, "longitude": 0.1012},
        )
    )
    with FlightStore(
        db,
        "demo",
        callsign="TEST",
        launch_site={"latitude": 52.0, "longitude": 0.1, "altitude": 30.0},
    ) as s:
        s.record(items)
    return db


def test_column_names_carry_units():
    assert [column_name(f) for f in ("latitude", "longitude", "altitude", "sentence_id")] == [
        "latitude",
        "longitude",
        "altitude",
        "sentence_id",
    ]
    assert column_name("pressure") == "pressure_pa"
    assert column_name("temperature") == "temperature_k"
    assert column_name("relative_humidity") == "relative_humidity_percent"
    assert column_name("ground_speed") == "ground_speed_m_s"
    assert column_name("heading") == "heading_deg"
    assert column_name("snr") == "snr_db"
    assert column_name("frequency") == "frequency_hz"
    assert column_name("radiation_counts") == "radiation_counts_count"
    assert column_name("battery_voltage") == "battery_voltage_v"
    assert column_name("satellites") == "satellites"  # dimensionless: no suffix
    assert column_name("extra_3") == "extra_3"
    assert field_from_column("temperature_k") == "temperature"


def test_csv_round_trip(flight_db, tmp_path):
    out = export_flight(flight_db, "demo", "csv", tmp_path / "demo.csv")
    table = pd.read_csv(out)
    assert list(table.columns) == [
        "time",
        "sentence_id",
        "latitude",
        "longitude",
        "altitude",
        "satellites",
        "pressure_pa",
        "temperature_k",
        "relative_humidity_percent",
        "battery_voltage_v",
        "received_at",
    ]
    assert len(table) == N  # the duplicate from the second receiver appears once
    assert table["time"].iloc[0] == "2026-06-01T09:00:01.000000Z"
    assert table["pressure_pa"].tolist() == [90000.0 - 5000.0 * i for i in range(1, N + 1)]
    times = pd.to_datetime(table["time"], utc=True)
    data, _ = read_flight(flight_db, "demo")
    assert (times == data["time"]).all()


def test_netcdf_is_a_cf_trajectory(flight_db, tmp_path):
    out = export_flight(flight_db, "demo", "netcdf", tmp_path / "demo.nc")
    with netCDF4.Dataset(out) as nc:
        assert nc.Conventions == "CF-1.8" and nc.featureType == "trajectory"
        assert nc["trajectory"].cf_role == "trajectory_id"
        assert nc["trajectory"][...] == "demo"
        assert nc["time"].units == "seconds since 1970-01-01 00:00:00 UTC"
        assert nc["lat"].standard_name == "latitude" and nc["lat"].units == "degrees_north"
        assert nc["lon"].units == "degrees_east"
        assert nc["altitude"].positive == "up" and nc["altitude"].units == "m"
        assert nc["air_pressure"].standard_name == "air_pressure"
        assert nc["air_pressure"].units == "Pa"
        assert nc["air_temperature"].units == "K"
        assert nc["air_pressure"].coordinates == "time lat lon altitude"
        assert np.all(np.diff(nc["time"][:]) > 0)  # CF: strictly increasing time
        assert nc["time"][0] == pytest.approx((T0 + timedelta(seconds=1)).timestamp())
        assert nc.launch_latitude == 52.0
    assert cf_failures(out, lowest_weight=1) == []  # the CF checker: no error, no warning
    import xarray as xr

    with xr.open_dataset(out) as ds:
        assert ds["time"].dtype.kind == "M"  # xarray decodes the CF time
        assert ds.sizes["time"] == N
        assert float(ds["air_temperature"][0]) == pytest.approx(288.15 - 6.5)


def test_kml_and_gpx_tracks_parse(flight_db, tmp_path):
    kml = read_kml(export_flight(flight_db, "demo", "kml", tmp_path / "demo.kml"))
    track = kml["placemarks"][0]
    assert track["kind"] == "LineString" and len(track["coordinates"]) == N
    assert track["coordinates"][0] == pytest.approx((0.1001, 52.0001, 1000.0), abs=1e-12)
    assert "burst" in [p["name"] for p in kml["placemarks"]]

    gpx = read_gpx(export_flight(flight_db, "demo", "gpx", tmp_path / "demo.gpx"))
    points = gpx.tracks[0].segments[0].points
    assert len(points) == N
    assert points[-1].elevation == 1000.0 * N
    assert points[0].time.isoformat() == "2026-06-01T09:00:01+00:00"
    assert gpx.waypoints[0].name == "burst" and gpx.waypoints[0].elevation == 12000.0


def test_sondehub_json_has_required_fields_in_its_units(flight_db, tmp_path):
    out = export_flight(
        flight_db, "demo", "sondehub", tmp_path / "demo.json", uploader_callsign="M0TEST"
    )
    records = json.loads(out.read_text())
    assert len(records) == N
    first = records[0]
    for key in (
        "software_name",
        "software_version",
        "uploader_callsign",
        "time_received",
        "payload_callsign",
        "datetime",
        "lat",
        "lon",
        "alt",
    ):
        assert key in first
    assert first["uploader_callsign"] == "M0TEST" and first["payload_callsign"] == "TEST"
    assert first["datetime"] == "2026-06-01T09:00:01.000000Z"
    assert first["frame"] == 1
    assert first["pressure"] == pytest.approx(850.0)  # 85000 Pa = 850 hPa
    assert first["temp"] == pytest.approx(8.5)  # 281.65 K - 273.15 = 8.5 degC
    assert first["historical"] is True


def test_export_errors_are_clear(flight_db, tmp_path):
    with pytest.raises(ValueError, match="unknown export format"):
        export_flight(flight_db, "demo", "xls", tmp_path / "x")
    FlightStore(flight_db, "empty").close()
    with pytest.raises(ValueError, match="no decoded telemetry"):
        export_flight(flight_db, "empty", "csv", tmp_path / "x.csv")


def test_cli_export_and_flights(flight_db, tmp_path, capsys):
    out = tmp_path / "cli.csv"
    assert (
        main(
            [
                "export",
                "--db",
                str(flight_db),
                "--flight",
                "demo",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 0
    )
    assert len(pd.read_csv(out)) == N
    assert (
        main(
            [
                "export",
                "--db",
                str(flight_db),
                "--flight",
                "nope",
                "--format",
                "csv",
                "--out",
                str(out),
            ]
        )
        == 2
    )
    assert "no flight named 'nope'" in capsys.readouterr().err
    capsys.readouterr()
    assert main(["flights", "--db", str(flight_db), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["name"] == "demo" and rows[0]["good_frames"] == N + 1
    assert rows[0]["telemetry_rows"] == N and rows[0]["max_altitude"] == 1000.0 * N


def test_exports_of_a_simulated_flight_say_synthetic(flight_db, tmp_path):
    # strato log --synthetic stores settings["synthetic"]; the files a user opens (NetCDF
    # title, KML/GPX track names) must say so (house rule: synthetic data labelled).
    db = tmp_path / "sim.sqlite"
    with FlightStore(db, "sim", settings={"synthetic": True}) as store:
        store.record([good_frame(i, altitude=1000.0 * i) for i in range(1, 4)])
    with netCDF4.Dataset(export_flight(db, "sim", "netcdf", tmp_path / "sim.nc")) as nc:
        assert nc.title.startswith("SYNTHETIC") and "simulated" in nc.title
    for fmt in ("kml", "gpx"):
        text = export_flight(db, "sim", fmt, tmp_path / f"sim.{fmt}").read_text()
        assert "Flight sim (SYNTHETIC: simulated payload)" in text
        real = export_flight(flight_db, "demo", fmt, tmp_path / f"demo.{fmt}").read_text()
        assert "SYNTHETIC" not in real
    with netCDF4.Dataset(export_flight(flight_db, "demo", "netcdf", tmp_path / "d.nc")) as nc:
        assert "SYNTHETIC" not in nc.title
    # SondeHub JSON is for uploading real flights to a public database: refused, no file.
    with pytest.raises(ValueError, match="simulated payload.*csv, netcdf, kml or gpx"):
        export_flight(db, "sim", "sondehub", tmp_path / "sim.sondehub.json")
    assert not (tmp_path / "sim.sondehub.json").exists()
    assert export_flight(flight_db, "demo", "sondehub", tmp_path / "d.json").exists()
