"""A generated, SYNTHETIC ERA5-like archive for launch-window studies (tests and benchmark).

``write_era5_like_archive`` writes pressure-level files in the new-CDS NetCDF-4 layout
(``valid_time``, ``pressure_level`` in hPa, latitude descending, u/v/z/t packed to int16
with scale_factor/add_offset as ERA5 files often are) plus one single-level file with
orography ``z`` and land-sea mask ``lsm``. The winds are made up so that the answer is
known at a coast that lies east of the launch site, as at Hai Phong where the tests put it
(land or sea comes from the real coastline; the ``lsm`` written here, a north-south coast
``coast_offset`` degrees east of the launch, is only the weather file's fallback): winter
brings westerlies (flights drift east, out to sea), summer brings easterlies (flights land
inland), and a diurnal term of +-4 m/s makes 06 UTC launches drift further east than
18 UTC ones. Horizontally uniform winds, USSA 1976 heights and temperatures.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import netCDF4
import numpy as np
import pytest

from weather.sample_atmosphere import ERA5_PRESSURE_LEVELS_HPA, standard_level_altitude
from weather.standard_atmosphere import (
    G0,
    geometric_to_geopotential,
    ussa1976_temperature,
)

LEVELS_HPA = ERA5_PRESSURE_LEVELS_HPA  # all 37 ERA5 levels, 1000 to 1 hPa


def level_altitudes(levels_hpa) -> np.ndarray:
    """USSA 1976 geometric altitude [m] of pressure levels [hPa] (by inverting p(h))."""
    return standard_level_altitude(np.asarray(levels_hpa, float) * 100.0)


def synthetic_wind(times_s: np.ndarray, altitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Seasonal + diurnal synthetic wind (u, v) [m s-1], shape (n_times, n_levels)."""
    doy = (times_s / 86400.0) % 365.25
    season = np.cos(2 * np.pi * (doy - 15.0) / 365.25)[:, None]  # +1 mid-January
    hour = (times_s % 86400.0) / 3600.0
    diurnal = np.sin(2 * np.pi * hour / 24.0)[:, None]  # +1 at 06 UTC, -1 at 18 UTC
    z = altitude[None, :]
    jet = (12.0 + 12.0 * season) * np.exp(-(((z - 11000.0) / 4000.0) ** 2))
    strat = -10.0 * (1.0 - season) / 2.0 * np.clip((z - 18000.0) / 6000.0, 0.0, 1.0)
    u = (2.0 + 8.0 * season) + 4.0 * diurnal + jet + strat
    v = 1.5 * np.sin(2 * np.pi * 3 * doy / 365.25)[:, None] + 0.0 * z
    return u, v


def _packed(nc, name, dims, values, units):
    lo, hi = float(values.min()), float(values.max())
    scale = (hi - lo) / 65000.0 or 1.0
    offset = (hi + lo) / 2.0
    var = nc.createVariable(name, "i2", dims, fill_value=np.int16(-32767))
    var.scale_factor = np.float32(scale)  # float32 attributes: decoded as float32, like ERA5
    var.add_offset = np.float32(offset)
    var.units = units
    var.set_auto_maskandscale(True)
    return var


