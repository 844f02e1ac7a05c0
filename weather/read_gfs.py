"""Read GFS GRIB2 files (one per forecast hour) into the canonical atmosphere dataset.

GFS gives geopotential height ``gh`` [gpm] on isobaric levels and the surface height
``orog`` [m]; the canonical form wants geopotential [m2 s-2], so both are multiplied by the
standard gravity g0 = 9.80665 m s-2 (the definition of geopotential metres, WMO No. 8).
``LAND`` (``lsm``) becomes ``land_sea_mask``.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from localization import _
from weather.file_sniffing import sniff_format
from weather.standard_atmosphere import G0

if TYPE_CHECKING:
    import xarray as xr

__all__ = ["STANDARD_GRAVITY", "is_gfs_grib", "read_gfs_grib"]

#: Standard gravity g0 [m s-2]: geopotential = g0 x geopotential height.
STANDARD_GRAVITY = G0

_NCEP_CENTRE = "kwbc"
_LEVEL_VARIABLES = {"u": "u", "v": "v", "t": "t", "gh": "z"}


def is_gfs_grib(path: str | Path) -> bool:
    """Tell whether ``path`` is a GRIB file from NCEP (first message's centre is ``kwbc``).

    Parameters
    ----------
    path : str or Path
        Any file; non-GRIB files give False.
    """
    try:
        if sniff_format(path) != "grib":
            return False
    except (ValueError, OSError):
        return False
    import eccodes

    with open(path, "rb") as handle:
        try:
            message = eccodes.codes_grib_new_from_file(handle)
        except Exception:  # damaged GRIB is not ours to judge here
            return False
        if message is None:
            return False
        try:
            return str(eccodes.codes_get(message, "centre")) == _NCEP_CENTRE
        finally:
            eccodes.codes_release(message)


def _open(path: Path, type_of_level: str) -> xr.Dataset:
    import xarray as xr

    with xr.open_dataset(
        path,
        engine="cfgrib",
        backend_kwargs={"filter_by_keys": {"typeOfLevel": type_of_level}, "indexpath": ""},
        decode_timedelta=True,
    ) as ds:
        return ds.load()


def _run_name(ds: xr.Dataset) -> str:
    return str(np.datetime_as_string(ds["time"].values, unit="h")).replace("-", "").replace("T", "")


def _one_file(path: Path) -> tuple[xr.Dataset, xr.Dataset | None, str]:
    """Level fields of one file as (time, level, latitude, longitude); surface; run."""
    levels = _open(path, "isobaricInhPa")
    missing = [name for name in _LEVEL_VARIABLES if name not in levels]
    if missing:
        raise ValueError(
            _(
                "{path}: GFS variable(s) {items} missing on isobaric levels; download"
                " the file again with strato weather forecast (it asks for UGRD, "
                "VGRD, HGT and TMP)"
            ).format(path=path, items=", ".join(missing))
        )
    run = _run_name(levels)
    if "isobaricInhPa" not in levels.dims:  # a single level comes as a scalar coordinate
        levels = levels.expand_dims("isobaricInhPa")
    out = levels[list(_LEVEL_VARIABLES)].rename(_LEVEL_VARIABLES)
    out["z"] = out["z"] * STANDARD_GRAVITY
    out = out.rename({"isobaricInhPa": "level"})
    out = out.assign_coords(level=("level", out["level"].values.astype(np.float64) * 100.0))
    valid = levels["valid_time"].values
    out = out.drop_vars([c for c in out.coords if c not in ("level", "latitude", "longitude")])
    out = out.expand_dims(time=[valid])
    surface = _open(path, "surface")
    wanted = {"orog": "surface_geopotential", "lsm": "land_sea_mask"}
    if all(name in surface for name in wanted):
        surface = surface[list(wanted)].rename(wanted)
        surface["surface_geopotential"] = surface["surface_geopotential"] * STANDARD_GRAVITY
        surface = surface.drop_vars(
            [c for c in surface.coords if c not in ("latitude", "longitude")]
        )
    else:
        surface = None
    return out, surface, run


def read_gfs_grib(paths: str | Path | Iterable[str | Path]) -> xr.Dataset:
    """Read GFS 0.25-degree GRIB2 files into the canonical atmosphere dataset.

    Parameters
    ----------
    paths : path or iterable of paths
        GRIB2 files, typically one per forecast hour of one run (``strato weather
        forecast`` writes them).

    Returns
    -------
    xarray.Dataset
        Canonical form (see :mod:`weather.canonical`): ``u``, ``v`` [m s-1], ``t`` [K],
        ``z`` [m2 s-2] on (time, level [Pa] descending, latitude ascending, longitude
        ascending); ``surface_geopotential`` [m2 s-2] and ``land_sea_mask`` [0..1] when the
        files hold HGT and LAND at the surface; attrs ``source`` ("GFS 0.25 run
        YYYYMMDDHH ..."), ``model_run``, ``data_source`` = "GFS" and ``synthetic`` = "no".

    Raises
    ------
    ValueError
        If a file is not GFS GRIB, lacks a variable, two files hold the same valid time, or
        files disagree in levels or grid.
    """
    import xarray as xr

    from weather.canonical import normalise_longitude_coordinate

    if isinstance(paths, str | Path):
        paths = [paths]
    files = [Path(p) for p in paths]
    if not files:
        raise ValueError(_("no GFS files given"))
    for path in files:
        if not path.is_file():
            raise FileNotFoundError(_("{path}: no such file").format(path=path))
        if not is_gfs_grib(path):
            raise ValueError(
                _("{path}: not a GRIB file from NCEP (centre kwbc); is it GFS?").format(path=path)
            )
    parts, surface, runs = [], None, []
    for path in files:
        levels, file_surface, run = _one_file(path)
        if parts and (
            not np.array_equal(levels["level"].values, parts[0]["level"].values)
            or not np.array_equal(levels["latitude"].values, parts[0]["latitude"].values)
            or not np.array_equal(levels["longitude"].values, parts[0]["longitude"].values)
        ):
            raise ValueError(
                _(
                    "{path}: levels or grid differ from {name}; download all hours "
                    "for the same area and levels"
                ).format(path=path, name=files[0].name)
            )
        parts.append(levels)
        runs.append(run)
        if surface is None and file_surface is not None:
            surface = file_surface
    ds = xr.concat(parts, dim="time") if len(parts) > 1 else parts[0]
    times = ds["time"].values
    if len(np.unique(times)) != len(times):
        raise ValueError(
            _(
                "two GFS files hold the same valid time; give one file per forecast "
                "hour (e.g. all hours of one run)"
            )
        )
    ds = ds.sortby("time").sortby("level", ascending=False).sortby("latitude")
    if surface is not None:
        ds = ds.merge(surface.sortby("latitude"), join="exact")
    ds = normalise_longitude_coordinate(ds)
    ds["time"] = ds["time"].values.astype("datetime64[ns]")
    ds["level"].attrs.update(units="Pa", long_name="pressure", positive="down")
    ds["latitude"].attrs.update(units="degree_north", standard_name="latitude")
    units = {
        "u": "m s-1",
        "v": "m s-1",
        "t": "K",
        "z": "m2 s-2",
        "surface_geopotential": "m2 s-2",
        "land_sea_mask": "1",
    }
    for name, unit in units.items():
        if name in ds:
            ds[name].attrs = {"units": unit}
    unique_runs = list(dict.fromkeys(runs))
    hour_text = ""
    if len(unique_runs) == 1:
        r = unique_runs[0]
        start = np.datetime64(f"{r[:4]}-{r[4:6]}-{r[6:8]}T{r[8:]}:00", "ns")
        hours = (ds["time"].values - start) // np.timedelta64(1, "h")
        hour_text = (
            f", forecast hour {int(hours[0])}"
            if len(hours) == 1
            else f", forecast hours {int(hours[0])}-{int(hours[-1])}"
        )
    ds.attrs = {
        "source": f"GFS 0.25 run {', '.join(unique_runs)}{hour_text} (NCEP)",
        "data_source": "GFS",
        "model_run": ",".join(unique_runs),
        "synthetic": "no",
    }
    return ds
