"""The canonical atmosphere dataset every reader produces, as code.

Readers of ERA5 (new and legacy CDS NetCDF, GRIB) and GFS turn their files into one
:class:`xarray.Dataset` layout; :class:`weather.grid_atmosphere.GridAtmosphere` reads only
that layout. The contract:

- coords ``time`` (datetime64[ns], UTC, ascending), ``level`` (pressure [Pa], float64,
  **descending**: 100000 first), ``latitude`` (ascending [degree_north]), ``longitude``
  (ascending [degree_east], within -180..180 or a continuous increasing range such as
  170..190 for an area crossing the antimeridian), optional ``member`` (int);
- data vars ``u``, ``v`` [m s-1], ``t`` [K], ``z`` (geopotential [m2 s-2]) with dims
  ``([member,] time, level, latitude, longitude)``;
- optional ``surface_geopotential`` [m2 s-2] and ``land_sea_mask`` [0..1] with dims
  ``(latitude, longitude)``;
- attrs ``source`` (text) and ``synthetic`` (``"yes"``/``"no"``).

xarray is imported by callers only; this module needs nothing but numpy at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from localization import _

if TYPE_CHECKING:
    import xarray as xr

__all__ = [
    "LEVEL_VARIABLES",
    "SURFACE_VARIABLES",
    "VARIABLE_UNITS",
    "check_no_nan",
    "continuous_longitudes",
    "describe_canonical",
    "normalise_longitude_coordinate",
    "validate_canonical",
    "wrap_longitude",
]

#: Data variables on pressure levels, in the order the grid atmosphere stores them.
LEVEL_VARIABLES = ("z", "u", "v", "t")

#: Optional time-invariant single-level variables.
SURFACE_VARIABLES = ("surface_geopotential", "land_sea_mask")

#: Unit of every canonical variable (CF/UDUNITS spelling).
VARIABLE_UNITS = {
    "z": "m2 s-2",
    "u": "m s-1",
    "v": "m s-1",
    "t": "K",
    "surface_geopotential": "m2 s-2",
    "land_sea_mask": "1",
    "level": "Pa",
    "latitude": "degree_north",
    "longitude": "degree_east",
}

_LEVEL_DIMS = ("time", "level", "latitude", "longitude")


def wrap_longitude(lon: np.ndarray | float) -> np.ndarray:
    """Map longitudes [degree_east] into -180 <= lon < 180."""
    return (np.asarray(lon, dtype=np.float64) + 180.0) % 360.0 - 180.0


def continuous_longitudes(lon: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Longitudes of a grid as one continuous ascending range [degree_east].

    Values are wrapped to -180..180 and sorted; an area that crosses the antimeridian (the
    file says 170 .. 190, or 170 .. 180, -179.75 .. -170, in any order) comes back as one
    increasing run that may go past 180 (170 .. 190) so neighbouring grid points stay
    neighbours. The area is recognised by its largest gap between points: when that gap lies
    inside -180..180 rather than across the antimeridian, the points east of the gap are
    moved by +360. A global grid (0..359.75) becomes -180..179.75. Repeated points (0 and
    360 in the same file) are dropped.

    Parameters
    ----------
    lon : ndarray
        Grid longitudes [degree_east] in the file's order (ascending or not, any convention).

    Returns
    -------
    longitudes : ndarray
        The points as float64, increasing, the first in -180..180.
    order : ndarray of int
        Indices into ``lon`` giving that order (use it to reorder the data).
    """
    lon = np.asarray(lon, dtype=np.float64)
    if lon.size == 0:
        raise ValueError(_("the longitude coordinate is empty"))
    wrapped = wrap_longitude(lon)
    _values, first = np.unique(np.round(wrapped, 9), return_index=True)  # drop repeated points
    order = first[np.argsort(wrapped[first], kind="stable")]
    values = wrapped[order]
    if values.size > 1:
        gaps = np.diff(values)
        across = values[0] + 360.0 - values[-1]  # gap across the antimeridian
        biggest = int(np.argmax(gaps))
        if gaps[biggest] > across + 1e-9:
            start = biggest + 1
            order = np.concatenate([order[start:], order[:start]])
            values = np.concatenate([values[start:], values[:start] + 360.0])
    return values, order


def normalise_longitude_coordinate(ds: xr.Dataset) -> xr.Dataset:
    """Return ``ds`` with its ``longitude`` coordinate continuous and ascending.

    Handles 0..360 files, -180..180 files and areas crossing the antimeridian (see
    :func:`continuous_longitudes`); the data are reordered to match.
    """
    values, order = continuous_longitudes(ds["longitude"].values)
    if order.size != ds.sizes["longitude"] or np.any(order != np.arange(order.size)):
        ds = ds.isel(longitude=order)
    ds = ds.assign_coords(longitude=("longitude", values))
    ds["longitude"].attrs.update(units="degree_east", standard_name="longitude")
    return ds


