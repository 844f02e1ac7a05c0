"""Stratoflight's atmosphere: ERA5/GFS files, the built-in sample, analytic fields.

``import weather`` stays light (numpy only): xarray, netCDF4, cfgrib and numba load only
when a file is opened or a grid atmosphere is built or asked; the download and GFS API
(:func:`download_era5`, :func:`download_gfs`, :func:`read_gfs_grib`, ...) is imported on
first use.
"""

from __future__ import annotations

from typing import Any

from weather.analytic_atmosphere import AnalyticAtmosphere, linear_shear_wind, uniform_wind

# the module and the function share a name: this import binds the function (after the
# submodule import has set the attribute to the module)
from weather.atmosphere_files import open_atmosphere
from weather.grid_atmosphere import GridAtmosphere
from weather.protocol import (
    Atmosphere,
    AtmosphereBounds,
    AtmosphereSample,
    OutsideAtmosphereError,
    from_epoch_seconds,
    to_epoch_seconds,
)
from weather.sample_atmosphere import (
    SAMPLE_LAUNCH_SITE,
    SAMPLE_TIME_END,
    SAMPLE_TIME_START,
    open_sample_atmosphere,
)
from weather.standard_atmosphere import (
    ussa1976,
    ussa1976_density,
    ussa1976_pressure,
    ussa1976_temperature,
)

#: Names loaded on first use (``weather.download_gfs`` etc.), so that ``import weather``
#: does not import the download and GRIB modules: name -> module.
_LAZY = {
    "Area": "weather.era5_request",
    "build_era5_jobs": "weather.era5_request",
    "CdsDownloadError": "weather.cds_download",
    "MissingCdsKeyError": "weather.cds_download",
    "download_era5": "weather.cds_download",
    "GfsDownloadError": "weather.gfs_forecast",
    "GfsRun": "weather.gfs_forecast",
    "download_gfs": "weather.gfs_forecast",
    "parse_forecast_hours": "weather.gfs_forecast",
    "is_gfs_grib": "weather.read_gfs",
    "read_gfs_grib": "weather.read_gfs",
}


def __getattr__(name: str) -> Any:
    """Import the fetch/GFS API on first use (PEP 562)."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'weather' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "Area",
    "CdsDownloadError",
    "GfsDownloadError",
    "GfsRun",
    "MissingCdsKeyError",
    "build_era5_jobs",
    "download_era5",
    "download_gfs",
    "is_gfs_grib",
    "parse_forecast_hours",
    "read_gfs_grib",
    "AnalyticAtmosphere",
    "Atmosphere",
    "AtmosphereBounds",
    "AtmosphereSample",
    "GridAtmosphere",
    "OutsideAtmosphereError",
    "SAMPLE_LAUNCH_SITE",
    "SAMPLE_TIME_END",
    "SAMPLE_TIME_START",
    "from_epoch_seconds",
    "linear_shear_wind",
    "open_atmosphere",
    "open_sample_atmosphere",
    "to_epoch_seconds",
    "uniform_wind",
    "ussa1976",
    "ussa1976_density",
    "ussa1976_pressure",
    "ussa1976_temperature",
]
