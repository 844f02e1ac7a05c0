"""``open_atmosphere`` / ``load_canonical`` with a time window, and margins as timedelta.

Files are the SYNTHETIC formula files of tests/weather/era5_fixtures.py (u grows by
0.5 m/s per hour since 2024-03-01 00 UTC, so the hour a value came from is visible).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from tests.weather.era5_fixtures import ALT_OF_LEVEL, expected_u, write_new_cds
from weather import open_atmosphere
from weather.atmosphere_files import load_canonical

T0 = datetime(2024, 3, 1, tzinfo=UTC)
HOUR = 3600.0


@pytest.fixture
def three_files(tmp_path):
    """Hours 0-3, 4-7 and 8-11 in three consecutive files."""
    return [
        write_new_cds(
            tmp_path / f"part{k}.nc", hours=tuple(range(4 * k, 4 * k + 4)), expver="scalar"
        )
        for k in range(3)
    ]


def test_window_keeps_only_the_bracketing_times(three_files):
    start = T0.timestamp() + 2.5 * HOUR
    end = T0.timestamp() + 5.5 * HOUR
    atmosphere = open_atmosphere(three_files, time_window=(start, end))
    # 2.5 h .. 5.5 h needs the data times 2, 3, 4, 5, 6 (the ones bracketing the ends)
    assert (atmosphere.times - T0.timestamp()).tolist() == [h * HOUR for h in (2, 3, 4, 5, 6)]
    # interpolation inside the window is the full file's: the formula exactly
    u, _ = atmosphere.wind(start + 1.25 * HOUR, 40.5, -8.5, ALT_OF_LEVEL[2])
    assert float(u) == pytest.approx(expected_u(3.75, 40.5, -8.5, 2), rel=2e-6)  # float32


def test_window_accepts_datetimes_and_exact_data_times(three_files):
    ds = load_canonical(three_files, time_window=(T0 + timedelta(hours=4), T0 + timedelta(hours=8)))
    hours = (ds["time"].values - np.datetime64("2024-03-01T00:00", "ns")) / np.timedelta64(1, "h")
    assert hours.tolist() == [4.0, 5.0, 6.0, 7.0, 8.0]
    assert ds.attrs["source"].count("part") == 2  # part0 is not needed, so not read


def test_window_that_ends_before_it_starts_is_refused(three_files):
    with pytest.raises(ValueError, match="time_window ends"):
        load_canonical(three_files, time_window=(T0.timestamp() + HOUR, T0.timestamp()))


def test_time_margin_as_timedelta_is_in_the_bounds(tmp_path):
    path = write_new_cds(tmp_path / "one.nc", hours=(0,), expver="scalar")
    atmosphere = open_atmosphere(path, time_margin=timedelta(minutes=30))
    assert atmosphere.time_margin == 1800.0
    assert atmosphere.bounds.time_start == T0 - timedelta(minutes=30)
    assert atmosphere.bounds.time_end == T0 + timedelta(minutes=30)
    assert atmosphere.data_source == "ERA5" and atmosphere.model_run is None
