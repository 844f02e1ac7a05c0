"""Thermodynamic profile columns (MetPy values) and the mandatory levels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from analysis.columns import finish_profile
from analysis.profile import MANDATORY_LEVELS_HPA, derive_thermodynamics, mandatory_levels


def test_metpy_reference_values():
    """MetPy 1.7.1 tests: potential_temperature(900 hPa, 278 K) = 286.496 K (3 dp);
    equivalent_potential_temperature(1000 hPa, 293 K, Td 280 K) = 311.17705883845116 K;
    relative_humidity_from_dewpoint(25 degC, 15 degC) = 53.86 % (2 dp)."""
    rows = finish_profile(
        pd.DataFrame(
            {
                "pressure": [90000.0, 100000.0, 100000.0],
                "temperature": [278.0, 293.0, 298.15],
                "dewpoint": [np.nan, 280.0, 288.15],
                "altitude": [1000.0, 100.0, 100.0],
            }
        )
    )
    out = derive_thermodynamics(rows)
    assert out["potential_temperature"].iloc[0] == pytest.approx(286.496, abs=1.5e-3)
    assert out["equivalent_potential_temperature"].iloc[1] == pytest.approx(
        311.17705883845116, abs=1.5e-3
    )
    assert out["relative_humidity"].iloc[2] == pytest.approx(53.86, abs=1.5e-2)
    assert np.isnan(out["mixing_ratio"].iloc[0])  # no humidity: no mixing ratio


def test_dewpoint_from_relative_humidity_round_trip():
    rows = finish_profile(
        pd.DataFrame(
            {
                "pressure": [95000.0],
                "temperature": [290.0],
                "relative_humidity": [60.0],
                "altitude": [500.0],
            }
        )  # fmt: skip
    )
    out = derive_thermodynamics(rows)
    back = derive_thermodynamics(out.assign(relative_humidity=np.nan))
    # MetPy 1.7 inverts Bolton's formula in dewpoint() but relative_humidity_from_dewpoint
    # uses its saturation_vapor_pressure (Ambaum 2020): the round trip differs by ~0.03 %RH.
    assert back["relative_humidity"].iloc[0] == pytest.approx(60.0, abs=0.05)


def test_mandatory_levels_only_where_reached_and_linear_in_log_p():
    """A profile from 1013 to 45 hPa reaches 1000 ... 50 hPa; a quantity linear in ln p is
    reproduced exactly at the levels."""
    p = np.geomspace(101300.0, 4500.0, 200)
    rows = pd.DataFrame({"pressure": p, "altitude": 3.0 * np.log(101300.0 / p)})
    levels = mandatory_levels(rows)
    expected = [lv for lv in MANDATORY_LEVELS_HPA if 45.0 <= lv <= 1013.0]
    assert levels["pressure"].tolist() == [lv * 100.0 for lv in expected]
    np.testing.assert_allclose(levels["altitude"], 3.0 * np.log(101300.0 / levels["pressure"]))
