"""Real data: the Hedy (EuRoC 2025) parachute descent with its ERA5 file.

Reference answers from ../shared/realdata/flight_with_era5/SOURCES.md: launch 2025-10-12
16:00 UTC (nominal), ground 160 m; clean descent from ts 104.399 s (39.388763 N, 8.276861 W,
3393.2 m AGL) to ts 243.599 s (39.38774490 N, 8.28050327 W, 35.2 m AGL): drift 332.9 m
toward 250.1 deg.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from predictor import predict
from predictor.constants import SEA_LEVEL_DENSITY
from terrain import geodesy
from weather.standard_atmosphere import ussa1976_density

GROUND_M = 160.0
START = (39.388763, -8.276861)
END = (39.38774490, -8.28050327)
TS_START, TS_END = 104.399, 243.599


@pytest.mark.realdata
def test_descent_drift_direction_matches_observed(realdata):
    """Predicted drift below ~3.4 km AGL points within 20 deg of the observed 250.1 deg."""
    import pandas as pd

    from weather.atmosphere_files import open_atmosphere

    folder = realdata / "flight_with_era5" / "hedy_euroc2025"
    atm = open_atmosphere(folder / "hedy_euroc_2025_weather_data.nc")
    track = pd.read_csv(folder / "filteredDataInfo.csv")
    alt_start, alt_end = np.interp([TS_START, TS_END], track["ts"], track["filteredAltitudeAGL"])
    assert alt_start == pytest.approx(3393.2, abs=0.1) and alt_end == pytest.approx(35.2, abs=0.1)
    # The measured descent: mean speed over the segment, converted to the sea-level rate v0
    # at the segment's middle altitude, v0 = v sqrt(rho(h) / rho0) (the chasemapper/SondeHub
    # conversion, notes/predictor-physics.md §1.4).
    v_mean = (alt_start - alt_end) / (TS_END - TS_START)
    h_mid = GROUND_M + 0.5 * (alt_start + alt_end)
    v0 = v_mean * float(np.sqrt(ussa1976_density(h_mid) / SEA_LEVEL_DENSITY))
    start_time = datetime(2025, 10, 12, 16, tzinfo=UTC) + timedelta(seconds=TS_START)
    r = predict(atm, start_time, *START, GROUND_M + alt_start, profile="descent", descent_rate=v0)
    # The file has no orography, so the prediction runs to sea level; compare where it
    # passes the altitude of the last observed point (35.2 m AGL).
    cols = r.trajectory()
    h_end = GROUND_M + alt_end
    lat = np.interp(-h_end, -cols["altitude"], cols["latitude"])
    lon = np.interp(-h_end, -cols["altitude"], cols["longitude"])
    observed = float(geodesy.inverse(*START, *END)[1])
    predicted = float(geodesy.inverse(*START, lat, lon)[1])
    assert observed == pytest.approx(250.1, abs=0.1)
    assert abs((predicted - observed + 180.0) % 360.0 - 180.0) < 20.0, predicted
    # SOURCES.md: "should land within a few hundred metres" of the observed point.
    assert geodesy.inverse(lat, lon, *END)[0] < 300.0
    assert "no_surface_data" in r.warnings
    assert not r.synthetic
