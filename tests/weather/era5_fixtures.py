"""Tiny SYNTHETIC ERA5-like files written by the tests, in the real CDS layouts.

The layouts copy what /work/shared/notes/cds-protocol.md section 6 records for real files:
new CDS (NetCDF-4, ``valid_time`` int64 seconds since 1970, ``pressure_level`` float64 hPa
decreasing, latitude decreasing, ``number`` scalar, ``expver`` string per time or scalar,
float32 with NaN fill) and legacy CDS (NetCDF-3 64-bit offset, ``time`` int32 hours since
1900, ``level`` int32 millibars ascending, float32 lat/lon decreasing latitude, int16 packed
with scale_factor/add_offset and fill -32767).

The fields are simple formulas so tests can compute expected values by hand:
``u = 1 * lat + 0.1 * lon_east + 2 * k + 0.5 * hours``, ``v = -u / 2``, ``t = 290 - 5 * k``
with ``k`` the index of the level from 1000 hPa upwards, ``lon_east`` the longitude in
0..360, ``hours`` since the first time; geopotential gives the geometric altitude
``ALT_OF_LEVEL[k]`` exactly (+ ``10 m * (lat - lat0)`` when ``tilt`` is set).
"""

from __future__ import annotations

from pathlib import Path

import netCDF4
import numpy as np

from weather.geopotential import altitude_to_geopotential

LEVELS_HPA = np.array([1000.0, 850.0, 500.0, 250.0, 100.0, 10.0])
#: geometric altitude [m] of each level (round numbers near the standard atmosphere)
ALT_OF_LEVEL = np.array([100.0, 1500.0, 5600.0, 10400.0, 16200.0, 31000.0])
T0 = np.datetime64("2024-03-01T00:00:00", "s")


def formula_fields(hours, levels_hpa, lats, lons, tilt=False):
    """Fields (time, level, lat, lon) as float64 from the formulas in the module doc."""
    h = np.asarray(hours, dtype=np.float64)[:, None, None, None]
    k = np.array([int(np.where(LEVELS_HPA == p)[0][0]) for p in levels_hpa])[None, :, None, None]
    la = np.asarray(lats, dtype=np.float64)[None, None, :, None]
    lo_east = (np.asarray(lons, dtype=np.float64) % 360.0)[None, None, None, :]
    shape = (h.shape[0], k.shape[1], la.shape[2], lo_east.shape[3])
    u = np.broadcast_to(1.0 * la + 0.1 * lo_east + 2.0 * k + 0.5 * h, shape)
    v = -u / 2.0
    t = np.broadcast_to(290.0 - 5.0 * k + 0.0 * la, shape)
    alt = ALT_OF_LEVEL[k] + (10.0 * (la - np.min(lats)) if tilt else 0.0 * la)
    z = np.broadcast_to(altitude_to_geopotential(alt), shape)
    return {"z": z, "t": t, "u": u, "v": v}


def expected_u(hours, lat, lon, k):
    """Formula wind u [m s-1] at a level index (the grid interpolation must reproduce it)."""
    return 1.0 * lat + 0.1 * (np.asarray(lon) % 360.0) + 2.0 * k + 0.5 * hours


def write_new_cds(
    path: Path,
    hours=(0, 1, 2),
    lats=(41.0, 40.5, 40.0),
    lons=(-9.0, -8.5, -8.0),
    levels_hpa=tuple(LEVELS_HPA),
    expver="per_time",
    nan_at=None,
    tilt=False,
    variables=("z", "t", "u", "v"),
):
    """Write a new-CDS NetCDF-4 pressure-level file; ``nan_at`` = (var, index tuple)."""
    fields = formula_fields(hours, levels_hpa, lats, lons, tilt=tilt)
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.Conventions = "CF-1.7"
        nc.institution = "European Centre for Medium-Range Weather Forecasts"
        nc.history = "SYNTHETIC test fixture in the new-CDS layout"
        nc.createDimension("valid_time", len(hours))
        nc.createDimension("pressure_level", len(levels_hpa))
        nc.createDimension("latitude", len(lats))
        nc.createDimension("longitude", len(lons))
        vt = nc.createVariable("valid_time", "i8", ("valid_time",))
        vt.units = "seconds since 1970-01-01"
        vt.calendar = "proleptic_gregorian"
        vt[:] = (T0 + np.asarray(hours) * np.timedelta64(3600, "s")).astype(np.int64)
        pl = nc.createVariable("pressure_level", "f8", ("pressure_level",))
        pl.units = "hPa"
        pl.positive = "down"
        pl.stored_direction = "decreasing"
        pl[:] = levels_hpa
        la = nc.createVariable("latitude", "f8", ("latitude",))
        la.units = "degrees_north"
        la[:] = lats
        lo = nc.createVariable("longitude", "f8", ("longitude",))
        lo.units = "degrees_east"
        lo[:] = lons
        num = nc.createVariable("number", "i8", ())
        num.standard_name = "realization"
        num.assignValue(0)
        if expver == "per_time":
            ev = nc.createVariable("expver", str, ("valid_time",))
            for i in range(len(hours)):
                ev[i] = "0001" if i < len(hours) - 1 else "0005"
        elif expver == "scalar":
            ev = nc.createVariable("expver", str, ())
            ev[0] = "0001"
        units = {"z": "m**2 s**-2", "t": "K", "u": "m s**-1", "v": "m s**-1"}
        for name in variables:
            var = nc.createVariable(
                name,
                "f4",
                ("valid_time", "pressure_level", "latitude", "longitude"),
                fill_value=np.float32(np.nan),
                zlib=True,
            )
            var.units = units[name]
            var.coordinates = "number valid_time isobaricInhPa latitude longitude expver"
            data = fields[name].astype(np.float32).copy()
            if nan_at is not None and nan_at[0] == name:
                data[nan_at[1]] = np.nan
            var[:] = data
    return path


