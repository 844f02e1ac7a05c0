"""Tell file formats apart by their first bytes, never by their names."""

from __future__ import annotations

from pathlib import Path

from localization import _

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


def sniff_format(path: str | Path, check: bool = True) -> str:
    """Name the format of a file from its magic bytes, and refuse it when truncated.

    Parameters
    ----------
    path : str or Path
        File to inspect.
    check : bool
        Also check that the file is whole (see :mod:`weather.file_integrity`): every
        reader sniffs a file before opening it, so a truncated file is refused there.

    Returns
    -------
    str
        One of :data:`FORMATS`.

    Raises
    ------
    ValueError
        If the first bytes match none of them (e.g. an HTML error page saved as ``.nc``),
        or (a :class:`~weather.file_integrity.TruncatedFileError`) the file is shorter than
        its header declares.
    """
    with open(path, "rb") as handle:
        head = handle.read(8)
    if not head:
        raise ValueError(
            _(
                "{path}: the file is empty; download it again ('strato weather fetch'"
                " or 'strato weather forecast')"
            ).format(path=path)
        )
    for magic, name in _MAGIC:
        if head.startswith(magic):
            if check:
                from weather.file_integrity import check_complete

                check_complete(path, name)
            return name
    raise ValueError(
        _(
            "{path}: not a NetCDF, GRIB or zip file (first bytes {head!r}); check "
            "that the download completed and the file is ERA5/GFS data"
        ).format(path=path, head=head)
    )
