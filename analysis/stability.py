"""Stability indices of an ascent with MetPy (LCL, LFC, EL, CAPE/CIN, PW, LI, K, TT, SI).

MetPy's parcel routines need pressure that decreases upward (notes/known-pitfalls.md); the
caller passes rows cleaned by :func:`analysis.cleaning.monotonic_ascent`. Dense 1 Hz data
are thinned to a few hundred levels first: the indices do not change by more than their
own uncertainty and the parcel integration stays fast. Anything the data cannot give
(e.g. K index when the sounding starts above 850 hPa) is omitted with the reason.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = ["stability_indices", "thin_by_log_pressure"]


def thin_by_log_pressure(rows: pd.DataFrame, max_levels: int = 300) -> pd.DataFrame:
    """Average rows into at most ``max_levels`` equal bins of log pressure.

    The first (surface) row is kept as it is, since surface-parcel indices start there.
    Rows must be sorted with pressure decreasing.
    """
    if len(rows) <= max_levels:
        return rows
    logp = np.log(rows["pressure"].to_numpy(float))
    edges = np.linspace(logp[0], logp[-1], max_levels)
    index = np.clip(np.searchsorted(-edges, -logp, side="right"), 1, max_levels - 1)
    index[0] = 0
    numeric = rows.select_dtypes("number")
    binned = numeric.groupby(index).mean()
    return binned.sort_values("pressure", ascending=False).reset_index(drop=True)


def _level_ok(pressure_pa: np.ndarray, level_hpa: float) -> bool:
    return pressure_pa.max() >= level_hpa * 100.0 >= pressure_pa.min()


def stability_indices(rows: pd.DataFrame, pw_top_pa: float | None = None) -> dict:
    """Stability indices of a sounding.

    Parameters
    ----------
    rows : DataFrame
        ``pressure`` [Pa] strictly decreasing, ``temperature`` and ``dewpoint`` [K].
    pw_top_pa : float, optional
        Top of the precipitable-water integral [Pa]; default the top of the data.

    Returns
    -------
    dict
        Figures with units in the keys (``lcl_pressure_hpa``, ``cape_surface_j_kg``,
        ``precipitable_water_mm``, ``k_index_c``, ...) and ``omitted``: name -> reason for
        every figure the data could not give.

    Notes
    -----
    MetPy 1.7 functions: ``lcl``, ``parcel_profile``, ``lfc``, ``el``,
    ``surface_based_cape_cin``, ``mixed_layer_cape_cin`` (lowest 100 hPa),
    ``precipitable_water``, ``lifted_index``, ``k_index``, ``total_totals_index``,
    ``showalter_index``. CAPE uses the virtual-temperature correction as MetPy >= 1.6 does.
    """
    import metpy.calc as mpcalc
    from metpy.units import units

    rows = rows.dropna(subset=["pressure", "temperature", "dewpoint"])
    out: dict = {"levels_used": int(len(rows)), "omitted": {}}
    if len(rows) < 3:
        out["omitted"]["all"] = "fewer than 3 levels with pressure, temperature and dewpoint"
        return out
    if np.any(np.diff(rows["pressure"].to_numpy()) >= 0):
        raise ValueError("pressure must decrease strictly upward; clean with monotonic_ascent")
    rows = thin_by_log_pressure(rows)
    out["levels_used"] = int(len(rows))
    p = rows["pressure"].to_numpy(float) * units.Pa
    t = rows["temperature"].to_numpy(float) * units.K
    td = rows["dewpoint"].to_numpy(float) * units.K
    p_pa = rows["pressure"].to_numpy(float)

    def attempt(name: str, needs: tuple[float, ...], compute: Callable[[], dict]) -> None:
        missing = [lvl for lvl in needs if not _level_ok(p_pa, lvl)]
        if missing:
            out["omitted"][name] = (
                f"the sounding does not cover {', '.join(f'{m:g}' for m in missing)} hPa "
                f"(it spans {p_pa.max() / 100:.1f}-{p_pa.min() / 100:.1f} hPa)"
            )
            return
        try:
            with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
                warnings.simplefilter("ignore")
                values = compute()
        except Exception as exc:  # MetPy raises many types on degenerate soundings
            out["omitted"][name] = f"MetPy could not compute it: {exc}"
            return
        for key, value in values.items():
            value = float(value)
            if np.isfinite(value):
                out[key] = round(value, 3)
            else:
                out["omitted"][key] = "no such level in this sounding (parcel never crosses)"

    def lcl() -> dict:
        p_lcl, t_lcl = mpcalc.lcl(p[0], t[0], td[0])
        return {"lcl_pressure_hpa": p_lcl.m_as("hPa"), "lcl_temperature_c": t_lcl.m_as("degC")}

    parcel = {}

    def parcel_profile():
        if "profile" not in parcel:
            parcel["profile"] = mpcalc.parcel_profile(p, t[0], td[0]).to("degC")
        return parcel["profile"]

    def lfc_el() -> dict:
        prof = parcel_profile()
        p_lfc, _ = mpcalc.lfc(p, t, td, prof)
        p_el, _ = mpcalc.el(p, t, td, prof)
        return {"lfc_pressure_hpa": p_lfc.m_as("hPa"), "el_pressure_hpa": p_el.m_as("hPa")}

    def sb_cape() -> dict:
        cape, cin = mpcalc.surface_based_cape_cin(p, t, td)
        return {"cape_surface_j_kg": cape.m_as("J/kg"), "cin_surface_j_kg": cin.m_as("J/kg")}

    def ml_cape() -> dict:
        cape, cin = mpcalc.mixed_layer_cape_cin(p, t, td, depth=100 * units.hPa)
        return {"cape_mixed_layer_j_kg": cape.m_as("J/kg"),
                "cin_mixed_layer_j_kg": cin.m_as("J/kg")}  # fmt: skip

    def pw() -> dict:
        top = None if pw_top_pa is None else pw_top_pa * units.Pa
        value = mpcalc.precipitable_water(p, td, top=top)
        return {"precipitable_water_mm": value.m_as("mm")}

    def lifted() -> dict:
        value = mpcalc.lifted_index(p, t, parcel_profile())
        return {"lifted_index_delta_c": np.asarray(value.m_as("delta_degC")).ravel()[0]}

    def k_index() -> dict:
        return {"k_index_c": mpcalc.k_index(p, t, td).m_as("degC")}

    def total_totals() -> dict:
        return {"total_totals_delta_c": mpcalc.total_totals_index(p, t, td).m_as("delta_degC")}

    def showalter() -> dict:
        value = mpcalc.showalter_index(p, t, td)
        return {"showalter_index_delta_c": np.asarray(value.m_as("delta_degC")).ravel()[0]}

    attempt("lcl", (), lcl)
    attempt("lfc_el", (), lfc_el)
    attempt("cape_surface", (), sb_cape)
    attempt("cape_mixed_layer", (), ml_cape)
    attempt("precipitable_water", (), pw)
    attempt("lifted_index", (500.0,), lifted)
    attempt("k_index", (850.0, 700.0, 500.0), k_index)
    attempt("total_totals", (850.0, 500.0), total_totals)
    attempt("showalter_index", (850.0, 500.0), showalter)
    return out
