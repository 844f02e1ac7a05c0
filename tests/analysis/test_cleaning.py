"""Cleaning: garbage with valid checksums, GPS jumps, bench runs, phases, monotonic pressure."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from analysis.cleaning import clean_flight, drop_gps_jumps, monotonic_ascent
from analysis.read_profile import read_profile
from analysis.synthetic import synthetic_flight


def test_garbage_frame_and_jump_are_removed():
    """A 0 N 0 E / -5952 m frame (like LetFik2's valid-CRC garbage) and a 20 km jump."""
    profile, _ = synthetic_flight(burst_altitude=10000.0, step_s=5.0)
    profile.loc[100, ["latitude", "longitude", "altitude"]] = [0.0, 0.0, -5952.1]
    profile.loc[200, "latitude"] += 0.2  # 22 km north for one frame
    flight = clean_flight(profile)
    assert flight.removed["impossible_altitude"] == 1
    assert flight.removed["gps_jumps"] == 1
    # the garbage frame goes; the jump costs only its position (pressure places the level)
    assert len(flight.profile) == len(profile) - 1
    assert flight.profile["latitude"].max() < 52.1
    assert flight.profile["latitude"].isna().sum() == 1


def test_jump_drops_the_whole_frame_without_a_barometer():
    profile, _ = synthetic_flight(burst_altitude=10000.0, step_s=5.0)
    profile["pressure"] = np.nan
    profile.loc[200, "latitude"] += 0.2
    flight = clean_flight(profile)
    assert flight.removed["gps_jumps"] == 1
    assert len(flight.profile) == len(profile) - 1


def test_run_of_frames_from_elsewhere_is_removed():
    """20 consecutive frames 45 km away (a bench test on another day, same clock times)."""
    profile, _ = synthetic_flight(burst_altitude=10000.0, step_s=5.0)
    profile.loc[300:319, "latitude"] += 0.4
    profile.loc[300:319, "altitude"] = 250.0
    flight = clean_flight(profile)
    assert flight.removed["off_track"] == 20
    assert flight.profile["latitude"].max() < 52.1


def test_phases_of_a_synthetic_flight():
    profile, meta = synthetic_flight(burst_altitude=12000.0, step_s=2.0)
    flight = clean_flight(profile)
    assert flight.launch_index == 0
    assert flight.profile["altitude"].iloc[flight.burst_index] == 12000.0
    assert flight.landing_index == len(flight.profile) - 1
    assert flight.float_slice is None
    assert set(flight.profile["phase"]) == {"ascent", "descent"}


def test_float_is_detected():
    profile, _ = synthetic_flight(burst_altitude=15000.0, step_s=10.0, float_duration_s=3600.0)
    flight = clean_flight(profile)
    assert flight.float_slice is not None
    # the 60 s rate window blurs each end of the 3600 s float by up to 30 s
    assert (flight.profile["phase"] == "float").sum() * 10.0 >= 3600.0 - 60.0


def test_monotonic_ascent_removes_reversals():
    """Pressure with 30 Pa noise at 1 Hz goes up between samples; the cleaned rows strictly
    decrease (what MetPy's parcel routines require)."""
    profile, _ = synthetic_flight(burst_altitude=8000.0, pressure_noise=30.0)
    profile["dewpoint"] = profile["temperature"] - 5.0
    assert (np.diff(profile["pressure"].to_numpy()[:1500]) > 0).any()
    rows = monotonic_ascent(profile.iloc[:1500])
    assert np.all(np.diff(rows["pressure"].to_numpy()) < 0)
    assert len(rows) > 500


def test_spike_detection_needs_times():
    profile, _ = synthetic_flight(burst_altitude=3000.0, step_s=10.0)
    untimed = profile.assign(time=pd.NaT)
    same, removed = drop_gps_jumps(untimed)
    assert removed == 0 and len(same) == len(profile)


@pytest.mark.realdata
def test_letfik2_ukhas_log_flight_segment(realdata):
    """LetFik2 sentences: bench runs at Prague on other days and two garbage frames are
    removed; lift-off ~09:35, max 31400.4 m at 10:48:00, last fix 11:28:16 UTC
    (hab_flights/SOURCES.md, telemetry/SOURCES.md)."""
    profile, _ = read_profile(
        realdata / "telemetry" / "LetFik2_HabHub_data.txt", flight_date=date(2017, 3, 18)
    )
    flight = clean_flight(profile)
    rows = flight.profile
    assert rows["latitude"].max() < 50.0  # no Prague (50.1 N) bench frames remain
    assert flight.removed["impossible_altitude"] == 2
    assert rows["time"].iloc[flight.launch_index] == pd.Timestamp("2017-03-18T09:35:02Z")
    assert rows["altitude"].iloc[flight.burst_index] == 31400.4
    assert rows["time"].iloc[flight.burst_index] == pd.Timestamp("2017-03-18T10:48:00Z")
    assert rows["time"].iloc[flight.landing_index] == pd.Timestamp("2017-03-18T11:28:16Z")


def test_phases_come_from_the_flight_logs_phase_detector():
    """split_phases replays the flight through flightlog.PhaseDetector: a payload standing
    still on the ground for 10 min before launch and after landing gets the detector's
    launch and touchdown (one detector, one vertical-rate definition)."""
    from flightlog.phase_detection import PhaseDetector

    flown, _ = synthetic_flight(burst_altitude=8000.0, step_s=2.0)
    step = pd.Timedelta(seconds=2)
    before = flown.iloc[[0] * 300].assign(time=flown["time"].iloc[0] - step * np.arange(300, 0, -1))
    after = flown.iloc[[-1] * 300].assign(time=flown["time"].iloc[-1] + step * np.arange(1, 301))
    profile = pd.concat([before, flown, after], ignore_index=True)
    flight = clean_flight(profile)
    rows = flight.profile
    detector = PhaseDetector(min_rise=2000.0)
    seconds = (rows["time"] - rows["time"].iloc[0]).dt.total_seconds().to_numpy()
    events = {}
    for t, z in zip(seconds, rows["altitude"], strict=True):
        if (change := detector.update(float(t), float(z))) is not None:
            events[change.kind] = change
    assert set(events) == {"launch", "burst", "landing"}
    assert seconds[flight.landing_index] == events["landing"].time
    assert seconds[flight.launch_index] <= events["launch"].time
    assert flight.launch_index == 300  # the climb begins after the 300 still rows
    assert (rows["phase"].iloc[:300] == "ground").all()
    assert (rows["phase"].iloc[flight.landing_index + 1 :] == "landed").all()
