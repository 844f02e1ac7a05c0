"""Stability indices of a sounding with MetPy, each parcel named in its key.

Three parcels, as forecasters and the University of Wyoming use them:

* ``surface``: the lowest level as measured;
* ``mixed_layer_500m``: mean potential temperature and mixing ratio of the lowest 500 m,
  lifted from the surface pressure (the parcel of Wyoming's published LCL, LI and CAPE);
* ``most_unstable``: the level of highest equivalent potential temperature in the lowest
  300 hPa.

Every parcel gives ``<parcel>_lcl_pressure_hpa``, ``_lcl_temperature_c``,
``_lfc_pressure_hpa``, ``_el_pressure_hpa``, ``_cape_j_kg``, ``_cin_j_kg`` and
``_lifted_index_delta_c``. The K index, total totals and Showalter index (its parcel is
850 hPa by definition) use temperature and dewpoint at the mandatory levels, interpolated
linearly in log p from the levels as measured (never from averaged bins: on 1 Hz data a
sharp dry layer near 700 hPa would be smoothed away). Temperature and humidity are used
each as far as it reaches: a dewpoint that stops at 600 hPa (dry upper air below the
hygristor's range) does not cut the temperature profile, and indices that need only
temperature at 500 hPa are still computed.

MetPy's parcel routines need pressure that decreases upward (notes/known-pitfalls.md); the
caller passes rows cleaned by :func:`analysis.cleaning.monotonic_ascent`. Dense 1 Hz data
are averaged into at most 300 log-pressure bins for the parcel integrals only (CAPE, CIN,
LFC and EL are integrals or crossings over kilometres; the surface row is kept as
measured). Anything the data cannot give is omitted with the reason.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd

__all__ = [
    "PARCELS",
    "PW_LAYER_TOP_HPA",
    "level_value",
    "lifted_parcel_temperature",
    "stability_indices",
    "thin_by_log_pressure",
]

#: Parcel name -> how it is chosen (for people reading the report).
PARCELS: dict[str, str] = {
    "surface": "surface parcel (the lowest measured level)",
    "mixed_layer_500m": "mixed-layer parcel (mean of the lowest 500 m, as Wyoming)",
    "most_unstable": "most-unstable parcel (highest theta-e in the lowest 300 hPa)",
}

#: Top of the "surface to 500 hPa" precipitable water used by IGRA2's derived files [hPa].
PW_LAYER_TOP_HPA = 500.0

#: Dewpoint depression [K] given to levels above the last measured dewpoint in the parcel
#: integrals only: it makes their water vapour negligible (the virtual-temperature
#: correction of the environment vanishes), which is what a hygristor that stopped
#: reading in cold, dry upper air means. Reported humidity products never use it.
_DRY_DEPRESSION_K = 60.0

#: Level [hPa] the Showalter and lifted indices compare parcel and environment at.
_INDEX_LEVEL_HPA = 500.0


def thin_by_log_pressure(rows: pd.DataFrame, max_levels: int = 300) -> pd.DataFrame:
    """Average rows into at most ``max_levels`` equal bins of log pressure.

    The first (surface) row is kept as it is, since surface-parcel indices start there.
    Rows must be sorted with pressure decreasing. Used for the parcel integrals only.
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


def level_value(pressure_pa: np.ndarray, values: np.ndarray, level_hpa: float) -> float:
    """Value at a pressure level, linear in log p between the nearest valid levels.

    Parameters
    ----------
    pressure_pa : ndarray
        Pressure [Pa] of the levels.
    values : ndarray
        The variable at those levels (NaN where not measured).
    level_hpa : float
        Level wanted [hPa].

    Returns
    -------
    float
        The interpolated value, NaN when the variable's valid levels do not span the level.
    """
    ok = np.isfinite(pressure_pa) & np.isfinite(values)
    if ok.sum() < 2:
        return float("nan")
    p, v = pressure_pa[ok], values[ok]
    order = np.argsort(p)
    target = level_hpa * 100.0
    if not p.min() <= target <= p.max():
        return float("nan")
    return float(np.interp(np.log(target), np.log(p[order]), v[order]))


