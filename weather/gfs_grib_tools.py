"""Small GRIB2 tools for GFS downloads: what to ask for, index files, checks and cropping.

Used by :mod:`weather.gfs_forecast`. ecCodes (``eccodes``, the ``grib`` extra) is imported
inside the functions that need it.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from localization import _

__all__ = [
    "GFS_ISOBARIC_LEVELS_HPA",
    "GfsField",
    "IndexEntry",
    "byte_ranges",
    "check_gfs_file",
    "crop_grib_file",
    "gfs_fields",
    "parse_grib_index",
]

#: Isobaric levels of the GFS 0.25-degree pgrb2 files from 1000 up to 1 hPa [hPa].
GFS_ISOBARIC_LEVELS_HPA: tuple[int, ...] = (
    1, 2, 3, 5, 7, 10, 15, 20, 30, 40, 50, 70, 100, 150, 200, 250, 300, 350, 400, 450,
    500, 550, 600, 650, 700, 750, 800, 850, 900, 925, 950, 975, 1000,
)  # fmt: skip

# NCEP abbreviation -> ecCodes shortName, per level kind.
_ISOBARIC_SHORT_NAMES = {"UGRD": "u", "VGRD": "v", "HGT": "gh", "TMP": "t"}
_SURFACE_SHORT_NAMES = {"HGT": "orog", "LAND": "lsm"}


@dataclass(frozen=True)
class GfsField:
    """One wanted GRIB message: NCEP variable and level as the ``.idx`` files spell them.

    Attributes
    ----------
    variable : str
        NCEP abbreviation, e.g. ``UGRD``.
    level : str
        ``"<p> mb"`` for isobaric levels or ``"surface"``.
    """

    variable: str
    level: str

    @property
    def short_name(self) -> str:
        """Return the ecCodes shortName of the message (u, v, gh, t, orog, lsm)."""
        if self.level == "surface":
            return _SURFACE_SHORT_NAMES[self.variable]
        return _ISOBARIC_SHORT_NAMES[self.variable]

    @property
    def level_value(self) -> int:
        """Pressure [hPa] for isobaric fields, 0 for the surface."""
        return 0 if self.level == "surface" else int(self.level.split()[0])


def gfs_fields(levels_hpa: Iterable[int] = GFS_ISOBARIC_LEVELS_HPA) -> list[GfsField]:
    """Messages to fetch: UGRD, VGRD, HGT, TMP on each level; HGT and LAND at the surface."""
    fields = [
        GfsField(variable, f"{level} mb")
        for level in sorted(levels_hpa, reverse=True)
        for variable in _ISOBARIC_SHORT_NAMES
    ]
    return fields + [GfsField("HGT", "surface"), GfsField("LAND", "surface")]


@dataclass(frozen=True)
class IndexEntry:
    """One line of a wgrib2 ``.idx`` inventory: byte range, variable and level."""

    start: int
    end: int | None  # last byte (inclusive), None for the last message
    variable: str
    level: str


def parse_grib_index(text: str) -> list[IndexEntry]:
    """Parse a wgrib2 inventory (``1:0:d=2024010100:UGRD:1000 mb:3 hour fcst:``).

    Sub-messages (``12.1``, ``12.2``) share their message's byte range.

    Raises
    ------
    ValueError
        If a line does not have the ``number:offset:date:VAR:level:...`` shape.
    """
    rows = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(":")
        if len(parts) < 5 or not parts[1].isdigit():
            raise ValueError(
                _("GRIB index line {number} is not a wgrib2 inventory: {line!r}").format(
                    number=number, line=line
                )
            )
        rows.append((int(parts[1]), parts[3], parts[4]))
    offsets = sorted({row[0] for row in rows})
    next_offset = dict(zip(offsets, offsets[1:] + [None], strict=True))
    return [
        IndexEntry(
            offset,
            None if next_offset[offset] is None else next_offset[offset] - 1,
            variable,
            level,
        )
        for offset, variable, level in rows
    ]


def byte_ranges(
    entries: Sequence[IndexEntry], fields: Sequence[GfsField]
) -> list[tuple[int, int | None]]:
    """Return merged byte ranges (first, last inclusive) holding ``fields``, in file order.

    Raises
    ------
    ValueError
        Naming the fields the inventory does not list.
    """
    wanted = {(f.variable, f.level) for f in fields}
    chosen = sorted(
        {(e.start, e.end) for e in entries if (e.variable, e.level) in wanted}, key=lambda r: r[0]
    )
    found = {(e.variable, e.level) for e in entries if (e.variable, e.level) in wanted}
    missing = sorted(wanted - found)
    if missing:
        shown = ", ".join(f"{v}:{lev}" for v, lev in missing[:6])
        raise ValueError(
            _("the GFS inventory lacks {value} wanted field(s) ({shown}{value2})").format(
                value=len(missing),
                shown=shown,
                value2=", ..." if len(missing) > 6 else "",
            )
        )
    merged: list[tuple[int, int | None]] = []
    for start, end in chosen:
        if merged and merged[-1][1] is not None and merged[-1][1] + 1 == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def check_gfs_file(path: str | Path, fields: Sequence[GfsField]) -> int:
    """Check that a downloaded GFS file is complete GRIB2 holding every wanted field.

    Returns
    -------
    int
        Number of GRIB messages read.

    Raises
    ------
    ValueError
        If the file is not GRIB, is cut short, or lacks fields (names the first few).
    """
    import eccodes

    from weather.file_sniffing import sniff_format

    kind = sniff_format(path)
    if kind != "grib":
        raise ValueError(
            _("{path}: expected GRIB2 from the GFS, got {kind}").format(path=path, kind=kind)
        )
    found: set[tuple[str, int]] = set()
    count = 0
    with open(path, "rb") as handle:
        while True:
            try:
                message = eccodes.codes_grib_new_from_file(handle)
            except Exception as exc:  # ecCodes raises its own error types
                raise ValueError(
                    _("{path}: GRIB message {value} is damaged or cut short ({exc})").format(
                        path=path, value=count + 1, exc=exc
                    )
                ) from exc
            if message is None:
                break
            try:
                count += 1
                level_type = eccodes.codes_get(message, "typeOfLevel")
                level = 0 if level_type == "surface" else int(eccodes.codes_get(message, "level"))
                found.add((eccodes.codes_get(message, "shortName"), level))
            finally:
                eccodes.codes_release(message)
    with open(path, "rb") as handle:
        handle.seek(-4, 2)
        if handle.read(4) != b"7777":
            raise ValueError(
                _("{path}: the last GRIB message is cut short (no end marker)").format(path=path)
            )
    missing = [f for f in fields if (f.short_name, f.level_value) not in found]
    if missing:
        shown = ", ".join(f"{f.variable}:{f.level}" for f in missing[:6])
        raise ValueError(
            _("{path}: {value} wanted GFS field(s) missing ({shown}{value2})").format(
                path=path,
                value=len(missing),
                shown=shown,
                value2=", ..." if len(missing) > 6 else "",
            )
        )
    return count


def _latitude_indices(first: float, step: float, size: int, low: float, high: float) -> np.ndarray:
    """Return the row indices covering ``low..high``, expanded to whole cells."""
    eps = 1e-6
    start = max(math.floor((low - first) / step + eps), 0)
    stop = min(math.ceil((high - first) / step - eps), size - 1)
    if start > stop:
        raise ValueError(
            _("latitudes {low:g}..{high:g} lie outside the GRIB grid").format(low=low, high=high)
        )
    return np.arange(start, stop + 1)


def _longitude_indices(
    first: float, step: float, size: int, west: float, east: float
) -> np.ndarray:
    """Return the column indices covering ``west..east`` eastward (whole cells)."""
    eps = 1e-6
    offset = ((west - first) % 360.0) / step
    span = (east - west) % 360.0 or 360.0
    start = math.floor(offset + eps)
    stop = math.ceil(offset + span / step - eps)
    if abs(size * step - 360.0) < 1e-6:  # global grid: wrap round the seam
        return (start + np.arange(min(stop - start + 1, size))) % size
    if start >= size:
        raise ValueError(
            _("longitudes {west:g}..{east:g} lie outside the GRIB grid").format(
                west=west, east=east
            )
        )
    return np.arange(start, min(stop, size - 1) + 1)


def crop_grib_file(
    source: str | Path, target: str | Path, north: float, west: float, south: float, east: float
) -> None:
    """Write the part of each regular lat-lon message of ``source`` covering an area.

    The area is expanded outward to whole grid cells. A global grid is cut across its
    seam when needed (west 170, east -170 gives longitudes 170..190), the way the NOMADS
    GRIB filter's subregion does. Values are re-packed with simple packing.

    Parameters
    ----------
    source, target : str or Path
        GRIB2 file to read, file to write.
    north, west, south, east : float
        Area [degree]; west > east crosses the antimeridian.
    """
    import eccodes

    with open(source, "rb") as reader, open(target, "wb") as writer:
        while (message := eccodes.codes_grib_new_from_file(reader)) is not None:
            try:
                if eccodes.codes_get(message, "gridType") != "regular_ll":
                    raise ValueError(
                        _("{source}: only regular lat-lon GRIB can be cropped").format(
                            source=source
                        )
                    )
                ni = eccodes.codes_get(message, "Ni")
                nj = eccodes.codes_get(message, "Nj")
                lat1 = eccodes.codes_get(message, "latitudeOfFirstGridPointInDegrees")
                lon1 = eccodes.codes_get(message, "longitudeOfFirstGridPointInDegrees")
                dlat = eccodes.codes_get(message, "jDirectionIncrementInDegrees")
                dlon = eccodes.codes_get(message, "iDirectionIncrementInDegrees")
                north_first = eccodes.codes_get(message, "jScansPositively") == 0
                values = eccodes.codes_get_values(message).reshape(nj, ni)
                sign = -1.0 if north_first else 1.0
                # the row index grows southward when the grid starts in the north
                low, high = (north, south) if north_first else (south, north)
                rows = _latitude_indices(lat1, sign * dlat, nj, low, high)
                cols = _longitude_indices(lon1, dlon, ni, west, east)
                part = values[np.ix_(rows, cols)]
                first_lon = (lon1 + cols[0] * dlon) % 360.0
                cropped = eccodes.codes_clone(message)
                try:
                    eccodes.codes_set(cropped, "packingType", "grid_simple")
                    eccodes.codes_set(cropped, "Ni", len(cols))
                    eccodes.codes_set(cropped, "Nj", len(rows))
                    eccodes.codes_set(
                        cropped, "latitudeOfFirstGridPointInDegrees", lat1 + sign * rows[0] * dlat
                    )
                    eccodes.codes_set(
                        cropped, "latitudeOfLastGridPointInDegrees", lat1 + sign * rows[-1] * dlat
                    )
                    eccodes.codes_set(cropped, "longitudeOfFirstGridPointInDegrees", first_lon)
                    eccodes.codes_set(
                        cropped,
                        "longitudeOfLastGridPointInDegrees",
                        first_lon + (len(cols) - 1) * dlon,
                    )
                    eccodes.codes_set_values(cropped, np.ascontiguousarray(part).ravel())
                    eccodes.codes_write(cropped, writer)
                finally:
                    eccodes.codes_release(cropped)
            finally:
                eccodes.codes_release(message)
