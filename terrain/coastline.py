"""Land or sea, and the distance to the shore, from the high-resolution coastline.

Answers come from 1-degree land tiles cut from GSHHG full resolution
(:mod:`terrain.coastline_tiles`), read from the user's cache folder and kept in memory.
Queries are vectorised over points with shapely's prepared-geometry predicates, one call
per tile touched, so an ensemble of 10,000 landings costs a few milliseconds.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import shapely

from localization import _
from terrain import coastline_tiles
from terrain.coastline_tiles import TileKey

__all__ = [
    "MAX_SEARCH_TILES",
    "Coastline",
    "default_coastline",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

#: Rings of 1-degree tiles searched for the nearest shore (beyond that: NaN distance).
MAX_SEARCH_TILES = 4


def _points(lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> tuple[FloatArray, FloatArray]:
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    if lat.shape != lon.shape:
        lat, lon = np.broadcast_arrays(lat, lon)
    if lat.size == 1:  # one point (a single landing): plain-number checks
        la = float(lat.flat[0])
        bad_lat = la < -90.0 or la > 90.0
    else:
        finite_lat = lat[np.isfinite(lat)]
        bad_lat = finite_lat.size > 0 and (finite_lat.min() < -90.0 or finite_lat.max() > 90.0)
    if bad_lat:
        raise ValueError(
            _(
                "latitude must be within -90..90 degrees; check that latitude and "
                "longitude are not swapped"
            )
        )
    lon = (lon + 180.0) % 360.0 - 180.0
    return np.array(lat, dtype=float), lon


def _tile_index(lat: FloatArray, lon: FloatArray) -> tuple[np.ndarray, np.ndarray]:
    # np.maximum/np.minimum: np.clip's Python wrapper costs more than the work on few points
    ilat = np.maximum(np.minimum(np.floor(lat), 89.0), -90.0).astype(np.int64)
    ilon = np.maximum(np.minimum(np.floor(lon), 179.0), -180.0).astype(np.int64)
    return ilat, ilon


class Coastline:
    """Land polygons in 1-degree tiles, loaded on demand and kept for the process.

    Use :func:`default_coastline` for the shared instance.
    """

    def __init__(self) -> None:
        self._tiles: dict[TileKey, shapely.Geometry] = {}
        self._blocks: dict[tuple[TileKey, int], tuple | None] = {}

    # -- tiles ---------------------------------------------------------------------------

    def tiles(self, keys: set[TileKey]) -> dict[TileKey, shapely.Geometry]:
        """Land geometry of each tile in ``keys``, read from the cache or cut when missing."""
        missing = [k for k in keys if k not in self._tiles]
        unread = []
        for key in missing:
            geom = coastline_tiles.read_tile(key)
            if geom is None:
                unread.append(key)
            else:
                shapely.prepare(geom)
                self._tiles[key] = geom
        if unread:
            for key, geom in coastline_tiles.build_tiles(unread).items():
                if key not in self._tiles:
                    shapely.prepare(geom)
                    self._tiles[key] = geom
        return {k: self._tiles[k] for k in keys}

    def prepare(self, south: float, west: float, north: float, east: float) -> None:
        """Make sure every tile of an area is cached (cut once, in one pass over the globe)."""
        self.tiles(_box_keys(south, west, north, east))

    # -- questions -----------------------------------------------------------------------

    def is_land(self, lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike) -> BoolArray:
        """Tell where a point is on land (a point on the shoreline counts as land).

        Parameters
        ----------
        lat_deg, lon_deg : array_like
            Latitude [degree_north] and longitude [degree_east, -180..180 or 0..360];
            broadcast together.

        Returns
        -------
        ndarray of bool
            Same shape as the broadcast inputs; False where an input is NaN.
        """
        lat, lon = _points(lat_deg, lon_deg)
        return self._land(lat, lon)

    def _land(self, lat: FloatArray, lon: FloatArray) -> BoolArray:
        """:meth:`is_land` of points already checked and wrapped by :func:`_points`."""
        ok = np.isfinite(lat) & np.isfinite(lon)
        if lat.ndim == 1 and ok.all():
            la, lo = lat, lon
        elif not ok.any():
            return np.zeros(lat.shape, dtype=bool)
        else:
            la, lo = lat[ok], lon[ok]
        ilat, ilon = _tile_index(la, lo)
        keys = set(zip(ilat.tolist(), ilon.tolist(), strict=True))
        tiles = self.tiles(keys)
        if len(tiles) == 1:  # every point in one tile (a single landing, most ensembles)
            (geom,) = tiles.values()
            answer = (
                np.zeros(la.shape, dtype=bool) if geom.is_empty else
                shapely.intersects_xy(geom, lo, la)
            )  # fmt: skip
        else:
            answer = np.zeros(la.shape, dtype=bool)
            for key, geom in tiles.items():
                sel = (ilat == key[0]) & (ilon == key[1])
                if not geom.is_empty:
                    answer[sel] = shapely.intersects_xy(geom, lo[sel], la[sel])
        if la is lat:
            return answer
        out = np.zeros(lat.shape, dtype=bool)
        out[ok] = answer
        return out

    def coast_distance(
        self, lat_deg: npt.ArrayLike, lon_deg: npt.ArrayLike
    ) -> tuple[FloatArray, FloatArray]:
        """Geodesic distance and bearing from each point to the nearest land.

        Parameters
        ----------
        lat_deg, lon_deg : array_like
            Latitude [degree_north] and longitude [degree_east]; broadcast together.

        Returns
        -------
        distance_m : ndarray
            WGS84 geodesic distance to the nearest shore [m]: 0 on land; NaN where an input
            is NaN or no land lies within :data:`MAX_SEARCH_TILES` degrees (~440 km).
        bearing_deg : ndarray
            Bearing from the point to that nearest shore point [degree, clockwise from
            true north, 0..360]; NaN on land and where the distance is NaN.
        """
        from terrain import geodesy

        lat, lon = _points(lat_deg, lon_deg)
        dist = np.full(lat.shape, np.nan)
        bearing = np.full(lat.shape, np.nan)
        ok = np.isfinite(lat) & np.isfinite(lon)
        land = self._land(lat, lon)
        dist[ok & land] = 0.0
        sea = np.flatnonzero((ok & ~land).ravel())
        if sea.size == 0:
            return dist, bearing
        la, lo = lat.ravel()[sea], lon.ravel()[sea]
        ilat, ilon = _tile_index(la, lo)
        near_lat = np.full(la.shape, np.nan)
        near_lon = np.full(la.shape, np.nan)
        todo = np.ones(la.shape, dtype=bool)
        for ring in range(0, MAX_SEARCH_TILES + 1):
            if not todo.any():
                break
            keys = set(zip(ilat[todo].tolist(), ilon[todo].tolist(), strict=True))
            for key in keys:
                if la.shape[0] == 1:  # one point: no selection to compute
                    sel = np.zeros(1, dtype=np.intp)
                else:
                    sel = np.flatnonzero(todo & (ilat == key[0]) & (ilon == key[1]))
                found = self._nearest_in_block(key, ring, la[sel], lo[sel])
                if found is None:
                    continue
                nlat, nlon, certain = found
                near_lat[sel[certain]] = nlat[certain]
                near_lon[sel[certain]] = nlon[certain]
                todo[sel[certain]] = False
        d, b = geodesy.inverse(la, lo, near_lat, near_lon)
        dist.ravel()[sea] = d
        bearing.ravel()[sea] = b
        return dist, bearing

    def land_geometry(
        self, south: float, west: float, north: float, east: float
    ) -> shapely.Geometry:
        """Land inside a latitude/longitude box, as one shapely (Multi)Polygon [degree].

        Parameters
        ----------
        south, west, north, east : float
            Box edges [degree]; ``west < east`` (boxes across 180 degrees are not
            supported), ``south < north``.

        Returns
        -------
        shapely.Geometry
            Land polygons clipped to the box, coordinates (longitude, latitude); empty
            when the box is all sea.
        """
        if not (south < north and west < east):
            raise ValueError(
                _(
                    "box south={south} west={west} north={north} east={east} is empty"
                    " or crosses 180 degrees: give south < north and west < east in "
                    "-180..180"
                ).format(south=south, west=west, north=north, east=east)
            )
        keys = _box_keys(south, west, north, east)
        tiles = [g for g in self.tiles(keys).values() if not g.is_empty]
        if not tiles:
            return shapely.Polygon()
        clipped = shapely.clip_by_rect(np.array(tiles, dtype=object), west, south, east, north)
        return shapely.union_all(clipped[~shapely.is_empty(clipped)])

    # -- helpers -------------------------------------------------------------------------

    def _block(self, key: TileKey, ring: int):
        """Shore segments within ``ring`` tiles of ``key``, scaled, with their search tree.

        Coordinates are (longitude * k, latitude) with k = cos(tile latitude): a local
        equirectangular scaling in which planar nearest-point search picks the nearest
        shore; the distance reported to users is then measured on the ellipsoid.
        """
        cached = self._blocks.get((key, ring))
        if cached is not None:
            return cached
        ilat, ilon = key
        keys = {
            (la, (ilon + dlo + 180) % 360 - 180)
            for la in range(max(ilat - ring, -90), min(ilat + ring, 89) + 1)
            for dlo in range(-ring, ring + 1)
        }
        k = math.cos(math.radians(ilat + 0.5))
        pairs = []
        for (_la, lo), geom in self.tiles(keys).items():
            if geom.is_empty:
                continue
            shift = (lo - ilon + 180) % 360 - 180 - (lo - ilon)  # unwrap across 180 deg
            rings = shapely.get_parts(shapely.boundary(geom))
            coords, index = shapely.get_coordinates(rings, return_index=True)
            same = index[1:] == index[:-1]
            seg = np.stack([coords[:-1][same], coords[1:][same]], axis=1)
            seg[..., 0] = (seg[..., 0] + shift) * k
            pairs.append(seg)
        if pairs:
            segments = shapely.linestrings(np.concatenate(pairs))
            block = (k, segments, shapely.STRtree(segments))
        else:
            block = None
        self._blocks[(key, ring)] = block
        return block

    def _nearest_in_block(self, key: TileKey, ring: int, lat: FloatArray, lon: FloatArray):
        """Nearest shore point within the tile block, and whether it is surely the nearest."""
        block = self._block(key, ring)
        if block is None:
            return None
        k, segments, tree = block
        lon_u = key[1] + (lon - key[1] + 180.0) % 360.0 - 180.0
        pts = shapely.points(lon_u * k, lat)
        (ipt, iseg) = tree.query_nearest(pts, all_matches=False)
        nearest = np.empty(pts.shape, dtype=object)
        nearest[ipt] = segments[iseg]
        lines = shapely.shortest_line(nearest, pts)
        first = shapely.get_coordinates(shapely.get_point(lines, 0))
        nlon = first[:, 0] / k
        nlat = first[:, 1]
        reach = np.hypot((nlon - lon_u) * k, nlat - lat)
        edge = np.minimum(  # distance to the block's nearest edge (scaled degrees)
            np.minimum((lon_u - (key[1] - ring)) * k, (key[1] + ring + 1 - lon_u) * k),
            np.minimum(lat - (key[0] - ring), key[0] + ring + 1 - lat),
        )
        certain = reach <= edge
        nlon = (nlon + 180.0) % 360.0 - 180.0
        return nlat, nlon, certain


def _box_keys(south: float, west: float, north: float, east: float) -> set[TileKey]:
    if not (south <= north and west <= east):
        raise ValueError(_("give south <= north and west <= east [degree]"))
    lat0, lat1 = int(math.floor(max(south, -90.0))), int(math.floor(min(north, 89.999999)))
    lon0, lon1 = int(math.floor(west)), int(math.floor(min(east, 179.999999)))
    return {(la, lo) for la in range(lat0, lat1 + 1) for lo in range(lon0, lon1 + 1)}


_DEFAULT: Coastline | None = None


def default_coastline() -> Coastline:
    """Return the process-wide :class:`Coastline` (tiles loaded once, shared by all)."""
    global _DEFAULT
    if _DEFAULT is None:
        _DEFAULT = Coastline()
    return _DEFAULT
