"""Report figures (matplotlib, Agg backend).

Skew-T with hodograph, profiles, ascent rate, map of the track with the prediction
overlaid. Each function writes one PNG and returns its path.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from localization import _
from terrain.basemap import draw_basemap, map_extent

__all__ = [
    "MAX_POINTS",
    "plot_ascent_rate",
    "plot_profiles",
    "plot_skewt",
    "plot_track_map",
    "skewt_temperature_limits",
]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


#: Most points drawn per curve; denser data are decimated for drawing only (a 1 Hz flight
#: has ~10,000 rows, more than a 1000-pixel-high figure can show).
MAX_POINTS = 3000


def _decimate(frame: pd.DataFrame) -> pd.DataFrame:
    step = max(1, int(np.ceil(len(frame) / MAX_POINTS)))
    return frame.iloc[::step]


def _save(fig, path: Path) -> Path:
    fig.savefig(path, dpi=100)
    _pyplot().close(fig)
    return path


def plot_skewt(levels: pd.DataFrame, path: str | Path, title: str) -> Path:
    """Skew-T log-p with temperature, dewpoint, wind barbs and a hodograph inset.

    ``levels`` has ``pressure`` [Pa] decreasing, ``temperature``/``dewpoint`` [K],
    ``u``/``v`` [m s-1] and ``altitude`` [m].
    """
    from matplotlib import MatplotlibDeprecationWarning

    with warnings.catch_warnings():
        # MetPy 1.7.1's SkewT calls matplotlib's interval_contains, deprecated in 3.11
        warnings.simplefilter("ignore", MatplotlibDeprecationWarning)
        return _plot_skewt(levels, Path(path), title)


def _plot_skewt(levels: pd.DataFrame, path: Path, title: str) -> Path:
    from matplotlib.ticker import FixedLocator, ScalarFormatter
    from metpy.plots import Hodograph, SkewT
    from metpy.units import units

    plt = _pyplot()
    fig = plt.figure(figsize=(13, 9))
    rotation = 30.0
    skew = SkewT(fig, rotation=rotation, rect=(0.07, 0.08, 0.56, 0.85), aspect="auto")
    p_hpa = levels["pressure"].to_numpy(float) / 100.0
    t_c = levels["temperature"].to_numpy(float) - 273.15
    td_c = levels["dewpoint"].to_numpy(float) - 273.15
    bottom = max(1050.0, float(np.nanmax(p_hpa)) * 1.01) if len(p_hpa) else 1050.0
    top = max(float(np.nanmin(p_hpa)) * 0.9, 1.0) if len(p_hpa) else 100.0
    skew.ax.set_ylim(bottom, top)
    box = skew.ax.get_position()
    aspect = (box.height * fig.get_figheight()) / (box.width * fig.get_figwidth())
    shown_td = np.where(td_c >= -120.0, td_c, np.nan)  # hygristor noise in dry stratosphere
    skew.ax.set_xlim(*skewt_temperature_limits(
        np.concatenate([p_hpa, p_hpa]), np.concatenate([t_c, shown_td]), bottom, top,
        np.tan(np.deg2rad(rotation)) * aspect,
    ))  # fmt: skip
    # reference lines drawn after the limits, over the whole height of the frame
    grid = np.geomspace(bottom, top, 60) * units.hPa
    skew.plot_dry_adiabats(t0=np.arange(-60, 300, 20) * units.degC, pressure=grid, alpha=0.25)
    skew.plot_moist_adiabats(t0=np.arange(-30, 45, 5) * units.degC, pressure=grid, alpha=0.25)
    skew.plot_mixing_lines(pressure=grid, alpha=0.25)
    skew.plot(p_hpa * units.hPa, t_c * units.degC, "r", lw=1.5, label=_("temperature"))
    if np.isfinite(td_c).any():
        skew.plot(p_hpa * units.hPa, td_c * units.degC, "g", lw=1.5, label=_("dewpoint"))
    ticks = [t for t in (1000, 850, 700, 500, 300, 200, 100, 70, 50, 30, 20, 10, 7, 5, 3, 2, 1)
             if top <= t <= bottom]  # fmt: skip
    skew.ax.yaxis.set_major_locator(FixedLocator(ticks))
    skew.ax.yaxis.set_major_formatter(ScalarFormatter())
    skew.ax.set_xlabel(_("temperature [degC]"))
    skew.ax.set_ylabel(_("pressure [hPa]"))
    wind = levels.dropna(subset=["u", "v"])
    if len(wind):
        # about 40 barbs evenly spaced in log p, in knots as on operational charts
        # the top barb a little below the frame's top so its flags stay inside
        highest = max(wind["pressure"].min(), top * 100.0 * 1.25)
        lowest = min(wind["pressure"].max(), bottom * 100.0 / 1.04)
        targets = np.geomspace(lowest, highest, 40)
        order = wind["pressure"].to_numpy()[::-1]
        picks = np.unique(
            len(order) - 1 - np.clip(np.searchsorted(order, targets), 0, len(order) - 1)
        )
        sub = wind.iloc[picks]
        skew.plot_barbs(
            sub["pressure"].to_numpy() / 100.0 * units.hPa,
            sub["u"].to_numpy() * units("m/s"),
            sub["v"].to_numpy() * units("m/s"),
            plot_units=units.knots,
            xloc=0.9,  # inside the frame (MetPy's default 1.0 sits on the right edge)
        )
        inset = fig.add_axes((0.68, 0.45, 0.3, 0.42))
        speed = float(np.nanmax(np.hypot(wind["u"], wind["v"])))
        hodo = Hodograph(inset, component_range=10.0 * np.ceil(speed / 10.0 + 0.5))
        hodo.add_grid(increment=10)
        drawn = hodo.plot_colormapped(
            wind["u"].to_numpy() * units("m/s"),
            wind["v"].to_numpy() * units("m/s"),
            wind["altitude"].to_numpy() / 1000.0,
        )
        fig.colorbar(drawn, ax=inset, label=_("altitude [km]"), shrink=0.8)
        inset.set_title(_("hodograph: u, v [m/s]"), fontsize=10)
    skew.ax.legend(loc="lower left")
    skew.ax.set_title(f"{title}  (barbs in knots)")
    return _save(fig, path)


def skewt_temperature_limits(
    pressure_hpa: np.ndarray,
    temperature_c: np.ndarray,
    bottom_hpa: float,
    top_hpa: float,
    skew: float,
    margin: float = 0.04,
) -> tuple[float, float]:
    """Temperature limits [degC] of a skew-T frame that show every point of the sounding.

    On a skew-T a point at height fraction f (0 at ``bottom_hpa``, 1 at ``top_hpa``, in
    log p) is drawn at the frame fraction ``(T - xmin) / W + skew * f``, with
    W = xmax - xmin and ``skew`` = tan(rotation) * (frame height / frame width). A deep
    balloon sounding drifts out of MetPy's fixed -40..50 degC frame into the right margin
    (the stratosphere is far warmer than the skewed isotherms there); this finds the
    narrowest W (from 135 degC up) with a position of the frame holding every point.

    Parameters
    ----------
    pressure_hpa, temperature_c : ndarray
        The points [hPa], [degC] (NaN ignored).
    bottom_hpa, top_hpa : float
        Pressure at the bottom and top of the frame [hPa].
    skew : float
        tan(rotation) times the frame's height/width ratio.
    margin : float
        Free fraction kept on each side.

    Returns
    -------
    xmin, xmax : float
        Temperature at the bottom-left and bottom-right corners [degC].
    """
    ok = np.isfinite(pressure_hpa) & np.isfinite(temperature_c)
    if not ok.any():
        return -40.0, 50.0
    t = temperature_c[ok]
    f = np.log(bottom_hpa / pressure_hpa[ok]) / np.log(bottom_hpa / top_hpa)
    b = skew * np.clip(f, 0.0, 1.0)
    for width in np.arange(135.0, 1000.0, 5.0):
        low = np.max(t - (1.0 - margin - b) * width)  # xmin at least this
        high = np.min(t - (margin - b) * width)  # xmin at most this
        if low <= high:
            xmin = min(high, max(low, 0.5 * (low + high)))
            return float(xmin), float(xmin + width)
    return float(np.min(t) - 10.0), float(np.min(t) + 990.0)


def plot_profiles(profile: pd.DataFrame, path: str | Path, title: str) -> Path:
    """Temperature/dewpoint/theta, relative humidity, wind speed and direction vs altitude."""
    plt = _pyplot()
    profile = _decimate(profile)
    fig, axes = plt.subplots(1, 4, figsize=(16, 6), sharey=True)
    z = profile["altitude"].to_numpy(float) / 1000.0
    ax = axes[0]
    ax.plot(profile["temperature"] - 273.15, z, "r", lw=1, label="T")
    ax.plot(profile["dewpoint"] - 273.15, z, "g", lw=1, label="Td")
    ax.set_xlabel(_("temperature [degC]"))
    ax.set_ylabel(_("altitude [km]"))
    twin = ax.twiny()
    twin.plot(profile["potential_temperature"], z, "k", lw=0.8, alpha=0.6, label="theta")
    twin.set_xlabel(_("potential temperature [K]"))
    ax.legend(loc="lower left")
    axes[1].plot(profile["relative_humidity"], z, "b", lw=1)
    axes[1].set_xlabel(_("relative humidity [%]"))
    ax = axes[2]
    if "gps_wind_speed" in profile:
        ax.plot(profile["gps_wind_speed"], z, "k", lw=1, label=_("GPS drift"))
    reported = np.hypot(profile["eastward_wind"], profile["northward_wind"])
    if reported.notna().any():
        ax.plot(reported, z, "c", lw=1, label=_("reported"))
    if "model_wind_speed" in profile and profile["model_wind_speed"].notna().any():
        ax.plot(profile["model_wind_speed"], z, "m", lw=1, label=_("model (ERA5)"))
    ax.set_xlabel(_("wind speed [m/s]"))
    ax.legend(loc="lower right")
    ax = axes[3]
    if "wind_direction" in profile:
        ax.plot(profile["wind_direction"], z, "k.", ms=1.5)
    ax.set_xlim(0, 360)
    ax.set_xticks([0, 90, 180, 270, 360])
    ax.set_xlabel(_("wind from [deg]"))
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, Path(path))


def plot_ascent_rate(
    ascent: pd.DataFrame, rate: np.ndarray, bands: pd.DataFrame, path: str | Path, title: str
) -> Path:
    """Vertical rate against altitude with band means, and the anomaly."""
    plt = _pyplot()
    step = max(1, int(np.ceil(len(ascent) / MAX_POINTS)))
    ascent, rate = ascent.iloc[::step], np.asarray(rate)[::step]
    fig, axes = plt.subplots(1, 2, figsize=(11, 6), sharey=True)
    z = ascent["altitude"].to_numpy(float) / 1000.0
    axes[0].plot(rate, z, ".", ms=1.5, alpha=0.5, label=_("40 s centred dz/dt"))
    if not bands.empty:
        mid = (bands["altitude_band_bottom_m"] + 500.0) / 1000.0
        axes[0].plot(bands["ascent_rate_mean_ms"], mid, "o-", color="k", label=_("1 km mean"))
    axes[0].set_xlabel(_("ascent rate [m/s]"))
    axes[0].set_ylabel(_("altitude [km]"))
    axes[0].legend()
    ok = np.isfinite(rate)
    if ok.sum() > 3:
        trend = np.polyval(np.polyfit(z[ok], rate[ok], 2), z)
        axes[1].plot(rate - trend, z, ".", ms=1.5, alpha=0.5)
    axes[1].axvline(0, color="k", lw=0.8)
    axes[1].set_xlabel(_("ascent-rate anomaly [m/s] (vertical air motion + drag changes)"))
    for ax in axes:
        ax.grid(alpha=0.3)
    fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, Path(path))


def plot_track_map(
    profile: pd.DataFrame,
    points: dict[str, tuple[float, float]],
    path: str | Path,
    title: str,
    prediction: pd.DataFrame | None = None,
) -> Path:
    """Draw the track (coloured by altitude) and the prediction over the basemap.

    The basemap (:mod:`terrain.basemap`) has the coastline, a scale bar and a north arrow.
    """
    plt = _pyplot()
    profile = _decimate(profile)
    fig, ax = plt.subplots(figsize=(8, 7))
    lat = profile["latitude"].to_numpy(float)
    lon = profile["longitude"].to_numpy(float)
    drawn = ax.scatter(lon, lat, c=profile["altitude"] / 1000.0, s=3, cmap="viridis")
    fig.colorbar(drawn, ax=ax, label=_("altitude [km]"))
    if prediction is not None and not prediction.empty:
        ax.plot(prediction["longitude"], prediction["latitude"], "r--", lw=1.2,
                label=_("prediction"))  # fmt: skip
    for index, (label, (plat, plon)) in enumerate(points.items()):
        ax.plot(plon, plat, "k^" if "predicted" not in label else "rx", ms=8)
        # Alternate label offsets so labels of nearby points (landing, predicted landing)
        # do not print over each other.
        offset = (5, 5) if index % 2 == 0 else (5, -12)
        ax.annotate(label, (plon, plat), textcoords="offset points", xytext=offset, fontsize=8)
    all_lat = [lat, [p[0] for p in points.values()]]
    all_lon = [lon, [p[1] for p in points.values()]]
    if prediction is not None and not prediction.empty:
        all_lat.append(prediction["latitude"].to_numpy(float))
        all_lon.append(prediction["longitude"].to_numpy(float))
    draw_basemap(ax, map_extent(np.concatenate(all_lat), np.concatenate(all_lon), pad=0.15))
    ax.ticklabel_format(useOffset=False)
    ax.grid(alpha=0.3)
    if prediction is not None and not prediction.empty:
        ax.legend()
    ax.set_title(title)
    fig.tight_layout()
    return _save(fig, Path(path))
