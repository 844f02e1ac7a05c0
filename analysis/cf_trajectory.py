"""CF-NetCDF writer and reader for a balloon flight as a single trajectory (CF 1.8 H.4).

Layout (notes/sounding-products.md section 6.1): one dimension ``time``; ``time``, ``lat``,
``lon``, ``altitude`` along it; data variables with ``coordinates = "time lon lat
altitude"``; a ``trajectory`` name variable with ``cf_role = "trajectory_id"``; global
``featureType = "trajectory"``. A sounding without per-level times (e.g. a Wyoming table)
is written as a single ``profile`` along a ``level`` dimension instead.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.columns import epoch_seconds, finish_profile

__all__ = ["CF_VARIABLES", "read_cf_trajectory", "write_cf_trajectory"]

#: profile column -> (netCDF name, standard_name, units, long_name)
CF_VARIABLES: dict[str, tuple[str, str, str, str]] = {
    "pressure": ("air_pressure", "air_pressure", "Pa", "air pressure"),
    "temperature": ("air_temperature", "air_temperature", "K", "air temperature"),
    "dewpoint": ("dew_point_temperature", "dew_point_temperature", "K", "dew point"),
    "relative_humidity": ("relative_humidity", "relative_humidity", "%", "relative humidity"),
    "eastward_wind": ("eastward_wind", "eastward_wind", "m s-1", "eastward wind"),
    "northward_wind": ("northward_wind", "northward_wind", "m s-1", "northward wind"),
    "gps_u": ("gps_eastward_wind", "", "m s-1", "eastward wind from GPS drift"),
    "gps_v": ("gps_northward_wind", "", "m s-1", "northward wind from GPS drift"),
    "vertical_velocity": ("ascent_rate", "", "m s-1", "balloon vertical velocity"),
    "vertical_rate": ("vertical_rate", "", "m s-1", "balloon dz/dt, 40 s centred difference"),
    "radiation_counts": ("radiation_counts", "", "1", "radiation detector counts"),
    "mixing_ratio": ("humidity_mixing_ratio", "humidity_mixing_ratio", "kg kg-1", "mixing ratio"),
}
_TIME_UNITS = "seconds since 1970-01-01 00:00:00 UTC"


def write_cf_trajectory(
    profile: pd.DataFrame, path: str | Path, name: str, attributes: dict | None = None
) -> Path:
    """Write a profile as a CF-1.8 trajectory (or profile when times are missing).

    Parameters
    ----------
    profile : DataFrame
        Canonical profile (SI units).
    path : str or Path
        Output file (NetCDF-4).
    name : str
        Trajectory identifier (flight or station name).
    attributes : dict, optional
        Extra global attributes (e.g. ``source``; ``comment`` saying SYNTHETIC data).

    Returns
    -------
    Path
        The written file.
    """
    import netCDF4

    path = Path(path)
    has_time = profile["time"].notna().all() and len(profile) > 0
    frame = profile
    if has_time:
        frame = profile.sort_values("time").drop_duplicates("time")
    dim = "time" if has_time else "level"
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.Conventions = "CF-1.8"
        ds.featureType = "trajectory" if has_time else "profile"
        ds.title = f"Stratoflight {ds.featureType}: {name}"
        ds.history = f"{datetime.now(UTC).isoformat(timespec='seconds')} written by stratoflight"
        for key, value in (attributes or {}).items():
            ds.setncattr(key, str(value))
        ds.createDimension(dim, len(frame))
        role = ds.createVariable("trajectory" if has_time else "profile", str)
        role.cf_role = "trajectory_id" if has_time else "profile_id"
        role.long_name = "flight name"
        role[0] = name
        coords = []
        if has_time:
            seconds = epoch_seconds(frame["time"])
            var = ds.createVariable("time", "f8", (dim,))
            var.standard_name, var.units, var.axis = "time", _TIME_UNITS, "T"
            var[:] = seconds
            coords.append("time")
        for column, vname, std, units, axis in (
            ("latitude", "lat", "latitude", "degrees_north", "Y"),
            ("longitude", "lon", "longitude", "degrees_east", "X"),
            ("altitude", "altitude", "altitude", "m", "Z"),
        ):
            var = ds.createVariable(vname, "f8", (dim,), fill_value=np.nan)
            var.standard_name, var.units, var.axis = std, units, axis
            if column == "altitude":
                var.positive = "up"
            var[:] = frame[column].to_numpy(float)
            coords.append(vname)
        for column, (vname, std, units, long_name) in CF_VARIABLES.items():
            if column not in frame or frame[column].isna().all():
                continue
            var = ds.createVariable(vname, "f8", (dim,), fill_value=np.nan)
            if std:
                var.standard_name = std
            var.units, var.long_name = units, long_name
            var.coordinates = " ".join(coords)
            var[:] = frame[column].to_numpy(float)
    return path


def _to_si(values: np.ndarray, units: str, kind: str) -> np.ndarray:
    units = units.strip()
    if kind == "pressure" and units in ("hPa", "mbar", "millibar"):
        return values * 100.0
    if kind in ("temperature", "dewpoint") and units in ("degC", "degree_Celsius", "celsius", "C"):
        return values + 273.15
    if kind == "relative_humidity" and units in ("1", ""):
        return values * 100.0
    return values


def read_cf_trajectory(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read a CF trajectory/profile file by its standard names into a canonical profile."""
    import netCDF4

    by_standard = {std: col for col, (_, std, _, _) in CF_VARIABLES.items() if std}
    by_standard.update({"latitude": "latitude", "longitude": "longitude"})
    by_standard.update({"altitude": "altitude", "height": "altitude"})
    data: dict[str, np.ndarray] = {}
    with netCDF4.Dataset(path) as ds:
        feature = getattr(ds, "featureType", "")
        if feature not in ("trajectory", "profile"):
            raise ValueError(
                f"{path}: NetCDF file without featureType trajectory/profile; only CF "
                "trajectory files (as written by stratoflight) are read as flights"
            )
        for var in ds.variables.values():
            std = getattr(var, "standard_name", "")
            if std == "time" and var.ndim == 1:
                stamps = netCDF4.num2date(
                    var[:], var.units, only_use_cftime_datetimes=False,
                    only_use_python_datetimes=True,
                )  # fmt: skip
                data["time"] = pd.to_datetime([s.isoformat() for s in stamps], utc=True)
            elif std in by_standard and var.ndim == 1:
                values = np.ma.filled(var[:].astype(float), np.nan)
                data[by_standard[std]] = _to_si(values, getattr(var, "units", ""), by_standard[std])
        name = ""
        for var in ds.variables.values():
            if getattr(var, "cf_role", "") in ("trajectory_id", "profile_id"):
                name = str(var[0]) if var.ndim else str(var.getValue())
        attrs = {k: ds.getncattr(k) for k in ds.ncattrs()}
    metadata = {"format": "cf_netcdf", "name": name, "feature_type": feature}
    # our writer says so in ``comment``; flightlog's export in ``synthetic`` and ``title``
    if (
        "SYNTHETIC" in str(attrs.get("comment", ""))
        or str(attrs.get("title", "")).startswith("SYNTHETIC")
        or str(attrs.get("synthetic", "")).lower().startswith("true")
    ):
        metadata["synthetic"] = True
    return finish_profile(pd.DataFrame(data)), metadata
