"""GridAtmosphere: exact at grid points, linear between, holds beyond, errors outside.

The grids come from the formulas in ``era5_fixtures`` (linear in time, latitude and
longitude), so trilinear interpolation must reproduce them exactly between grid points;
tolerances only cover the float32 storage of the grid (about 1e-7 relative).
"""

from __future__ import annotations

import zipfile
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
import xarray as xr

from tests.weather.era5_fixtures import (
    ALT_OF_LEVEL,
    LEVELS_HPA,
    expected_u,
    formula_fields,
    write_new_cds,
    write_new_cds_single_level,
)
from weather import Atmosphere, GridAtmosphere, OutsideAtmosphereError, open_atmosphere
from weather import to_epoch_seconds as epoch
from weather.geopotential import (
    EARTH_RADIUS,
    STANDARD_GRAVITY,
    altitude_to_geopotential,
    geopotential_to_altitude,
)
from weather.grid_atmosphere import R_DRY_AIR
from weather.standard_atmosphere import geopotential_to_geometric

T0 = datetime(2024, 3, 1, tzinfo=UTC)
HOUR = 3600.0
LATS = (40.0, 40.5, 41.0)
LONS = (-9.0, -8.5, -8.0)
F32 = 2e-6  # relative precision of float32 storage, with margin (2**-23 = 1.2e-7 per value)


def canonical(hours=(0, 1, 2), lats=LATS, lons=LONS, tilt=False, members=None, surface=None):
    fields = formula_fields(hours, LEVELS_HPA, lats, lons, tilt=tilt)
    dims = ("time", "level", "latitude", "longitude")
    data = {}
    for name, values in fields.items():
        values = values.astype(np.float32)
        if members:
            # member m adds 100 m/s * m to u (recognisable), same heights
            stack = np.stack(
                [values + (100.0 * m if name == "u" else 0.0) for m in range(members)]
            ).astype(np.float32)
            data[name] = (("member",) + dims, stack)
        else:
            data[name] = (dims, values)
    coords = {
        "time": np.datetime64("2024-03-01T00:00", "ns")
        + np.asarray(hours) * np.timedelta64(3600, "s"),
        "level": LEVELS_HPA * 100.0,
        "latitude": np.asarray(lats, dtype=np.float64),
        "longitude": np.asarray(lons, dtype=np.float64),
    }
    if members:
        coords["member"] = np.arange(members)
    if surface is not None:
        for name, values in surface.items():
            data[name] = (("latitude", "longitude"), values)
    return xr.Dataset(
        data, coords=coords, attrs={"source": "SYNTHETIC formula grid", "synthetic": "yes"}
    )


@pytest.fixture(scope="module")
def atmosphere():
    return GridAtmosphere(canonical())


def test_implements_protocol(atmosphere):
    assert isinstance(atmosphere, Atmosphere)
    assert atmosphere.synthetic is True and "SYNTHETIC" in atmosphere.source
    assert atmosphere.ensemble_size == 1
    b = atmosphere.bounds
    assert (b.time_start, b.time_end) == (T0, T0 + timedelta(hours=2))
    assert (b.lat_min, b.lat_max, b.lon_min, b.lon_max) == (40.0, 41.0, -9.0, -8.0)
    assert b.top_altitude == pytest.approx(ALT_OF_LEVEL[-1], rel=F32)
    assert b.pressure_levels == tuple(LEVELS_HPA * 100.0)


def test_exact_at_grid_points(atmosphere):
    for k, alt in enumerate(ALT_OF_LEVEL):
        for lat in LATS:
            for lon in LONS:
                s = atmosphere.sample(epoch(T0) + HOUR, lat, lon, alt)
                u = expected_u(1.0, lat, lon, k)
                assert float(s.u) == pytest.approx(u, rel=F32)
                assert float(s.v) == pytest.approx(-u / 2, rel=F32)
                assert float(s.temperature) == pytest.approx(290.0 - 5.0 * k, rel=F32)
                assert float(s.pressure) == pytest.approx(LEVELS_HPA[k] * 100.0, rel=1e-5)


