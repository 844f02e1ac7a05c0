"""Writers: each file parses back to the same flight at full precision."""

from __future__ import annotations

import csv
import json
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import numpy as np
import pytest

from predictor import predict
from predictor.writers import write_result
from weather.analytic_atmosphere import AnalyticAtmosphere, linear_shear_wind

T0 = datetime(2025, 6, 21, 6, tzinfo=UTC)
KML = "{http://www.opengis.net/kml/2.2}"
GPX = "{http://www.topografix.com/GPX/1/1}"


@pytest.fixture(scope="module")
def result():
    atm = AnalyticAtmosphere(linear_shear_wind(4.0, 0.001, -1.0, 0.0003))
    return predict(
        atm,
        T0,
        45.123456789012,
        5.987654321098,
        ascent_rate=5.0,
        burst_altitude=30000.0,
        descent_rate=5.0,
    )


def test_json_file(result, tmp_path):
    path = write_result(result, tmp_path / "flight.json")
    doc = json.loads(path.read_text())
    assert doc == json.loads(json.dumps(result.to_dict()))
    assert doc["launch"]["latitude"] == 45.123456789012


def test_csv_file(result, tmp_path):
    path = write_result(result, tmp_path / "flight.csv")
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    cols = result.trajectory()
    assert list(rows[0]) == [
        "time_utc",
        "time_unix_s",
        "stage",
        "latitude_deg",
        "longitude_deg",
        "altitude_m",
    ]
    assert len(rows) == cols["time"].size
    assert float(rows[-1]["latitude_deg"]) == result.landing.latitude[0]  # full precision
    assert rows[0]["time_utc"] == "2025-06-21T06:00:00.000Z"
    assert rows[-1]["stage"] == "descent"


def test_kml_file(result, tmp_path):
    path = write_result(result, tmp_path / "flight.kml")
    root = ET.parse(path).getroot()
    assert root.tag == f"{KML}kml"
    line = root.find(f".//{KML}LineString")
    assert line.find(f"{KML}altitudeMode").text == "absolute"
    coords = [tuple(map(float, c.split(","))) for c in line.find(f"{KML}coordinates").text.split()]
    cols = result.trajectory()
    assert len(coords) == cols["time"].size
    assert coords[-1] == (
        result.landing.longitude[0],
        result.landing.latitude[0],
        result.landing.altitude[0],
    )
    names = [pm.find(f"{KML}name").text for pm in root.iter(f"{KML}Placemark")]
    assert names[0] == "Flight path" and "Burst" in names
    assert any(n.startswith("Landing") for n in names)
    assert "SYNTHETIC" in root.find(f".//{KML}Document/{KML}name").text


def test_geojson_file(result, tmp_path):
    from shapely.geometry import shape

    path = write_result(result, tmp_path / "flight.geojson")
    doc = json.loads(path.read_text())
    assert doc["type"] == "FeatureCollection"
    track = shape(doc["features"][0]["geometry"])
    assert track.geom_type == "LineString" and track.has_z
    assert len(track.coords) == result.trajectory()["time"].size
    kinds = {f["properties"]["kind"]: f for f in doc["features"][1:]}
    assert set(kinds) == {"launch", "burst", "landing"}
    lon, lat, alt = kinds["landing"]["geometry"]["coordinates"]
    assert (lat, lon) == (result.landing.latitude[0], result.landing.longitude[0])
    # land or sea from the coastline even though the analytic atmosphere has no mask
    assert kinds["landing"]["properties"]["surface"] == str(result.surface[0])
    assert result.surface[0] in ("land", "sea")


def test_gpx_file(result, tmp_path):
    path = write_result(result, tmp_path / "flight.gpx")
    root = ET.parse(path).getroot()
    assert root.tag == f"{GPX}gpx" and root.get("version") == "1.1"
    wpts = root.findall(f"{GPX}wpt")
    names = [w.find(f"{GPX}name").text for w in wpts]
    assert names[:2] == ["Launch", "Burst"] and names[2] == "Landing (unknown)"  # as in KML
    pts = root.findall(f".//{GPX}trkpt")
    assert len(pts) == result.trajectory()["time"].size
    assert float(pts[-1].get("lat")) == result.landing.latitude[0]
    assert float(pts[-1].find(f"{GPX}ele").text) == result.landing.altitude[0]
    times = [p.find(f"{GPX}time").text for p in pts]
    assert times[0] == "2025-06-21T06:00:00.000Z"
    assert all(t.endswith("Z") for t in times)
    assert np.all(np.diff([float(p.find(f"{GPX}ele").text) for p in pts[:5]]) > 0)


def test_unknown_extension(result, tmp_path):
    with pytest.raises(ValueError, match=r"use one of the extensions \.json, \.csv, \.kml"):
        write_result(result, tmp_path / "flight.shp")


def test_member_without_landing_writes_cleanly(tmp_path):
    """A member that left the data has no landing: JSON nulls, maps without that point."""
    from weather.analytic_atmosphere import AnalyticAtmosphere, uniform_wind
    from weather.protocol import AtmosphereBounds

    box = AtmosphereBounds(
        datetime(2025, 6, 21, tzinfo=UTC),
        datetime(2025, 6, 22, tzinfo=UTC),
        lat_min=40.0,
        lat_max=50.0,
        lon_min=0.0,
        lon_max=10.0,
    )
    atm = AnalyticAtmosphere(uniform_wind(0.0, 40.0), bounds=box)
    r = predict(atm, T0, 49.9, 5.0, 0.0, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    assert r.status[0] == "left_data_area"
    doc = json.loads((write_result(r, tmp_path / "f.json")).read_text())
    assert doc["landing"]["latitude"] is None and doc["landing"]["status"] == "left_data_area"
    assert doc["flight_time_s"] is None and "left_data" in doc["warnings"]
    for ext in ("kml", "gpx", "geojson", "csv"):
        text = write_result(r, tmp_path / f"f.{ext}").read_text()
        assert "nan" not in text.lower()


def test_read_prediction_json_reads_back_and_explains_bad_files(tmp_path):
    """The JSON reader returns what write_json wrote and names each kind of bad file."""
    import pytest

    from predictor.writers.json_writer import read_prediction_json

    good = tmp_path / "p.json"
    good.write_text('{"landing": {"latitude": 1.0}, "stages": []}')
    assert read_prediction_json(good)["landing"]["latitude"] == 1.0
    with pytest.raises(FileNotFoundError, match="no such file.*strato predict --out"):
        read_prediction_json(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("not json")
    with pytest.raises(ValueError, match="is not JSON"):
        read_prediction_json(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text("{}")
    with pytest.raises(ValueError, match="no 'landing' key"):
        read_prediction_json(tmp_path / "other.json")
