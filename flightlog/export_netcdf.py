"""CF-NetCDF export: a balloon flight as one CF-1.8 trajectory (featureType trajectory).

Layout (CF Appendix H.4, single trajectory; sounding-products.md §6.1): one dimension
``time`` with strictly increasing times, coordinates ``time(time)``, ``lat(time)``,
``lon(time)``, ``alt(time)``, a scalar string ``trajectory`` with
``cf_role = "trajectory_id"``, data variables with ``coordinates = "time lat lon alt"``,
global ``featureType = "trajectory"``. Copies of a frame with the same time are written
once (the first), because CF trajectories need strictly increasing time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from firmware_bridge.fields import FIELD_UNITS

__all__ = ["CF_VARIABLES", "write_netcdf"]

#: Canonical field -> (variable name, CF standard_name or None, CF units, long_name).
CF_VARIABLES: dict[str, tuple[str, str | None, str, str]] = {
    "pressure": ("air_pressure", "air_pressure", "Pa", "air pressure"),
    "temperature": ("air_temperature", "air_temperature", "K", "air temperature"),
    "relative_humidity": ("relative_humidity", "relative_humidity", "percent", "relative humidity"),
    "ground_speed": (
        "ground_speed",
        "platform_speed_wrt_ground",
        "m s-1",
        "payload speed over ground",
    ),
    "heading": ("heading", "platform_course", "degree", "payload course over ground"),
    "vertical_velocity": (
        "vertical_velocity",
        None,
        "m s-1",
        "payload vertical velocity (positive upward) as sent",
    ),
    "internal_temperature": ("internal_temperature", None, "K", "payload internal temperature"),
    "battery_voltage": ("battery_voltage", None, "V", "payload battery voltage"),
    "radiation_counts": ("radiation_counts", None, "1", "radiation counts per frame interval"),
    "satellites": ("satellites", None, "1", "GNSS satellites used"),
    "gps_fix": ("gps_fix", None, "1", "GNSS fix type (0 none, 2 2D, 3 3D)"),
    "snr": ("snr", None, "dB", "receiver signal-to-noise ratio"),
    "frequency": ("frequency", None, "Hz", "receive frequency"),
}

_EPOCH_UNITS = "seconds since 1970-01-01 00:00:00 UTC"


def _seconds(series: pd.Series) -> np.ndarray:
    return (series.astype("int64").to_numpy() / 1e9).astype(np.float64)


def write_netcdf(data: pd.DataFrame, metadata: dict[str, Any], path: str | Path) -> Path:
    """Write a :func:`flightlog.read_flight` result as a CF-1.8 trajectory NetCDF4 file.

    Parameters
    ----------
    data : pandas.DataFrame
        Telemetry as returned by :func:`flightlog.read_flight`.
    metadata : dict
        Its metadata.
    path : str or Path
        Output file.

    Returns
    -------
    Path
    """
    import netCDF4

    table = data[data["time"].notna()].drop_duplicates("time", keep="first")
    table = table.sort_values("time").reset_index(drop=True)
    path = Path(path)
    with netCDF4.Dataset(path, "w", format="NETCDF4") as nc:
        nc.Conventions = "CF-1.8"
        nc.featureType = "trajectory"
        nc.title = f"Balloon flight {metadata['name']}: telemetry along the flight path"
        nc.source = "Stratoflight flight log (telemetry received from the payload)"
        nc.history = f"{datetime.now(UTC):%Y-%m-%dT%H:%M:%SZ} written by strato export"
        nc.flight_name = metadata["name"]
        if metadata.get("settings", {}).get("synthetic"):
            nc.title = f"SYNTHETIC (simulated payload): {nc.title}"
            nc.synthetic = "true: recorded from the simulated payload (strato simulate)"
        if metadata.get("callsign"):
            nc.payload_callsign = metadata["callsign"]
        site = metadata.get("launch_site")
        if site:
            nc.launch_latitude = float(site["latitude"])
            nc.launch_longitude = float(site["longitude"])
            if site.get("altitude") is not None:
                nc.launch_altitude = float(site["altitude"])
        if metadata.get("balloon"):
            nc.balloon = metadata["balloon"]
        nc.createDimension("time", len(table))
        trajectory = nc.createVariable("trajectory", str)
        trajectory.cf_role = "trajectory_id"
        trajectory.long_name = "flight name"
        trajectory[...] = np.array(metadata["name"], dtype=object)

        time = nc.createVariable("time", "f8", ("time",))
        time.standard_name = "time"
        time.long_name = "time of the telemetry frame (payload clock, else receive time)"
        time.units = _EPOCH_UNITS
        time.calendar = "standard"
        time.axis = "T"
        time[:] = _seconds(table["time"])

        received = nc.createVariable("received_at", "f8", ("time",))
        received.long_name = "receive time on the ground station"
        received.units = _EPOCH_UNITS
        received.calendar = "standard"
        received[:] = _seconds(table["received_at"])

        coords = (
            ("lat", "latitude", "latitude", "degrees_north", None),
            ("lon", "longitude", "longitude", "degrees_east", None),
            ("alt", "altitude", "altitude", "m", "Z"),
        )
        for name, column, standard, units, axis in coords:
            var = nc.createVariable(name, "f8", ("time",), fill_value=np.nan)
            var.standard_name = standard
            var.units = units
            if axis:
                var.axis = axis
                var.positive = "up"
                var.long_name = "GNSS altitude above mean sea level"
            var[:] = table[column].to_numpy(dtype=np.float64)

        sentence = nc.createVariable("sentence_id", "i8", ("time",), fill_value=-1)
        sentence.long_name = "frame counter sent by the payload"
        sentence.coordinates = "time lat lon alt"
        sentence[:] = table["sentence_id"].fillna(-1).to_numpy(dtype=np.int64)

        for field, (name, standard, units, long_name) in CF_VARIABLES.items():
            if field not in table or not table[field].notna().any():
                continue
            assert field in FIELD_UNITS
            var = nc.createVariable(name, "f8", ("time",), fill_value=np.nan)
            if standard:
                var.standard_name = standard
            var.long_name = long_name
            var.units = units
            var.coordinates = "time lat lon alt"
            var[:] = table[field].to_numpy(dtype=np.float64)

        suspect = nc.createVariable("clock_suspect", "i1", ("time",))
        suspect.long_name = "payload clock more than the limit away from the receive time"
        suspect.flag_values = np.array([0, 1], dtype=np.int8)
        suspect.flag_meanings = "clock_ok clock_suspect"
        suspect.coordinates = "time lat lon alt"
        suspect[:] = table["clock_suspect"].to_numpy(dtype=np.int8)
    return path