def test_linear_between_grid_points_in_time_lat_lon(atmosphere):
    rng = np.random.default_rng(1)
    n = 500
    hours = rng.uniform(0.0, 2.0, n)
    lat = rng.uniform(40.0, 41.0, n)
    lon = rng.uniform(-9.0, -8.0, n)
    k = rng.integers(0, len(LEVELS_HPA), n)
    u, v = atmosphere.wind(epoch(T0) + hours * HOUR, lat, lon, ALT_OF_LEVEL[k])
    np.testing.assert_allclose(u, expected_u(hours, lat, lon, k), rtol=F32)
    np.testing.assert_allclose(v, -expected_u(hours, lat, lon, k) / 2, rtol=F32)


def test_linear_in_altitude_and_log_linear_pressure(atmosphere):
    # 30 % of the way from 850 hPa (k=1, 1500 m) to 500 hPa (k=2, 5600 m): 2730 m
    alt = 1500.0 + 0.3 * (5600.0 - 1500.0)
    s = atmosphere.sample(epoch(T0), 40.5, -8.5, alt)
    u1, u2 = expected_u(0.0, 40.5, -8.5, 1), expected_u(0.0, 40.5, -8.5, 2)
    assert float(s.u) == pytest.approx(u1 + 0.3 * (u2 - u1), rel=F32)
    assert float(s.temperature) == pytest.approx(285.0 + 0.3 * (280.0 - 285.0), rel=F32)
    # log-linear: exp(ln 85000 + 0.3 (ln 50000 - ln 85000)) = 85000 * (50000/85000)**0.3
    assert float(s.pressure) == pytest.approx(85000.0 * (50000.0 / 85000.0) ** 0.3, rel=1e-5)
    assert not s.above_top and not s.below_bottom


def test_column_heights_are_blended_before_the_vertical_search():
    # tilted levels: altitude of level k is ALT[k] + 10 m per degree north of 40 N
    atmosphere = GridAtmosphere(canonical(tilt=True))
    lat = 40.75  # blended level altitude = ALT[k] + 7.5 m
    for k in range(len(LEVELS_HPA)):
        u, _ = atmosphere.wind(epoch(T0), lat, -8.5, ALT_OF_LEVEL[k] + 7.5)
        assert float(u) == pytest.approx(expected_u(0.0, lat, -8.5, k), rel=F32)


def test_density_from_the_files_temperature_and_pressure(atmosphere):
    alt = np.linspace(0.0, 40000.0, 41)
    s = atmosphere.sample(epoch(T0) + 1800.0, 40.2, -8.7, alt)
    np.testing.assert_allclose(s.density, s.pressure / (R_DRY_AIR * s.temperature), rtol=1e-12)
    assert np.all(np.diff(s.pressure) < 0)  # pressure falls with height, also beyond the data


def test_above_top_holds_top_level_and_flags(atmosphere):
    top = ALT_OF_LEVEL[-1]
    s = atmosphere.sample(epoch(T0), 40.5, -8.5, np.array([top - 1.0, top + 2000.0]))
    assert s.above_top.tolist() == [False, True]
    assert float(s.u[1]) == pytest.approx(expected_u(0.0, 40.5, -8.5, 5), rel=F32)
    assert float(s.temperature[1]) == pytest.approx(265.0, rel=F32)  # 290 - 5*5, held
    # isothermal continuation: p = 1000 Pa * exp(-g0 * 2000 m / (R_d * 265 K))
    expected_p = 1000.0 * np.exp(-9.80665 * 2000.0 / (R_DRY_AIR * 265.0))
    assert float(s.pressure[1]) == pytest.approx(expected_p, rel=1e-5)