def check_no_nan(ds: xr.Dataset, names: tuple[str, ...] | None = None) -> None:
    """Raise a clear error if any data variable holds NaN (missing values in the file).

    Parameters
    ----------
    ds : xarray.Dataset
        Canonical dataset.
    names : tuple of str, optional
        Variables to check; all canonical variables present by default.

    Raises
    ------
    ValueError
        Naming the variable, how many values are missing and the first missing place.
    """
    if names is None:
        names = tuple(n for n in LEVEL_VARIABLES + SURFACE_VARIABLES if n in ds)
    for name in names:
        values = ds[name].values
        bad = np.isnan(values)
        if not bad.any():
            continue
        first = np.unravel_index(int(np.argmax(bad)), values.shape)
        place = ", ".join(
            f"{dim}={_coord_text(ds, dim, int(i))}"
            for dim, i in zip(ds[name].dims, first, strict=True)
        )
        raise ValueError(
            _(
                "{value} missing (NaN/fill) values in variable '{name}' of {value2}, "
                "first at {place}; the file is incomplete: download that period/area "
                "again or choose a range without gaps"
            ).format(
                value=int(bad.sum()),
                name=name,
                value2=ds.attrs.get("source", "the data"),
                place=place,
            )
        )


def _coord_text(ds: xr.Dataset, dim: str, index: int) -> str:
    if dim not in ds.coords:
        return str(index)
    value = ds[dim].values[index]
    if dim == "time":
        return str(np.datetime_as_string(value, unit="s")) + "Z"
    if dim == "level":
        return f"{float(value) / 100.0:g} hPa"
    return f"{value:g}" if isinstance(value, float | np.floating) else str(value)


def validate_canonical(
    ds: xr.Dataset, require: tuple[str, ...] = LEVEL_VARIABLES, check_nan: bool = True
) -> xr.Dataset:
    """Check that ``ds`` follows the canonical layout; return it unchanged.

    Parameters
    ----------
    ds : xarray.Dataset
        Dataset to check.
    require : tuple of str
        Level variables that must be present (all four by default).
    check_nan : bool
        Also refuse missing values (see :func:`check_no_nan`).

    Raises
    ------
    ValueError
        Saying what is wrong (missing variable or coordinate, wrong order, wrong dims or
        units), why it matters and what to do.
    """
    where = ds.attrs.get("source", "atmosphere dataset")
    for coord in _LEVEL_DIMS:
        if coord not in ds.coords:
            raise ValueError(
                _("{where}: coordinate '{coord}' is missing; canonical data need {items}").format(
                    where=where, coord=coord, items=", ".join(_LEVEL_DIMS)
                )
            )
    missing = [name for name in require if name not in ds.data_vars]
    if missing:
        raise ValueError(
            _(
                "{where}: variable(s) {items} missing; a trajectory atmosphere needs "
                "u, v (wind), t (temperature) and z (geopotential) on pressure "
                "levels: download them all (strato weather fetch does)"
            ).format(where=where, items=", ".join(missing))
        )
    if not np.issubdtype(ds["time"].dtype, np.datetime64):
        raise ValueError(
            _("{where}: 'time' must be datetime64 (UTC), got {dtype}").format(
                where=where, dtype=ds["time"].dtype
            )
        )
    times = ds["time"].values
    if times.size > 1 and np.any(np.diff(times) <= np.timedelta64(0, "ns")):
        raise ValueError(
            _("{where}: times must be strictly increasing (duplicates or disorder)").format(
                where=where
            )
        )
    level = ds["level"].values.astype(np.float64)
    if np.any(np.diff(level) >= 0):
        raise ValueError(
            _("{where}: pressure levels must be strictly descending (1000 hPa first)").format(
                where=where
            )
        )
    # levels all below 1500 Pa (15 hPa) are almost surely hPa given by mistake
    if level.size and (level.max() > 120000.0 or level.min() <= 0.0 or level.max() < 1500.0):
        raise ValueError(
            _(
                "{where}: pressure levels {value:g}..{value2:g} are not in Pa "
                "(expected e.g. 100..100000)"
            ).format(where=where, value=level.min(), value2=level.max())
        )
    lat = ds["latitude"].values
    if np.any(np.diff(lat) <= 0) or lat.min() < -90.0 or lat.max() > 90.0:
        raise ValueError(
            _("{where}: latitudes must be ascending within -90..90").format(where=where)
        )
    lon = ds["longitude"].values
    if np.any(np.diff(lon) <= 0) or lon[0] < -180.0 or lon[0] > 180.0 or lon[-1] - lon[0] >= 360:
        raise ValueError(
            _(
                "{where}: longitudes must ascend from a start in -180..180 over less "
                "than 360 deg (use normalise_longitude_coordinate)"
            ).format(where=where)
        )
    dims = (("member",) if "member" in ds.dims else ()) + _LEVEL_DIMS
    for name in LEVEL_VARIABLES:
        if name in ds and ds[name].dims != dims:
            raise ValueError(
                _("{where}: variable '{name}' has dims {dims}, expected {dims2}").format(
                    where=where, name=name, dims=ds[name].dims, dims2=dims
                )
            )
    for name in SURFACE_VARIABLES:
        if name in ds and ds[name].dims != ("latitude", "longitude"):
            raise ValueError(
                _("{where}: '{name}' has dims {dims}, expected ('latitude', 'longitude')").format(
                    where=where, name=name, dims=ds[name].dims
                )
            )
    if ds.attrs.get("synthetic") not in ("yes", "no"):
        raise ValueError(
            _("{where}: attribute 'synthetic' must be 'yes' or 'no'").format(where=where)
        )
    if check_nan:
        check_no_nan(ds)
    return ds