def write_new_cds_single_level(path: Path, lats, lons, elevation, land):
    """Write a new-CDS single-level file with ``z`` (orography x g0) and ``lsm``."""
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.createDimension("valid_time", 1)
        nc.createDimension("latitude", len(lats))
        nc.createDimension("longitude", len(lons))
        vt = nc.createVariable("valid_time", "i8", ("valid_time",))
        vt.units = "seconds since 1970-01-01"
        vt[:] = [T0.astype(np.int64)]
        la = nc.createVariable("latitude", "f8", ("latitude",))
        la.units = "degrees_north"
        la[:] = lats
        lo = nc.createVariable("longitude", "f8", ("longitude",))
        lo.units = "degrees_east"
        lo[:] = lons
        z = nc.createVariable(
            "z", "f4", ("valid_time", "latitude", "longitude"), fill_value=np.float32(np.nan)
        )
        z.units = "m**2 s**-2"
        z[:] = (np.asarray(elevation) * 9.80665)[None].astype(np.float32)
        lsm = nc.createVariable(
            "lsm", "f4", ("valid_time", "latitude", "longitude"), fill_value=np.float32(np.nan)
        )
        lsm.units = "(0 - 1)"
        lsm[:] = np.asarray(land, dtype=np.float32)[None]
    return path


def _pack(values: np.ndarray) -> tuple[np.ndarray, float, float]:
    lo, hi = float(values.min()), float(values.max())
    offset = (hi + lo) / 2.0
    scale = (hi - lo) / 65532.0 if hi > lo else 1.0  # keeps -32767 free for the fill
    packed = np.round((values - offset) / scale).astype(np.int16)
    return packed, scale, offset


def write_legacy_cds(
    path: Path,
    hours=(0, 6, 12),
    lats=(41.0, 40.5, 40.0),
    lons=(-9.0, -8.5, -8.0),
    levels_hpa=(1000.0, 850.0, 500.0),
    fill_at=None,
):
    """Write a legacy-CDS NetCDF-3 file (int16 packed); ``fill_at`` = (var, index) of a gap."""
    fields = formula_fields(hours, levels_hpa, lats, lons)
    ascending = np.argsort(levels_hpa)  # legacy files store levels ascending (600 -> 1000)
    with netCDF4.Dataset(path, "w", format="NETCDF3_64BIT_OFFSET") as nc:
        nc.Conventions = "CF-1.6"
        nc.history = "SYNTHETIC test fixture in the legacy grib_to_netcdf layout"
        nc.createDimension("longitude", len(lons))
        nc.createDimension("latitude", len(lats))
        nc.createDimension("level", len(levels_hpa))
        nc.createDimension("time", len(hours))
        lo = nc.createVariable("longitude", "f4", ("longitude",))
        lo.units = "degrees_east"
        lo[:] = lons
        la = nc.createVariable("latitude", "f4", ("latitude",))
        la.units = "degrees_north"
        la[:] = lats
        lv = nc.createVariable("level", "i4", ("level",))
        lv.units = "millibars"
        lv[:] = np.asarray(levels_hpa)[ascending].astype(np.int32)
        tm = nc.createVariable("time", "i4", ("time",))
        tm.units = "hours since 1900-01-01 00:00:00.0"
        tm.calendar = "gregorian"
        base = (T0 - np.datetime64("1900-01-01T00:00:00", "s")).astype(np.int64) // 3600
        tm[:] = (base + np.asarray(hours)).astype(np.int32)
        units = {"z": "m**2 s**-2", "t": "K", "u": "m s**-1", "v": "m s**-1"}
        for name in ("z", "t", "u", "v"):
            data = fields[name][:, ascending]
            packed, scale, offset = _pack(data)
            var = nc.createVariable(
                name, "i2", ("time", "level", "latitude", "longitude"), fill_value=np.int16(-32767)
            )
            var.scale_factor = scale
            var.add_offset = offset
            var.missing_value = np.int16(-32767)
            var.units = units[name]
            var.set_auto_maskandscale(False)
            if fill_at is not None and fill_at[0] == name:
                packed[fill_at[1]] = -32767
            var[:] = packed
    return path