def test_below_bottom_holds_lowest_level_and_flags(atmosphere):
    s = atmosphere.sample(epoch(T0), 40.5, -8.5, 0.0)  # lowest level is at 100 m
    assert bool(s.below_bottom) and not bool(s.above_top)
    assert float(s.u) == pytest.approx(expected_u(0.0, 40.5, -8.5, 0), rel=F32)
    assert float(s.pressure) > 100000.0


@pytest.mark.parametrize(
    ("time", "lat", "lon", "message"),
    [
        (-1.0, 40.5, -8.5, r"time 2024-02-29T23:00:00\+00:00 is outside .* 2024-03-01T00:00"),
        (3.0, 40.5, -8.5, r"outside the atmosphere's time range"),
        (1.0, 41.2, -8.5, r"latitude 41.2 deg is outside .* 40..41 deg N"),
        (1.0, 39.9, -8.5, r"latitude 39.9"),
        (1.0, 40.5, -7.9, r"longitude -7.9 deg is outside .* -9..-8 deg E"),
        (1.0, 40.5, 180.0, r"longitude 180"),
    ],
)
def test_outside_raises_naming_bounds(atmosphere, time, lat, lon, message):
    with pytest.raises(OutsideAtmosphereError, match=message):
        atmosphere.sample(epoch(T0) + time * HOUR, lat, lon, 1000.0)
    with pytest.raises(OutsideAtmosphereError):
        atmosphere.wind(epoch(T0) + time * HOUR, lat, lon, 1000.0)


def test_time_margin_holds_the_nearest_time():
    atmosphere = GridAtmosphere(canonical(hours=(0,)), time_margin=1800.0)
    u, _ = atmosphere.wind(epoch(T0) + 1200.0, 40.5, -8.5, ALT_OF_LEVEL[0])
    assert float(u) == pytest.approx(expected_u(0.0, 40.5, -8.5, 0), rel=F32)
    with pytest.raises(OutsideAtmosphereError):
        atmosphere.wind(epoch(T0) + 1801.0, 40.5, -8.5, ALT_OF_LEVEL[0])


def test_longitude_conventions_agree(atmosphere):
    a = atmosphere.wind(epoch(T0), 40.5, -8.25, 3000.0)
    b = atmosphere.wind(epoch(T0), 40.5, 351.75, 3000.0)
    c = atmosphere.wind(epoch(T0), 40.5, -368.25, 3000.0)
    assert a == b == c


def test_global_grid_wraps_at_the_seam():
    lons = np.arange(0.0, 360.0, 30.0)
    lats = np.arange(-90.0, 91.0, 30.0)
    atmosphere = GridAtmosphere(canonical(lats=lats, lons=lons - 180.0))
    assert atmosphere.is_global
    assert (atmosphere.bounds.lon_min, atmosphere.bounds.lon_max) == (-180.0, 180.0)
    # halfway between the last column (150 E) and the first (-180 = 180 E): their mean
    at = [epoch(T0), 30.0]
    u_150, _ = atmosphere.wind(*at, 150.0, ALT_OF_LEVEL[0])
    u_180, _ = atmosphere.wind(*at, -180.0, ALT_OF_LEVEL[0])
    u_165, _ = atmosphere.wind(*at, 165.0, ALT_OF_LEVEL[0])
    assert float(u_165) == pytest.approx((float(u_150) + float(u_180)) / 2, rel=F32)
    u_180b, _ = atmosphere.wind(*at, 180.0, ALT_OF_LEVEL[0])
    assert float(u_180b) == pytest.approx(float(u_180), rel=F32)


def test_ensemble_members_are_selected_per_point():
    atmosphere = GridAtmosphere(canonical(members=3))
    assert atmosphere.ensemble_size == 3
    base = expected_u(0.0, 40.5, -8.5, 0)
    u, _ = atmosphere.wind(
        epoch(T0), 40.5, -8.5, np.full(3, ALT_OF_LEVEL[0]), member=np.array([2, 0, 1])
    )
    np.testing.assert_allclose(u, [base + 200.0, base, base + 100.0], rtol=F32)
    s = atmosphere.sample(epoch(T0), 40.5, -8.5, ALT_OF_LEVEL[0])  # member None -> 0
    assert float(s.u) == pytest.approx(base, rel=F32)
    with pytest.raises(ValueError, match=r"member 3 does not exist; .* 0..2"):
        atmosphere.wind(epoch(T0), 40.5, -8.5, 100.0, member=np.array([3]))


