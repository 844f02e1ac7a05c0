"""The contract between ``weather`` and its users: what an atmosphere answers.

Every atmosphere (ERA5 or GFS files, the built-in synthetic sample, the analytic fields used
in tests) implements :class:`Atmosphere`. Queries are vectorised over numpy arrays of equal
shape. Times are float64 seconds since 1970-01-01T00:00:00Z (UTC); use
:func:`to_epoch_seconds` / :func:`from_epoch_seconds` at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import NamedTuple, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

__all__ = [
    "Atmosphere",
    "AtmosphereBounds",
    "AtmosphereSample",
    "OutsideAtmosphereError",
    "from_epoch_seconds",
    "to_epoch_seconds",
]

FloatArray = npt.NDArray[np.float64]


class OutsideAtmosphereError(ValueError):
    """A query fell outside the time range or the area an atmosphere covers."""


def to_epoch_seconds(when: datetime) -> float:
    """Convert a timezone-aware datetime to seconds since the Unix epoch [s].

    Raises
    ------
    ValueError
        If ``when`` is naive: Stratoflight never guesses a time zone.
    """
    if when.tzinfo is None or when.utcoffset() is None:
        raise ValueError(
            f"time {when.isoformat()} has no time zone; give it in UTC, e.g. "
            f"'{when.isoformat()}Z' or '{when.isoformat()}+00:00'"
        )
    return when.timestamp()


def from_epoch_seconds(seconds: float) -> datetime:
    """Convert seconds since the Unix epoch [s] to a UTC datetime."""
    return datetime.fromtimestamp(float(seconds), tz=UTC)


@dataclass(frozen=True)
class AtmosphereBounds:
    """Where and when an atmosphere has data.

    Attributes
    ----------
    time_start, time_end : datetime
        First and last valid time (UTC).
    lat_min, lat_max : float
        Latitude range [degree_north].
    lon_min, lon_max : float
        Longitude range [degree_east], in -180..180. ``lon_min > lon_max`` means the area
        crosses the antimeridian. ``(-180, 180)`` is global.
    top_altitude : float
        Geometric altitude of the highest data level [m] (lowest column top), ``inf`` for
        analytic atmospheres.
    pressure_levels : tuple of float
        Pressure levels of the data [Pa], empty when not level-based.
    """

    time_start: datetime
    time_end: datetime
    lat_min: float = -90.0
    lat_max: float = 90.0
    lon_min: float = -180.0
    lon_max: float = 180.0
    top_altitude: float = float("inf")
    pressure_levels: tuple[float, ...] = field(default_factory=tuple)

    def describe(self) -> str:
        """One line naming the bounds, for error messages."""
        return (
            f"{self.time_start.isoformat()} to {self.time_end.isoformat()}, "
            f"latitude {self.lat_min:g}..{self.lat_max:g} deg, "
            f"longitude {self.lon_min:g}..{self.lon_max:g} deg"
        )


class AtmosphereSample(NamedTuple):
    """Atmospheric state at query points (arrays of the query shape).

    Attributes
    ----------
    u, v : ndarray
        Eastward and northward wind [m s-1].
    temperature : ndarray
        Air temperature [K].
    pressure : ndarray
        Air pressure [Pa].
    density : ndarray
        Air density [kg m-3].
    above_top : ndarray of bool
        The point lies above the highest data level (values were held from the top level).
    below_bottom : ndarray of bool
        The point lies below the lowest data level (values were held from that level).
    """

    u: FloatArray
    v: FloatArray
    temperature: FloatArray
    pressure: FloatArray
    density: FloatArray
    above_top: npt.NDArray[np.bool_]
    below_bottom: npt.NDArray[np.bool_]


@runtime_checkable
class Atmosphere(Protocol):
    """What every atmosphere answers.

    Attributes
    ----------
    source : str
        Human description of the data (files, product, model run); says "SYNTHETIC" for
        made-up fields.
    synthetic : bool
        True for made-up fields (sample, analytic), so every output can label them.
    bounds : AtmosphereBounds
        Where and when the data are valid.
    has_surface : bool
        True when ground elevation and land/sea come from data; otherwise both fall back to
        sea level / unknown, and users are warned.
    ensemble_size : int
        Number of ensemble members in the data (e.g. 10 for the ERA5 EDA); 1 otherwise.
    """

    source: str
    synthetic: bool
    bounds: AtmosphereBounds
    has_surface: bool
    ensemble_size: int

    def sample(
        self,
        time: FloatArray,
        lat: FloatArray,
        lon: FloatArray,
        alt: FloatArray,
        member: npt.NDArray[np.int_] | None = None,
    ) -> AtmosphereSample:
        """State at points: time [s since epoch], lat/lon [deg], geometric alt [m].

        ``member`` picks the data's ensemble member per point (0..ensemble_size-1); None
        means member 0 (or the only one). Raises :class:`OutsideAtmosphereError` when a
        point is outside the time range or area. Longitudes may be in -180..180 or 0..360.
        """
        ...

    def wind(
        self, time: FloatArray, lat: FloatArray, lon: FloatArray, alt: FloatArray
    ) -> tuple[FloatArray, FloatArray]:
        """Eastward and northward wind [m s-1] at points (see :meth:`sample`)."""
        ...

    def ground_elevation(self, lat: FloatArray, lon: FloatArray) -> FloatArray:
        """Ground elevation above mean sea level [m]; 0 where no surface data exist."""
        ...

    def land_fraction(self, lat: FloatArray, lon: FloatArray) -> FloatArray:
        """Land fraction 0..1 (ERA5 land-sea mask); NaN where no surface data exist."""
        ...
