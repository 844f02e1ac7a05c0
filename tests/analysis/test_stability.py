"""Stability indices through MetPy: MetPy 1.7.1's published test values and regression
anchors (notes/sounding-products.md sections 5.4 and 5.5)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.read_profile import read_profile
from analysis.stability import stability_indices, thin_by_log_pressure


def _six_levels(top_temperature_c):
    """MetPy's six-level arrays from the may4 sounding (test_thermo.py)."""
    return pd.DataFrame(
        {
            "pressure": np.array([959.0, 779.2, 751.3, 724.3, 700.0, 269.0]) * 100.0,
            "temperature": np.array([22.2, 14.6, 12.0, 9.4, 7.0, top_temperature_c]) + 273.15,
            "dewpoint": np.array([19.0, -11.2, -10.8, -10.4, -10.0, -53.2]) + 273.15,
        }
    )


def test_metpy_published_six_level_values():
    """test_el: 476.30710 hPa (3 dp); test_surface_based_cape_cin: 223.92721210 /
    -52.716051667 J/kg (2 dp); test_lfc_basic (269 hPa at -49 degC): 727.055 hPa (2 dp).
    MetPy's assert_almost_equal(d) allows 1.5 * 10**-d; we round to 3 dp on top."""
    result = stability_indices(_six_levels(-38.0))
    assert result["surface_el_pressure_hpa"] == pytest.approx(476.30710, abs=1.5e-3 + 5e-4)
    assert result["surface_cape_j_kg"] == pytest.approx(223.92721210, abs=1.5e-2)
    assert result["surface_cin_j_kg"] == pytest.approx(-52.716051667, abs=1.5e-2)
    result = stability_indices(_six_levels(-49.0))
    assert result["surface_lfc_pressure_hpa"] == pytest.approx(727.055, abs=1.5e-2)


@pytest.mark.realdata
def test_may4_regression_anchors(realdata):
    """MetPy 1.7.1 on the full may4 sounding (notes 5.5): LCL 914.62 hPa / 18.24 degC,
    LFC 727.06 hPa, no EL, SBCAPE 2470.49, SBCIN -41.36, MLCAPE 2190.91 J/kg, LI -8.85,
    K 27.4, TT 59.3, Showalter -6.51, PW 26.72 mm (quoted to 2 dp, so +-0.006). (MLCAPE
    2190.91 is MetPy's 100 hPa mixed layer; our mixed-layer parcel is Wyoming's 500 m.)"""
    profile, _ = read_profile(realdata / "soundings" / "may4_sounding.txt")
    result = stability_indices(profile)
    expected = {
        "surface_lcl_pressure_hpa": 914.62, "surface_lcl_temperature_c": 18.24,
        "surface_lfc_pressure_hpa": 727.06, "surface_cape_j_kg": 2470.49,
        "surface_cin_j_kg": -41.36, "k_index_c": 27.4, "total_totals_delta_c": 59.3,
        "precipitable_water_mm": 26.72,
    }  # fmt: skip
    for key, value in expected.items():
        assert result[key] == pytest.approx(value, abs=0.006), key
    assert "surface_el_pressure_hpa" in result["omitted"]
    # Lifted parcels follow Bolton's theta-e pseudo-adiabat (as Wyoming's indices do), not
    # MetPy's moist_lapse: within 0.2 of MetPy's LI -8.85 and SI -6.51, and within 0.05 of
    # the Showalter index -6.51 the University of Wyoming published for OUN 1999-05-04 00Z.
    assert result["surface_lifted_index_delta_c"] == pytest.approx(-8.85, abs=0.2)
    assert result["showalter_index_delta_c"] == pytest.approx(-6.51, abs=0.05)


@pytest.mark.realdata
def test_may22_precipitable_water(realdata):
    """MetPy 1.7.1 test_precipitable_water: 22.58809193 mm to 400 hPa (4 dp there; we
    round to 3 dp, so +-0.0005 + 1.5e-4)."""
    profile, _ = read_profile(realdata / "soundings" / "may22_sounding.txt")
    result = stability_indices(profile, pw_top_pa=40000.0)
    assert result["precipitable_water_mm"] == pytest.approx(22.58809193, abs=6.5e-4)


def test_missing_levels_are_omitted_with_a_reason():
    """A sounding starting at 800 hPa cannot give K (needs 850 hPa): omitted, not invented."""
    p = np.linspace(800.0, 300.0, 30) * 100.0
    t = 288.15 - 0.0065 * (np.log(80000.0 / p) * 8000.0)
    rows = pd.DataFrame({"pressure": p, "temperature": t, "dewpoint": t - 8.0})
    result = stability_indices(rows)
    assert "850" in result["omitted"]["k_index"]
    assert "k_index_c" not in result
    assert "surface_lcl_pressure_hpa" in result


def test_rising_pressure_is_refused():
    rows = _six_levels(-38.0).iloc[[0, 2, 1, 3, 4, 5]]
    with pytest.raises(ValueError, match="decrease"):
        stability_indices(rows)


def test_thinning_keeps_the_surface_row():
    p = np.linspace(1000.0, 10.0, 5000) * 100.0
    rows = pd.DataFrame({"pressure": p, "temperature": 250.0, "dewpoint": 240.0})
    thin = thin_by_log_pressure(rows, max_levels=100)
    assert len(thin) <= 100
    assert thin["pressure"].iloc[0] == p[0]
    assert np.all(np.diff(thin["pressure"]) < 0)
