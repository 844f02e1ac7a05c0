"""The ``--winds`` values: files, folders, quoted globs and comma lists."""

from pathlib import Path

import pytest

from stratoflight.errors import UserError
from stratoflight.options import check_wind_files


def _touch(path: Path) -> Path:
    path.write_bytes(b"GRIB")
    return path


def test_folder_gives_its_data_files_sorted_without_index_files(tmp_path):
    """A folder expands to its files; .idx and hidden files are skipped."""
    b = _touch(tmp_path / "b.grib2")
    a = _touch(tmp_path / "a.grib2")
    _touch(tmp_path / "a.grib2.5b7b6.idx")
    _touch(tmp_path / ".partial")
    assert check_wind_files([tmp_path]) == [a, b]


def test_glob_and_comma_list_and_duplicates(tmp_path):
    """A quoted glob expands; a comma list joins; a file named twice counts once."""
    a = _touch(tmp_path / "f000.grib2")
    b = _touch(tmp_path / "f003.grib2")
    c = _touch(tmp_path / "era5.nc")
    assert check_wind_files([str(tmp_path / "f*.grib2")]) == [a, b]
    assert check_wind_files([f"{c},{a}", str(a)]) == [c, a]


def test_missing_value_is_named(tmp_path):
    """A value matching nothing is named in the error, with how to get files."""
    _touch(tmp_path / "a.nc")
    with pytest.raises(UserError, match=r"nope\*\.nc.*strato weather fetch"):
        check_wind_files([tmp_path / "a.nc", str(tmp_path / "nope*.nc")])


def test_no_values_means_no_files():
    """No --winds at all: an empty list (the commands then use the sample)."""
    assert check_wind_files(None) == []
