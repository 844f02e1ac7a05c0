"""DEM files (GeoTIFF written here with rasterio) land the flight on their elevation."""

from __future__ import annotations

import json

import numpy as np
import pytest

rasterio = pytest.importorskip("rasterio")

from affine import Affine  # noqa: E402

import terrain  # noqa: E402
from predictor import predict  # noqa: E402
from predictor.terrain_landing import land_on_dem  # noqa: E402
from terrain.elevation import DemError, open_dem  # noqa: E402
from weather import SAMPLE_LAUNCH_SITE, SAMPLE_TIME_START, open_sample_atmosphere  # noqa: E402

ONSHORE_LAUNCH = SAMPLE_TIME_START.replace(day=22, hour=6)  # lands inland, west of Hai Phong


def _write_tiff(path, data, crs, west, north, step):
    """Write a north-up single-band float32 GeoTIFF with rasterio."""
    with rasterio.open(
        path,
        "w",
        driver="GTiff",
        height=data.shape[0],
        width=data.shape[1],
        count=1,
        dtype="float32",
        crs=crs,
        transform=Affine(step, 0.0, west, 0.0, -step, north),
        nodata=-9999.0,
    ) as dst:
        dst.write(data.astype(np.float32), 1)
    return path


def _write_geographic(path, south, west, north, east, height, step=0.01):
    ny, nx = round((north - south) / step), round((east - west) / step)
    return _write_tiff(path, np.full((ny, nx), height), "EPSG:4326", west, north, step)


def _fly():
    s = SAMPLE_LAUNCH_SITE
    return predict(
        open_sample_atmosphere(),
        ONSHORE_LAUNCH,
        s.latitude,
        s.longitude,
        ascent_rate=5.0,
        burst_altitude=30000.0,
        descent_rate=5.0,
    )


@pytest.mark.parametrize("height", [420.0, -5.0])
def test_flight_lands_on_the_dem_elevation_above_or_below_the_weather_ground(tmp_path, height):
    result = _fly()
    lat, lon = result.landing.latitude[0], result.landing.longitude[0]
    weather_ground = result.landing.altitude[0]
    dem = open_dem(
        _write_geographic(tmp_path / "dem.tif", lat - 1, lon - 1, lat + 1, lon + 1, height)
    )
    moved = land_on_dem(result, dem, open_sample_atmosphere())
    assert moved.landing.altitude[0] == pytest.approx(height, abs=0.01)
    assert abs(moved.landing.altitude[0] - weather_ground) > 10
    # higher ground: landed earlier; lower: later
    earlier = height > weather_ground
    assert (moved.landing.time[0] < result.landing.time[0]) == earlier
    track = moved.trajectory(0)
    assert track["altitude"][-1] == pytest.approx(height, abs=0.01)
    assert moved.settings["ground_source"].startswith("DEM dem.tif")
    assert "terrain_not_covered" not in moved.warnings
    doc = moved.to_dict()
    assert doc["landing"]["altitude"] == pytest.approx(height, abs=0.01)


@pytest.mark.parametrize("sea_value", [-30.0, -9999.0, 12.0])
def test_dem_at_sea_lands_at_sea_level(tmp_path, sea_value):
    """A DEM's value at sea (bathymetry, no data, a coarse coast) is not where it lands."""
    s = SAMPLE_LAUNCH_SITE
    atmosphere = open_sample_atmosphere()
    result = predict(
        atmosphere, SAMPLE_TIME_START.replace(day=21, hour=12), s.latitude, s.longitude,
        ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0,
    )  # fmt: skip
    assert result.surface[0] == "sea"
    lat, lon = result.landing.latitude[0], result.landing.longitude[0]
    step = 0.01
    cell_lat = lat + 0.5 - step * (np.arange(100) + 0.5)
    cell_lon = lon - 0.5 + step * (np.arange(100) + 0.5)
    land = terrain.is_land(cell_lat[:, None], cell_lon[None, :])
    data = np.where(land, 50.0, sea_value)
    dem = open_dem(_write_tiff(tmp_path / "dem.tif", data, "EPSG:4326", lon - 0.5, lat + 0.5, step))
    moved = land_on_dem(result, dem, atmosphere)
    assert moved.surface[0] == "sea"
    assert moved.landing.altitude[0] == 0.0
    assert moved.trajectory(0)["altitude"][-1] == 0.0
    assert "terrain_not_covered" not in moved.warnings


