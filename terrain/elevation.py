"""Ground elevation from a DEM file (GeoTIFF: Copernicus GLO-30, SRTM, ...) via rasterio.

A DEM in any projected or geographic CRS is read once, reprojected (bilinear) to a regular
latitude/longitude grid when it is not one already, and answered by bilinear interpolation
at arrays of points. Points outside the DEM or on its no-data cells answer NaN, so callers
can fall back to another source there (and say so).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

__all__ = ["DemError", "ElevationModel", "open_dem"]

FloatArray = npt.NDArray[np.float64]


class DemError(ValueError):
    """A DEM file that cannot be used (message says what, why and how to fix)."""


@dataclass(frozen=True)
class ElevationModel:
    """A DEM on a regular latitude/longitude grid.

    Attributes
    ----------
    path : Path
        The file it came from.
    elevation : ndarray, shape (n_lat, n_lon)
        Height above mean sea level [m], rows south to north; NaN for no data.
    lat0, dlat, lon0, dlon : float
        Centre of the south-west cell and the spacing [degree].
    crs : str
        The file's own CRS (e.g. ``EPSG:32648``); the grid here is always EPSG:4326.
    """

    path: Path
    elevation: FloatArray
    lat0: float
    dlat: float
    lon0: float
    dlon: float
    crs: str

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(south, west, north, east) of the cell centres [degree]."""
        n_lat, n_lon = self.elevation.shape
        return (
            self.lat0,
            self.lon0,
            self.lat0 + (n_lat - 1) * self.dlat,
            self.lon0 + (n_lon - 1) * self.dlon,
        )

    def describe(self) -> str:
        """Say what this DEM is, for settings and reports."""
        s, w, n, e = self.bounds
        return (
            f"DEM {self.path.name} ({self.crs}, {self.dlat * 3600:.1f} arc-second grid, "
            f"{s:.3f}..{n:.3f} N, {w:.3f}..{e:.3f} E)"
        )

    def elevation_at(self, lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> FloatArray:
        """Bilinear elevation [m] at points [degree]; NaN outside the DEM or on no data."""
        lat, lon = np.broadcast_arrays(
            np.asarray(lat_deg, dtype=float), np.asarray(lon_deg, dtype=float)
        )
        lon = self.lon0 + (lon - self.lon0 + 180.0) % 360.0 - 180.0
        n_lat, n_lon = self.elevation.shape
        fy = (lat - self.lat0) / self.dlat
        fx = (lon - self.lon0) / self.dlon
        inside = (fy >= 0) & (fy <= n_lat - 1) & (fx >= 0) & (fx <= n_lon - 1)
        out = np.full(lat.shape, np.nan)
        if not inside.any():
            return out
        y, x = fy[inside], fx[inside]
        iy = np.clip(np.floor(y).astype(int), 0, max(n_lat - 2, 0))
        ix = np.clip(np.floor(x).astype(int), 0, max(n_lon - 2, 0))
        wy, wx = y - iy, x - ix
        iy1, ix1 = np.minimum(iy + 1, n_lat - 1), np.minimum(ix + 1, n_lon - 1)
        z = self.elevation
        out[inside] = (1 - wy) * ((1 - wx) * z[iy, ix] + wx * z[iy, ix1]) + wy * (
            (1 - wx) * z[iy1, ix] + wx * z[iy1, ix1]
        )
        return out


def open_dem(path: str | Path) -> ElevationModel:
    """Read a DEM GeoTIFF (any CRS rasterio knows) into a latitude/longitude grid.

    Parameters
    ----------
    path : str or Path
        GeoTIFF (or any single-band raster GDAL reads) of heights above sea level [m].

    Returns
    -------
    ElevationModel

    Raises
    ------
    DemError
        Missing or unreadable file, no CRS, or no valid cells.
    """
    path = Path(path)
    with warnings.catch_warnings():
        # rasterio 1.4 multiplies Affine objects with `*`, which affine 3 flags as pending
        # deprecation; harmless, and not ours to fix.
        warnings.filterwarnings("ignore", "Use `@` matmul", PendingDeprecationWarning)
        return _read_dem(path)


def _read_dem(path: Path) -> ElevationModel:
    import rasterio
    from rasterio.warp import Resampling, calculate_default_transform, reproject

    if not path.is_file():
        raise DemError(f"DEM file {path} does not exist; give the path of a GeoTIFF")
    try:
        with rasterio.open(path) as src:
            if src.crs is None:
                raise DemError(
                    f"DEM file {path} has no coordinate reference system; "
                    "use a georeferenced GeoTIFF (e.g. a Copernicus GLO-30 or SRTM tile)"
                )
            crs = src.crs.to_string()
            nodata = src.nodata
            data = src.read(1, masked=True).astype(np.float64).filled(np.nan)
            if nodata is not None and np.isfinite(nodata):
                data[data == nodata] = np.nan
            if src.crs.to_epsg() == 4326 and src.transform.b == 0 and src.transform.d == 0:
                transform, grid = src.transform, data
            else:
                dst_crs = "EPSG:4326"
                transform, width, height = calculate_default_transform(
                    src.crs, dst_crs, src.width, src.height, *src.bounds
                )
                grid = np.full((height, width), np.nan)
                reproject(
                    data,
                    grid,
                    src_transform=src.transform,
                    src_crs=src.crs,
                    src_nodata=np.nan,
                    dst_transform=transform,
                    dst_crs=dst_crs,
                    dst_nodata=np.nan,
                    resampling=Resampling.bilinear,
                )
    except rasterio.errors.RasterioIOError as exc:
        raise DemError(f"cannot read DEM file {path}: {exc}; give a GeoTIFF") from exc
    if not np.isfinite(grid).any():
        raise DemError(f"DEM file {path} has no valid elevation cells")
    dlon = float(transform.a)
    dlat = float(transform.e)  # negative for north-up rasters
    lon0 = float(transform.c) + dlon / 2
    lat_top = float(transform.f) + dlat / 2
    if dlat < 0:
        grid = grid[::-1]
        lat0 = lat_top + dlat * (grid.shape[0] - 1)
        dlat = -dlat
    else:
        lat0 = lat_top
    grid = np.ascontiguousarray(grid)
    grid.flags.writeable = False
    return ElevationModel(path, grid, lat0, dlat, lon0, dlon, crs)
