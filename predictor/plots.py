"""Pictures and KML of ensembles and launch-window studies (matplotlib, Agg backend).

Writers for the planning results: an ensemble map (basemap of :mod:`terrain.basemap`:
coastline, scale bar, north arrow; member tracks and landings, 50 %/95 % ellipses, launch,
zones), a KML of the
members, and for studies a map of landing points coloured by launch time, a day x hour
heat map of the safe-landing probability, and a month x hour climatology heat map.
Synthetic inputs are labelled SYNTHETIC in every title.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from localization import _
from predictor.zones import Zone
from terrain.basemap import draw_basemap, map_extent

if TYPE_CHECKING:
    from predictor.ensemble import EnsembleResult
    from predictor.planner import PlanResult
    from weather.protocol import Atmosphere

__all__ = [
    "plot_climatology",
    "plot_ensemble_map",
    "plot_plan_heatmap",
    "plot_plan_landings",
    "write_ensemble_kml",
]


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _zones(ax, zones: Sequence[Zone]) -> None:
    for z in zones:
        geoms = getattr(z.geometry, "geoms", [z.geometry])
        for g in geoms:
            x, y = g.exterior.xy
            ax.fill(x, y, facecolor="#d62728", alpha=0.15, edgecolor="#d62728", lw=1.2, zorder=2)
        c = z.geometry.representative_point()
        ax.annotate(z.name, (c.x, c.y), color="#a01010", fontsize=8, ha="center", zorder=6)


def _title(ax, text: str, synthetic: bool) -> None:
    ax.set_title((_("SYNTHETIC data: ") if synthetic else "") + text, fontsize=10)


def plot_ensemble_map(
    ensemble: EnsembleResult,
    path: str | Path,
    atmosphere: Atmosphere | None = None,
    zones: Sequence[Zone] = (),
) -> Path:
    """Write a PNG map of an ensemble: coastline, tracks, landings, ellipses, launch, zones."""
    plt = _pyplot()
    p = ensemble.prediction
    s = ensemble.statistics
    lat_all = [p.landing.latitude, p.launch.latitude]
    lon_all = [p.landing.longitude, p.launch.longitude]
    tracks = []
    if any(st.n_points.max() > 2 for st in p.stages):
        for i in range(p.n_members):
            tr = p.trajectory(i)
            tracks.append((tr["longitude"], tr["latitude"]))
            lat_all.append(tr["latitude"])
            lon_all.append(tr["longitude"])
    for e in s.ellipses:
        la, lo = e.polygon()
        lat_all.append(la)
        lon_all.append(lo)
    extent = map_extent(np.concatenate(lat_all), np.concatenate(lon_all))
    fig, ax = plt.subplots(figsize=(8, 7), dpi=110)
    draw_basemap(ax, extent)
    for x, y in tracks:
        ax.plot(x, y, color="#1f77b4", lw=0.4, alpha=0.35, zorder=2)
    ax.scatter(
        p.landing.longitude,
        p.landing.latitude,
        s=8,
        color="#1f4e9c",
        zorder=4,
        label=f"landings ({s.n_landed} of {s.n_members} members)",
    )
    for e, style in zip(s.ellipses, ("-", "--", ":"), strict=False):
        la, lo = e.polygon()
        ax.plot(
            lo,
            la,
            style,
            color="#d4a017",
            lw=2,
            zorder=5,
            label=f"{e.probability:.0%} ellipse ({e.semi_major / 1000:.1f} x "
            f"{e.semi_minor / 1000:.1f} km)",
        )
    ax.plot(
        s.mean_longitude,
        s.mean_latitude,
        "P",
        color="#d4a017",
        ms=10,
        mec="k",
        zorder=6,
        label=_("mean landing"),
    )
    ax.plot(
        p.launch.longitude[0],
        p.launch.latitude[0],
        "^",
        color="#2ca02c",
        ms=11,
        mec="k",
        zorder=6,
        label=_("launch"),
    )
    _zones(ax, zones)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    sea = s.sea_probability
    sea_text = "" if sea is None else f", P(sea) = {sea:.0%}"
    _title(
        ax,
        f"Ensemble of {s.n_members} members{sea_text}",
        bool(p.synthetic),
    )
    ax.legend(loc="best", fontsize=8, framealpha=0.85)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def write_ensemble_kml(ensemble: EnsembleResult, path: str | Path) -> Path:
    """Write a KML: member landings (and tracks when recorded), mean landing, ellipses.

    Written by the one track-document writer (:mod:`predictor.writers.track_document`).
    """
    from predictor.writers.track_document import Area, Placemark, Track, TrackDocument, write_kml

    p = ensemble.prediction
    s = ensemble.statistics
    synthetic = " (SYNTHETIC data)" if p.synthetic else ""
    recorded = any(st.n_points.max() > 2 for st in p.stages)
    tracks, points = [], []
    for i in range(p.n_members):
        if p.status[i] != "landed":
            continue
        points.append(Placemark(
            f"member {i}", float(p.landing.latitude[i]), float(p.landing.longitude[i]),
            float(p.landing.altitude[i]), float(p.landing.time[i]), str(p.surface[i]),
            style="member", folder="members",
        ))  # fmt: skip
        if recorded:
            tr = p.trajectory(i)
            tracks.append(Track(
                f"track {i}", tr["latitude"], tr["longitude"], tr["altitude"], tr["time"],
                style="member_track", folder="members",
            ))  # fmt: skip
    points.append(Placemark("mean landing", float(s.mean_latitude), float(s.mean_longitude)))
    areas = [Area(f"{e.probability:.0%} ellipse", *e.polygon()) for e in s.ellipses]
    title = f"Stratoflight ensemble, {s.n_members} members{synthetic}"
    return write_kml(TrackDocument(title, tracks=tracks, placemarks=points, areas=areas), path)


def plot_plan_landings(
    plan: PlanResult,
    path: str | Path,
    atmosphere: Atmosphere | None = None,
    synthetic: bool = False,
) -> Path:
    """Landing points of every slot, coloured by launch time, over the coastline."""
    import matplotlib.dates as mdates

    plt = _pyplot()
    land = plan.landings
    st = plan.settings
    lat = land["latitude"].to_numpy(float)
    lon = land["longitude"].to_numpy(float)
    fig, ax = plt.subplots(figsize=(8, 7), dpi=110)
    if np.isfinite(lat).any():
        extent = map_extent(np.append(lat, st.latitude), np.append(lon, st.longitude))
        draw_basemap(ax, extent)
        when = mdates.date2num(land["launch_time"].dt.tz_convert(None).to_numpy())
        sc = ax.scatter(lon, lat, c=when, s=6, cmap="viridis", zorder=3)
        bar = fig.colorbar(sc, ax=ax, shrink=0.8)
        bar.set_label("launch time (UTC)")
        locator = mdates.AutoDateLocator()
        bar.ax.yaxis.set_major_locator(locator)
        bar.ax.yaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
    _zones(ax, st.zones)
    ax.plot(
        st.longitude, st.latitude, "^", color="#d62728", ms=11, mec="k", zorder=5, label=_("launch")
    )
    _title(ax, f"Landings of {len(plan.slots)} launch slots x {st.n_members} member(s)", synthetic)
    ax.legend(loc="best", fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def _heatmap(table, path: Path, title: str, ylabel: str, yticklabels: list[str]) -> Path:
    plt = _pyplot()
    height = min(max(3.0, 0.22 * len(table) + 1.5), 30.0)
    fig, ax = plt.subplots(figsize=(max(6.0, 0.35 * table.shape[1] + 3), height), dpi=110)
    im = ax.imshow(
        table.to_numpy(float),
        aspect="auto",
        cmap="RdYlGn",
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
    )
    ax.set_xticks(range(table.shape[1]), [f"{int(h):02d}" for h in table.columns])
    step = max(1, len(yticklabels) // 40)
    ax.set_yticks(range(0, len(yticklabels), step), yticklabels[::step])
    ax.set_xlabel(_("launch hour (UTC)"))
    ax.set_ylabel(ylabel)
    bar = fig.colorbar(im, ax=ax)
    bar.set_label("probability of a safe landing")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_plan_heatmap(plan: PlanResult, path: str | Path, synthetic: bool = False) -> Path:
    """Calendar heat map of the safe-landing probability by day and UTC hour.

    Up to 60 days: one row per day. Longer studies: days along the x axis (a strip per
    launch hour), so years of launches stay readable.
    """
    import pandas as pd

    t = plan.slots["launch_time"]
    frame = pd.DataFrame(
        {
            "day": t.dt.tz_convert(None).dt.normalize(),
            "hour": t.dt.hour,
            "p": plan.slots["safe_probability"].astype(float),
        }
    )
    table = frame.pivot_table(index="day", columns="hour", values="p", aggfunc="mean")
    title = (_("SYNTHETIC data: ") if synthetic else "") + _(
        "Safe-landing probability by day and hour"
    )
    if len(table) <= 60:
        labels = [d.strftime("%Y-%m-%d") for d in table.index]
        return _heatmap(table, Path(path), title, "day", labels)
    import matplotlib.dates as mdates

    plt = _pyplot()
    full = table.reindex(pd.date_range(table.index.min(), table.index.max(), freq="D"))
    x0, x1 = mdates.date2num(full.index[0]), mdates.date2num(full.index[-1]) + 1.0
    fig, ax = plt.subplots(figsize=(12, 1.2 + 0.35 * full.shape[1]), dpi=110)
    im = ax.imshow(
        full.to_numpy(float).T,
        aspect="auto",
        cmap="RdYlGn",
        vmin=0.0,
        vmax=1.0,
        interpolation="nearest",
        extent=(x0, x1, full.shape[1] - 0.5, -0.5),
    )
    ax.set_yticks(range(full.shape[1]), [f"{int(h):02d}" for h in full.columns])
    locator = mdates.AutoDateLocator()
    ax.xaxis.set_major_locator(locator)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.set_ylabel(_("launch hour (UTC)"))
    fig.colorbar(im, ax=ax, pad=0.01).set_label("P(safe landing)")
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    path = Path(path)
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_climatology(plan: PlanResult, path: str | Path, synthetic: bool = False) -> Path:
    """Month x hour heat map of the mean safe-landing probability over every year."""
    from predictor.planner import climatology_table

    table = climatology_table(plan.slots)
    names = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    years = plan.slots["launch_time"].dt.year
    span = f"{years.min()}-{years.max()}" if len(years) else ""
    title = (
        _("SYNTHETIC data: ") if synthetic else ""
    ) + f"Climatology {span}: mean safe-landing probability"
    return _heatmap(table, Path(path), title, "month", [names[int(m) - 1] for m in table.index])
