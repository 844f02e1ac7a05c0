"""Refuse a truncated data file when it is opened, naming the file and what is missing.

A download cut short leaves a file whose first bytes look right. netCDF-C reads a cut
NetCDF-3 file without a word (the missing values come back as fill or zeros) and fails on
a cut NetCDF-4 file with ``NetCDF: HDF error``; eccodes stops a cut GRIB file with
``PrematureEndOfFileError``. The checks here compare what each format's header declares
with the file's size, reading only headers:

* NetCDF-3 (classic and 64-bit offset): the end of the last variable's data (``begin`` +
  its size for fixed variables; ``begin`` + ``numrecs`` x record size for record
  variables) must lie within the file;
* NetCDF-4 / HDF5: the superblock's end-of-file address must lie within the file;
* GRIB (editions 1 and 2): every message's declared length must fit and end in ``7777``;
* zip: the central directory must be readable.
"""

from __future__ import annotations

import struct
import zipfile
from pathlib import Path

from localization import N_, _, ngettext

__all__ = ["TruncatedFileError", "check_complete", "count_grib_messages"]

_ADVICE = N_("the download was probably cut short; download the file again")

#: NetCDF-3 type code -> size of one value [bytes].
_NC_TYPE_SIZE = {1: 1, 2: 1, 3: 2, 4: 4, 5: 4, 6: 8, 7: 1, 8: 2, 9: 4, 10: 8, 11: 8}
_NC_DIMENSION, _NC_VARIABLE, _NC_ATTRIBUTE = 0x0A, 0x0B, 0x0C
_STREAMING = 0xFFFFFFFF
_HEADER_READ_LIMIT = 16 * 1024 * 1024


class TruncatedFileError(ValueError):
    """A data file is shorter than its header says, or its structure is broken."""


def check_complete(path: str | Path, kind: str) -> None:
    """Raise :class:`TruncatedFileError` when ``path`` (of format ``kind``) is incomplete.

    Parameters
    ----------
    path : str or Path
        The file.
    kind : str
        Its format as :func:`weather.file_sniffing.sniff_format` names it.
    """
    path = Path(path)
    if kind == "netcdf3":
        _check_netcdf3(path)
    elif kind == "netcdf4":
        _check_hdf5(path)
    elif kind == "grib":
        count_grib_messages(path)
    elif kind == "zip":
        try:
            with zipfile.ZipFile(path) as archive:
                archive.infolist()
        except (zipfile.BadZipFile, EOFError) as exc:
            raise TruncatedFileError(
                _("{path}: broken zip file ({exc}); {ADVICE}").format(
                    path=path, exc=exc, ADVICE=_(_ADVICE)
                )
            ) from exc


def _short(path: Path, size: int, needed: int, what: str) -> TruncatedFileError:
    return TruncatedFileError(
        _(
            "{path}: truncated {what} file: its header declares {needed:,} bytes but "
            "the file has {size:,} ({value:,} missing); {ADVICE}"
        ).format(
            path=path,
            what=what,
            needed=needed,
            size=size,
            value=needed - size,
            ADVICE=_(_ADVICE),
        )
    )


# --------------------------------------------------------------------------- NetCDF-3
class _Header:
    """A cursor over the bytes of a NetCDF-3 header."""

    def __init__(self, data: bytes, path: Path, offset_size: int) -> None:
        self.data, self.path, self.pos, self.offset_size = data, path, 4, offset_size

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise TruncatedFileError(
                _("{path}: truncated NetCDF file: the header itself is cut short; {ADVICE}").format(
                    path=self.path, ADVICE=_(_ADVICE)
                )
            )
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def int32(self) -> int:
        return struct.unpack(">I", self.take(4))[0]

    def offset(self) -> int:
        fmt = ">Q" if self.offset_size == 8 else ">I"
        return struct.unpack(fmt, self.take(self.offset_size))[0]

    def name(self) -> None:
        self.take(_padded(self.int32()))

    def attributes(self) -> None:
        tag, count = self.int32(), self.int32()
        if tag not in (0, _NC_ATTRIBUTE):
            raise self.broken("attribute list")
        for _item in range(count):
            self.name()
            nc_type, n = self.int32(), self.int32()
            self.take(_padded(n * _NC_TYPE_SIZE.get(nc_type, 1)))

    def broken(self, part: str) -> TruncatedFileError:
        return TruncatedFileError(
            _("{path}: broken NetCDF header ({part}); {ADVICE}").format(
                path=self.path, part=part, ADVICE=_(_ADVICE)
            )
        )


def _padded(n: int) -> int:
    return (n + 3) // 4 * 4


