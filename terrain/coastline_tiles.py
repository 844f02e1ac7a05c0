"""Cut the global GSHHG coastline into 1-degree land tiles, cached on disk.

The high-resolution coastline is GSHHG at full resolution (level 1, land against ocean),
as shipped inside the ``roaring-landmask`` wheel. Loading the whole globe costs ~3 s and
~600 MB, far too much for every command, so it happens once per area: the tiles a query
needs (with a margin) are cut out, written to the user's cache folder as WKB and from then
on read in milliseconds. Only this module imports ``roaring_landmask``.

A tile ``(ilat, ilon)`` covers ``ilat <= lat <= ilat + 1`` and ``ilon <= lon <= ilon + 1``
[degree]; ``ilon`` is in -180..179.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import shapely

__all__ = [
    "COASTLINE_NAME",
    "TileKey",
    "build_tiles",
    "cache_folder",
    "coastline_version",
    "read_tile",
    "tile_path",
]

TileKey = tuple[int, int]

#: What users are told the coastline is.
COASTLINE_NAME = "GSHHG full resolution (via roaring-landmask)"

#: Margin [tiles] cut around requested tiles while the globe is loaded anyway.
BUILD_MARGIN_TILES = 2


@lru_cache(maxsize=1)
def coastline_version() -> str:
    """Version of the roaring-landmask package whose GSHHG data is used.

    Read from the package's ``.dist-info`` folder name beside it (a directory listing);
    ``importlib.metadata`` scans every installed package and costs ~0.1 s per command.
    """
    from importlib.util import find_spec

    spec = find_spec("roaring_landmask")
    if spec is not None and spec.origin:
        site = Path(spec.origin).resolve().parent.parent
        for info in sorted(site.glob("roaring_landmask-*.dist-info")):
            return info.name[len("roaring_landmask-") : -len(".dist-info")]
    from importlib.metadata import version

    return version("roaring-landmask")


def cache_folder() -> Path:
    """Folder of cached tiles: ``STRATOFLIGHT_COASTLINE_CACHE`` or the user cache folder."""
    override = os.environ.get("STRATOFLIGHT_COASTLINE_CACHE")
    if override:
        base = Path(override)
    else:
        import platformdirs

        base = platformdirs.user_cache_path("stratoflight") / "coastline"
    return base / f"gshhg-f-roaring-{coastline_version()}"


def tile_path(key: TileKey) -> Path:
    """Cache file of one tile, e.g. ``N20E106.wkb``."""
    ilat, ilon = key
    ns = "N" if ilat >= 0 else "S"
    ew = "E" if ilon >= 0 else "W"
    return cache_folder() / f"{ns}{abs(ilat):02d}{ew}{abs(ilon):03d}.wkb"


def read_tile(key: TileKey) -> shapely.Geometry | None:
    """Land in one tile from the cache, or None when it is not cached (or unreadable)."""
    try:
        data = tile_path(key).read_bytes()
        return shapely.from_wkb(data)
    except (OSError, shapely.errors.GEOSException):
        return None


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _global_land_parts() -> tuple[np.ndarray, np.ndarray]:
    """All GSHHG land polygons and their bounds (the expensive step: ~3 s, ~600 MB)."""
    import roaring_landmask

    wkb = roaring_landmask.Shapes.wkb(roaring_landmask.LandmaskProvider.Gshhg)
    parts = shapely.get_parts(shapely.from_wkb(wkb))
    del wkb
    return parts, shapely.bounds(parts)


def _with_margin(keys: Iterable[TileKey], margin: int) -> set[TileKey]:
    out: set[TileKey] = set()
    for ilat, ilon in keys:
        for dla in range(-margin, margin + 1):
            for dlo in range(-margin, margin + 1):
                la = ilat + dla
                if -90 <= la <= 89:
                    out.add((la, (ilon + dlo + 180) % 360 - 180))
    return out


def build_tiles(keys: Iterable[TileKey], margin: int = BUILD_MARGIN_TILES) -> dict:
    """Cut the tiles ``keys`` (plus ``margin`` tiles around them) from the global coastline.

    Parameters
    ----------
    keys : iterable of (int, int)
        Tiles to make, as (floor latitude, floor longitude) [degree].
    margin : int
        Extra rings of tiles cut while the globe is loaded anyway.

    Returns
    -------
    dict
        ``{key: land geometry}`` for every tile cut (empty geometry where all sea). Each is
        also written to the cache; a cache that cannot be written is skipped silently (the
        tiles still answer for this process).
    """
    wanted = sorted(_with_margin(keys, margin))
    parts, bounds = _global_land_parts()
    out = {}
    for ilat, ilon in wanted:
        box = (float(ilon), float(ilat), float(ilon + 1), float(ilat + 1))
        hit = (
            (bounds[:, 0] <= box[2])
            & (bounds[:, 2] >= box[0])
            & (bounds[:, 1] <= box[3])
            & (bounds[:, 3] >= box[1])
        )
        if hit.any():
            clipped = shapely.clip_by_rect(parts[hit], *box)
            clipped = clipped[~shapely.is_empty(clipped)]
            land = shapely.union_all(clipped) if clipped.size else shapely.Polygon()
        else:
            land = shapely.Polygon()
        out[(ilat, ilon)] = land
        try:
            _write_atomic(tile_path((ilat, ilon)), shapely.to_wkb(land))
        except OSError:
            pass
    return out
