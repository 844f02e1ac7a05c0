"""Read ERA5 files (new-CDS NetCDF-4, legacy-CDS NetCDF-3, GRIB) into the canonical layout.

Every reader returns an :class:`xarray.Dataset` in the layout of :mod:`weather.canonical`:
pressure-level files give ``z``, ``u``, ``v``, ``t`` on ``(time, level, latitude,
longitude)`` (plus ``member`` for ensembles); single-level files give the time-invariant
``surface_geopotential`` and ``land_sea_mask`` on ``(latitude, longitude)``. Variables are
found by name and unit, never by position; surprises fail loudly (ECMWF warns the new-CDS
NetCDF layout "should not be considered a long-term stable format").
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from localization import _
from weather.canonical import normalise_longitude_coordinate
from weather.file_sniffing import sniff_format
from weather.geopotential import STANDARD_GRAVITY

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["era5_to_canonical", "grib_centre", "read_era5_grib", "read_era5_netcdf"]

# file name -> canonical name, for pressure-level and single-level variables
_LEVEL_NAMES = {
    "z": "z",
    "geopotential": "z",
    "gh": "z",
    "u": "u",
    "u_component_of_wind": "u",
    "v": "v",
    "v_component_of_wind": "v",
    "t": "t",
    "temperature": "t",
}
_SURFACE_NAMES = {
    "z": "surface_geopotential",
    "geopotential": "surface_geopotential",
    "orog": "surface_geopotential",
    "lsm": "land_sea_mask",
    "land_sea_mask": "land_sea_mask",
}
_DIM_NAMES = {
    "valid_time": "time",
    "pressure_level": "level",
    "isobaricInhPa": "level",
    "lat": "latitude",
    "lon": "longitude",
    "number": "member",
    "realization": "member",
}
_HPA_UNITS = {"hpa", "millibars", "millibar", "mbar", "mb"}


def read_era5_netcdf(path: str | Path, load: bool = True) -> xr.Dataset:
    """Read an ERA5 NetCDF file of either CDS layout into the canonical form.

    Parameters
    ----------
    path : str or Path
        NetCDF-4 from the new CDS (``valid_time``, ``pressure_level`` in hPa, decreasing
        latitude, ``expver`` scalar or per time, float32) or NetCDF-3 from the legacy CDS
        (``time``, ``level`` ascending, int16 packed with ``scale_factor``/``add_offset``,
        fill -32767). Single-level files (``z`` surface geopotential, ``lsm``) too.
    load : bool
        Read all values into memory and close the file (default). With False the result is
        lazy and keeps the file open; close it with ``ds.close()``.

    Returns
    -------
    xarray.Dataset
        Canonical dataset (see :mod:`weather.canonical`); not yet checked for NaN.

    Raises
    ------
    ValueError
        If the file is not NetCDF or not ERA5-like (names which variable/coordinate is
        missing or has unexpected units).
    """
    import xarray as xr

    path = Path(path)
    kind = sniff_format(path)
    if kind not in ("netcdf4", "netcdf3"):
        raise ValueError(
            _(
                "{path}: this is a {kind} file, not NetCDF; use read_era5_grib or "
                "open_atmosphere, which picks the reader by content"
            ).format(path=path, kind=kind)
        )
    layout = "new CDS NetCDF-4" if kind == "netcdf4" else "legacy CDS NetCDF-3"
    raw = xr.open_dataset(path, engine="netcdf4", decode_timedelta=False)
    try:
        ds = era5_to_canonical(raw, source=f"ERA5 {path.name} ({layout})")
        if load:
            ds = ds.load()
    except BaseException:
        raw.close()
        raise
    if load:
        raw.close()
    return ds


def grib_centre(path: str | Path) -> str:
    """Originating centre of the first GRIB message (e.g. ``"ecmf"``, ``"kwbc"``)."""
    import eccodes

    with open(path, "rb") as handle:
        message = eccodes.codes_grib_new_from_file(handle)
        if message is None:
            raise ValueError(_("{path}: no GRIB message found").format(path=path))
        try:
            return str(eccodes.codes_get(message, "centre", ktype=str))
        finally:
            eccodes.codes_release(message)


def read_era5_grib(path: str | Path, common_levels: bool = False) -> xr.Dataset:
    """Read an ERA5 (ECMWF) GRIB file through cfgrib into the canonical form.

    Parameters
    ----------
    path : str or Path
        GRIB 1 or 2 with pressure-level ``z``/``u``/``v``/``t`` (an ensemble's ``number``
        becomes ``member``), or single-level ``z``/``lsm``.
    common_levels : bool
        When variables come on different pressure levels (e.g. u on 5 levels, v on 3),
        keep only the levels all of them share instead of refusing the file.

    Returns
    -------
    xarray.Dataset
        Canonical dataset, loaded into memory (no index file is written beside the GRIB).

    Raises
    ------
    ValueError
        If variables sit on different levels (and ``common_levels`` is False), or a forecast
        file holds several runs and several steps at once.
    """
    import cfgrib
    import xarray as xr

    path = Path(path)
    if sniff_format(path) != "grib":
        raise ValueError(_("{path}: not a GRIB file; use read_era5_netcdf").format(path=path))
    # cfgrib merges with xarray's old default (a FutureWarning): opt in to the new one
    with xr.set_options(use_new_combine_kwarg_defaults=True):
        parts = cfgrib.open_datasets(str(path), backend_kwargs={"indexpath": ""})
    try:
        parts = [_grib_valid_time(p, path).load() for p in parts]
    finally:
        for part in parts:
            part.close()
    level_parts = [p for p in parts if "isobaricInhPa" in p.dims]
    surface_parts = [p for p in parts if "isobaricInhPa" not in p.dims]
    source = f"ERA5 {path.name} (GRIB)"
    out = []
    if level_parts:
        level_sets = {
            name: tuple(float(x) for x in p["isobaricInhPa"].values)
            for p in level_parts
            for name in p.data_vars
        }
        if len(set(level_sets.values())) > 1:
            common = sorted(set.intersection(*(set(s) for s in level_sets.values())), reverse=True)
            if not common_levels or len(common) < 2:
                listing = "; ".join(
                    f"{n} on {', '.join(f'{x:g}' for x in s)} hPa" for n, s in level_sets.items()
                )
                raise ValueError(
                    _(
                        "{path}: variables are on different pressure levels "
                        "({listing}); wind needs u and v on the same levels. Download"
                        " all variables on the same levels (e.g. 'strato weather "
                        "fetch --levels 1000,850,...' fetches them together)"
                    ).format(path=path, listing=listing)
                )
            level_parts = [p.sel(isobaricInhPa=common) for p in level_parts]
        merged = xr.merge(level_parts, compat="override", join="exact")
        out.append(era5_to_canonical(merged, source=source))
    if surface_parts:
        merged = xr.merge(surface_parts, compat="override", join="outer")
        out.append(era5_to_canonical(merged, source=source))
    if not out:
        raise ValueError(_("{path}: no ERA5 variables found in the GRIB file").format(path=path))
    if len(out) == 1:
        return out[0]
    return xr.merge(out, compat="override", join="left", combine_attrs="override")


def _grib_valid_time(ds: xr.Dataset, path: Path) -> xr.Dataset:
    """Make ``valid_time`` the time axis of a cfgrib dataset (analysis or forecast steps)."""
    step_dim = "step" in ds.dims
    time_dim = "time" in ds.dims
    if step_dim and time_dim and ds.sizes["step"] > 1 and ds.sizes["time"] > 1:
        raise ValueError(
            _(
                "{path}: forecasts from {time} runs with {step} steps each; give one run per file"
            ).format(path=path, time=ds.sizes["time"], step=ds.sizes["step"])
        )
    if step_dim:
        if time_dim:
            ds = ds.isel(time=0)
        ds = ds.swap_dims(step="valid_time")
    elif time_dim and "valid_time" in ds.coords:
        ds = ds.swap_dims(time="valid_time")
    elif "valid_time" in ds.coords:
        ds = ds.expand_dims("valid_time")
    drop = [
        c for c in ("time", "step", "surface", "heightAboveGround", "meanSea") if c in ds.coords
    ]
    return ds.drop_vars(drop)


def _level_in_pa(level: xr.DataArray) -> np.ndarray:
    units = str(level.attrs.get("units", "")).strip().lower()
    values = level.values.astype(np.float64)
    if units in _HPA_UNITS or (not units and values.max() <= 1100.0):
        return values * 100.0
    if units == "pa":
        return values
    raise ValueError(
        _("pressure level units '{value}' not understood (expected hPa, millibars or Pa)").format(
            value=level.attrs.get("units")
        )
    )


def _merge_expver(ds: xr.Dataset) -> xr.Dataset:
    """Old-CDS files mixing ERA5 (expver 1) and ERA5T (expver 5) along an extra dimension."""
    recorded = None
    if "expver" in ds.dims:
        recorded = np.asarray(ds["expver"].values).astype(str) if "expver" in ds.coords else None
        merged = ds.isel(expver=0)
        for k in range(1, ds.sizes["expver"]):
            merged = merged.combine_first(ds.isel(expver=k))
        ds = merged
    if "expver" in ds.coords:
        if recorded is None:
            recorded = np.asarray(ds["expver"].values).astype(str)
        ds = ds.drop_vars("expver")
    if recorded is not None:
        ds.attrs["expver"] = ",".join(np.unique(recorded.reshape(-1)))
    return ds


def era5_to_canonical(raw: xr.Dataset, source: str) -> xr.Dataset:
    """Rename, convert and reorder an ERA5 dataset (any layout) to the canonical form.

    Parameters
    ----------
    raw : xarray.Dataset
        As opened by xarray (netCDF4 engine or cfgrib), values unpacked.
    source : str
        Description kept in ``attrs["source"]``.

    Returns
    -------
    xarray.Dataset
        Canonical dataset (pressure-level or single-level), lazy if ``raw`` was.
    """
    rename = {k: v for k, v in _DIM_NAMES.items() if k in raw.variables or k in raw.dims}
    if "time" in raw.dims and "valid_time" in raw.variables and "valid_time" not in raw.dims:
        raw = raw.drop_vars("valid_time")
        rename.pop("valid_time", None)
    if "valid_time" in raw.dims and "time" in raw.variables:
        raw = raw.drop_vars("time")
    ds = raw.rename(rename)
    ds = _merge_expver(ds)
    for coord in ("latitude", "longitude"):
        if coord not in ds.dims:
            raise ValueError(
                _("{source}: no '{coord}' coordinate; is this a lat/lon ERA5 file?").format(
                    source=source, coord=coord
                )
            )
    is_level = "level" in ds.dims
    names = _LEVEL_NAMES if is_level else _SURFACE_NAMES
    keep = {}
    for name in ds.data_vars:
        canonical = names.get(str(name))
        if canonical is not None and canonical not in keep.values():
            keep[name] = canonical
    if not keep:
        raise ValueError(
            f"{source}: none of the expected variables found "
            f"(has {', '.join(map(str, ds.data_vars))}); "
            + (
                "pressure-level files need z, u, v, t"
                if is_level
                else "single-level files need z (orography) and/or lsm"
            )
        )
    ds = ds[list(keep)].rename(keep)
    # a scalar ensemble number is not a member axis
    if "member" in ds.coords and "member" not in ds.dims:
        ds = ds.drop_vars("member")
    extra = [c for c in ds.coords if c not in ("time", "level", "latitude", "longitude", "member")]
    ds = ds.drop_vars(extra)
    if is_level:
        ds = ds.assign_coords(level=("level", _level_in_pa(ds["level"]), {"units": "Pa"}))
        ds = ds.sortby("level", ascending=False)
        if "time" not in ds.dims:
            raise ValueError(
                _("{source}: no time axis (valid_time/time) found").format(source=source)
            )
        if not np.issubdtype(ds["time"].dtype, np.datetime64):
            raise ValueError(
                _("{source}: times could not be decoded as dates").format(source=source)
            )
        order = (("member",) if "member" in ds.dims else ()) + (
            "time",
            "level",
            "latitude",
            "longitude",
        )
        ds = ds.transpose(*order)
        ds = ds.assign_coords(time=ds["time"].values.astype("datetime64[ns]"))
        ds = ds.sortby("time")
        if "z" in ds:
            ds["z"] = _as_geopotential(ds["z"], source)
    else:
        if "time" in ds.dims:
            ds = ds.isel(time=0, drop=True)
        if "member" in ds.dims:
            ds = ds.isel(member=0, drop=True)
        ds = ds.drop_vars([c for c in ("time", "level") if c in ds.coords])
        ds = ds.transpose("latitude", "longitude")
        if "surface_geopotential" in ds:
            ds["surface_geopotential"] = _as_geopotential(ds["surface_geopotential"], source)
    ds = ds.assign_coords(
        latitude=ds["latitude"].values.astype(np.float64),
        longitude=ds["longitude"].values.astype(np.float64),
    )
    ds = ds.sortby("latitude")
    ds = normalise_longitude_coordinate(ds)
    ds["latitude"].attrs.update(units="degree_north", standard_name="latitude")
    for name in ds.data_vars:
        ds[name].attrs = {"units": _canonical_unit(str(name))}
    expver = ds.attrs.get("expver")
    ds.attrs = {"source": source, "data_source": "ERA5", "synthetic": "no"}
    if expver:
        ds.attrs["expver"] = expver
    return ds


def _as_geopotential(var: xr.DataArray, source: str) -> xr.DataArray:
    """Geopotential [m2 s-2] from ERA5 ``z`` (already m2 s-2) or a height in metres."""
    units = str(var.attrs.get("units", "")).replace(" ", "").lower()
    if units in ("m**2s**-2", "m2s-2", "m^2s^-2", "m2/s2", ""):
        return var
    if units in ("m", "gpm", "metre", "meter"):
        return var * STANDARD_GRAVITY
    raise ValueError(
        _(
            "{source}: geopotential units '{value}' not understood (expected m**2 s**-2 or gpm)"
        ).format(source=source, value=var.attrs.get("units"))
    )


def _canonical_unit(name: str) -> str:
    from weather.canonical import VARIABLE_UNITS

    return VARIABLE_UNITS.get(name, "")