def test_dem_in_a_projected_crs_is_reprojected(tmp_path):
    """A UTM zone 48N DEM (Hai Phong) with a west-east slope gives the same heights."""
    from pyproj import Transformer

    to_utm = Transformer.from_crs("EPSG:4326", "EPSG:32648", always_xy=True)
    x0, y0 = to_utm.transform(106.5, 21.1)
    step = 100.0
    nx, ny = 400, 400
    x = x0 + (np.arange(nx) + 0.5) * step
    data = np.broadcast_to(100.0 + 0.01 * (x - x0), (ny, nx)).astype(np.float32)
    path = _write_tiff(tmp_path / "utm.tif", data, "EPSG:32648", x0, y0, step)
    dem = open_dem(path)
    assert dem.crs == "EPSG:32648"
    lat, lon = 20.95, 106.70
    xq, _ = to_utm.transform(lon, lat)
    expected = 100.0 + 0.01 * (xq - x0)
    assert float(dem.elevation_at(lat, lon)) == pytest.approx(expected, abs=2.0)
    assert np.isnan(dem.elevation_at(20.0, 106.7))  # south of the tile


def test_dem_not_covering_the_landing_warns_and_falls_back(tmp_path):
    result = _fly()
    dem = open_dem(_write_geographic(tmp_path / "far.tif", 10.0, 100.0, 11.0, 101.0, 300.0))
    moved = land_on_dem(result, dem, open_sample_atmosphere())
    assert moved.landing.altitude[0] == result.landing.altitude[0]
    assert "terrain_not_covered" in moved.warnings
    assert "weather orography" in moved.settings["ground_source"]


def test_bad_dem_files_are_clear_errors(tmp_path):
    with pytest.raises(DemError, match="does not exist"):
        open_dem(tmp_path / "missing.tif")
    junk = tmp_path / "junk.tif"
    junk.write_bytes(b"not a tiff")
    with pytest.raises(DemError, match="cannot read DEM"):
        open_dem(junk)


def test_cli_terrain_sets_launch_ground_and_landing(tmp_path):
    from typer.testing import CliRunner

    from stratoflight.cli import app

    s = SAMPLE_LAUNCH_SITE
    path = _write_geographic(
        tmp_path / "delta.tif",
        s.latitude - 2,
        s.longitude - 2,
        s.latitude + 2,
        s.longitude + 2,
        37.0,
    )
    run = CliRunner().invoke(
        app, ["predict", "--time", ONSHORE_LAUNCH.isoformat(), "--terrain", str(path), "--json"]
    )
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)
    assert doc["launch"]["altitude"] == pytest.approx(37.0, abs=0.01)
    assert doc["landing"]["altitude"] == pytest.approx(37.0, abs=0.01)
    assert doc["settings"]["ground_source"].startswith("DEM delta.tif")


def test_cli_terrain_with_an_ensemble_lands_every_member_on_the_dem(tmp_path):
    from typer.testing import CliRunner

    from stratoflight.cli import app

    s = SAMPLE_LAUNCH_SITE
    path = _write_geographic(
        tmp_path / "delta.tif",
        s.latitude - 2,
        s.longitude - 3,
        s.latitude + 2,
        s.longitude + 2,
        61.0,
    )
    run = CliRunner().invoke(
        app,
        [
            "predict",
            "--time",
            ONSHORE_LAUNCH.isoformat(),
            "--terrain",
            str(path),
            "--ensemble",
            "8",
            "--seed",
            "2",
            "--json",
        ],
    )
    assert run.exit_code == 0, run.output
    doc = json.loads(run.stdout)["ensemble"]
    altitudes = [m["landing"]["altitude_m"] for m in doc["members"]]
    assert len(altitudes) == 8
    assert altitudes == pytest.approx([61.0] * 8, abs=0.01)
    text = json.dumps(doc)
    assert "DEM delta.tif" in text
    assert "terrain_not_covered" not in text
