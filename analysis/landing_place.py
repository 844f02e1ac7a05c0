"""Land or sea under a flown landing, and how far out and which way the shore is.

The high-resolution coastline decides (:func:`predictor.landing_surface.landing_surface`,
the one home for it); the report shows it in the headline and ``summary.json`` carries it
as ``landing.surface``, ``landing.coast_distance_m`` and ``landing.coast_bearing_deg``.
"""

from __future__ import annotations

import math
from typing import Any

from predictor.landing_surface import describe_landing_surface, landing_surface

__all__ = ["describe_place", "landing_place"]


def _number(value: float, digits: int) -> float | None:
    return round(float(value), digits) if math.isfinite(value) else None


def landing_place(point: dict[str, Any], atmosphere: Any = None) -> dict[str, Any]:
    """Surface fields of a landing point (``latitude_deg``, ``longitude_deg`` [deg]).

    Returns
    -------
    dict
        ``surface`` (land / sea / unknown), ``coast_distance_m`` [m] and
        ``coast_bearing_deg`` [degree from true north, from the landing to the shore] (None
        unless at sea), ``surface_source`` (what decided).
    """
    lat, lon = point.get("latitude_deg"), point.get("longitude_deg")
    if lat is None or lon is None:
        return {"surface": "unknown", "coast_distance_m": None, "coast_bearing_deg": None}
    shore = landing_surface(atmosphere, [lat], [lon])
    return {
        "surface": str(shore.surface[0]),
        "coast_distance_m": _number(shore.coast_distance_m[0], 1),
        "coast_bearing_deg": _number(shore.coast_bearing_deg[0], 1),
        "surface_source": shore.source,
    }


def describe_place(point: dict[str, Any]) -> str | None:
    """Say where a landing is: "at sea, 2.8 km from the coast, bearing 63°" or "on land".

    The bearing points from the landing to the nearest shore; None without a surface.
    """
    if not point or "surface" not in point:
        return None
    text = describe_landing_surface(
        point["surface"], point.get("coast_distance_m"), point.get("coast_bearing_deg")
    )
    return text.removeprefix("lands ")  # a flown landing: "at sea, ...", "on land"
