"""Stratoflight's atmosphere: ERA5/GFS files, the built-in sample, analytic fields.

``import weather`` stays light (numpy only): xarray, netCDF4, cfgrib and numba load only
when a file is opened or a grid atmosphere is built or asked.
"""

from __future__ import annotations

from weather.analytic_atmosphere import AnalyticAtmosphere, linear_shear_wind, uniform_wind
from weather.grid_atmosphere import GridAtmosphere

# the module and the function share a name: this import binds the function (after the
# submodule import has set the attribute to the module)
from weather.open_atmosphere import open_atmosphere
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

__all__ = [
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