def describe_canonical(ds: xr.Dataset) -> dict:
    """Summarise a canonical dataset (pressure-level or single-level) for people and scripts.

    Returns
    -------
    dict
        JSON-ready: ``source``, ``synthetic`` (bool), ``area`` (``lat_min_deg``,
        ``lat_max_deg``, ``lon_min_deg``, ``lon_max_deg``, ``lat_step_deg``,
        ``lon_step_deg``, ``crosses_antimeridian``, ``global``), ``times`` (``start``,
        ``end`` ISO 8601 UTC, ``count``, ``step_hours`` list of distinct steps),
        ``levels_hpa``, ``top_altitude_m`` (lowest geometric altitude of the top level over
        the data, None without ``z``), ``variables`` (name -> unit), ``ensemble_members``,
        ``surface_fields`` (which of orography / land-sea mask are present).
    """
    from weather.geopotential import geopotential_to_altitude

    lat = ds["latitude"].values
    lon = ds["longitude"].values
    lat_step = float(np.diff(lat).mean()) if lat.size > 1 else None
    lon_step = float(np.diff(lon).mean()) if lon.size > 1 else None
    is_global = lon_step is not None and lon[-1] - lon[0] + lon_step >= 360.0 - 1e-6
    out: dict = {
        "source": ds.attrs.get("source", ""),
        "synthetic": ds.attrs.get("synthetic") == "yes",
        "area": {
            "lat_min_deg": float(lat.min()),
            "lat_max_deg": float(lat.max()),
            "lon_min_deg": float(wrap_longitude(lon[0])),
            "lon_max_deg": float(wrap_longitude(lon[-1])) if lon[-1] != 180.0 else 180.0,
            "lat_step_deg": lat_step,
            "lon_step_deg": lon_step,
            "crosses_antimeridian": bool(lon[-1] > 180.0) and not is_global,
            "global": bool(is_global),
        },
    }
    if "time" in ds.coords and ds["time"].size:
        times = ds["time"].values.astype("datetime64[s]")
        steps = np.unique(np.diff(times).astype("timedelta64[s]").astype(np.int64)) / 3600.0
        out["times"] = {
            "start": str(times[0]) + "Z",
            "end": str(times[-1]) + "Z",
            "count": int(times.size),
            "step_hours": [float(s) for s in steps],
        }
    if "level" in ds.coords:
        levels = ds["level"].values.astype(np.float64) / 100.0
        out["levels_hpa"] = [float(p) for p in levels]
        if "z" in ds:
            top = ds["z"].isel(level=int(np.argmin(levels))).min().values
            out["top_altitude_m"] = round(float(geopotential_to_altitude(float(top))), 1)
        else:
            out["top_altitude_m"] = None
    out["variables"] = {
        str(name): ds[name].attrs.get("units", VARIABLE_UNITS.get(str(name), ""))
        for name in ds.data_vars
    }
    out["ensemble_members"] = int(ds.sizes["member"]) if "member" in ds.dims else 1
    out["surface_fields"] = {
        "orography": "surface_geopotential" in ds,
        "land_sea_mask": "land_sea_mask" in ds,
    }
    return out
