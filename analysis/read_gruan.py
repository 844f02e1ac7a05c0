"""Reader for GRUAN data products (RS41-GDP, RS92-GDP NetCDF).

A GRUAN data product is NetCDF4 with ``Conventions = "CF-1.7"`` but no ``featureType``:
one dimension ``time`` (seconds since launch), values with their uncertainties
(``x_uc``), and dotted global metadata (``g.Product.*``, ``g.Measurement.*``, ``g.Site.*``)
(notes/sounding-products.md section 6.1). The file states its own tropopause and burst
point; they are returned as ``reported_tropopause`` and ``reported_burst``.

``altitude`` is the product's geopotential height ``alt_gph`` (the height GRUAN states its
tropopause in, and the height of sounding tables); winds are the product's smoothed
``wzon``/``wmeri``.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.columns import finish_profile

__all__ = ["is_gruan_product", "read_gruan_gdp"]

#: Canonical column -> GRUAN variable (units converted below where they differ).
_VARIABLES = {
    "altitude": "alt_gph",
    "latitude": "lat",
    "longitude": "lon",
    "pressure": "press",  # hPa
    "temperature": "temp",
    "dewpoint": "dp",
    "relative_humidity": "rh",
    "eastward_wind": "wzon",
    "northward_wind": "wmeri",
}


def is_gruan_product(path: str | Path) -> bool:
    """Whether a NetCDF file is a GRUAN data product (has ``g.Product.Key``)."""
    import netCDF4

    try:
        with netCDF4.Dataset(path) as dataset:
            return "g.Product.Key" in dataset.ncattrs()
    except OSError:
        return False


def _number(text: object) -> float | None:
    """Leading number of an attribute like ``"13455.7 gpm"``; None when absent or NaN."""
    match = re.match(r"\s*(-?[0-9.]+(?:[eE]-?\d+)?)", str(text))
    if not match:
        return None
    value = float(match.group(1))
    return value if np.isfinite(value) else None


def read_gruan_gdp(path: str | Path) -> tuple[pd.DataFrame, dict]:
    """Read a GRUAN data product into the canonical profile.

    Parameters
    ----------
    path : str or Path
        GRUAN NetCDF file (e.g. ``PAY-RS-01_2_RS41-GDP_001_20170712T000000_1-002-001.nc``).

    Returns
    -------
    profile : DataFrame
        One row per second: time (UTC), position, geopotential height [m], pressure [Pa],
        temperature and dewpoint [K], relative humidity [%], winds [m s-1].
    metadata : dict
        ``format``, ``product``, ``station``, ``observation_time``, ``reported_tropopause``
        (from ``g.Measurement.Tropopause*``), ``reported_burst``.
    """
    import netCDF4

    path = Path(path)
    with netCDF4.Dataset(path) as dataset:
        attrs = {k: dataset.getncattr(k) for k in dataset.ncattrs()}
        if "time" not in dataset.variables:
            raise ValueError(f"{path}: GRUAN product without a time variable")
        time_var = dataset.variables["time"]
        times = netCDF4.num2date(
            time_var[:], time_var.units, only_use_cftime_datetimes=False,
            only_use_python_datetimes=True,
        )  # fmt: skip
        columns = {}
        for name, variable in _VARIABLES.items():
            if variable in dataset.variables:
                values = np.ma.filled(dataset.variables[variable][:].astype(float), np.nan)
                columns[name] = values
    frame = pd.DataFrame(columns)
    frame["time"] = pd.to_datetime(list(times), utc=True)
    if "pressure" in frame:
        frame["pressure"] = frame["pressure"] * 100.0
    profile = finish_profile(frame)
    reported = []
    if str(attrs.get("g.Measurement.TropopauseDetected", "")).lower() == "yes":
        reported.append(
            {
                "pressure_hpa": _number(attrs.get("g.Measurement.TropopausePressure")),
                "altitude_m": _number(attrs.get("g.Measurement.TropopauseGeopotHeight")),
                "temperature_c": (
                    None
                    if (t := _number(attrs.get("g.Measurement.TropopauseTemperature"))) is None
                    else round(t - 273.15, 2)
                ),
            }
        )
    station = str(attrs.get("g.Site.Name") or attrs.get("g.Site.Id") or "")
    start = str(attrs.get("g.Measurement.StartTime", ""))
    metadata = {
        "format": "gruan_gdp",
        "product": attrs.get("g.Product.FullKey") or attrs.get("g.Product.Key"),
        "station": station,
        "observation_time": start or None,
        "station_latitude": _number(attrs.get("g.MeasuringSystem.Latitude")),
        "station_longitude": _number(attrs.get("g.MeasuringSystem.Longitude")),
        "reported_tropopause": reported,
        "reported_burst": {
            "altitude_m": _number(attrs.get("g.Measurement.BurstpointAltitude")),
            "geopotential_height_m": _number(attrs.get("g.Measurement.BurstpointGeopotHeight")),
            "pressure_hpa": _number(attrs.get("g.Measurement.BurstpointPressure")),
        },
        "published_indices": {
            key: value
            for key, value in {
                "precipitable_water_mm": _number(
                    attrs.get("g.Measurement.PrecipitableWaterColumn")
                ),
            }.items()
            if value is not None
        },
        "notes": ["altitude is the GRUAN product's geopotential height (alt_gph)"],
        "name": f"GRUAN {attrs.get('g.Product.Key', '')} {station} {start[:16]}".strip(),
    }
    return profile, metadata
