"""Statistics of ensemble landing points: mean, confidence ellipses, sea and zone probabilities.

Pure computation on arrays of landing latitudes and longitudes [deg] (NaN for members
that did not land). Recovery distances are WGS84 geodesics (:mod:`terrain.geodesy`, the
one home for distances shown to people); ellipses live in an azimuthal-equidistant tangent
plane on the sphere :data:`weather.constants.EARTH_RADIUS` centred on the mean landing,
accurate to well under 1 % for spreads of a few hundred km.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from predictor.zones import Zone, points_in_zones
from terrain import geodesy
from weather.constants import EARTH_RADIUS

__all__ = [
    "EARTH_RADIUS",
    "ConfidenceEllipse",
    "LandingStatistics",
    "chi2_radius",
    "confidence_ellipse",
    "from_local_plane",
    "landing_statistics",
    "mean_position",
    "to_local_plane",
]

#: Land fraction at or above which a point counts as land (ERA5 land-sea mask convention).
LAND_THRESHOLD = 0.5
#: A sea landing this close to the shore [m] counts as "near the shore" (a boat can recover).
NEAR_SHORE_DISTANCE_M = 5000.0


def mean_position(latitude: npt.ArrayLike, longitude: npt.ArrayLike) -> tuple[float, float]:
    """Mean of points [deg] via the mean unit vector (safe across the antimeridian).

    NaN points are ignored; returns ``(nan, nan)`` when no point is finite.
    """
    lat = np.radians(np.asarray(latitude, dtype=np.float64))
    lon = np.radians(np.asarray(longitude, dtype=np.float64))
    ok = np.isfinite(lat) & np.isfinite(lon)
    if not np.any(ok):
        return math.nan, math.nan
    x = np.mean(np.cos(lat[ok]) * np.cos(lon[ok]))
    y = np.mean(np.cos(lat[ok]) * np.sin(lon[ok]))
    z = np.mean(np.sin(lat[ok]))
    return math.degrees(math.atan2(z, math.hypot(x, y))), math.degrees(math.atan2(y, x))


def to_local_plane(latitude, longitude, lat0: float, lon0: float) -> tuple[np.ndarray, np.ndarray]:
    """Azimuthal-equidistant east/north coordinates [m] of points [deg] about (lat0, lon0)."""
    phi = np.radians(np.asarray(latitude, dtype=np.float64))
    lam = np.radians(np.asarray(longitude, dtype=np.float64))
    phi0, lam0 = math.radians(lat0), math.radians(lon0)
    dlam = lam - lam0
    cos_c = np.sin(phi0) * np.sin(phi) + math.cos(phi0) * np.cos(phi) * np.cos(dlam)
    c = np.arccos(np.clip(cos_c, -1.0, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        k = np.where(c > 1e-12, c / np.sin(c), 1.0)
    east = EARTH_RADIUS * k * np.cos(phi) * np.sin(dlam)
    north = (
        EARTH_RADIUS
        * k
        * (math.cos(phi0) * np.sin(phi) - math.sin(phi0) * np.cos(phi) * np.cos(dlam))
    )
    return east, north


def from_local_plane(east, north, lat0: float, lon0: float) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_local_plane`: latitude and longitude [deg] of east/north [m]."""
    e = np.asarray(east, dtype=np.float64)
    n = np.asarray(north, dtype=np.float64)
    c = np.hypot(e, n) / EARTH_RADIUS
    azimuth = np.arctan2(e, n)
    phi0, lam0 = math.radians(lat0), math.radians(lon0)
    phi = np.arcsin(np.sin(phi0) * np.cos(c) + math.cos(phi0) * np.sin(c) * np.cos(azimuth))
    lam = lam0 + np.arctan2(
        np.sin(azimuth) * np.sin(c) * math.cos(phi0), np.cos(c) - math.sin(phi0) * np.sin(phi)
    )
    return np.degrees(phi), (np.degrees(lam) + 180.0) % 360.0 - 180.0


def chi2_radius(probability: float) -> float:
    """Mahalanobis radius enclosing ``probability`` of a 2-D normal distribution.

    The squared radius is the chi-square quantile with 2 degrees of freedom, which has the
    closed form ``-2 ln(1 - p)`` (e.g. 1.3863 for 50 %, 5.9915 for 95 %).
    """
    if not 0.0 < probability < 1.0:
        raise ValueError(
            f"ellipse probability must lie strictly between 0 and 1, got {probability}"
        )
    return math.sqrt(-2.0 * math.log1p(-probability))


