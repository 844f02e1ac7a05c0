"""The canonical dataset contract: longitude helpers, validation errors, NaN reports."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from weather.canonical import (
    check_no_nan,
    continuous_longitudes,
    describe_canonical,
    normalise_longitude_coordinate,
    validate_canonical,
    wrap_longitude,
)


def tiny(levels=(100000.0, 50000.0), lats=(40.0, 41.0), lons=(5.0, 6.0), synthetic="yes"):
    shape = (2, len(levels), len(lats), len(lons))
    dims = ("time", "level", "latitude", "longitude")
    data = {name: (dims, np.ones(shape, dtype=np.float32)) for name in ("z", "u", "v", "t")}
    return xr.Dataset(
        data,
        coords={
            "time": np.array(["2024-01-01T00", "2024-01-01T01"], dtype="datetime64[ns]"),
            "level": np.asarray(levels, dtype=np.float64),
            "latitude": np.asarray(lats, dtype=np.float64),
            "longitude": np.asarray(lons, dtype=np.float64),
        },
        attrs={"source": "SYNTHETIC unit-test grid", "synthetic": synthetic},
    )


def test_wrap_longitude():
    np.testing.assert_array_equal(
        wrap_longitude([0.0, 180.0, 190.0, 359.75, -190.0]), [0.0, -180.0, -170.0, -0.25, 170.0]
    )


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (np.arange(0.0, 360.0, 90.0), [-180.0, -90.0, 0.0, 90.0]),  # global 0..360 grid
        ([350.0, 355.0, 0.0, 5.0], [-10.0, -5.0, 0.0, 5.0]),  # 0..360 area across Greenwich
        ([170.0, 175.0, 180.0, -175.0], [170.0, 175.0, 180.0, 185.0]),  # across 180
        ([-175.0, -180.0, 175.0, 170.0], [170.0, 175.0, 180.0, 185.0]),  # any order
        ([0.0, 90.0, 180.0, 270.0, 360.0], [-180.0, -90.0, 0.0, 90.0]),  # 360 repeats 0
    ],
)
def test_continuous_longitudes(given, expected):
    values, order = continuous_longitudes(np.asarray(given))
    np.testing.assert_array_equal(values, expected)
    np.testing.assert_array_equal(wrap_longitude(np.asarray(given)[order]), wrap_longitude(values))


def test_normalise_reorders_data_with_coordinate():
    ds = tiny(lons=(10.0, 350.0))
    ds["u"].values[..., 0] = 10.0  # marks the 10 E column
    out = normalise_longitude_coordinate(ds)
    assert out["longitude"].values.tolist() == [-10.0, 10.0]
    assert float(out["u"].isel(longitude=1).max()) == 10.0


def test_valid_dataset_passes():
    ds = tiny()
    assert validate_canonical(ds) is ds


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d.drop_vars("v"), r"variable\(s\) v missing"),
        (lambda d: d.isel(level=[1, 0]), "strictly descending"),
        (lambda d: d.isel(latitude=[1, 0]), "latitudes must be ascending"),
        (lambda d: d.assign_coords(level=[1000.0, 500.0]), "not in Pa"),
        (lambda d: d.assign_attrs(synthetic="maybe"), "'synthetic' must be"),
        (lambda d: d.transpose("time", "latitude", "level", "longitude"), "has dims"),
        (lambda d: d.isel(time=[1, 0]), "strictly increasing"),
    ],
)
def test_validation_errors_say_what_is_wrong(mutate, message):
    with pytest.raises(ValueError, match=message):
        validate_canonical(mutate(tiny()))


def test_nan_report_names_variable_and_place():
    ds = tiny()
    ds["t"].values[1, 1, 0, 1] = np.nan
    with pytest.raises(ValueError) as err:
        check_no_nan(ds)
    text = str(err.value)
    assert "1 missing" in text and "'t'" in text
    assert "time=2024-01-01T01:00:00Z" in text and "level=500 hPa" in text
    assert "latitude=40" in text and "longitude=6" in text


def test_describe_reports_domain():
    info = describe_canonical(tiny())
    assert info["synthetic"] is True
    assert info["area"] == {
        "lat_min_deg": 40.0,
        "lat_max_deg": 41.0,
        "lon_min_deg": 5.0,
        "lon_max_deg": 6.0,
        "lat_step_deg": 1.0,
        "lon_step_deg": 1.0,
        "crosses_antimeridian": False,
        "global": False,
    }
    assert info["times"]["count"] == 2 and info["times"]["step_hours"] == [1.0]
    assert info["levels_hpa"] == [1000.0, 500.0]
    assert info["surface_fields"] == {"orography": False, "land_sea_mask": False}
