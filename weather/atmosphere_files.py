"""Open atmosphere files (ERA5 NetCDF/GRIB, GFS GRIB, zips of them) as one atmosphere."""

from __future__ import annotations

import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from weather.canonical import SURFACE_VARIABLES, validate_canonical
from weather.file_sniffing import sniff_format
from weather.protocol import to_epoch_seconds
from weather.sample_atmosphere import open_sample_atmosphere

if TYPE_CHECKING:
    import xarray as xr

    from weather.grid_atmosphere import GridAtmosphere

__all__ = ["load_canonical", "open_atmosphere", "open_sample_atmosphere", "read_any"]

_GRID_TOLERANCE = 1e-6  # [deg] two grids are the same when every point agrees this well


def read_any(path: str | Path, load: bool = False) -> list[xr.Dataset]:
    """Read one file of any supported kind into canonical dataset(s), chosen by content.

    Parameters
    ----------
    path : str or Path
        NetCDF-4/-3 (ERA5), GRIB (ERA5; NCEP/GFS goes to ``weather.read_gfs``) or a zip of
        such files (as the CDS sometimes returns).
    load : bool
        Load NetCDF values into memory now (GRIB and zip members are always loaded).

    Returns
    -------
    list of xarray.Dataset
        One dataset per file (several for a zip).
    """
    from weather.read_era5 import grib_centre, read_era5_grib, read_era5_netcdf

    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    kind = sniff_format(path)
    if kind in ("netcdf4", "netcdf3"):
        return [read_era5_netcdf(path, load=load)]
    if kind == "grib":
        if grib_centre(path) == "kwbc":
            from weather.read_gfs import read_gfs_grib

            return [read_gfs_grib(path)]
        return [read_era5_grib(path)]
    # zip: unpack to a temporary folder, read every member into memory
    out: list[xr.Dataset] = []
    with tempfile.TemporaryDirectory(prefix="strato-zip-") as tmp, zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            if info.is_dir():
                continue
            target = Path(tmp) / Path(info.filename).name
            with zf.open(info) as src, open(target, "wb") as dst:
                shutil.copyfileobj(src, dst)  # streamed: a large member is not held in memory
            for ds in read_any(target, load=True):
                ds.attrs["source"] = f"{ds.attrs['source']} from {path.name}"
                out.append(ds)
    if not out:
        raise ValueError(f"{path}: the zip file holds no data files")
    return out


def _same_grid(a: xr.Dataset, b: xr.Dataset, coords: Iterable[str]) -> bool:
    for c in coords:
        x, y = a[c].values, b[c].values
        if x.shape != y.shape or not np.allclose(x, y, atol=_GRID_TOLERANCE, rtol=0):
            return False
    return True


def _concat_levels(parts: list[xr.Dataset]) -> xr.Dataset:
    """Join pressure-level datasets covering consecutive times into one."""
    import xarray as xr

    parts = sorted(parts, key=lambda d: d["time"].values[0])
    # time-invariant fields some readers (GFS) return with the levels: keep the first copy
    # aside so that joining along time does not give them a time axis
    surface = None
    for k, part in enumerate(parts):
        names = [n for n in SURFACE_VARIABLES if n in part]
        if names:
            if surface is None:
                surface = part[names]
            parts[k] = part.drop_vars(names)
    first = parts[0]
    for other in parts[1:]:
        if not _same_grid(first, other, ("level", "latitude", "longitude")):
            raise ValueError(
                f"{first.attrs['source']} and {other.attrs['source']} have different areas, "
                "grids or pressure levels; files to combine must cover the same area and levels "
                "(download them with the same --area and --levels)"
            )
        if ("member" in first.dims) != ("member" in other.dims):
            raise ValueError("cannot combine ensemble and single-member files")
        if set(first.data_vars) != set(other.data_vars):
            raise ValueError(
                f"{first.attrs['source']} has {sorted(first.data_vars)} but "
                f"{other.attrs['source']} has {sorted(other.data_vars)}; files must hold the "
                "same variables"
            )
    if len(parts) == 1:
        return first if surface is None else first.merge(surface, join="exact")
    steps = [np.diff(p["time"].values).max() for p in parts if p.sizes["time"] > 1]
    longest = max(steps) if steps else np.timedelta64(6, "h")
    for a, b in zip(parts, parts[1:], strict=False):
        gap = b["time"].values[0] - a["time"].values[-1]
        if gap > longest * 1.5:
            raise ValueError(
                f"{a.attrs['source']} ends at {a['time'].values[-1]} but "
                f"{b.attrs['source']} starts at {b['time'].values[0]}: the files are not "
                "consecutive; add the missing period or open them separately"
            )
    # align the coordinates exactly (tiny float differences between files)
    aligned = [
        p.assign_coords(
            level=first["level"], latitude=first["latitude"], longitude=first["longitude"]
        )
        for p in parts
    ]
    joined = xr.concat(
        aligned,
        dim="time",
        data_vars="all",
        coords="minimal",
        compat="override",
        join="override",
        combine_attrs="override",
    )
    _, unique = np.unique(joined["time"].values, return_index=True)
    if unique.size != joined.sizes["time"]:
        joined = joined.isel(time=np.sort(unique))  # overlapping files: keep the first copy
    joined.attrs["source"] = "; ".join(p.attrs["source"] for p in parts)
    if surface is not None:
        surface = surface.assign_coords(latitude=first["latitude"], longitude=first["longitude"])
        joined = joined.merge(surface, join="exact")
    return joined


