"""A PNG map of one predicted flight, drawn over the one basemap of :mod:`terrain.basemap`.

Coastline, scale bar and north arrow; the stages' tracks, burst, and the landing with land
or sea and its distance to the coast.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from localization import _
from predictor.result import PredictionResult, iso_utc

__all__ = ["write_png_map"]

_STAGE_COLOURS = {"ascent": "#d62728", "float": "#9467bd", "descent": "#1f77b4"}


def write_png_map(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member's flight as a PNG map.

    Parameters
    ----------
    result : PredictionResult
        The prediction.
    path : str or Path
        Output ``.png`` file.
    member : int
        Which member to draw.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from terrain.basemap import draw_basemap, map_extent

    track = result.trajectory(member)
    extent = map_extent(track["latitude"], track["longitude"])
    fig, ax = plt.subplots(figsize=(8, 7), dpi=110)
    try:
        draw_basemap(ax, extent)
        for stage in result.stages:
            _t, lat, lon, _alt = stage.member_arrays(member)
            ax.plot(lon, lat, color=_STAGE_COLOURS.get(stage.stage, "#333333"), lw=2,
                    zorder=3, label=stage.stage)
        launch = result.launch
        ax.plot(launch.longitude[member], launch.latitude[member], "^", color="#2ca02c",
                ms=11, mec="k", zorder=6, label=_("launch"))
        burst = result.burst
        if np.isfinite(burst.latitude[member]):
            ax.plot(burst.longitude[member], burst.latitude[member], "*", color="#d62728",
                    ms=13, mec="k", zorder=6,
                    label=f"burst {burst.altitude[member]:.0f} m")
        landed = result.status[member] == "landed"
        title = "Predicted flight"
        if landed:
            doc = result.to_dict(member)["landing"]
            surface = doc["surface"]
            ax.plot(result.landing.longitude[member], result.landing.latitude[member], "o",
                    color="#1f4e9c" if surface == "sea" else "#2e8b57", ms=11, mec="k",
                    zorder=6, label=f"landing ({surface})")
            coast = doc.get("coast_distance_m")
            where = "" if coast is None or coast == 0 else f", {coast / 1000:.1f} km from the coast"
            land = result.landing
            title += (
                f": lands on {surface.upper()}{where}\n{iso_utc(land.time[member])}"
                f"  {land.latitude[member]:.4f} N {land.longitude[member]:.4f} E"
            )
        else:
            title += f": no landing ({result.status[member]})"
        if result.synthetic:
            title = "SYNTHETIC atmosphere (not a forecast). " + title
        ax.set_title(title, fontsize=10)
        ax.legend(loc="best", fontsize=8, framealpha=0.85)
        ax.grid(alpha=0.3)
        fig.tight_layout()
        fig.savefig(Path(path))
    finally:
        plt.close(fig)