@dataclass(frozen=True)
class ConfidenceEllipse:
    """An error ellipse of landing points.

    Attributes
    ----------
    probability : float
        Share of a 2-D normal distribution inside the ellipse [1].
    latitude, longitude : float
        Centre [deg].
    semi_major, semi_minor : float
        Semi-axes [m].
    orientation : float
        Azimuth of the major axis, clockwise from north, 0..180 [deg].
    """

    probability: float
    latitude: float
    longitude: float
    semi_major: float
    semi_minor: float
    orientation: float

    def polygon(self, n_vertices: int = 73) -> tuple[np.ndarray, np.ndarray]:
        """Return the closed outline as latitude and longitude arrays [deg] (first = last)."""
        theta = np.linspace(0.0, 2.0 * np.pi, n_vertices)
        a = math.radians(self.orientation)
        along, across = self.semi_major * np.cos(theta), self.semi_minor * np.sin(theta)
        east = along * math.sin(a) + across * math.cos(a)
        north = along * math.cos(a) - across * math.sin(a)
        return from_local_plane(east, north, self.latitude, self.longitude)

    def as_dict(self, n_vertices: int = 73) -> dict[str, Any]:
        """JSON-ready dict; the outline is ``[[longitude, latitude], ...]`` as in GeoJSON."""
        lat, lon = self.polygon(n_vertices)
        return {
            "probability": self.probability,
            "center": {"latitude": self.latitude, "longitude": self.longitude},
            "semi_major_m": self.semi_major,
            "semi_minor_m": self.semi_minor,
            "orientation_deg_from_north": self.orientation,
            "polygon_lonlat_deg": [[float(x), float(y)] for x, y in zip(lon, lat, strict=True)],
        }


def confidence_ellipse(
    latitude: npt.ArrayLike, longitude: npt.ArrayLike, probability: float
) -> ConfidenceEllipse:
    """Ellipse around the mean landing holding ``probability`` of a fitted 2-D normal.

    The sample covariance of the points in the tangent plane is decomposed into principal
    axes, and both axes are scaled by :func:`chi2_radius`. With fewer than 3 finite points,
    or identical points, the axes are 0.
    """
    lat0, lon0 = mean_position(latitude, longitude)
    lat = np.asarray(latitude, dtype=np.float64)
    lon = np.asarray(longitude, dtype=np.float64)
    ok = np.isfinite(lat) & np.isfinite(lon)
    scale = chi2_radius(probability)
    if ok.sum() < 3:
        return ConfidenceEllipse(probability, lat0, lon0, 0.0, 0.0, 0.0)
    east, north = to_local_plane(lat[ok], lon[ok], lat0, lon0)
    cov = np.cov(np.vstack([east, north]))
    values, vectors = np.linalg.eigh(cov)
    values = np.clip(values, 0.0, None)
    major = vectors[:, 1]  # eigh sorts ascending: last is the major axis (east, north)
    orientation = math.degrees(math.atan2(major[0], major[1])) % 180.0
    return ConfidenceEllipse(
        probability,
        lat0,
        lon0,
        scale * math.sqrt(values[1]),
        scale * math.sqrt(values[0]),
        orientation,
    )


@dataclass(frozen=True)
class LandingStatistics:
    """Summary of an ensemble's landings (see :func:`landing_statistics`).

    Attributes
    ----------
    n_members, n_landed : int
        Members in the ensemble, and how many landed (others left the data).
    latitude, longitude : ndarray
        Landing points of all members [deg] (NaN where not landed).
    mean_latitude, mean_longitude : float
        Mean landing [deg].
    ellipses : tuple of ConfidenceEllipse
        50 % and 95 % ellipses (or as requested).
    sea_probability : float or None
        Share of landed members with land fraction < 0.5, among those with known surface;
        None when no land-sea data exist.
    n_surface_unknown : int
        Landed members whose surface is unknown.
    sea_near_shore_probability : float or None
        Share of landed members (with known surface) that land at sea within
        :data:`NEAR_SHORE_DISTANCE_M` of the shore; None without coast distances.
    zone_probabilities : dict
        Zone name -> share of all members landing inside it.
    recovery : dict or None
        Distances from the recovery point [m]: ``mean``, ``median``, ``p95``,
        ``to_mean_landing``, and the point itself.
    """

    n_members: int
    n_landed: int
    latitude: np.ndarray
    longitude: np.ndarray
    mean_latitude: float
    mean_longitude: float
    ellipses: tuple[ConfidenceEllipse, ...]
    sea_probability: float | None
    n_surface_unknown: int
    zone_probabilities: dict[str, float] = field(default_factory=dict)
    recovery: dict[str, float] | None = None
    sea_near_shore_probability: float | None = None

    def as_dict(self, include_members: bool = True) -> dict[str, Any]:
        """Return the ``ensemble`` block of the JSON output (keys name their units)."""
        out: dict[str, Any] = {
            "member_count": self.n_members,
            "landed_count": self.n_landed,
            "mean_landing": {"latitude": self.mean_latitude, "longitude": self.mean_longitude},
            "ellipses": [e.as_dict() for e in self.ellipses],
            "sea_probability": self.sea_probability,
            "sea_near_shore_probability": self.sea_near_shore_probability,
            "near_shore_distance_m": NEAR_SHORE_DISTANCE_M,
            "surface_unknown_count": self.n_surface_unknown,
            "zone_probabilities": dict(self.zone_probabilities),
        }
        if self.recovery is not None:
            out["recovery"] = dict(self.recovery)
        if include_members:
            out["landings"] = [
                {"latitude": float(a), "longitude": float(b)} if np.isfinite(a) else None
                for a, b in zip(self.latitude, self.longitude, strict=True)
            ]
        return out