def _check_netcdf3(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "rb") as handle:
        data = handle.read(_HEADER_READ_LIMIT)
    version = data[3] if len(data) > 3 else 0
    h = _Header(data, path, 8 if version in (2, 5) else 4)
    if version == 5:
        return  # CDF-5 (64-bit data): not written by ERA5/GFS; netCDF-C checks it
    numrecs = h.int32()
    tag, ndims = h.int32(), h.int32()
    if tag not in (0, _NC_DIMENSION):
        raise h.broken("dimension list")
    dims = []
    for _dim in range(ndims):
        h.name()
        dims.append(h.int32())
    h.attributes()
    tag, nvars = h.int32(), h.int32()
    if tag not in (0, _NC_VARIABLE):
        raise h.broken("variable list")
    fixed_end = h.pos
    record_vars: list[tuple[int, int, int]] = []  # (begin, own size, vsize)
    for _var in range(nvars):
        h.name()
        ids = [h.int32() for _ in range(h.int32())]
        h.attributes()
        nc_type, vsize, begin = h.int32(), h.int32(), h.offset()
        if any(i >= len(dims) for i in ids):
            raise h.broken("dimension id")
        own = _NC_TYPE_SIZE.get(nc_type, 1)
        is_record = bool(ids) and dims[ids[0]] == 0
        for i in ids[1:] if is_record else ids:
            own *= dims[i]
        if is_record:
            record_vars.append((begin, own, vsize if vsize != _STREAMING else _padded(own)))
        else:
            fixed_end = max(fixed_end, begin + own)
    needed = fixed_end
    if record_vars and numrecs not in (0, _STREAMING):
        recsize = record_vars[0][1] if len(record_vars) == 1 else sum(v for _, _, v in record_vars)
        needed = max(needed, *(b + (numrecs - 1) * recsize + own for b, own, _ in record_vars))
    if size < needed:
        raise _short(path, size, needed, "NetCDF-3")


# --------------------------------------------------------------------------- HDF5
def _check_hdf5(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "rb") as handle:
        head = handle.read(64)
    if len(head) < 12:
        raise _short(path, size, 64, "NetCDF-4 (HDF5)")
    version = head[8]
    if version in (0, 1):
        o = head[13]
        base_at = 24 + (4 if version == 1 else 0)
    elif version in (2, 3):
        o = head[9]
        base_at = 12
    else:
        return  # a superblock version we do not know: leave it to the HDF5 library
    if o not in (2, 4, 8):
        raise TruncatedFileError(
            _("{path}: broken HDF5 superblock; {ADVICE}").format(path=path, ADVICE=_(_ADVICE))
        )
    eof_at = base_at + 2 * o
    if len(head) < eof_at + o:
        raise _short(path, size, eof_at + o, "NetCDF-4 (HDF5)")
    fmt = {2: "<H", 4: "<I", 8: "<Q"}[o]  # HDF5 is little-endian
    base = struct.unpack(fmt, head[base_at : base_at + o])[0]
    end = struct.unpack(fmt, head[eof_at : eof_at + o])[0]
    undefined = (1 << (8 * o)) - 1
    if undefined in (base, end):
        return
    if size < base + end:
        raise _short(path, size, base + end, "NetCDF-4 (HDF5)")


# --------------------------------------------------------------------------- GRIB
def count_grib_messages(path: str | Path) -> int:
    """Count the GRIB messages of a file, checking that each is whole.

    Raises
    ------
    TruncatedFileError
        When a message is cut short or does not end in ``7777``, or there is none.
    """
    path = Path(path)
    size = path.stat().st_size
    count = 0
    pos = 0
    with open(path, "rb") as handle:
        while pos < size:
            handle.seek(pos)
            head = handle.read(16)
            if not head.startswith(b"GRIB"):
                start = _next_grib(handle, pos, size)
                if start is None:
                    break  # trailing padding or text after the last message
                pos = start
                continue
            if len(head) < 8:
                raise _grib_cut(path, count, size, pos + 16)
            edition = head[7]
            if edition == 1:
                length = int.from_bytes(head[4:7], "big")
                if length & 0x800000:
                    return count + 1  # a >8 MB GRIB-1 message (ECMWF's length trick): stop
            elif edition == 2:
                if len(head) < 16:
                    raise _grib_cut(path, count, size, pos + 16)
                length = int.from_bytes(head[8:16], "big")
            else:
                raise TruncatedFileError(
                    _(
                        "{path}: message {value} at byte {pos:,} has GRIB edition "
                        "{edition}, which does not exist; the file is damaged; "
                        "{ADVICE}"
                    ).format(
                        path=path,
                        value=count + 1,
                        pos=pos,
                        edition=edition,
                        ADVICE=_(_ADVICE),
                    )
                )
            if length < 12 or pos + length > size:
                raise _grib_cut(path, count, size, pos + length)
            handle.seek(pos + length - 4)
            if handle.read(4) != b"7777" and edition == 2:
                raise TruncatedFileError(
                    _(
                        "{path}: GRIB message {value} (at byte {pos:,}) does not end "
                        "in '7777'; the file is damaged; {ADVICE}"
                    ).format(path=path, value=count + 1, pos=pos, ADVICE=_(_ADVICE))
                )
            count += 1
            pos += length
    if count == 0:
        raise TruncatedFileError(
            _("{path}: no whole GRIB message found; {ADVICE}").format(path=path, ADVICE=_(_ADVICE))
        )
    return count


def _next_grib(handle, pos: int, size: int) -> int | None:
    """Offset of the next ``GRIB`` marker after ``pos``, or None."""
    handle.seek(pos)
    tail = handle.read(min(size - pos, 1 << 20))
    found = tail.find(b"GRIB", 1)
    return None if found < 0 else pos + found


def _grib_cut(path: Path, whole: int, size: int, needed: int) -> TruncatedFileError:
    return TruncatedFileError(
        ngettext(
            "{path}: truncated GRIB file: message {number} needs {needed:,} bytes but the file "
            "has {size:,} ({whole} whole message before it); {ADVICE}",
            "{path}: truncated GRIB file: message {number} needs {needed:,} bytes but the file "
            "has {size:,} ({whole} whole messages before it); {ADVICE}",
            whole,
        ).format(
            path=path,
            number=whole + 1,
            needed=needed,
            size=size,
            whole=whole,
            ADVICE=_(_ADVICE),
        )
    )
