"""WMO lapse-rate tropopauses and the cold point: synthetic profiles with known answers and
the reference values of the real soundings."""

from __future__ import annotations

import numpy as np
import pytest

from analysis.read_profile import read_profile
from analysis.synthetic import hydrostatic_pressure, temperature_at
from analysis.tropopause import (
    TROPOPAUSE_METHODS,
    cold_point,
    find_tropopauses,
    wmo_tropopauses,
)

#: -6.5 K/km to 11 km, then isothermal (the note's first synthetic check: tropopause 11 km).
ONE = ((0.0, 288.15), (11000.0, 216.65), (20000.0, 216.65), (32000.0, 228.65))
#: Second tropopause: after the first at 11 km the temperature falls again at 5 K/km
#: from 14 km (a > 3 K/km layer deeper than 1 km) to 17 km, then rises.
TWO = (
    (0.0, 288.15), (11000.0, 216.65), (14000.0, 216.65), (17000.0, 201.65),
    (30000.0, 227.65),
)  # fmt: skip
#: No tropopause: -6.5 K/km all the way up.
NONE = ((0.0, 288.15), (20000.0, 158.15))


def _levels(knots, step=100.0, top=30000.0):
    z = np.arange(0.0, top + step, step)
    return z, temperature_at(z, knots), hydrostatic_pressure(z, knots)


@pytest.mark.parametrize("method", TROPOPAUSE_METHODS)
def test_single_tropopause_at_11_km(method):
    z, t, p = _levels(ONE)
    found = wmo_tropopauses(z, t, p, method=method)
    assert [f.kind for f in found] == ["wmo_first"]
    assert found[0].altitude == 11000.0  # the level where the lapse rate drops to 0
    assert found[0].temperature == pytest.approx(216.65)


def test_orientation_does_not_matter():
    """Top-first input gives the same answer as surface-first (ECHAM/jax-gcm pitfall)."""
    z, t, p = _levels(ONE)
    down = wmo_tropopauses(z[::-1], t[::-1], p[::-1])
    assert down[0].altitude == 11000.0


def test_second_tropopause():
    z, t, p = _levels(TWO)
    found = wmo_tropopauses(z, t, p)
    assert [f.kind for f in found] == ["wmo_first", "wmo_second"]
    assert found[0].altitude == 11000.0
    assert found[1].altitude == 17000.0  # top of the 5 K/km layer


def test_no_tropopause_is_an_empty_list():
    z, t, p = _levels(NONE, top=20000.0)
    assert wmo_tropopauses(z, t, p) == []


def test_thin_inversion_below_the_tropopause_is_skipped():
    """A 200 m inversion at 8 km: lapse rate <= 2 K/km there, but the 2 km above is not."""
    knots = ((0.0, 288.15), (8000.0, 236.15), (8200.0, 237.15), (11000.0, 218.95),
             (20000.0, 218.95))  # fmt: skip
    z, t, p = _levels(knots)
    assert wmo_tropopauses(z, t, p)[0].altitude == 11000.0


def test_noisy_one_hertz_profile():
    """5 m/s ascent sampled at 1 Hz with 0.2 K noise: 100 m binning finds 11 km within one
    bin (100 m), where a raw search would stop at the first noisy 5 m layer."""
    rng = np.random.default_rng(7)
    z = np.arange(0.0, 30000.0, 5.0)
    t = temperature_at(z, ONE) + rng.normal(0.0, 0.2, z.size)
    p = hydrostatic_pressure(z, ONE)
    first = find_tropopauses(z, t, p)[0]
    assert first.kind == "wmo_first"
    assert abs(first.altitude - 11000.0) <= 100.0


def test_unknown_method_is_rejected():
    z, t, p = _levels(ONE)
    with pytest.raises(ValueError, match="wmo_every"):
        wmo_tropopauses(z, t, p, method="lapse")


def test_cold_point_of_synthetic_profile():
    z, t, p = _levels(TWO)
    cold = cold_point(z, t, p)
    assert cold.altitude == 17000.0
    assert cold.temperature == pytest.approx(201.65)


@pytest.mark.realdata
@pytest.mark.parametrize(
    "name", ["HILO-Nov-1-2023-00z-WYOMING.csv", "HILO-Nov-1-2023-00z-RAOBS.csv"]
)
def test_hilo_reported_tropopause(realdata, name):
    """Hilo 2023-11-01 00Z TEMP message: 95.4 hPa, 16839 m (UWyo 16841 m), -78.1 degC
    (soundings/SOURCES.md). The 'every' reading reproduces it exactly (same level); the
    'mean' reading gives 111.0 hPa / 15966 m (UWyo), as the note says."""
    profile, _ = read_profile(realdata / "soundings" / name)
    every = find_tropopauses(profile["altitude"], profile["temperature"], profile["pressure"])
    first = every[0].as_summary()
    assert first["kind"] == "wmo_first"
    assert first["pressure_hpa"] == 95.4
    assert first["altitude_m"] in (16839.0, 16841.0)
    assert first["temperature_c"] == -78.1
    cold = [t for t in every if t.kind == "cold_point"][0]
    assert cold.as_summary()["pressure_hpa"] == 95.4
    mean = find_tropopauses(
        profile["altitude"], profile["temperature"], profile["pressure"], method="wmo_mean"
    )[0].as_summary()
    assert mean["pressure_hpa"] == 111.0
    assert mean["altitude_m"] in (15966.0, 15968.0)


@pytest.mark.realdata
@pytest.mark.parametrize(
    ("name", "temperature_c", "pressure_hpa", "altitude_m"),
    [
        ("FWD_edt_20221002_1106.txt", -69.85, 93.8, 16943.0),
        ("FWD_edt_20221104_1105.txt", -72.89, 91.6, 17020.0),
        ("FWD_edt_20221104_1435.txt", -74.48, 73.0, 18364.0),
        ("FWD_edt_20221104_1702.txt", -72.48, 72.4, 18438.0),
        ("FWD_edt_20221104_2305.txt", -71.12, 100.8, 16413.0),
    ],
)
def test_radiosonde_cold_points(realdata, name, temperature_c, pressure_hpa, altitude_m):
    """Cold points of the five FWD ascents (radiosonde_flights/SOURCES.md), exact."""
    profile, _ = read_profile(realdata / "radiosonde_flights" / name)
    found = find_tropopauses(profile["altitude"], profile["temperature"], profile["pressure"])
    cold = [t for t in found if t.kind == "cold_point"][0].as_summary()
    assert cold["temperature_c"] == pytest.approx(temperature_c, abs=0.005)
    assert cold["pressure_hpa"] == pytest.approx(pressure_hpa, abs=0.05)
    assert cold["altitude_m"] == altitude_m