def landing_statistics(
    latitude: npt.ArrayLike,
    longitude: npt.ArrayLike,
    land_fraction: npt.ArrayLike | None = None,
    zones: Sequence[Zone] = (),
    recovery_point: tuple[float, float] | None = None,
    probabilities: Sequence[float] = (0.5, 0.95),
    coast_distance_m: npt.ArrayLike | None = None,
) -> LandingStatistics:
    """Summarise ensemble landings.

    Parameters
    ----------
    latitude, longitude : array-like, shape (n_members,)
        Landing points [deg]; NaN for members that did not land.
    land_fraction : array-like, optional
        Land fraction 0..1 at each landing (NaN = unknown); None = no land-sea data.
    zones : sequence of Zone
        Areas whose landing probability is wanted.
    recovery_point : (float, float), optional
        Where the recovery crew waits, (latitude, longitude) [deg].
    probabilities : sequence of float
        Ellipse probabilities.
    coast_distance_m : array-like, optional
        Distance from each sea landing to the shore [m] (NaN elsewhere), for
        ``sea_near_shore_probability``.

    Returns
    -------
    LandingStatistics
    """
    lat = np.atleast_1d(np.asarray(latitude, dtype=np.float64))
    lon = np.atleast_1d(np.asarray(longitude, dtype=np.float64))
    landed = np.isfinite(lat) & np.isfinite(lon)
    n, n_landed = lat.size, int(landed.sum())
    mean_lat, mean_lon = mean_position(lat, lon)
    ellipses = tuple(confidence_ellipse(lat, lon, p) for p in probabilities)

    sea_probability: float | None = None
    near_shore: float | None = None
    n_unknown = n_landed
    if land_fraction is not None:
        lf = np.atleast_1d(np.asarray(land_fraction, dtype=np.float64))
        known = landed & np.isfinite(lf)
        n_unknown = int((landed & ~known).sum())
        if known.any():
            sea = lf[known] < LAND_THRESHOLD
            sea_probability = float(np.mean(sea))
            if coast_distance_m is not None:
                cd = np.atleast_1d(np.asarray(coast_distance_m, dtype=np.float64))[known]
                near_shore = float(np.mean(sea & (cd <= NEAR_SHORE_DISTANCE_M)))

    inside = points_in_zones(zones, lat, lon)
    zone_probabilities = {z.name: float(inside[i].mean()) for i, z in enumerate(zones)}

    recovery = None
    if recovery_point is not None:
        rlat, rlon = recovery_point
        d, _ = geodesy.inverse(rlat, rlon, lat[landed], lon[landed])
        recovery = {
            "latitude": float(rlat),
            "longitude": float(rlon),
            "distance_mean_m": float(d.mean()) if d.size else math.nan,
            "distance_median_m": float(np.median(d)) if d.size else math.nan,
            "distance_p95_m": float(np.percentile(d, 95)) if d.size else math.nan,
            "distance_to_mean_landing_m": float(
                geodesy.inverse(rlat, rlon, mean_lat, mean_lon)[0]
            ),
        }
    return LandingStatistics(
        n_members=n,
        n_landed=n_landed,
        latitude=lat,
        longitude=lon,
        mean_latitude=mean_lat,
        mean_longitude=mean_lon,
        ellipses=ellipses,
        sea_probability=sea_probability,
        n_surface_unknown=n_unknown,
        zone_probabilities=zone_probabilities,
        recovery=recovery,
        sea_near_shore_probability=near_shore,
    )