def test_broadcasting_and_shapes(atmosphere):
    alt = np.linspace(100.0, 30000.0, 12).reshape(3, 4)
    s = atmosphere.sample(epoch(T0), 40.5, -8.5, alt)
    for field in s:
        assert field.shape == (3, 4)
    u, v = atmosphere.wind(epoch(T0), 40.5, -8.5, alt)
    np.testing.assert_array_equal(u, s.u)
    np.testing.assert_array_equal(v, s.v)
    empty = atmosphere.sample(np.zeros(0), np.zeros(0), np.zeros(0), np.zeros(0))
    assert empty.u.shape == (0,)


def test_surface_fields_bilinear():
    elevation = np.array([[0.0, 100.0, 200.0], [0.0, 300.0, 600.0], [0.0, 0.0, 0.0]])
    surface = {
        "surface_geopotential": altitude_to_geopotential(elevation),
        "land_sea_mask": (elevation > 0).astype(float),
    }
    atmosphere = GridAtmosphere(canonical(surface=surface))
    assert atmosphere.has_surface
    # at grid point (40.5 N, -8.0 E) elevation 600 m; midway (40.25, -8.75): mean of the
    # four corners 0, 100, 0, 300 = 100 m
    assert float(atmosphere.ground_elevation(40.5, -8.0)) == pytest.approx(600.0, abs=1e-6)
    assert float(atmosphere.ground_elevation(40.25, -8.75)) == pytest.approx(100.0, abs=1e-6)
    assert float(atmosphere.land_fraction(40.25, -8.75)) == pytest.approx(0.5)
    assert atmosphere.land_fraction(np.array([41.0, 40.0]), -9.0).tolist() == [0.0, 0.0]
    with pytest.raises(OutsideAtmosphereError, match="latitude 42"):
        atmosphere.ground_elevation(42.0, -8.5)


def test_without_surface_fields_sea_level_and_unknown(atmosphere):
    assert atmosphere.has_surface is False
    assert atmosphere.ground_elevation(np.array([40.5, 40.6]), -8.5).tolist() == [0.0, 0.0]
    assert np.isnan(atmosphere.land_fraction(40.5, -8.5))


def test_geopotential_to_geometric_altitude():
    # hand calculation: H = 30000 m -> Z = r0 H / (r0 - H) = 6356766*30000/6326766 = 30142.2528
    assert float(geopotential_to_altitude(STANDARD_GRAVITY * 30000.0)) == pytest.approx(
        30142.2528, abs=1e-4
    )
    assert EARTH_RADIUS == 6356766.0
    z = np.array([0.0, 1000.0, 20000.0, 48000.0])
    np.testing.assert_allclose(geopotential_to_altitude(altitude_to_geopotential(z)), z, atol=1e-8)
    # same relation as the USSA 1976 module
    np.testing.assert_allclose(
        geopotential_to_altitude(STANDARD_GRAVITY * z), geopotential_to_geometric(z), rtol=1e-12
    )
    assert geopotential_to_altitude(np.float32([1000.0])).dtype == np.float32


# ------------------------------------------------------------------ open_atmosphere
def test_consecutive_files_are_joined(tmp_path):
    a = write_new_cds(tmp_path / "a.nc", hours=(0, 1, 2))
    b = write_new_cds(tmp_path / "b.nc", hours=(3, 4, 5))
    atmosphere = open_atmosphere([b, a])  # order of arguments does not matter
    assert atmosphere.bounds.time_end == T0 + timedelta(hours=5)
    u, _ = atmosphere.wind(epoch(T0) + 2.5 * HOUR, 40.5, -8.5, ALT_OF_LEVEL[2])
    assert float(u) == pytest.approx(expected_u(2.5, 40.5, -8.5, 2), rel=F32)
    assert "a.nc" in atmosphere.source and "b.nc" in atmosphere.source