def write_era5_like_archive(
    directory: Path,
    start: datetime,
    end: datetime,
    lat0: float,
    lon0: float,
    *,
    half_width: float = 2.5,
    grid_step: float = 0.5,
    every_hours: int = 6,
    period: str = "year",
    coast_offset: float = 0.7,
    levels_hpa=LEVELS_HPA,
) -> list[Path]:
    """Write the archive; returns the pressure-level files (by time) and the surface file.

    ``period`` is ``"year"`` or ``"month"``: one pressure-level file per calendar year or
    month between ``start`` and ``end`` (inclusive, UTC).
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    lat = np.round(np.arange(lat0 + half_width, lat0 - half_width - grid_step / 2, -grid_step), 6)
    lon = np.round(np.arange(lon0 - half_width, lon0 + half_width + grid_step / 2, grid_step), 6)
    levels = np.asarray(levels_hpa, dtype=float)
    alt = level_altitudes(levels)
    z_geo = G0 * geometric_to_geopotential(alt)
    temp = ussa1976_temperature(alt)
    all_times = np.arange(start.timestamp(), end.timestamp() + 1, every_hours * 3600.0)
    stamps = [datetime.fromtimestamp(t, tz=UTC) for t in all_times]
    keys = [(s.year,) if period == "year" else (s.year, s.month) for s in stamps]
    paths: list[Path] = []
    ny, nx = lat.size, lon.size
    for key in dict.fromkeys(keys):
        sel = np.array([k == key for k in keys])
        times = all_times[sel]
        name = "era5_like_" + "-".join(f"{k:02d}" for k in key) + ".nc"
        path = directory / name
        u, v = synthetic_wind(times, alt)
        with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
            nc.history = "SYNTHETIC ERA5-like data from tests/predictor/test_planner_archive.py"
            nc.createDimension("valid_time", times.size)
            nc.createDimension("pressure_level", levels.size)
            nc.createDimension("latitude", ny)
            nc.createDimension("longitude", nx)
            vt = nc.createVariable("valid_time", "i8", ("valid_time",))
            vt.units = "seconds since 1970-01-01"
            vt.calendar = "proleptic_gregorian"
            vt[:] = times.astype(np.int64)
            pl = nc.createVariable("pressure_level", "f8", ("pressure_level",))
            pl.units = "hPa"
            pl[:] = levels
            la = nc.createVariable("latitude", "f8", ("latitude",))
            la.units = "degrees_north"
            la[:] = lat
            lo = nc.createVariable("longitude", "f8", ("longitude",))
            lo.units = "degrees_east"
            lo[:] = lon
            dims = ("valid_time", "pressure_level", "latitude", "longitude")
            shape = (times.size, levels.size, ny, nx)
            fields = {
                "u": (u[:, :, None, None], "m s**-1"),
                "v": (v[:, :, None, None], "m s**-1"),
                "z": (
                    np.broadcast_to(z_geo, (times.size, levels.size))[:, :, None, None],
                    "m**2 s**-2",
                ),
                "t": (np.broadcast_to(temp, (times.size, levels.size))[:, :, None, None], "K"),
            }
            for var_name, (values, units) in fields.items():
                full = np.broadcast_to(values, shape)
                var = _packed(nc, var_name, dims, np.asarray(values), units)
                var[:] = full
        paths.append(path)
    surface = directory / "era5_like_surface.nc"
    with netCDF4.Dataset(surface, "w", format="NETCDF4") as nc:
        nc.history = "SYNTHETIC ERA5-like data from tests/predictor/test_planner_archive.py"
        nc.createDimension("valid_time", 1)
        nc.createDimension("latitude", ny)
        nc.createDimension("longitude", nx)
        vt = nc.createVariable("valid_time", "i8", ("valid_time",))
        vt.units = "seconds since 1970-01-01"
        vt[:] = np.array([int(all_times[0])])
        la = nc.createVariable("latitude", "f8", ("latitude",))
        la.units = "degrees_north"
        la[:] = lat
        lo = nc.createVariable("longitude", "f8", ("longitude",))
        lo.units = "degrees_east"
        lo[:] = lon
        lat2, lon2 = np.meshgrid(lat, lon, indexing="ij")
        land = (lon2 < lon0 + coast_offset).astype(np.float32)
        zs = nc.createVariable("z", "f4", ("valid_time", "latitude", "longitude"))
        zs.units = "m**2 s**-2"
        zs[:] = (G0 * 50.0 * land)[None]
        lsm = nc.createVariable("lsm", "f4", ("valid_time", "latitude", "longitude"))
        lsm.units = "(0 - 1)"
        lsm[:] = land[None]
    return [*paths, surface]


def test_archive_opens_with_the_expected_bounds(tmp_path):
    from weather.atmosphere_files import open_atmosphere

    files = write_era5_like_archive(
        tmp_path,
        datetime(2021, 1, 1, tzinfo=UTC),
        datetime(2021, 2, 28, 18, tzinfo=UTC),
        50.0,
        0.0,
        period="month",
        grid_step=1.0,
    )
    assert [f.name for f in files] == [
        "era5_like_2021-01.nc",
        "era5_like_2021-02.nc",
        "era5_like_surface.nc",
    ]
    atm = open_atmosphere(files)
    assert atm.bounds.time_start == datetime(2021, 1, 1, tzinfo=UTC)
    assert atm.bounds.time_end == datetime(2021, 2, 28, 18, tzinfo=UTC)
    assert atm.has_surface
    # land west of the coast at lon0 + 0.7
    assert atm.land_fraction(np.array([50.0, 50.0]), np.array([-1.0, 2.0])).tolist() == [1.0, 0.0]
    # winds read back as generated (int16 packing: ~1e-3 m/s resolution; 0.05 m/s tolerance
    # also covers the vertical interpolation between exact level heights)
    t = np.array([datetime(2021, 1, 15, 6, tzinfo=UTC).timestamp()])
    alt = level_altitudes([500.0])
    s = atm.sample(t, np.array([50.0]), np.array([0.0]), alt)
    u, _ = synthetic_wind(t, alt)
    assert float(s.u[0]) == pytest.approx(float(u[0, 0]), abs=0.05)