def _attach_surface(levels: xr.Dataset, surfaces: list[xr.Dataset]) -> xr.Dataset:
    """Put single-level fields on the pressure-level grid (interpolating if grids differ)."""
    for surface in surfaces:
        for name in SURFACE_VARIABLES:
            if name not in surface:
                continue
            field = surface[name]
            if not _same_grid(surface, levels, ("latitude", "longitude")):
                lat, lon = levels["latitude"].values, levels["longitude"].values
                s_lat, s_lon = surface["latitude"].values, surface["longitude"].values
                if (
                    lat.min() < s_lat.min() - _GRID_TOLERANCE
                    or lat.max() > s_lat.max() + _GRID_TOLERANCE
                    or lon.min() < s_lon.min() - _GRID_TOLERANCE
                    or lon.max() > s_lon.max() + _GRID_TOLERANCE
                ):
                    raise ValueError(
                        f"{surface.attrs['source']} (latitude {s_lat.min():g}..{s_lat.max():g}, "
                        f"longitude {s_lon.min():g}..{s_lon.max():g}) does not cover the "
                        f"pressure-level area (latitude {lat.min():g}..{lat.max():g}, longitude "
                        f"{lon.min():g}..{lon.max():g}); download the single-level fields for "
                        "the same area"
                    )
                field = field.interp(latitude=lat, longitude=lon)
            else:
                field = field.assign_coords(
                    latitude=levels["latitude"], longitude=levels["longitude"]
                )
            levels[name] = field
        levels.attrs["source"] = f"{levels.attrs['source']}; {surface.attrs['source']}"
    return levels


def _read_all(paths: list[Path], load: bool) -> list[xr.Dataset]:
    """Read every file; all GFS GRIB files together (one dataset, one short ``source``)."""
    from weather.read_gfs import is_gfs_grib, read_gfs_grib

    gfs = [p for p in paths if p.is_file() and is_gfs_grib(p)]
    datasets = [read_gfs_grib(gfs)] if gfs else []
    for path in paths:
        if path not in gfs:
            datasets.extend(read_any(path, load=load))
    return datasets


def _seconds(ds: xr.Dataset) -> np.ndarray:
    return ds["time"].values.astype("datetime64[ns]").astype(np.int64) / 1e9


def _epoch(value: float | datetime) -> float:
    if isinstance(value, datetime):
        return to_epoch_seconds(value)
    return float(value)


def _in_window(levels: list[xr.Dataset], window: tuple[float, float]) -> list[xr.Dataset]:
    """Slice each pressure-level dataset to the times needed for ``window`` and load them.

    The data times bracketing the window are kept, so interpolation inside it is exact.
    """
    start, end = window
    if not end >= start:
        raise ValueError(f"time_window ends ({end}) before it starts ({start})")
    times = np.unique(np.concatenate([_seconds(ds) for ds in levels]))
    lo = times[max(int(np.searchsorted(times, start, side="right")) - 1, 0)]
    hi = times[min(int(np.searchsorted(times, end, side="left")), times.size - 1)]
    parts = []
    for ds in levels:
        seconds = _seconds(ds)
        keep = np.flatnonzero((seconds >= lo) & (seconds <= hi))
        if keep.size:
            parts.append(ds.isel(time=slice(int(keep[0]), int(keep[-1]) + 1)).load())
    return parts


