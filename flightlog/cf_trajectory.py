"""The one CF-NetCDF writer and reader for a balloon flight (CF-1.8 single trajectory).

Layout (CF Appendix H.4; notes/sounding-products.md section 6.1): one dimension ``time``
with strictly increasing times; coordinate variables ``time(time)``, ``lat(time)``,
``lon(time)``, ``altitude(time)``; every data variable has
``coordinates = "time lat lon altitude"``; a scalar string ``trajectory`` with
``cf_role = "trajectory_id"``; global ``featureType = "trajectory"``. Rows with the same
time are written once (the first), because a CF trajectory needs strictly increasing time.

A sounding without per-level times (e.g. a Wyoming table) is written as one CF ``profile``
along a ``level`` dimension instead (CF Appendix H.3.3), with ``altitude`` as its vertical
coordinate.

SYNTHETIC data is marked in one place: the global ``title`` starts with ``SYNTHETIC``.
That is what ``ncdump -h`` and Panoply show first, and it is the only mark the reader
checks.

The flight log's export (``strato export --format netcdf``) and the analysis report's
``trajectory.nc`` both come from :func:`write_cf_trajectory`; :func:`read_cf_trajectory`
reads them (and other CF files) back by standard name, then by our own variable names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

__all__ = [
    "CF_VARIABLES",
    "SYNTHETIC_MARK",
    "CFVariable",
    "flight_attributes",
    "read_cf_trajectory",
    "write_cf_trajectory",
]

#: How a SYNTHETIC file's title starts (the one place a file says it holds synthetic data).
SYNTHETIC_MARK = "SYNTHETIC"

_TIME_UNITS = "seconds since 1970-01-01 00:00:00 UTC"


class CFVariable(NamedTuple):
    """How one table column is written: variable name, CF standard name, units, long name."""

    name: str
    standard_name: str
    units: str
    long_name: str


#: Table column -> its NetCDF variable. Units are UDUNITS strings of the column's SI unit
#: (the table's units: ``firmware_bridge.fields.FIELD_UNITS``, ``analysis.columns``).
CF_VARIABLES: dict[str, CFVariable] = {
    "pressure": CFVariable("air_pressure", "air_pressure", "Pa", "air pressure"),
    "temperature": CFVariable("air_temperature", "air_temperature", "K", "air temperature"),
    "dewpoint": CFVariable(
        "dew_point_temperature", "dew_point_temperature", "K", "dew point temperature"
    ),
    "relative_humidity": CFVariable(
        "relative_humidity", "relative_humidity", "%", "relative humidity"
    ),
    "mixing_ratio": CFVariable(
        "humidity_mixing_ratio", "humidity_mixing_ratio", "kg kg-1", "water vapour mixing ratio"
    ),
    "eastward_wind": CFVariable("eastward_wind", "eastward_wind", "m s-1", "eastward wind"),
    "northward_wind": CFVariable("northward_wind", "northward_wind", "m s-1", "northward wind"),
    "gps_u": CFVariable("gps_eastward_wind", "", "m s-1", "eastward wind from GNSS drift"),
    "gps_v": CFVariable("gps_northward_wind", "", "m s-1", "northward wind from GNSS drift"),
    "vertical_velocity": CFVariable(
        "vertical_velocity", "", "m s-1", "payload vertical velocity (positive upward) as sent"
    ),
    "vertical_rate": CFVariable(
        "vertical_rate", "", "m s-1", "payload vertical rate from altitude and time (dz/dt)"
    ),
    "ground_speed": CFVariable(
        "ground_speed", "platform_speed_wrt_ground", "m s-1", "payload speed over ground"
    ),
    "heading": CFVariable(
        "heading", "platform_course", "degree", "payload course over ground"
    ),
    "internal_temperature": CFVariable(
        "internal_temperature", "", "K", "payload internal temperature"
    ),
    "battery_voltage": CFVariable("battery_voltage", "", "V", "payload battery voltage"),
    "radiation_counts": CFVariable(
        "radiation_counts", "", "1", "radiation detector counts per frame interval"
    ),
    "satellites": CFVariable("satellites", "", "1", "GNSS satellites used"),
    "gps_fix": CFVariable("gps_fix", "", "1", "GNSS fix type (0 none, 2 2D, 3 3D)"),
    "snr": CFVariable("snr", "", "dB", "receiver signal-to-noise ratio"),
    "frequency": CFVariable("frequency", "", "Hz", "receive frequency"),
}

#: Coordinate column -> (variable name, standard name, units, axis).
_COORDINATES = (
    ("latitude", "lat", "latitude", "degrees_north", "Y"),
    ("longitude", "lon", "longitude", "degrees_east", "X"),
    ("altitude", "altitude", "altitude", "m", "Z"),
)


def _epoch_seconds(times: pd.Series) -> np.ndarray:
    """Seconds since 1970-01-01 UTC [s] of tz-aware times, whatever their resolution."""
    stamps = pd.to_datetime(times, utc=True)
    return ((stamps - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(seconds=1)).to_numpy(float)


def flight_attributes(metadata: Mapping[str, Any]) -> dict[str, Any]:
    """Global attributes for a flight from the log (:func:`flightlog.read_flight` metadata).

    Parameters
    ----------
    metadata : mapping
        Flight metadata: ``name``, optional ``callsign``, ``launch_site`` (latitude,
        longitude [deg], altitude [m]), ``balloon``.

    Returns
    -------
    dict
        Attribute name -> value, for ``attributes`` of :func:`write_cf_trajectory`.
    """
    attributes: dict[str, Any] = {
        "source": "Stratoflight flight log (telemetry received from the payload)",
        "flight_name": metadata["name"],
    }
    if metadata.get("callsign"):
        attributes["payload_callsign"] = metadata["callsign"]
    site = metadata.get("launch_site")
    if site:
        attributes["launch_latitude"] = float(site["latitude"])
        attributes["launch_longitude"] = float(site["longitude"])
        if site.get("altitude") is not None:
            attributes["launch_altitude"] = float(site["altitude"])
    if metadata.get("balloon"):
        attributes["balloon"] = metadata["balloon"]
    return attributes


def write_cf_trajectory(
    table: pd.DataFrame,
    path: str | Path,
    name: str,
    *,
    synthetic: str | None = None,
    attributes: Mapping[str, Any] | None = None,
) -> Path:
    """Write a flight table as a CF-1.8 trajectory (or profile when times are missing).

    Parameters
    ----------
    table : DataFrame
        One row per frame or level: ``time`` (tz-aware UTC), ``latitude`` [deg],
        ``longitude`` [deg], ``altitude`` [m] and any columns of :data:`CF_VARIABLES` in SI
        units; optional ``received_at`` (UTC), ``sentence_id`` and ``clock_suspect``
        (flight-log columns).
    path : str or Path
        Output file (NetCDF-4).
    name : str
        Trajectory identifier (flight or station name).
    synthetic : str, optional
        Why the data is SYNTHETIC (e.g. ``"simulated payload"``); puts the SYNTHETIC mark in
        the title. None for real data.
    attributes : mapping, optional
        Extra global attributes (numbers stay numbers, anything else becomes text).

    Returns
    -------
    Path
        The written file.
    """
    import netCDF4

    path = Path(path)
    has_time = "time" in table and len(table) > 0 and table["time"].notna().all()
    frame = table
    if has_time:
        frame = table.sort_values("time", kind="stable").drop_duplicates("time", keep="first")
    frame = frame.reset_index(drop=True)
    feature = "trajectory" if has_time else "profile"
    dim = "time" if has_time else "level"
    with netCDF4.Dataset(path, "w", format="NETCDF4") as ds:
        ds.Conventions = "CF-1.8"
        ds.featureType = feature
        title = f"Stratoflight {feature}: {name}"
        ds.title = f"{SYNTHETIC_MARK} ({synthetic}): {title}" if synthetic else title
        ds.history = f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} written by stratoflight"
        for key, value in (attributes or {}).items():
            is_number = isinstance(value, int | float) and not isinstance(value, bool)
            ds.setncattr(key, value if is_number else str(value))
        ds.createDimension(dim, len(frame))
        role = ds.createVariable(feature, str)
        role.cf_role = f"{feature}_id"
        role.long_name = "flight name" if has_time else "sounding name"
        role[...] = np.array(name, dtype=object)
        coordinates = ["time"] if has_time else []
        if has_time:
            _time_variable(ds, "time", dim, frame["time"], "time of the frame (UTC)", axis=True)
            if "received_at" in frame and frame["received_at"].notna().all():
                _time_variable(
                    ds, "received_at", dim, frame["received_at"],
                    "receive time on the ground station (UTC)",
                )  # fmt: skip
        for column, vname, standard, units, axis in _COORDINATES:
            var = ds.createVariable(vname, "f8", (dim,), fill_value=np.nan)
            var.standard_name, var.units, var.axis = standard, units, axis
            if column == "altitude":
                var.positive = "up"
                var.long_name = "altitude above mean sea level"
            values = frame[column] if column in frame else pd.Series(np.nan, index=frame.index)
            var[:] = values.to_numpy(float)
            coordinates.append(vname)
        coords = " ".join(coordinates)
        if "sentence_id" in frame and frame["sentence_id"].notna().any():
            # i4: CF 1.8 (section 2.2) allows no 64-bit integers
            var = ds.createVariable("sentence_id", "i4", (dim,), fill_value=-1)
            var.long_name = "frame counter sent by the payload"
            var.coordinates = coords
            var[:] = frame["sentence_id"].fillna(-1).to_numpy(np.int32)
        for column, spec in CF_VARIABLES.items():
            if column not in frame or not frame[column].notna().any():
                continue
            var = ds.createVariable(spec.name, "f8", (dim,), fill_value=np.nan)
            if spec.standard_name:
                var.standard_name = spec.standard_name
            var.units, var.long_name, var.coordinates = spec.units, spec.long_name, coords
            var[:] = pd.to_numeric(frame[column], errors="coerce").to_numpy(float)
        if "clock_suspect" in frame:
            var = ds.createVariable("clock_suspect", "i1", (dim,))
            var.long_name = "payload clock more than the limit away from the receive time"
            var.flag_values = np.array([0, 1], dtype=np.int8)
            var.flag_meanings = "clock_ok clock_suspect"
            var.coordinates = coords
            var[:] = frame["clock_suspect"].fillna(False).to_numpy(np.int8)
    return path


def _time_variable(ds, vname: str, dim: str, times: pd.Series, long_name: str, axis=False):
    var = ds.createVariable(vname, "f8", (dim,))
    var.standard_name = "time"
    var.long_name = long_name
    var.units = _TIME_UNITS
    var.calendar = "standard"
    if axis:
        var.axis = "T"
    var[:] = _epoch_seconds(times)


def _to_si(values: np.ndarray, units: str, column: str) -> np.ndarray:
    """Convert the few non-SI units other CF producers use to the table's units."""
    units = units.strip()
    if column == "pressure" and units in ("hPa", "mbar", "millibar"):
        return values * 100.0
    if column in ("temperature", "dewpoint") and units in (
        "degC", "degree_Celsius", "celsius", "C",
    ):  # fmt: skip
        return values + 273.15
    if column == "relative_humidity" and units in ("1", ""):
        return values * 100.0
    return values


