"""Thermodynamic profile products and values at the mandatory pressure levels.

MetPy computes the moisture and potential-temperature quantities; this module only picks
the valid rows, converts units at the edge and interpolates to the WMO mandatory levels
(linear in log p, notes/sounding-products.md section 3).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

__all__ = ["MANDATORY_LEVELS_HPA", "derive_thermodynamics", "mandatory_levels"]

#: WMO mandatory pressure levels [hPa] (TEMP parts A and C).
MANDATORY_LEVELS_HPA: tuple[float, ...] = (
    1000.0, 925.0, 850.0, 700.0, 500.0, 400.0, 300.0, 250.0, 200.0, 150.0, 100.0, 70.0,
    50.0, 30.0, 20.0, 10.0,
)  # fmt: skip


def _metpy_rows(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    return frame[columns].notna().all(axis=1).to_numpy()


def derive_thermodynamics(profile: pd.DataFrame) -> pd.DataFrame:
    """Add dewpoint/RH (each from the other), theta, theta-e and mixing ratio columns.

    Parameters
    ----------
    profile : DataFrame
        Canonical profile: ``pressure`` [Pa], ``temperature`` [K], and ``dewpoint`` [K]
        and/or ``relative_humidity`` [%].

    Returns
    -------
    DataFrame
        A copy with ``dewpoint`` [K] and ``relative_humidity`` [%] filled where the other
        is known, ``potential_temperature`` [K], ``equivalent_potential_temperature`` [K]
        and ``mixing_ratio`` [kg kg-1] (NaN where inputs are missing).

    Notes
    -----
    MetPy 1.7: ``dewpoint_from_relative_humidity``, ``relative_humidity_from_dewpoint``,
    ``potential_temperature`` (P0 = 1000 hPa), ``equivalent_potential_temperature``
    (Bolton 1980) and ``mixing_ratio_from_relative_humidity``'s partner
    ``mixing_ratio(saturation_vapor_pressure(Td), p)``.
    """
    import metpy.calc as mpcalc
    from metpy.units import units

    out = profile.copy()
    for name in ("potential_temperature", "equivalent_potential_temperature", "mixing_ratio"):
        out[name] = np.nan
    with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        rh_ok = out["relative_humidity"] > 0
        need_td = out["dewpoint"].isna() & out["temperature"].notna() & rh_ok
        if need_td.any():
            td = mpcalc.dewpoint_from_relative_humidity(
                out.loc[need_td, "temperature"].to_numpy() * units.K,
                out.loc[need_td, "relative_humidity"].to_numpy() / 100.0,
            )
            out.loc[need_td, "dewpoint"] = td.to("K").magnitude
        has_td = out[["temperature", "dewpoint"]].notna().all(axis=1)
        need_rh = out["relative_humidity"].isna() & has_td
        if need_rh.any():
            rh = mpcalc.relative_humidity_from_dewpoint(
                out.loc[need_rh, "temperature"].to_numpy() * units.K,
                out.loc[need_rh, "dewpoint"].to_numpy() * units.K,
            )
            out.loc[need_rh, "relative_humidity"] = rh.to("percent").magnitude
        ok = _metpy_rows(out, ["pressure", "temperature"])
        p = out.loc[ok, "pressure"].to_numpy() * units.Pa
        t = out.loc[ok, "temperature"].to_numpy() * units.K
        out.loc[ok, "potential_temperature"] = mpcalc.potential_temperature(p, t).m_as("K")
        ok = _metpy_rows(out, ["pressure", "temperature", "dewpoint"])
        p = out.loc[ok, "pressure"].to_numpy() * units.Pa
        t = out.loc[ok, "temperature"].to_numpy() * units.K
        td = out.loc[ok, "dewpoint"].to_numpy() * units.K
        if ok.any():
            out.loc[ok, "equivalent_potential_temperature"] = (
                mpcalc.equivalent_potential_temperature(p, t, td).m_as("K")
            )
            e = mpcalc.saturation_vapor_pressure(td)
            out.loc[ok, "mixing_ratio"] = mpcalc.mixing_ratio(e, p).m_as("dimensionless")
    return out


def mandatory_levels(ascent: pd.DataFrame, columns: list[str] | None = None) -> pd.DataFrame:
    """Values at the mandatory pressure levels the ascent reached (linear in log p).

    Parameters
    ----------
    ascent : DataFrame
        Ascent rows with ``pressure`` [Pa] and the columns to interpolate.
    columns : list of str, optional
        Columns to interpolate; default every numeric column except pressure.

    Returns
    -------
    DataFrame
        One row per mandatory level inside the ascent's pressure range, ``pressure``
        [Pa] first, same units as the input otherwise. A level is NaN for a column when
        that column has no data on both sides of it.
    """
    rows = ascent[ascent["pressure"].notna()].sort_values("pressure")
    if columns is None:
        columns = [c for c in rows.select_dtypes("number").columns if c not in ("pressure",)]
    levels = np.array(MANDATORY_LEVELS_HPA) * 100.0
    if rows.empty:
        return pd.DataFrame({"pressure": [], **{c: [] for c in columns}})
    p_lo, p_hi = rows["pressure"].min(), rows["pressure"].max()
    levels = levels[(levels >= p_lo) & (levels <= p_hi)]
    out = {"pressure": levels}
    for column in columns:
        valid = rows[column].notna()
        x = np.log(rows.loc[valid, "pressure"].to_numpy())
        y = rows.loc[valid, column].to_numpy(float)
        if len(x) < 2:
            out[column] = np.full(len(levels), np.nan)
            continue
        values = np.interp(np.log(levels), x, y, left=np.nan, right=np.nan)
        out[column] = values
    return pd.DataFrame(out)
