"""Flight performance: ascent rate and its anomaly, burst, descent-rate fit, float, Pfotzer.

References: notes/sounding-products.md 4.2-4.5 (40 s centred dz/dt matches GRUAN's
ascent-rate resolution; sea-level descent rate v0 = v sqrt(rho/rho0), the Project Horus
convention; Pfotzer maximum ~63 hPa, Harrison et al. 2014).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.cleaning import CleanFlight
from analysis.columns import epoch_seconds
from flightlog.live_quantities import vertical_rates
from predictor import constants as predictor_constants
from weather.constants import DRY_AIR_GAS_CONSTANT

__all__ = [
    "DRY_AIR_GAS_CONSTANT",
    "SEA_LEVEL_DENSITY",
    "air_density",
    "ascent_rate_profile",
    "burst_summary",
    "descent_summary",
    "float_summary",
    "pfotzer_maximum",
    "vertical_rate",
]

# DRY_AIR_GAS_CONSTANT [J kg-1 K-1]: weather.constants (287.05287, USSA 1976 R*/M0).
#: Sea-level density used for the sea-level descent rate [kg m-3] (Project Horus).
SEA_LEVEL_DENSITY = predictor_constants.SEA_LEVEL_DENSITY


def _seconds(profile: pd.DataFrame) -> np.ndarray:
    return epoch_seconds(profile["time"])


def _rms(values: pd.Series) -> float:
    finite = values[np.isfinite(values)]
    return float(np.sqrt(np.mean(finite**2))) if len(finite) else float("nan")


def vertical_rate(profile: pd.DataFrame, window_s: float = 40.0) -> np.ndarray:
    """Vertical rate [m s-1] over a centred ``window_s`` (widened to two fix intervals).

    The one definition (:func:`flightlog.live_quantities.vertical_rates`): the least-squares
    slope of altitude on time in the window.
    """
    return vertical_rates(_seconds(profile), profile["altitude"].to_numpy(float), window_s)


def air_density(profile: pd.DataFrame) -> np.ndarray:
    """Air density [kg m-3] from measured p and T, else from the US Standard Atmosphere 1976."""
    from weather.standard_atmosphere import ussa1976_density

    measured = profile["pressure"].to_numpy(float) / (
        DRY_AIR_GAS_CONSTANT * profile["temperature"].to_numpy(float)
    )
    standard = ussa1976_density(np.clip(profile["altitude"].to_numpy(float), -500, 85000))
    return np.where(np.isfinite(measured), measured, standard)


def ascent_rate_profile(flight: CleanFlight, band_m: float = 1000.0) -> tuple[dict, pd.DataFrame]:
    """Ascent rate by altitude band, its mean and the anomaly (vertical air motion).

    The anomaly is the 40 s ascent rate minus a quadratic fit of ascent rate against
    altitude over the whole ascent (the balloon's own still-air trend). It mixes vertical
    air motion with drag changes in turbulence (Luce & Hashiguchi 2020): an anomaly
    product, not a calibrated w.

    Returns
    -------
    summary : dict
        ``ascent_rate_mean_ms`` (launch to burst), ``ascent_rate_median_ms``.
    table : DataFrame
        ``altitude_band_bottom_m``, ``ascent_rate_mean_ms``, ``ascent_rate_std_ms``,
        ``ascent_rate_anomaly_rms_ms``, ``samples``.
    """
    ascent = flight.ascent
    if not flight.has_time or len(ascent) < 3:
        return {}, pd.DataFrame()
    t = _seconds(ascent)
    z = ascent["altitude"].to_numpy(float)
    rate = vertical_rate(ascent)
    ok = np.isfinite(rate)
    trend = np.polyval(np.polyfit(z[ok], rate[ok], 2), z) if ok.sum() > 3 else np.nan
    anomaly = rate - trend
    summary = {
        "ascent_rate_mean_ms": round(float((z[-1] - z[0]) / (t[-1] - t[0])), 3),
        "ascent_rate_median_ms": round(float(np.nanmedian(rate)), 3),
    }
    bands = np.floor(z / band_m) * band_m
    table = (
        pd.DataFrame({"band": bands, "rate": rate, "anomaly": anomaly})
        .groupby("band")
        .agg(
            ascent_rate_mean_ms=("rate", "mean"),
            ascent_rate_std_ms=("rate", "std"),
            ascent_rate_anomaly_rms_ms=("anomaly", _rms),
            samples=("rate", "count"),
        )
        .reset_index()
        .rename(columns={"band": "altitude_band_bottom_m"})
    )
    return summary, table


def burst_summary(flight: CleanFlight) -> dict:
    """Highest point: ``altitude_m``, ``datetime`` (ISO UTC or None), position, pressure."""
    row = flight.profile.iloc[flight.burst_index]
    return {
        "altitude_m": round(float(row["altitude"]), 1),
        "datetime": None if pd.isna(row["time"]) else row["time"].isoformat(),
        "latitude_deg": None if pd.isna(row["latitude"]) else round(float(row["latitude"]), 6),
        "longitude_deg": None if pd.isna(row["longitude"]) else round(float(row["longitude"]), 6),
        "pressure_hpa": None
        if pd.isna(row["pressure"])
        else round(float(row["pressure"]) / 100, 2),
        "observed_descent": flight.landing_index > flight.burst_index,
    }


def descent_summary(
    flight: CleanFlight, skip_after_burst_s: float = 120.0, skip_before_landing_m: float = 200.0
) -> dict:
    """Descent rates and the fitted sea-level descent rate (parachute health).

    The fit uses terminal velocity v = sqrt(2mg / (rho Cd A)), i.e. log v = log v0 -
    0.5 log(rho / rho0). It is fitted in log space (so the thin, fast upper descent does not
    dominate): with the exponent fixed at -0.5 this gives ``sea_level_descent_rate_fit_ms``;
    a free exponent is reported as ``descent_density_exponent`` (about -0.5 for a healthy
    parachute at terminal velocity). The first
    ``skip_after_burst_s`` (tumbling after burst) and the last ``skip_before_landing_m``
    above the landing altitude are left out.

    Returns
    -------
    dict
        ``descent_rate_mean_ms`` (burst to landing), ``sea_level_descent_rate_fit_ms``,
        ``sea_level_descent_rate_median_ms``, ``samples``; empty when there is no descent.
    """
    descent = flight.descent
    if not flight.has_time or len(descent) < 4:
        return {}
    t = _seconds(descent)
    z = descent["altitude"].to_numpy(float)
    out = {"descent_rate_mean_ms": round(float((z[0] - z[-1]) / (t[-1] - t[0])), 3)}
    speed = -vertical_rate(descent, window_s=20.0)
    rho = air_density(descent)
    use = (
        (t - t[0] >= skip_after_burst_s)
        & (z >= z[-1] + skip_before_landing_m)
        & np.isfinite(speed)
        & (speed > 1.0)
        & np.isfinite(rho)
    )
    out["samples"] = int(use.sum())
    if use.sum() < 3:
        return out
    v0 = speed[use] * np.sqrt(rho[use] / SEA_LEVEL_DENSITY)
    out["sea_level_descent_rate_fit_ms"] = round(float(np.exp(np.mean(np.log(v0)))), 3)
    slope, _ = np.polyfit(np.log(rho[use] / SEA_LEVEL_DENSITY), np.log(speed[use]), 1)
    out["descent_density_exponent"] = round(float(slope), 3)
    out["sea_level_descent_rate_median_ms"] = round(float(np.median(v0)), 3)
    return out


def float_summary(flight: CleanFlight) -> dict:
    """Float altitude stability: mean, standard deviation, range [m] and duration [s]."""
    if flight.float_slice is None:
        return {}
    rows = flight.profile.iloc[flight.float_slice]
    z = rows["altitude"].to_numpy(float)
    return {
        "start": rows["time"].iloc[0].isoformat(),
        "end": rows["time"].iloc[-1].isoformat(),
        "duration_s": round((rows["time"].iloc[-1] - rows["time"].iloc[0]).total_seconds(), 1),
        "altitude_mean_m": round(float(np.mean(z)), 1),
        "altitude_std_m": round(float(np.std(z)), 1),
        "altitude_range_m": round(float(np.ptp(z)), 1),
    }


def pfotzer_maximum(
    flight: CleanFlight, band_m: float = 1000.0, skip_after_launch_s: float = 60.0
) -> dict:
    """Altitude of maximum radiation count rate on the ascent (Regener-Pfotzer maximum).

    Counts per frame divided by the frame interval give a rate; rates are summed in
    ``band_m`` altitude bands (Poisson uncertainty sqrt(N)/T), and the band with the
    highest rate is reported with its pressure and air density (Harrison et al. 2014
    report 63.1 +- 2.4 hPa and 0.101 kg m-3). The first ``skip_after_launch_s`` of the
    flight are left out (microphonic spikes at take-off).

    Returns
    -------
    dict
        Empty when no radiation counts were recorded.
    """
    ascent = flight.ascent
    if "radiation_counts" not in ascent or ascent["radiation_counts"].notna().sum() < 10:
        return {}
    t = _seconds(ascent)
    interval = np.gradient(t) if len(t) > 1 else np.ones(len(t))
    use = (t - t[0] >= skip_after_launch_s) & ascent["radiation_counts"].notna().to_numpy()
    rows = ascent[use]
    band = np.floor(rows["altitude"].to_numpy(float) / band_m) * band_m
    table = pd.DataFrame(
        {
            "band": band,
            "counts": rows["radiation_counts"].to_numpy(float),
            "seconds": interval[use],
            "pressure": rows["pressure"].to_numpy(float),
            "density": air_density(rows),
            "altitude": rows["altitude"].to_numpy(float),
        }
    ).groupby("band").agg(
        counts=("counts", "sum"), seconds=("seconds", "sum"), pressure=("pressure", "mean"),
        density=("density", "mean"), altitude=("altitude", "mean"),
    )  # fmt: skip
    table = table[table["seconds"] > 0]
    rate = table["counts"] / table["seconds"]
    if rate.dropna().empty:  # counts only during the skipped start, or no usable times
        return {}
    best = rate.idxmax()
    row = table.loc[best]
    return {
        "altitude_m": round(float(row["altitude"]), 1),
        "pressure_hpa": None if np.isnan(row["pressure"]) else round(row["pressure"] / 100, 2),
        "density_kg_m3": round(float(row["density"]), 4),
        "count_rate_per_s": round(float(rate[best]), 3),
        "count_rate_uncertainty_per_s": round(float(np.sqrt(row["counts"]) / row["seconds"]), 3),
        "band_m": band_m,
    }