def lifted_parcel_temperature(
    p_start_pa: float, t_start: float, td_start: float, p_end_pa: float
) -> float:
    """Temperature [K] of a parcel lifted from (p, T, Td) to ``p_end_pa``.

    Dry adiabatically to the LCL, then along the pseudo-adiabat of constant equivalent
    potential temperature (Bolton 1980, MetPy's ``equivalent_potential_temperature`` and
    ``saturation_equivalent_potential_temperature``): the saturated parcel at the end
    level has the starting parcel's theta-e. This reproduces the University of Wyoming's
    published Showalter and lifted indices within 0.05 degC on the three pages in
    tests/data/soundings; MetPy's ``moist_lapse`` integration ends up to 0.2 degC warmer
    for a cold parcel (Boise, 2010-12-09 12Z: Showalter 5.23 against Wyoming's 5.01).

    Parameters
    ----------
    p_start_pa, t_start, td_start : float
        Start pressure [Pa], temperature [K] and dewpoint [K].
    p_end_pa : float
        End pressure [Pa] (above the start).

    Returns
    -------
    float
        Parcel temperature at ``p_end_pa`` [K].
    """
    import metpy.calc as mpcalc
    from metpy.units import units
    from scipy.optimize import brentq

    p0, t0, td0 = p_start_pa * units.Pa, t_start * units.K, td_start * units.K
    p_lcl, _ = mpcalc.lcl(p0, t0, td0)
    if p_end_pa >= p_lcl.m_as("Pa"):  # still below the LCL: dry adiabat
        return float(mpcalc.dry_lapse(p_end_pa * units.Pa, t0, p0).m_as("K"))
    theta_e = mpcalc.equivalent_potential_temperature(p0, t0, td0).m_as("K")
    p_end = p_end_pa * units.Pa

    def mismatch(t_k: float) -> float:
        saturated = mpcalc.saturation_equivalent_potential_temperature(p_end, t_k * units.K)
        return float(saturated.m_as("K")) - theta_e

    # bracket: saturation at 320 K stays well below 500 hPa (e_s(320 K) = 105 hPa)
    return float(brentq(mismatch, 120.0, 320.0, xtol=1e-4))


def _span(pressure_pa: np.ndarray, values: np.ndarray) -> str:
    ok = np.isfinite(values)
    if not ok.any():
        return "no levels"
    return f"{pressure_pa[ok].max() / 100:.1f}-{pressure_pa[ok].min() / 100:.1f} hPa"


