"""Truncated NetCDF-3, NetCDF-4 and GRIB files are refused when opened, naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from weather.file_integrity import TruncatedFileError, check_complete, count_grib_messages
from weather.file_sniffing import sniff_format

REAL_FILES = (
    "bella_lui_weather_data_ERA5.nc",  # NetCDF-3 64-bit offset
    "ndrt_2020_weather_data_ERA5.nc",
    "euroc_2022_all_windows.nc",  # NetCDF-4
    "ndrt_2020_weather_data_ERA5_new.nc",
    "era5-levels-members.grib",
    "uv_on_different_levels.grib",
)


@pytest.mark.realdata
@pytest.mark.parametrize("name", REAL_FILES)
def test_whole_real_files_pass_and_cut_ones_are_refused(realdata, tmp_path, name):
    path = realdata / "era5_grib" / name
    kind = sniff_format(path)  # whole: accepted
    data = path.read_bytes()
    # (a GRIB file cut exactly between two messages is a valid shorter file: no header
    # declares the number of messages, and ECMWF pads messages with up to 8 zero bytes;
    # len - 20 and len // 2 + 7 fall inside messages)
    for size in (31744, len(data) - 20, len(data) // 2 + 7):
        if size >= len(data):
            continue
        cut = tmp_path / f"cut_{size}_{name}"
        cut.write_bytes(data[:size])
        with pytest.raises(TruncatedFileError, match="truncated|broken|damaged") as info:
            check_complete(cut, kind)
        assert str(cut) in str(info.value)


@pytest.mark.realdata
def test_the_issue_case_head_c_31744(realdata, tmp_path):
    """``head -c 31744`` of a real ERA5 NetCDF-3 file moved the landing ~41 km, silently."""
    data = (realdata / "era5_grib" / "bella_lui_weather_data_ERA5.nc").read_bytes()
    cut = tmp_path / "era5.nc"
    cut.write_bytes(data[:31744])
    with pytest.raises(ValueError, match=r"truncated NetCDF-3 .* 47,616 bytes .* 31,744"):
        sniff_format(cut)


@pytest.mark.realdata
def test_grib_messages_counted(realdata):
    assert count_grib_messages(realdata / "era5_grib" / "era5-levels-members.grib") > 10


def _grib2_message(body: bytes) -> bytes:
    length = 16 + len(body) + 4
    return b"GRIB\x00\x00\x00\x02" + length.to_bytes(8, "big") + body + b"7777"


def test_grib_structure_checked(tmp_path: Path):
    whole = tmp_path / "two.grib2"
    whole.write_bytes(_grib2_message(b"x" * 100) + _grib2_message(b"y" * 50))
    assert count_grib_messages(whole) == 2
    cut = tmp_path / "cut.grib2"
    cut.write_bytes(whole.read_bytes()[:-10])
    with pytest.raises(TruncatedFileError, match=r"message 2 .*1 whole message"):
        count_grib_messages(cut)
    damaged = tmp_path / "damaged.grib2"
    damaged.write_bytes(_grib2_message(b"x" * 100)[:-4] + b"XXXX")
    with pytest.raises(TruncatedFileError, match="7777"):
        count_grib_messages(damaged)


def test_netcdf_written_here_passes_and_cut_fails(tmp_path: Path):
    netCDF4 = pytest.importorskip("netCDF4")
    import numpy as np

    for fmt in ("NETCDF3_CLASSIC", "NETCDF3_64BIT_OFFSET", "NETCDF4"):
        path = tmp_path / f"{fmt}.nc"
        with netCDF4.Dataset(path, "w", format=fmt) as nc:
            nc.createDimension("time", None)
            nc.createDimension("x", 50)
            a = nc.createVariable("a", "f4", ("time", "x"))
            b = nc.createVariable("b", "f8", ("x",))
            c = nc.createVariable("c", "i2", ("time",))
            a[:] = np.ones((7, 50))
            b[:] = np.arange(50)
            c[:] = np.arange(7)
        kind = sniff_format(path)
        data = path.read_bytes()
        cut = tmp_path / f"cut_{fmt}.nc"
        cut.write_bytes(data[: len(data) - 3])
        with pytest.raises(TruncatedFileError):
            check_complete(cut, kind)


def test_empty_file_refused(tmp_path: Path):
    empty = tmp_path / "e.nc"
    empty.write_bytes(b"")
    with pytest.raises(ValueError, match="empty"):
        sniff_format(empty)