def test_overlapping_files_keep_one_copy(tmp_path):
    a = write_new_cds(tmp_path / "a.nc", hours=(0, 1, 2))
    b = write_new_cds(tmp_path / "b.nc", hours=(2, 3))
    atmosphere = open_atmosphere([a, b])
    assert atmosphere.times.size == 4


def test_non_consecutive_files_are_refused(tmp_path):
    a = write_new_cds(tmp_path / "a.nc", hours=(0, 1, 2))
    b = write_new_cds(tmp_path / "b.nc", hours=(30, 31))
    with pytest.raises(ValueError, match="not consecutive"):
        open_atmosphere([a, b])


def test_files_with_different_areas_are_refused(tmp_path):
    a = write_new_cds(tmp_path / "a.nc", hours=(0, 1))
    b = write_new_cds(tmp_path / "b.nc", hours=(2, 3), lons=(-8.0, -7.5, -7.0))
    with pytest.raises(ValueError, match="different areas"):
        open_atmosphere([a, b])


def test_pressure_and_single_level_files_merge(tmp_path):
    lats, lons = (41.0, 40.5, 40.0), (-9.0, -8.5, -8.0)
    elevation = np.array([[0.0, 100.0, 200.0], [0.0, 300.0, 600.0], [0.0, 0.0, 0.0]])
    sfc = write_new_cds_single_level(
        tmp_path / "sfc.nc", lats, lons, elevation, (elevation > 0).astype(float)
    )
    levels = write_new_cds(tmp_path / "pl.nc")
    atmosphere = open_atmosphere([sfc, levels])
    assert atmosphere.has_surface
    # file row 40.5 N: z = 600 m * g0, a geopotential height of 600 m, i.e. geometric
    # 600 * r0 / (r0 - 600) = 600.0566 m (float32 geopotential: ~1e-4 m)
    assert float(atmosphere.ground_elevation(40.5, -8.0)) == pytest.approx(600.0566, abs=1e-3)
    assert float(atmosphere.land_fraction(41.0, -9.0)) == 0.0


def test_zip_detected_by_content(tmp_path):
    levels = write_new_cds(tmp_path / "pl.nc")
    archive = tmp_path / "download.nc"  # misleading name on purpose
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(levels, "data_stream-oper_stepType-instant.nc")
    atmosphere = open_atmosphere(archive)
    assert "download.nc" in atmosphere.source
    assert atmosphere.times.size == 3


def test_only_single_level_file_is_refused(tmp_path):
    sfc = write_new_cds_single_level(
        tmp_path / "sfc.nc", (41.0, 40.0), (-9.0, -8.0), np.zeros((2, 2)), np.zeros((2, 2))
    )
    with pytest.raises(ValueError, match="only single-level fields"):
        open_atmosphere(sfc)


def test_field_order_matches_the_kernel():
    from weather import interpolation_kernels as kern
    from weather.grid_atmosphere import FIELD_ORDER

    assert (kern.FIELD_U, kern.FIELD_V, kern.FIELD_T) == tuple(
        FIELD_ORDER.index(n) for n in ("u", "v", "t")
    )
    assert kern.NFIELDS == len(FIELD_ORDER)


