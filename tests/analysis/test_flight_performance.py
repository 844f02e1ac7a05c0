"""Flight performance: ascent rate, burst, descent fit, float, Pfotzer; real bursts."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from analysis.cleaning import clean_flight
from analysis.flight_performance import (
    ascent_rate_profile,
    burst_summary,
    descent_summary,
    float_summary,
    pfotzer_maximum,
)
from analysis.read_profile import read_profile
from analysis.synthetic import synthetic_flight


def test_synthetic_rates_are_recovered():
    """Flight built with 5.0 m/s ascent and a 4.5 m/s sea-level descent rate on USSA 1976
    density; our density from the flight's own p and T (hydrostatic, same knots) differs
    from USSA by < 1 %, so the fit must land within 1.5 %."""
    profile, _ = synthetic_flight(ascent_rate=5.0, sea_level_descent_rate=4.5, step_s=2.0)
    flight = clean_flight(profile)
    summary, bands = ascent_rate_profile(flight)
    assert summary["ascent_rate_mean_ms"] == pytest.approx(5.0, abs=1e-3)
    assert bands["ascent_rate_mean_ms"].between(4.9, 5.1).all()
    descent = descent_summary(flight)
    assert descent["sea_level_descent_rate_fit_ms"] == pytest.approx(4.5, rel=0.015)
    assert descent["descent_density_exponent"] == pytest.approx(-0.5, abs=0.02)


def test_burst_time_and_altitude():
    """Burst at 30 km after (30000 - 100) m / 5 m/s = 5980 s from the 10:00 launch."""
    profile, _ = synthetic_flight()
    burst = burst_summary(clean_flight(profile))
    assert burst["altitude_m"] == 30000.0
    assert burst["datetime"] == "2026-06-01T11:39:40+00:00"
    assert burst["observed_descent"]


def test_float_stability():
    profile, _ = synthetic_flight(burst_altitude=20000.0, float_duration_s=1800.0, step_s=5.0)
    result = float_summary(clean_flight(profile))
    assert result["altitude_std_m"] < 50.0  # held exactly at 20 km, plus the blurred ends
    assert result["duration_s"] >= 1800.0 - 60.0  # 60 s rate window at the two ends


def test_pfotzer_maximum_of_synthetic_counts():
    """Counts generated with a rate peaking at 63.1 hPa (Harrison et al. 2014); the 1 km
    band holding the maximum lies within one band (~15 % in pressure) of it."""
    profile, _ = synthetic_flight(radiation=True, step_s=1.0)
    result = pfotzer_maximum(clean_flight(profile))
    assert 54.0 < result["pressure_hpa"] < 73.0
    assert result["count_rate_uncertainty_per_s"] > 0


def test_no_radiation_counts_no_pfotzer():
    profile, _ = synthetic_flight(burst_altitude=5000.0, step_s=10.0)
    assert pfotzer_maximum(clean_flight(profile)) == {}


def test_counts_only_during_the_skipped_start_give_no_pfotzer_instead_of_an_error():
    """Radiation counts only in the first 60 s after launch (skipped as take-off spikes):
    no maximum to report, and the report must not abort."""
    profile, _ = synthetic_flight(radiation=True, step_s=1.0)
    seconds = (profile["time"] - profile["time"].iloc[0]).dt.total_seconds()
    profile.loc[seconds > 30, "radiation_counts"] = float("nan")
    assert pfotzer_maximum(clean_flight(profile)) == {}


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "when", "altitude"),
    [
        ("FWD_edt_20221002_1106.txt", "2022-10-02T12:50:09Z", 33736.0),
        ("FWD_edt_20221104_1105.txt", "2022-11-04T12:53:03Z", 34902.0),
        ("FWD_edt_20221104_1435.txt", "2022-11-04T16:28:26Z", 34881.0),
        ("FWD_edt_20221104_1702.txt", "2022-11-04T18:39:23Z", 33829.0),
        ("FWD_edt_20221104_2305.txt", "2022-11-05T00:53:37Z", 34614.0),
    ],
)
def test_radiosonde_bursts(realdata, name, when, altitude):
    """Last point = burst (radiosonde_flights/SOURCES.md)."""
    profile, _ = read_profile(realdata / "radiosonde_flights" / name)
    burst = burst_summary(clean_flight(profile))
    assert burst["altitude_m"] == altitude
    assert pd.Timestamp(burst["datetime"]) == pd.Timestamp(when)


@pytest.mark.realdata
def test_radiosonde_mean_ascent_rate(realdata):
    """(33736 - 198) m / 6241 s = 5.374 m/s (realdata/README.md)."""
    profile, _ = read_profile(realdata / "radiosonde_flights" / "FWD_edt_20221002_1106.txt")
    summary, _ = ascent_rate_profile(clean_flight(profile))
    assert summary["ascent_rate_mean_ms"] == pytest.approx(5.374, abs=1e-3)


@pytest.mark.realdata
def test_auto_rx_burst_and_descent(realdata):
    """burst 18276.7 m at 12:35:38.002Z (telemetry/SOURCES.md); the log ends at 1631.7 m."""
    profile, _ = read_profile(
        realdata / "telemetry" / "20260708-115249_Y0532363_RS41_403000_sonde.log"
    )
    flight = clean_flight(profile)
    burst = burst_summary(flight)
    assert burst["altitude_m"] == 18276.7
    assert pd.Timestamp(burst["datetime"]) == pd.Timestamp("2026-07-08T12:35:38.002Z")
    descent = descent_summary(flight)
    # no published value: a plausible parachute (4-8 m/s at sea level; sondehub climatology
    # 5.4-6.0 +- 3 m/s) is all we can state
    assert 3.0 < descent["sea_level_descent_rate_fit_ms"] < 9.0


@pytest.mark.realdata
def test_fik2_habhub_track(realdata):
    """FIK-2: max 31400.4 m at 10:48:00; mean ascent 6.88 m/s and mean descent 12.8 m/s
    (computed by SOURCES.md over the whole file, launch 09:33:00 at 458 m; ours starts at
    lift-off 09:35:02 and ends at landing, hence the looser tolerance)."""
    profile, _ = read_profile(
        realdata / "hab_flights" / "fik2_letfik2_20170318" / "LetFik2_HabHub_data.csv",
        flight_date=date(2017, 3, 18),
    )
    flight = clean_flight(profile)
    burst = burst_summary(flight)
    assert burst["altitude_m"] == 31400.4
    assert burst["datetime"] == "2017-03-18T10:48:00+00:00"
    summary, _ = ascent_rate_profile(flight)
    assert summary["ascent_rate_mean_ms"] == pytest.approx(6.88, abs=0.25)
    assert descent_summary(flight)["descent_rate_mean_ms"] == pytest.approx(12.8, abs=0.3)
