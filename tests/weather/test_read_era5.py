"""ERA5 readers: generated fixtures in both CDS layouts, and the real files in realdata."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

from tests.weather.era5_fixtures import (
    ALT_OF_LEVEL,
    LEVELS_HPA,
    formula_fields,
    write_legacy_cds,
    write_new_cds,
    write_new_cds_single_level,
)
from weather import OutsideAtmosphereError, open_atmosphere, to_epoch_seconds
from weather.geopotential import geopotential_to_altitude
from weather.read_era5 import read_era5_grib, read_era5_netcdf

T0 = datetime(2024, 3, 1, tzinfo=UTC)


# ---------------------------------------------------------------- generated fixtures
def test_new_cds_layout_becomes_canonical(tmp_path):
    path = write_new_cds(tmp_path / "new.nc")
    ds = read_era5_netcdf(path)
    assert list(ds.dims) == ["time", "level", "latitude", "longitude"]
    assert ds["level"].values.tolist() == (LEVELS_HPA * 100).tolist()  # Pa, 1000 hPa first
    assert ds["latitude"].values.tolist() == [40.0, 40.5, 41.0]  # ascending now
    assert ds["longitude"].values.tolist() == [-9.0, -8.5, -8.0]
    assert ds["time"].values[0] == np.datetime64("2024-03-01T00:00", "ns")
    assert ds.attrs["synthetic"] == "no" and "new CDS" in ds.attrs["source"]
    assert ds.attrs["expver"] == "0001,0005"  # per-time expver recorded, not a dimension
    assert set(ds.data_vars) == {"z", "t", "u", "v"}
    assert "member" not in ds.dims  # scalar `number` is not an ensemble axis
    # values: fixture formula u = lat + 0.1*(lon % 360) + 2k + 0.5h at (h=1, 850 hPa k=1,
    # 40.5 N, -8.5 E): 40.5 + 0.1*351.5 + 2 + 0.5 = 78.15; float32 storage -> 1e-5 relative
    value = ds["u"].sel(level=85000.0, latitude=40.5, longitude=-8.5).isel(time=1)
    assert float(value) == pytest.approx(78.15, rel=1e-5)


def test_new_cds_scalar_expver(tmp_path):
    path = write_new_cds(tmp_path / "one.nc", hours=(0,), expver="scalar")
    ds = read_era5_netcdf(path)
    assert ds.sizes["time"] == 1
    assert ds.attrs["expver"] == "0001"


def test_legacy_layout_unpacks_and_reorders(tmp_path):
    path = write_legacy_cds(tmp_path / "old.nc")
    ds = read_era5_netcdf(path)
    assert "legacy CDS" in ds.attrs["source"]
    assert ds["level"].values.tolist() == [100000.0, 85000.0, 50000.0]  # was ascending hPa
    assert ds["latitude"].values.tolist() == [40.0, 40.5, 41.0]
    expected = np.array([f"2024-03-01T{h:02d}:00" for h in (0, 6, 12)], dtype="datetime64[ns]")
    assert np.array_equal(ds["time"].values, expected)
    truth = formula_fields(
        (0, 6, 12), (1000.0, 850.0, 500.0), (40.0, 40.5, 41.0), (-9.0, -8.5, -8.0)
    )
    for name in ("z", "t", "u", "v"):
        # int16 packing: error at most scale/2 = range / 65532 / 2
        half_step = (truth[name].max() - truth[name].min()) / 65532 / 2
        np.testing.assert_allclose(ds[name].values, truth[name], atol=half_step * 1.01)


def test_legacy_fill_value_is_refused_with_place(tmp_path):
    path = write_legacy_cds(tmp_path / "gap.nc", fill_at=("t", (1, 0, 2, 1)))
    with pytest.raises(ValueError, match=r"missing .* variable 't'.*time=2024-03-01T06:00:00Z"):
        open_atmosphere(path)


def test_new_cds_nan_is_refused_with_place(tmp_path):
    path = write_new_cds(tmp_path / "nan.nc", nan_at=("u", (2, 3, 0, 0)))
    with pytest.raises(ValueError, match=r"variable 'u'.*level=250 hPa"):
        open_atmosphere(path)


def test_longitudes_0_360_become_minus180_180(tmp_path):
    path = write_new_cds(tmp_path / "east.nc", lons=(350.0, 350.5, 351.0))
    ds = read_era5_netcdf(path)
    assert ds["longitude"].values.tolist() == [-10.0, -9.5, -9.0]


@pytest.mark.parametrize(
    "lons",
    [
        (179.0, 179.5, 180.0, 180.5, 181.0),  # 0..360 convention
        (179.0, 179.5, 180.0, -179.5, -179.0),  # -180..180 convention, split at 180
        (179.0, 179.5, -180.0, -179.5, -179.0),
    ],
)
def test_antimeridian_area_is_kept_continuous(tmp_path, lons):
    path = write_new_cds(tmp_path / "am.nc", lons=lons)
    ds = read_era5_netcdf(path)
    assert ds["longitude"].values.tolist() == [179.0, 179.5, 180.0, 180.5, 181.0]
    atmosphere = open_atmosphere(path)
    assert (atmosphere.bounds.lon_min, atmosphere.bounds.lon_max) == (179.0, -179.0)
    # fixture u depends on lon % 360: at -179.75 (= 180.25 E) between grid points
    t = to_epoch_seconds(T0)
    u, _ = atmosphere.wind(t, 40.5, -179.75, ALT_OF_LEVEL[0])
    assert float(u) == pytest.approx(40.5 + 0.1 * 180.25, abs=1e-4)  # float32 grid


def test_missing_variable_is_clear(tmp_path):
    path = write_new_cds(tmp_path / "now.nc", variables=("z", "t", "u"))
    with pytest.raises(ValueError, match=r"variable\(s\) v missing"):
        open_atmosphere(path)


def test_not_a_data_file(tmp_path):
    page = tmp_path / "error.nc"
    page.write_text("<html>502 Bad Gateway</html>")
    with pytest.raises(ValueError, match="not a NetCDF, GRIB or zip"):
        open_atmosphere(page)


def test_single_level_file_gives_surface_fields(tmp_path):
    lats = (41.0, 40.5, 40.0)
    lons = (-9.0, -8.5, -8.0)
    elevation = np.array([[0.0, 100.0, 200.0], [0.0, 300.0, 600.0], [0.0, 0.0, 0.0]])
    land = (elevation > 0).astype(float)
    path = write_new_cds_single_level(tmp_path / "sfc.nc", lats, lons, elevation, land)
    ds = read_era5_netcdf(path)
    assert set(ds.data_vars) == {"surface_geopotential", "land_sea_mask"}
    assert ds["surface_geopotential"].dims == ("latitude", "longitude")
    # row 41 N (first in the file) is last after sorting latitude ascending
    np.testing.assert_allclose(
        ds["surface_geopotential"].values[-1], [0.0, 980.665, 1961.33], rtol=1e-6
    )


# ---------------------------------------------------------------- real files (SOURCES.md)
@pytest.mark.realdata
def test_real_new_cds_euroc(realdata):
    ds = read_era5_netcdf(realdata / "era5_grib" / "euroc_2022_all_windows.nc")
    assert ds.sizes == {"time": 40, "level": 37, "latitude": 5, "longitude": 5}
    assert ds["level"].values[0] == 100000.0 and ds["level"].values[-1] == 100.0
    point = ds.sel(time="2022-10-13T10:00", level=10000.0, latitude=39.5, longitude=-8.5)
    # SOURCES.md: z 161684.3125, t 206.3317, u 4.0628, v -7.1851 (4-decimal rounding)
    assert float(point["z"]) == pytest.approx(161684.3125, abs=1e-4)
    assert float(point["t"]) == pytest.approx(206.3317, abs=1e-4)
    assert float(point["u"]) == pytest.approx(4.0628, abs=1e-4)
    assert float(point["v"]) == pytest.approx(-7.1851, abs=1e-4)


@pytest.mark.realdata
def test_real_new_cds_ndrt_single_time(realdata):
    ds = read_era5_netcdf(realdata / "era5_grib" / "ndrt_2020_weather_data_ERA5_new.nc")
    assert ds.sizes == {"time": 1, "level": 37, "latitude": 97, "longitude": 101}
    point = ds.sel(level=10000.0, latitude=42.0, longitude=-87.5).isel(time=0)
    # SOURCES.md: z 159304.9375, t 214.8838, u 21.1421, v -6.5316
    assert float(point["z"]) == pytest.approx(159304.9375, abs=1e-4)
    assert float(point["t"]) == pytest.approx(214.8838, abs=1e-4)
    assert float(point["u"]) == pytest.approx(21.1421, abs=1e-4)
    assert float(point["v"]) == pytest.approx(-6.5316, abs=1e-4)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "time", "lat", "lon", "expected"),
    [
        # SOURCES.md raw values after unpacking (4 decimals)
        (
            "bella_lui_weather_data_ERA5.nc",
            "2020-02-22T00:00",
            47.0,
            9.0,
            {"z": 42461.9692, "t": 262.3146, "u": 5.4813, "v": -10.7407},
        ),
        (
            "ndrt_2020_weather_data_ERA5.nc",
            "2020-02-23T00:00",
            42.0,
            -87.0,
            {"z": 41490.2118, "t": 262.9014, "u": 14.0005, "v": -0.299},
        ),
    ],
)
def test_real_legacy_cds(realdata, name, time, lat, lon, expected):
    ds = read_era5_netcdf(realdata / "era5_grib" / name)
    assert ds.sizes["level"] == 14 and ds["level"].values[0] == 100000.0
    assert ds["u"].dtype == np.float64  # unpacked values kept in double precision
    point = ds.sel(time=time, level=60000.0, latitude=lat, longitude=lon)
    for var, value in expected.items():
        assert float(point[var]) == pytest.approx(value, abs=1e-4), var


@pytest.mark.realdata
def test_real_hedy_file_and_grid_points(realdata):
    """Interpolation at grid points returns the raw values of SOURCES.md exactly."""
    path = realdata / "flight_with_era5" / "hedy_euroc2025" / "hedy_euroc_2025_weather_data.nc"
    atmosphere = open_atmosphere(path)
    assert atmosphere.bounds.lat_min == 36.0 and atmosphere.bounds.lon_max == -6.0
    assert atmosphere.has_surface is False
    t = to_epoch_seconds(datetime(2025, 10, 12, 16, tzinfo=UTC))
    reference = [  # (z, t, u, v) at 39.5 N 8.25 W, 1000/850/700/500/450 hPa
        (1285.2, 298.855, -2.128, -0.888),
        (14990.109, 285.817, -3.200, -0.952),
        (30635.703, 275.144, -1.625, -0.047),
        (56492.207, 258.724, 0.515, 4.143),
        (64222.219, 252.293, -1.710, 4.615),
    ]
    for z, temp, u, v in reference:
        s = atmosphere.sample(t, 39.5, -8.25, geopotential_to_altitude(z))
        # SOURCES.md gives 3 decimals; the grid keeps float32 altitudes (< 1 mm error)
        assert float(s.u) == pytest.approx(u, abs=6e-4)
        assert float(s.v) == pytest.approx(v, abs=6e-4)
        assert float(s.temperature) == pytest.approx(temp, abs=6e-4)


@pytest.mark.realdata
def test_real_grib_ensemble_members(realdata):
    ds = read_era5_grib(realdata / "era5_grib" / "era5-levels-members.grib")
    # SOURCES.md/cfgrib: 10 members x 4 times x 850/500 hPa x 61 x 120, z and t only
    assert dict(ds.sizes) == {"member": 10, "time": 4, "level": 2, "latitude": 61, "longitude": 120}
    assert set(ds.data_vars) == {"z", "t"}
    assert ds["level"].values.tolist() == [85000.0, 50000.0]
    assert ds["longitude"].values[0] == -180.0 and ds["longitude"].values[-1] == 177.0
    assert ds["latitude"].values[0] == -90.0
    with pytest.raises(ValueError, match=r"variable\(s\) u, v missing"):
        open_atmosphere(realdata / "era5_grib" / "era5-levels-members.grib")


@pytest.mark.realdata
def test_real_grib_uv_on_different_levels(realdata):
    path = realdata / "era5_grib" / "uv_on_different_levels.grib"
    with pytest.raises(ValueError, match=r"u on 1000, 850, 700, 500, 400 hPa; v on 1000, 700"):
        read_era5_grib(path)
    ds = read_era5_grib(path, common_levels=True)
    assert ds["level"].values.tolist() == [100000.0, 70000.0, 50000.0]
    # forecast steps 6 h and 12 h from 2017-10-18 12Z become valid times
    expected = np.array(["2017-10-18T18:00", "2017-10-19T00:00"], dtype="datetime64[ns]")
    assert np.array_equal(ds["time"].values, expected)


def test_old_cds_expver_dimension_is_merged(tmp_path):
    """Old-CDS files of periods mixing ERA5 and ERA5T had ``expver`` as a dimension."""
    import xarray as xr

    fields = formula_fields((0, 1), (1000.0, 500.0), (40.0, 41.0), (5.0, 6.0))
    dims = ("time", "expver", "level", "latitude", "longitude")
    data = {}
    for name, values in fields.items():
        both = np.stack([values, values], axis=1).astype(np.float32)
        both[1, 0] = np.nan  # last time only in ERA5T (expver 5)
        both[0, 1] = np.nan  # first time only in ERA5 (expver 1)
        data[name] = (dims, both)
    ds = xr.Dataset(
        data,
        coords={
            "time": np.array(["2024-03-01T00", "2024-03-01T01"], dtype="datetime64[ns]"),
            "expver": np.array([1, 5], dtype=np.int32),
            "level": np.array([1000, 500], dtype=np.int32),
            "latitude": np.array([40.0, 41.0], dtype=np.float32),
            "longitude": np.array([5.0, 6.0], dtype=np.float32),
        },
    )
    ds["level"].attrs["units"] = "millibars"
    path = tmp_path / "mixed.nc"
    ds.to_netcdf(path, format="NETCDF3_64BIT")
    out = read_era5_netcdf(path)
    assert "expver" not in out.dims and out.attrs["expver"] == "1,5"
    assert not np.isnan(out["u"].values).any()
    np.testing.assert_allclose(out["u"].values, fields["u"], rtol=1e-6)


@pytest.mark.realdata
def test_real_euroc_through_the_atmosphere(realdata):
    """Grid point of SOURCES.md asked through open_atmosphere: values and density."""
    atmosphere = open_atmosphere(realdata / "era5_grib" / "euroc_2022_all_windows.nc")
    assert atmosphere.bounds.top_altitude > 45000.0  # 37 levels up to 1 hPa (~48 km)
    t = to_epoch_seconds(datetime(2022, 10, 13, 10, tzinfo=UTC))
    s = atmosphere.sample(t, 39.5, -8.5, geopotential_to_altitude(161684.3125))
    # SOURCES.md: 100 hPa t 206.3317, u 4.0628, v -7.1851 (float32 grid: < 1e-3)
    assert float(s.u) == pytest.approx(4.0628, abs=1e-3)
    assert float(s.v) == pytest.approx(-7.1851, abs=1e-3)
    assert float(s.pressure) == pytest.approx(10000.0, rel=1e-4)
    # rho = p / (R_d T) = 10000 / (287.05287 * 206.3317) = 0.168839 kg m-3
    assert float(s.density) == pytest.approx(0.168839, rel=1e-4)
    # the file holds 10..17 UTC of each day: 20 UTC lies in a 17 h gap, not interpolated
    with pytest.raises(
        OutsideAtmosphereError,
        match=r"gap of the data: nothing between "
        r"2022-10-13T17:00:00\+00:00 and 2022-10-14T10:00:00\+00:00",
    ):
        atmosphere.wind(t + 10 * 3600.0, 39.5, -8.5, 1000.0)
    # one minute before the first time is an error naming the range
    with pytest.raises(OutsideAtmosphereError, match="2022-10-13T10:00:00"):
        atmosphere.wind(t - 60.0, 39.5, -8.5, 1000.0)


@pytest.mark.realdata
def test_real_single_time_file_with_time_margin(realdata):
    path = realdata / "era5_grib" / "ndrt_2020_weather_data_ERA5_new.nc"
    t = to_epoch_seconds(datetime(2020, 2, 23, 16, tzinfo=UTC))
    with pytest.raises(OutsideAtmosphereError):
        open_atmosphere(path).wind(t + 600.0, 42.0, -87.5, 16000.0)
    atmosphere = open_atmosphere(path, time_margin=3600.0)
    u, v = atmosphere.wind(t + 600.0, 42.0, -87.5, geopotential_to_altitude(159304.9375))
    # SOURCES.md 100 hPa at 42 N -87.5: u 21.1421, v -6.5316 (held from the only time)
    assert float(u) == pytest.approx(21.1421, abs=1e-3)
    assert float(v) == pytest.approx(-6.5316, abs=1e-3)
