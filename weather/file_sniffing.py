"""Tell file formats apart by their first bytes, never by their names."""

from __future__ import annotations

from pathlib import Path

__all__ = ["FORMATS", "sniff_format"]

#: Formats :func:`sniff_format` can name.
FORMATS = ("zip", "netcdf4", "netcdf3", "grib")

_MAGIC = (
    (b"PK\x03\x04", "zip"),
    (b"\x89HDF\r\n\x1a\n", "netcdf4"),
    (b"CDF\x01", "netcdf3"),
    (b"CDF\x02", "netcdf3"),
    (b"GRIB", "grib"),
)


def sniff_format(path: str | Path) -> str:
    """Name the format of a file from its magic bytes.

    Parameters
    ----------
    path : str or Path
        File to inspect.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    ValueError
        If the first bytes match none of them (e.g. an HTML error page saved as ``.nc``).
    """
    with open(path, "rb") as handle:
        head = handle.read(8)
    for magic, name in _MAGIC:
        if head.startswith(magic):
            return name
    raise ValueError(
        f"{path}: not a NetCDF, GRIB or zip file (first bytes {head!r}); "
        "check that the download completed and the file is ERA5/GFS data"
    )
