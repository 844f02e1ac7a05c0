"""Real data: predictions on a single-time ERA5 file opened with a time margin.

../shared/realdata/era5_grib/ndrt_2020_weather_data_ERA5_new.nc (see its SOURCES.md) holds
one time, 2020-02-23 16:00 UTC, 37 levels, 30..54 N, -100..-75 E, no surface fields. With
``time_margin`` the atmosphere answers (held at 16 UTC) for that long either side, so a
flight launched at 16 UTC must be predicted to the ground, not stopped on its first step.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from predictor import FlightSpec, Uncertainty, predict, predict_ensemble
from terrain import geodesy

LAUNCH = datetime(2020, 2, 23, 16, tzinfo=UTC)
SITE = (42.0, -87.5)  # SOURCES.md sample point: u 21.1421, v -6.5316 m/s at 100 hPa
MARGIN = timedelta(hours=6)


@pytest.fixture(scope="module")
def single_time(realdata):
    from weather.atmosphere_files import open_atmosphere

    return open_atmosphere(
        realdata / "era5_grib" / "ndrt_2020_weather_data_ERA5_new.nc", time_margin=MARGIN
    )


@pytest.mark.realdata
def test_bounds_include_the_margin(single_time):
    assert single_time.bounds.time_start == LAUNCH - MARGIN
    assert single_time.bounds.time_end == LAUNCH + MARGIN
    assert single_time.times.tolist() == [LAUNCH.timestamp()]  # the data's own time


@pytest.mark.realdata
@pytest.mark.parametrize("compiled", [True, False], ids=["compiled", "generic"])
def test_standard_prediction_lands_inside_the_margin(single_time, compiled):
    r = predict(
        single_time,
        LAUNCH,
        *SITE,
        ascent_rate=5.0,
        burst_altitude=30000.0,
        descent_rate=5.0,
        compiled=compiled,
    )
    assert r.status.tolist() == ["landed"]
    assert "left_data" not in r.warnings
    # 30 km at 5 m/s is 6000 s up; the descent adds well under 6000 s: inside the 6 h margin
    assert 6000.0 < r.flight_time_s[0] < 4 * 3600.0
    assert r.landing.altitude[0] == pytest.approx(0.0, abs=0.5)  # sea level (no orography)
    # February westerlies (u 21 m/s at 100 hPa at the site, SOURCES.md): the landing is
    # east of the launch, tens of km or more away
    assert r.landing.longitude[0] > SITE[1] + 0.5
    assert r.settings["atmosphere_time_margin_s"] == MARGIN.total_seconds()
    assert r.settings["data_source"] == "ERA5"


@pytest.mark.realdata
def test_compiled_and_generic_agree(single_time):
    """Both solvers hold the data's time through the margin in the same way."""
    kw = dict(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    a = predict(single_time, LAUNCH, *SITE, **kw)
    b = predict(single_time, LAUNCH, *SITE, compiled=False, **kw)
    # same scheme, same arithmetic (tests/predictor/test_fast_grid.py): rounding only
    assert a.landing.latitude[0] == pytest.approx(b.landing.latitude[0], abs=1e-9)
    assert a.landing.longitude[0] == pytest.approx(b.landing.longitude[0], abs=1e-9)


@pytest.mark.realdata
def test_small_ensemble_lands_inside_the_margin(single_time):
    flight = FlightSpec(ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0)
    ens = predict_ensemble(
        single_time, LAUNCH, *SITE, flight, 12, seed=3, uncertainty=Uncertainty()
    )
    p = ens.prediction
    assert p.n_members == 12
    assert np.all(p.status == "landed")
    assert ens.statistics.as_dict(include_members=False)["landed_count"] == 12
    # the ensemble's JSON names the data too (through the perturbed-wind wrapper)
    assert ens.to_dict()["ensemble"]["atmosphere"]["data_source"] == "ERA5"
    assert p.settings["atmosphere_time_margin_s"] == MARGIN.total_seconds()
    # the members scatter around the deterministic landing (default uncertainties: 10 %
    # rates, 2 km burst, 2 m/s correlated wind): all within 150 km of it, not all on it
    det = predict(
        single_time, LAUNCH, *SITE, ascent_rate=5.0, burst_altitude=30000.0, descent_rate=5.0
    )
    d, _ = geodesy.inverse(
        det.landing.latitude[0], det.landing.longitude[0], p.landing.latitude, p.landing.longitude
    )
    assert np.all(d < 150_000.0)
    assert np.ptp(d) > 1000.0