def stability_indices(rows: pd.DataFrame, pw_top_pa: float | None = None) -> dict:
    """Stability indices and precipitable water of a sounding.

    Parameters
    ----------
    rows : DataFrame
        ``pressure`` [Pa] strictly decreasing upward, ``temperature`` [K], ``dewpoint`` [K]
        (NaN where not measured) and optionally ``altitude`` [m] (needed by the 500 m
        mixed-layer parcel).
    pw_top_pa : float, optional
        Top of the whole-sounding precipitable-water integral [Pa]; default the highest
        measured dewpoint.

    Returns
    -------
    dict
        Figures with the parcel and unit in the keys (``surface_cape_j_kg``,
        ``mixed_layer_500m_lcl_pressure_hpa``, ``most_unstable_lifted_index_delta_c``,
        ``k_index_c``, ``precipitable_water_mm``,
        ``precipitable_water_surface_to_500hpa_mm``...), ``levels_used``,
        ``dewpoint_top_hpa`` and ``omitted``: name -> reason for every figure the data
        could not give.

    Notes
    -----
    MetPy 1.7 functions: ``lcl``, ``parcel_profile``, ``lfc``, ``el``,
    ``surface_based_cape_cin``, ``mixed_layer_cape_cin`` (500 m by height),
    ``most_unstable_parcel``/``most_unstable_cape_cin`` (300 hPa), ``mixed_parcel``,
    ``precipitable_water``. K index = (T850 - T500) + Td850 - (T700 - Td700); total totals
    = T850 + Td850 - 2 T500; Showalter = T500 minus the 850 hPa parcel lifted to 500 hPa;
    lifted index = T500 minus the parcel at 500 hPa (no virtual-temperature correction, as
    Wyoming's "Lifted index"); both lift the parcel with
    :func:`lifted_parcel_temperature`. CAPE uses the virtual-temperature correction as
    MetPy >= 1.6 does.
    """
    import metpy.calc as mpcalc
    from metpy.units import units

    rows = rows.dropna(subset=["pressure", "temperature"])
    out: dict = {"levels_used": int(len(rows)), "omitted": {}}
    if len(rows) < 3:
        out["omitted"]["all"] = "fewer than 3 levels with pressure and temperature"
        return out
    p_all = rows["pressure"].to_numpy(float)
    if np.any(np.diff(p_all) >= 0):
        raise ValueError("pressure must decrease strictly upward; clean with monotonic_ascent")
    t_all = rows["temperature"].to_numpy(float)
    td_all = rows["dewpoint"].to_numpy(float) if "dewpoint" in rows else np.full(len(rows), np.nan)
    has_td = np.isfinite(td_all)
    if has_td.any():
        out["dewpoint_top_hpa"] = round(float(p_all[has_td].min()) / 100.0, 1)

    def record(name: str, compute: Callable[[], dict]) -> None:
        try:
            with warnings.catch_warnings(), np.errstate(invalid="ignore", divide="ignore"):
                warnings.simplefilter("ignore")
                values = compute()
        except _Omit as reason:
            out["omitted"][name] = str(reason)
            return
        except Exception as exc:  # MetPy raises many types on degenerate soundings
            out["omitted"][name] = f"MetPy could not compute it: {exc}"
            return
        for key, value in values.items():
            value = float(np.asarray(value).ravel()[0])
            if np.isfinite(value):
                out[key] = round(value, 3)
            else:
                out["omitted"][key] = "no such level in this sounding (the parcel never crosses)"

    # --- mandatory-level indices from the levels as measured (log-p interpolation)
    def at(values: np.ndarray, level: float, what: str) -> float:
        value = level_value(p_all, values, level)
        if not np.isfinite(value):
            raise _Omit(
                f"the {what} does not reach {level:g} hPa (it spans {_span(p_all, values)})"
            )
        return value

    def k_index() -> dict:
        t850, t700, t500 = (at(t_all, lvl, "temperature") for lvl in (850.0, 700.0, 500.0))
        td850, td700 = (at(td_all, lvl, "dewpoint") for lvl in (850.0, 700.0))
        return {"k_index_c": (t850 - t500) + (td850 - 273.15) - (t700 - td700)}

    def total_totals() -> dict:
        t850, t500 = at(t_all, 850.0, "temperature"), at(t_all, 500.0, "temperature")
        td850 = at(td_all, 850.0, "dewpoint")
        return {"total_totals_delta_c": t850 + td850 - 2.0 * t500}

    def lifted_to_500(p_start_pa: float, t_start: float, td_start: float) -> float:
        return lifted_parcel_temperature(p_start_pa, t_start, td_start, _INDEX_LEVEL_HPA * 100.0)

    def showalter() -> dict:
        t850, td850 = at(t_all, 850.0, "temperature"), at(td_all, 850.0, "dewpoint")
        t500 = at(t_all, 500.0, "temperature")
        return {"showalter_index_delta_c": t500 - lifted_to_500(85000.0, t850, td850)}

    record("k_index", k_index)
    record("total_totals", total_totals)
    record("showalter_index", showalter)

    # --- parcels, on levels thinned for the integrals
    thin = thin_by_log_pressure(rows)
    out["levels_used"] = int(len(thin))
    p_thin = thin["pressure"].to_numpy(float)
    t_thin = thin["temperature"].to_numpy(float)
    td_thin = thin["dewpoint"].to_numpy(float) if "dewpoint" in thin else np.full(len(thin), np.nan)
    # levels above the last dewpoint: negligible vapour (see _DRY_DEPRESSION_K)
    td_filled = np.where(np.isfinite(td_thin), td_thin, t_thin - _DRY_DEPRESSION_K)
    p = p_thin * units.Pa
    t = t_thin * units.K
    td = td_filled * units.K
    z = thin["altitude"].to_numpy(float) if "altitude" in thin else np.full(len(thin), np.nan)
    t500 = level_value(p_all, t_all, _INDEX_LEVEL_HPA)  # shared by the parcels' lifted index

    def parcel_figures(name: str, start: Callable[[], tuple[int, float, float, float]],
                       cape_cin: Callable[[], tuple]) -> None:  # fmt: skip
        def compute() -> dict:
            index, p0, t0, td0 = start()
            p_lcl, t_lcl = mpcalc.lcl(p0 * units.Pa, t0 * units.K, td0 * units.K)
            figures = {
                f"{name}_lcl_pressure_hpa": p_lcl.m_as("hPa"),
                f"{name}_lcl_temperature_c": t_lcl.m_as("degC"),
            }
            if p0 >= _INDEX_LEVEL_HPA * 100.0 and np.isfinite(t500):
                figures[f"{name}_lifted_index_delta_c"] = t500 - lifted_to_500(p0, t0, td0)
            levels = np.concatenate([[p0], p_thin[index + 1 :]]) * units.Pa
            profile = mpcalc.parcel_profile(levels, t0 * units.K, td0 * units.K)
            env_t = np.concatenate([[t0], t_thin[index + 1 :]]) * units.K
            env_td = np.concatenate([[td0], td_filled[index + 1 :]]) * units.K
            p_lfc, _ = mpcalc.lfc(levels, env_t, env_td, profile)
            p_el, _ = mpcalc.el(levels, env_t, env_td, profile)
            figures[f"{name}_lfc_pressure_hpa"] = p_lfc.m_as("hPa")
            figures[f"{name}_el_pressure_hpa"] = p_el.m_as("hPa")
            cape, cin = cape_cin()
            figures[f"{name}_cape_j_kg"] = cape.m_as("J/kg")
            figures[f"{name}_cin_j_kg"] = cin.m_as("J/kg")
            return figures

        record(name, compute)

    def surface_start() -> tuple[int, float, float, float]:
        if not np.isfinite(td_thin[0]):
            raise _Omit("no dewpoint at the lowest level")
        return 0, p_thin[0], t_thin[0], td_thin[0]

    def mixed_layer_depth() -> float:
        """Pressure thickness [Pa] of the lowest 500 m (log p linear in height)."""
        ok = np.isfinite(z)
        if not np.isfinite(z[0]) or ok.sum() < 2 or z[ok].max() < z[0] + 500.0:
            raise _Omit("needs the heights of the lowest 500 m")
        if not np.isfinite(td_thin[0]):
            raise _Omit("no dewpoint at the lowest level")
        top = np.exp(np.interp(z[0] + 500.0, z[ok], np.log(p_thin[ok])))
        return float(p_thin[0] - top)

    def mixed_start() -> tuple[int, float, float, float]:
        depth = mixed_layer_depth() * units.Pa
        p_ml, t_ml, td_ml = mpcalc.mixed_parcel(p, t, td, depth=depth)
        return 0, p_ml.m_as("Pa"), t_ml.m_as("K"), td_ml.m_as("K")

    def most_unstable_start() -> tuple[int, float, float, float]:
        if not np.isfinite(td_thin[0]):
            raise _Omit("no dewpoint at the lowest level")
        p_mu, t_mu, td_mu, index = mpcalc.most_unstable_parcel(p, t, td, depth=300 * units.hPa)
        return int(index), p_mu.m_as("Pa"), t_mu.m_as("K"), td_mu.m_as("K")

    parcel_figures("surface", surface_start, lambda: mpcalc.surface_based_cape_cin(p, t, td))
    parcel_figures(
        "mixed_layer_500m",
        mixed_start,
        lambda: mpcalc.mixed_layer_cape_cin(p, t, td, depth=mixed_layer_depth() * units.Pa),
    )
    parcel_figures(
        "most_unstable",
        most_unstable_start,
        lambda: mpcalc.most_unstable_cape_cin(p, t, td, depth=300 * units.hPa),
    )

    # --- precipitable water, on the levels with a measured dewpoint
    def pw() -> dict:
        if has_td.sum() < 2:
            raise _Omit("fewer than 2 levels with a dewpoint")
        p_td = p_all[has_td] * units.Pa
        d_td = td_all[has_td] * units.K
        figures = {}
        top = None if pw_top_pa is None else pw_top_pa * units.Pa
        figures["precipitable_water_mm"] = mpcalc.precipitable_water(p_td, d_td, top=top).m_as("mm")
        if p_all[has_td].min() <= PW_LAYER_TOP_HPA * 100.0:
            layer = mpcalc.precipitable_water(p_td, d_td, top=PW_LAYER_TOP_HPA * units.hPa)
            figures["precipitable_water_surface_to_500hpa_mm"] = layer.m_as("mm")
        else:
            out["omitted"]["precipitable_water_surface_to_500hpa_mm"] = (
                f"the dewpoint does not reach 500 hPa (it spans {_span(p_all, td_all)})"
            )
        return figures

    record("precipitable_water", pw)
    return out


class _Omit(Exception):
    """The data cannot give this figure; the message says why."""