def _times(var) -> pd.DatetimeIndex:
    import netCDF4

    stamps = netCDF4.num2date(
        var[:], var.units, getattr(var, "calendar", "standard"),
        only_use_cftime_datetimes=False, only_use_python_datetimes=True,
    )  # fmt: skip
    return pd.to_datetime([s.isoformat() for s in stamps], utc=True)


def read_cf_trajectory(path: str | Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read a CF trajectory or profile file into a flight table (SI units).

    Variables are found by CF standard name first (so other producers' files read too:
    ``alt`` or ``height``, hPa, degC), then by this module's variable names.

    Parameters
    ----------
    path : str or Path
        A CF NetCDF file with ``featureType`` ``trajectory`` or ``profile``.

    Returns
    -------
    table : DataFrame
        Columns named as in :data:`CF_VARIABLES` plus ``time``, ``latitude``,
        ``longitude``, ``altitude`` (and ``received_at``, ``sentence_id`` when present).
    metadata : dict
        ``format`` (``"cf_netcdf"``), ``name``, ``feature_type``, ``attributes`` (the
        global attributes) and ``synthetic: True`` when the title carries the mark.

    Raises
    ------
    ValueError
        When the file is not a CF trajectory or profile.
    """
    import netCDF4

    by_standard = {spec.standard_name: col for col, spec in CF_VARIABLES.items()}
    by_standard.pop("", None)
    by_standard.update(
        latitude="latitude", longitude="longitude", altitude="altitude", height="altitude"
    )
    by_name = {spec.name: col for col, spec in CF_VARIABLES.items()}
    by_name["sentence_id"] = "sentence_id"
    data: dict[str, Any] = {}
    with netCDF4.Dataset(path) as ds:
        feature = str(getattr(ds, "featureType", ""))
        if feature not in ("trajectory", "profile"):
            raise ValueError(
                f"{path}: NetCDF file without featureType trajectory/profile; only CF "
                "trajectory files (as written by stratoflight) are read as flights"
            )
        name = ""
        for vname, var in ds.variables.items():
            standard = getattr(var, "standard_name", "")
            if getattr(var, "cf_role", "") in ("trajectory_id", "profile_id"):
                name = str(var[...]) if var.ndim == 0 else str(var[0])
            elif var.ndim != 1:
                continue
            elif standard == "time":
                is_axis = vname == "time" or getattr(var, "axis", "") == "T"
                data["time" if is_axis else vname] = _times(var)
            elif standard in by_standard or vname in by_name:
                column = by_standard.get(standard) or by_name[vname]
                values = np.ma.filled(np.ma.asarray(var[:]).astype(float), np.nan)
                data[column] = _to_si(values, str(getattr(var, "units", "")), column)
        attributes = {key: ds.getncattr(key) for key in ds.ncattrs()}
    metadata: dict[str, Any] = {
        "format": "cf_netcdf", "name": name, "feature_type": feature, "attributes": attributes,
    }  # fmt: skip
    if str(attributes.get("title", "")).startswith(SYNTHETIC_MARK):
        metadata["synthetic"] = True
    table = pd.DataFrame(data)
    if "sentence_id" in table:
        table["sentence_id"] = table["sentence_id"].where(table["sentence_id"] >= 0)
    return table, metadata