def load_canonical(
    paths: str | Path | Iterable[str | Path],
    load: bool = False,
    time_window: tuple[float | datetime, float | datetime] | None = None,
) -> xr.Dataset:
    """Read files and combine them into one canonical dataset (validated).

    Pressure-level files covering consecutive times are concatenated; single-level files
    (orography, land-sea mask) are merged onto the pressure-level grid. GFS GRIB files
    (one per forecast hour) are read together by :func:`weather.read_gfs.read_gfs_grib`.

    Parameters
    ----------
    paths : path or iterable of paths
        Files in any supported format (chosen by content).
    load : bool
        Load all values into memory (else NetCDF values stay on disk until used).
    time_window : (start, end), optional
        Keep only the data times needed to answer [start, end] (UTC datetimes or seconds
        since the epoch [s]): the times inside and the two bracketing it. Each file is
        sliced *before* the files are joined, so only the window's values are read.

    Returns
    -------
    xarray.Dataset
        Canonical dataset.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    paths = [Path(p) for p in paths]
    if not paths:
        raise ValueError("no atmosphere files given")
    datasets = _read_all(paths, load=load and time_window is None)
    try:
        level_parts = [d for d in datasets if "level" in d.dims]
        surface_parts = [d for d in datasets if "level" not in d.dims]
        if not level_parts:
            raise ValueError(
                f"{', '.join(p.name for p in paths)}: only single-level fields; an atmosphere "
                "also needs the pressure-level file (u, v, z, t)"
            )
        if time_window is not None:
            window = (_epoch(time_window[0]), _epoch(time_window[1]))
            level_parts = _in_window(level_parts, window)
            surface_parts = [s.load() for s in surface_parts]
        combined = _attach_surface(_concat_levels(level_parts), surface_parts)
        return validate_canonical(combined, check_nan=False)
    finally:
        if time_window is not None:  # everything needed is loaded: close the files
            for ds in datasets:
                ds.close()


def open_atmosphere(
    paths: str | Path | Iterable[str | Path],
    time_margin: float | timedelta = 0.0,
    max_time_gap: float | timedelta = 12 * 3600.0,
    time_window: tuple[float | datetime, float | datetime] | None = None,
) -> GridAtmosphere:
    """Open ERA5/GFS files as one :class:`~weather.grid_atmosphere.GridAtmosphere`.

    Parameters
    ----------
    paths : path or iterable of paths
        ERA5 NetCDF (new or legacy CDS), ERA5 GRIB, GFS GRIB (NCEP), zips of them; several
        files covering consecutive times, plus optional single-level files with orography
        (``z``) and land-sea mask (``lsm``). The format is found from each file's content.
    time_margin : float or timedelta
        Seconds before the first / after the last time still answered with the nearest
        time's fields (see :class:`~weather.grid_atmosphere.GridAtmosphere`); the
        atmosphere's ``bounds`` include it.
    max_time_gap : float or timedelta
        Longest interval [s] between data times interpolated across (12 h by default).
    time_window : (start, end), optional
        Load only the data times needed for [start, end] (datetimes or [s since epoch]);
        see :func:`load_canonical`. For studies that split a long archive into tasks.

    Returns
    -------
    GridAtmosphere
        Ready for vectorised queries; the files are closed again.

    Raises
    ------
    ValueError
        Unreadable file, missing variables, non-consecutive files, different grids, or
        missing values (naming the variable and place).
    FileNotFoundError
        A path does not exist.
    """
    from weather.grid_atmosphere import GridAtmosphere

    ds = load_canonical(paths, load=False, time_window=time_window)
    try:
        return GridAtmosphere(
            ds, time_margin=time_margin, max_time_gap=max_time_gap
        )  # also refuses missing values
    finally:
        ds.close()