def test_point_sampling_of_the_bundle_equals_the_batched_sampling(atmosphere):
    """``grid_point`` on the typed bundle answers as ``sample`` (same function inside)."""
    from numba import njit

    from weather.interpolation_kernels import grid_point

    @njit
    def one(g, t, lat, lon, alt):
        return grid_point(g, t, lat, lon, alt, 0, True)

    bundle = atmosphere.kernel_bundle()
    assert atmosphere.kernel_bundle() is bundle  # built once
    t = epoch(T0) + 1.5 * HOUR
    code, u, v, temp, p, flag = one(bundle, t, 40.3, -8.7, 3000.0)
    s = atmosphere.sample(t, 40.3, -8.7, 3000.0)
    assert code == 0 and flag == 0
    assert (u, v, temp, p) == (float(s.u), float(s.v), float(s.temperature), float(s.pressure))
    assert one(bundle, t, 50.0, -8.7, 3000.0)[0] != 0  # outside: a code, no exception


def test_gfs_grib_goes_to_the_gfs_reader(tmp_path):
    """NCEP GRIB (centre kwbc) is read by weather.read_gfs; its surface fields are kept."""
    from tests.weather.gfs_stand_in import write_gfs_grib

    run = datetime(2025, 6, 21, 0, tzinfo=UTC)
    files = [write_gfs_grib(tmp_path / f"gfs.f{h:03d}", run, h) for h in (0, 1, 2)]
    atmosphere = open_atmosphere(files)
    assert atmosphere.times.size == 3
    assert atmosphere.has_surface
    assert atmosphere.bounds.pressure_levels[0] == 100000.0
    u, _ = atmosphere.wind(epoch(run) + 5400.0, 46.5, 7.5, 5000.0)
    assert np.isfinite(u)


def test_gaps_between_data_times_are_not_interpolated_across():
    atmosphere = GridAtmosphere(canonical(hours=(0, 1, 20)))  # a 19 h gap after 01 UTC
    ok, _ = atmosphere.wind(epoch(T0) + 1 * HOUR, 40.5, -8.5, ALT_OF_LEVEL[0])  # gap edge
    assert float(ok) == pytest.approx(expected_u(1.0, 40.5, -8.5, 0), rel=F32)
    with pytest.raises(OutsideAtmosphereError, match=r"gap of the data.*19 h, longer than the 12"):
        atmosphere.wind(epoch(T0) + 10 * HOUR, 40.5, -8.5, ALT_OF_LEVEL[0])
    relaxed = GridAtmosphere(canonical(hours=(0, 1, 20)), max_time_gap=24 * HOUR)
    u, _ = relaxed.wind(epoch(T0) + 10 * HOUR, 40.5, -8.5, ALT_OF_LEVEL[0])
    assert float(u) == pytest.approx(expected_u(10.0, 40.5, -8.5, 0), rel=F32)


def test_large_batches_come_back_in_the_callers_order(atmosphere, monkeypatch):
    """Batches over much grid are visited grouped by grid cell, then put back in order."""
    import weather.grid_atmosphere as module

    monkeypatch.setattr(module, "_CACHE_BYTES", 0)  # this small grid: force the grouping
    rng = np.random.default_rng(7)
    n = 60_000  # above the grouping threshold
    hours = rng.uniform(0.0, 2.0, n)
    lat = rng.uniform(40.0, 41.0, n)
    lon = rng.uniform(-9.0, -8.0, n)
    k = rng.integers(0, len(LEVELS_HPA), n)
    s = atmosphere.sample(epoch(T0) + hours * HOUR, lat, lon, ALT_OF_LEVEL[k])
    np.testing.assert_allclose(s.u, expected_u(hours, lat, lon, k), rtol=F32)
    np.testing.assert_allclose(s.temperature, 290.0 - 5.0 * k, rtol=F32)
    lat[12345] = 45.0  # the error names the offending point's value
    with pytest.raises(OutsideAtmosphereError, match="latitude 45 deg"):
        atmosphere.wind(epoch(T0) + hours * HOUR, lat, lon, ALT_OF_LEVEL[k])


def test_a_single_pressure_level_is_refused():
    """One level: nothing to interpolate between (the kernel would read past the column)."""
    ds = canonical().isel(level=[3])
    with pytest.raises(ValueError, match=r"only 1 pressure level\(s\).*at least two"):
        GridAtmosphere(ds)
