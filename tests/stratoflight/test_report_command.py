"""What ``strato report`` prints on the terminal."""

import json

import pytest

from stratoflight.commands.report import summary_lines


def test_missing_figures_are_left_out_not_printed_as_none():
    """A sounding table has no times and a flight without a barometer no pressure: the
    lines say what is known instead of 'None hPa' / 'at None'."""
    summary = {
        "tropopause": [
            {"kind": "wmo_first", "pressure_hpa": None, "altitude_m": 16841.0,
             "temperature_c": -78.1},
            {"kind": "cold_point", "pressure_hpa": 95.4, "altitude_m": 16841.0,
             "temperature_c": -78.1},
        ],
        "burst": {"altitude_m": 34405.0, "datetime": None},
    }  # fmt: skip
    lines = summary_lines(summary)
    assert not any("None" in line for line in lines)
    assert lines == [
        "wmo_first: 16841.0 m, -78.1 degC",
        "cold_point: 95.4 hPa, 16841.0 m, -78.1 degC",
        "top/burst: 34405.0 m",
    ]


def test_burst_time_is_printed_when_known():
    summary = {"tropopause": [], "burst": {"altitude_m": 30000.0,
                                           "datetime": "2025-06-21T13:40:00+00:00"}}  # fmt: skip
    assert summary_lines(summary) == ["top/burst: 30000.0 m at 2025-06-21T13:40:00+00:00"]


@pytest.mark.realdata
@pytest.mark.slow
def test_report_winds_accepts_a_folder(realdata, tmp_path):
    """``strato report --winds FOLDER`` opens the data files in it, as ``--winds`` does for
    every other command (README: a file, a folder, a quoted pattern or a comma list); it
    used to pass the folder itself to the reader and fail. The SYNTHETIC flight is inside
    the euroc ERA5 file (39-40 N, 9-8 W, from 2022-10-13 10Z)."""
    from datetime import UTC, datetime

    from analysis.synthetic import synthetic_flight
    from flightlog.cf_trajectory import write_cf_trajectory
    from stratoflight.cli import main

    profile, _ = synthetic_flight(
        launch_latitude=39.5, launch_longitude=-8.5, burst_altitude=3000.0, step_s=30.0,
        launch_time=datetime(2022, 10, 13, 10, 0, tzinfo=UTC),
    )  # fmt: skip
    source = write_cf_trajectory(profile, tmp_path / "f.nc", "SYNTHETIC", synthetic="test flight")
    folder = tmp_path / "era5"
    folder.mkdir()
    (folder / "euroc.nc").symlink_to(realdata / "era5_grib" / "euroc_2022_all_windows.nc")
    out = tmp_path / "out"
    assert main(["report", "--input", str(source), "--winds", str(folder), "--out", str(out)]) == 0
    winds = json.loads((out / "summary.json").read_text())["winds"]
    assert winds["points_outside_model"] == 0
    assert "euroc" in winds["model_source"]
