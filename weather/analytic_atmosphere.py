"""Analytic atmospheres: winds given by a formula, temperature and density from USSA 1976.

These are SYNTHETIC by construction; tests, examples and the analytic proofs of the
predictor use them. They implement :class:`weather.protocol.Atmosphere`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import numpy as np

from weather.protocol import (
    AtmosphereBounds,
    AtmosphereSample,
    FloatArray,
    OutsideAtmosphereError,
    to_epoch_seconds,
)
from weather.standard_atmosphere import ussa1976

__all__ = ["AnalyticAtmosphere", "uniform_wind", "linear_shear_wind"]

WindFunction = Callable[
    [FloatArray, FloatArray, FloatArray, FloatArray], tuple[FloatArray, FloatArray]
]
SurfaceFunction = Callable[[FloatArray, FloatArray], FloatArray]

_FAR_PAST = datetime(1900, 1, 1, tzinfo=UTC)
_FAR_FUTURE = datetime(2200, 1, 1, tzinfo=UTC)


def uniform_wind(u: float, v: float) -> WindFunction:
    """Wind field that is ``(u, v)`` [m s-1] everywhere and always."""

    def wind(time, lat, lon, alt):
        shape = np.shape(alt)
        return np.full(shape, float(u)), np.full(shape, float(v))

    return wind


def linear_shear_wind(u0: float, du_dz: float, v0: float = 0.0, dv_dz: float = 0.0) -> WindFunction:
    """Wind growing linearly with altitude: ``u = u0 + du_dz * alt`` [m s-1], likewise v."""

    def wind(time, lat, lon, alt):
        a = np.asarray(alt, dtype=np.float64)
        return u0 + du_dz * a, v0 + dv_dz * a

    return wind


class AnalyticAtmosphere:
    """A SYNTHETIC atmosphere defined by formulas.

    Parameters
    ----------
    wind : callable
        ``wind(time, lat, lon, alt) -> (u, v)`` [m s-1], vectorised.
    ground_elevation : callable, optional
        ``f(lat, lon) -> elevation`` [m]. Without it the ground is at sea level.
    land_fraction : callable, optional
        ``f(lat, lon) -> 0..1``. Without it land/sea is unknown (NaN).
    bounds : AtmosphereBounds, optional
        Validity region; unbounded (1900-2200, whole globe) by default.
    top_altitude : float, optional
        Pretend data top [m]: points above it are flagged ``above_top`` (winds still
        follow the formula), to exercise warning paths.
    name : str
        Description used in ``source``.
    """

    synthetic = True
    ensemble_size = 1

    def __init__(
        self,
        wind: WindFunction,
        ground_elevation: SurfaceFunction | None = None,
        land_fraction: SurfaceFunction | None = None,
        bounds: AtmosphereBounds | None = None,
        top_altitude: float = float("inf"),
        name: str = "analytic wind field",
    ) -> None:
        self._wind = wind
        self._ground = ground_elevation
        self._land = land_fraction
        self.bounds = bounds or AtmosphereBounds(_FAR_PAST, _FAR_FUTURE, top_altitude=top_altitude)
        self._top = top_altitude
        self.has_surface = ground_elevation is not None or land_fraction is not None
        self.source = f"SYNTHETIC {name} (USSA 1976 temperature and density)"

    def _check(self, time: FloatArray, lat: FloatArray, lon: FloatArray) -> None:
        b = self.bounds
        t0, t1 = to_epoch_seconds(b.time_start), to_epoch_seconds(b.time_end)
        t = np.asarray(time, dtype=np.float64)
        la = np.asarray(lat, dtype=np.float64)
        lo = (np.asarray(lon, dtype=np.float64) + 180.0) % 360.0 - 180.0
        if np.any((t < t0) | (t > t1)):
            raise OutsideAtmosphereError(f"time outside the atmosphere's range ({b.describe()})")
        if np.any((la < b.lat_min) | (la > b.lat_max)):
            raise OutsideAtmosphereError(f"latitude outside the atmosphere ({b.describe()})")
        if b.lon_min <= b.lon_max:
            outside = (lo < b.lon_min) | (lo > b.lon_max)
        else:
            outside = (lo < b.lon_min) & (lo > b.lon_max)
        if np.any(outside):
            raise OutsideAtmosphereError(f"longitude outside the atmosphere ({b.describe()})")

    def sample(self, time, lat, lon, alt, member=None) -> AtmosphereSample:
        """State at points; see :meth:`weather.protocol.Atmosphere.sample`."""
        self._check(time, lat, lon)
        a = np.asarray(alt, dtype=np.float64)
        u, v = self._wind(time, lat, lon, a)
        temperature, pressure, density = ussa1976(a)
        above = a > self._top
        return AtmosphereSample(
            np.asarray(u, dtype=np.float64),
            np.asarray(v, dtype=np.float64),
            temperature,
            pressure,
            density,
            above,
            np.zeros(a.shape, dtype=bool),
        )

    def wind(self, time, lat, lon, alt) -> tuple[FloatArray, FloatArray]:
        """Eastward and northward wind [m s-1]."""
        self._check(time, lat, lon)
        u, v = self._wind(time, lat, lon, np.asarray(alt, dtype=np.float64))
        return np.asarray(u, dtype=np.float64), np.asarray(v, dtype=np.float64)

    def ground_elevation(self, lat, lon) -> FloatArray:
        """Ground elevation [m]; 0 without a ground function."""
        if self._ground is None:
            return np.zeros(np.shape(lat))
        return np.asarray(self._ground(np.asarray(lat), np.asarray(lon)), dtype=np.float64)

    def land_fraction(self, lat, lon) -> FloatArray:
        """Land fraction 0..1; NaN without a land function."""
        if self._land is None:
            return np.full(np.shape(lat), np.nan)
        return np.asarray(self._land(np.asarray(lat), np.asarray(lon)), dtype=np.float64)
