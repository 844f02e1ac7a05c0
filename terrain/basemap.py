"""The one basemap of every map: coastline, scale bar and north arrow.

The coastline comes from :func:`terrain.land_geometry`.
Used by every PNG map (``strato predict --out map.png``, the ensemble and plan maps, the
report's track map) and, as GeoJSON, by the map app of ``strato serve``. Matplotlib is
imported by the callers' figures, not here at import time.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from localization import _

__all__ = [
    "LAND_COLOUR",
    "SEA_COLOUR",
    "add_north_arrow",
    "add_scale_bar",
    "draw_basemap",
    "land_geojson",
    "map_extent",
    "nice_length",
]

#: Fill of land and of the sea on every map.
LAND_COLOUR = "#efe6d2"
SEA_COLOUR = "#dbe9f6"
COAST_COLOUR = "#555555"


def map_extent(
    latitude: Any, longitude: Any, pad: float = 0.3, min_span_deg: float = 0.2
) -> tuple[float, float, float, float]:
    """Return a box ``(west, east, south, north)`` [deg] around points, padded.

    Parameters
    ----------
    latitude, longitude : array_like
        Points [deg]; NaNs ignored. Longitudes -180..180.
    pad : float
        Margin as a fraction of the span on each side.
    min_span_deg : float
        Smallest span used for the margin [deg], so a single point gets a useful map.

    Raises
    ------
    ValueError
        When no point is finite.
    """
    lat = np.asarray(latitude, dtype=float).ravel()
    lon = np.asarray(longitude, dtype=float).ravel()
    good = np.isfinite(lat) & np.isfinite(lon)
    if not good.any():
        raise ValueError("no finite positions to draw a map of")
    lat, lon = lat[good], lon[good]
    la0, la1, lo0, lo1 = lat.min(), lat.max(), lon.min(), lon.max()
    dla = max(la1 - la0, min_span_deg) * pad + 0.02
    dlo = max(lo1 - lo0, min_span_deg) * pad + 0.02
    west, east, south, north = lo0 - dlo, lo1 + dlo, la0 - dla, la1 + dla
    # no strip maps: widen the short side to at least 3/4 of the long one (in km)
    shrink = max(math.cos(math.radians(0.5 * (south + north))), 0.05)
    tall, wide = north - south, (east - west) * shrink
    if tall < 0.75 * wide:
        grow = 0.5 * (0.75 * wide - tall)
        south, north = south - grow, north + grow
    elif wide < 0.75 * tall:
        grow = 0.5 * (0.75 * tall - wide) / shrink
        west, east = west - grow, east + grow
    return (
        float(max(west, -180.0)),
        float(min(east, 180.0)),
        float(max(south, -90.0)),
        float(min(north, 90.0)),
    )


def nice_length(metres: float) -> float:
    """Round a length down to 1, 2 or 5 times a power of ten [m] (for a scale bar)."""
    if not (metres > 0 and math.isfinite(metres)):
        raise ValueError(f"a scale bar needs a positive length, not {metres}")
    power = 10.0 ** math.floor(math.log10(metres))
    for step in (5.0, 2.0, 1.0):
        if step * power <= metres:
            return step * power
    return power


def _polygons(geometry: Any) -> list[Any]:
    if geometry.is_empty:
        return []
    return list(getattr(geometry, "geoms", [geometry]))


def draw_basemap(
    ax: Any,
    extent: tuple[float, float, float, float],
    *,
    labels: bool = True,
) -> bool:
    """Draw sea, land and coastline in ``extent``, then a scale bar and a north arrow.

    Sets the axes' limits and an aspect that keeps distances true at the middle latitude.
    Call it before plotting tracks (it draws at low z-order) or after; the limits stay.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes in longitude (x) and latitude (y) [deg].
    extent : (west, east, south, north)
        Box to show [deg].
    labels : bool
        Label the axes with their units.

    Returns
    -------
    bool
        True when the box holds some land (so a title may say "all sea" otherwise).
    """
    from matplotlib.patches import Polygon as PolygonPatch

    import terrain

    west, east, south, north = extent
    ax.set_facecolor(SEA_COLOUR)
    land = terrain.land_geometry(south, west, north, east)
    polygons = _polygons(land)
    for polygon in polygons:
        ax.add_patch(
            PolygonPatch(
                np.asarray(polygon.exterior.coords),
                closed=True,
                facecolor=LAND_COLOUR,
                edgecolor=COAST_COLOUR,
                linewidth=0.7,
                zorder=0.5,
            )
        )
        for hole in polygon.interiors:
            ax.add_patch(
                PolygonPatch(
                    np.asarray(hole.coords),
                    closed=True,
                    facecolor=SEA_COLOUR,
                    edgecolor=COAST_COLOUR,
                    linewidth=0.5,
                    zorder=0.6,
                )
            )
    ax.set_xlim(west, east)
    ax.set_ylim(south, north)
    middle = 0.5 * (south + north)
    ax.set_aspect(1.0 / max(math.cos(math.radians(middle)), 0.05))
    if labels:
        ax.set_xlabel(_("longitude [deg E]"))
        ax.set_ylabel(_("latitude [deg N]"))
    add_scale_bar(ax, extent)
    add_north_arrow(ax)
    return bool(polygons)


def add_scale_bar(ax: Any, extent: tuple[float, float, float, float]) -> float:
    """Draw a scale bar in the lower left, about a fifth of the map wide.

    Returns
    -------
    float
        The bar's length [m] (measured on the WGS84 ellipsoid along the bar's latitude).
    """
    from terrain import geodesy

    west, east, south, north = extent
    y = south + 0.06 * (north - south)
    x0 = west + 0.05 * (east - west)
    width_m, _ = geodesy.inverse(y, west, y, east)
    length = nice_length(float(width_m) / 5.0)
    _, x1 = geodesy.forward(y, x0, 90.0, length)
    x1 = float(np.asarray(x1))
    ax.plot([x0, x1], [y, y], color="black", linewidth=3, solid_capstyle="butt", zorder=20)
    for x in (x0, x1):
        ax.plot([x, x], [y - 0.008 * (north - south), y + 0.008 * (north - south)],
                color="black", linewidth=1, zorder=20)
    text = f"{length / 1000:g} km" if length >= 1000 else f"{length:g} m"
    ax.text(
        0.5 * (x0 + x1),
        y + 0.015 * (north - south),
        text,
        ha="center",
        va="bottom",
        fontsize=8,
        zorder=20,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
    )
    return length


def add_north_arrow(ax: Any) -> None:
    """Draw a north arrow in the upper right (north is up on these maps)."""
    ax.annotate(
        "N",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.84),
        xycoords="axes fraction",
        textcoords="axes fraction",
        ha="center",
        va="center",
        fontsize=11,
        fontweight="bold",
        arrowprops={"facecolor": "black", "width": 3, "headwidth": 10, "headlength": 10},
        zorder=20,
        bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 1},
    )


def land_geojson(south: float, west: float, north: float, east: float) -> dict[str, Any]:
    """Return the land in a box as a GeoJSON FeatureCollection (lon, lat) [deg].

    Simplified to about 1/2000 of the box's span, which keeps the shape at screen
    resolution and the answer small.
    """
    from shapely.geometry import mapping

    import terrain

    land = terrain.land_geometry(south, west, north, east)
    tolerance = max(north - south, east - west) / 2000.0
    if not land.is_empty:
        land = land.simplify(tolerance, preserve_topology=True)
    features = [
        {"type": "Feature", "geometry": mapping(polygon), "properties": {"kind": "land"}}
        for polygon in _polygons(land)
    ]
    return {
        "type": "FeatureCollection",
        "features": features,
        "properties": {"source": terrain.coastline_description()},
    }
