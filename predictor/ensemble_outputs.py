"""The products of an ensemble prediction: JSON document, member CSV, KML and map PNG.

``strato predict --ensemble N --out FILE...`` writes these; the command line only checks
the arguments and prints. The JSON document is :meth:`EnsembleResult.to_dict` plus the
notes the user should see with it (e.g. defaults taken, balloon computed).
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from localization import _

__all__ = [
    "ENSEMBLE_OUTPUT_SUFFIXES",
    "TRACK_OUTPUT_SUFFIXES",
    "coast_of",
    "ensemble_document",
    "ensemble_member_rows",
    "json_default",
    "needs_trajectories",
    "to_json_text",
    "unsupported_ensemble_outputs",
    "write_ensemble_output",
    "with_coast_distances",
    "write_ensemble_outputs",
]

#: File types an ensemble can be written to (chosen by the file name's extension).
ENSEMBLE_OUTPUT_SUFFIXES = (".png", ".kml", ".json", ".csv")

#: Outputs that need every member's trajectory (not only its landing point).
TRACK_OUTPUT_SUFFIXES = (".png", ".kml")


def json_default(value: Any) -> Any:
    """``json.dumps`` helper: numpy scalars become Python numbers."""
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def to_json_text(document: Mapping[str, Any], *, allow_nan: bool = True) -> str:
    """Return the document as indented JSON text (numpy scalars converted).

    Parameters
    ----------
    document : mapping
        An ensemble or plan document.
    allow_nan : bool
        False to refuse NaN/Infinity, which strict JSON readers reject.
    """
    return json.dumps(document, indent=2, allow_nan=allow_nan, default=json_default)


def unsupported_ensemble_outputs(paths: Iterable[Path]) -> list[Path]:
    """Return the paths among ``paths`` whose extension is not an ensemble product."""
    return [Path(p) for p in paths if Path(p).suffix.lower() not in ENSEMBLE_OUTPUT_SUFFIXES]


def needs_trajectories(paths: Iterable[Path]) -> bool:
    """Whether any of ``paths`` is a product drawing member trajectories (PNG, KML)."""
    return any(Path(p).suffix.lower() in TRACK_OUTPUT_SUFFIXES for p in paths)


def ensemble_document(ensemble: Any, notes: Sequence[str] = ()) -> dict[str, Any]:
    """Return the ensemble's JSON document (keys under ``ensemble``) plus the notes."""
    document = ensemble.to_dict()
    document["ensemble"]["notes"] = list(notes)
    return document


def coast_of(lat: float | None, lon: float | None) -> dict[str, Any] | None:
    """Return ``{distance_m, bearing_deg}`` from a point to the nearest shore (or None).

    ``distance_m`` is 0 on land, where ``bearing_deg`` is None; both None when no shore is
    within reach of the coastline search or the point is not finite.
    """
    import numpy as np

    from terrain import coast_distance

    if lat is None or lon is None or not (math.isfinite(lat) and math.isfinite(lon)):
        return None
    distance, bearing = coast_distance(np.array([lat]), np.array([lon]))
    d, b = float(np.ravel(distance)[0]), float(np.ravel(bearing)[0])
    if not math.isfinite(d):
        return None
    return {"distance_m": d, "bearing_deg": b if math.isfinite(b) else None}


def with_coast_distances(document: dict[str, Any], ensemble: Any) -> dict[str, Any]:
    """Add each member's distance to the shore and the mean landing's nearest shore.

    ``document`` is :func:`ensemble_document` of ``ensemble``; each member's ``landing``
    gains ``coast_distance_m`` [m] (None on land or unknown) and the document gains
    ``mean_landing_coast`` (see :func:`coast_of`). Returns ``document``, changed in place.
    """
    stats = document["ensemble"]
    coast = ensemble.prediction.coast_distance_m
    for member in stats.get("members", []):
        distance = None if coast is None else float(coast[member["member"]])
        member["landing"]["coast_distance_m"] = distance
    mean = stats.get("mean_landing") or {}
    stats["mean_landing_coast"] = coast_of(mean.get("latitude"), mean.get("longitude"))
    return document


def ensemble_member_rows(document: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One flat row per member: ``member``, ``landing_<key>`` columns, then the rest."""
    return [
        {
            "member": m["member"],
            **{f"landing_{k}": v for k, v in m["landing"].items()},
            **{k: v for k, v in m.items() if k not in ("member", "landing")},
        }
        for m in document["ensemble"]["members"]
    ]


def write_ensemble_output(
    ensemble: Any,
    path: Path,
    document: Mapping[str, Any],
    atmosphere: Any = None,
    zones: Sequence[Any] = (),
) -> Path:
    """Write one product of the ensemble, by the extension of ``path``.

    ``.png``: map of members, ellipses and launch (coastline, scale bar and north arrow of
    :mod:`terrain.basemap`; ``atmosphere`` is no longer needed for it); ``.kml``: members
    and landing points; ``.json``: the document; ``.csv``: one row per member.

    Raises
    ------
    ValueError
        When the extension is not one of :data:`ENSEMBLE_OUTPUT_SUFFIXES`.
    """
    from predictor.plots import plot_ensemble_map, write_ensemble_kml

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".png":
        plot_ensemble_map(ensemble, path, atmosphere, zones)
    elif suffix == ".kml":
        write_ensemble_kml(ensemble, path)
    elif suffix == ".json":
        path.write_text(to_json_text(document), encoding="utf-8")
    elif suffix == ".csv":
        import pandas as pd

        pd.DataFrame(ensemble_member_rows(document)).to_csv(path, index=False)
    else:
        raise ValueError(
            _("cannot write an ensemble to {path}: use one of the extensions {items}").format(
                path=path, items=", ".join(ENSEMBLE_OUTPUT_SUFFIXES)
            )
        )
    return path


def write_ensemble_outputs(
    ensemble: Any,
    paths: Iterable[Path],
    document: Mapping[str, Any],
    atmosphere: Any = None,
    zones: Sequence[Any] = (),
) -> list[Path]:
    """Write every product in ``paths`` (see :func:`write_ensemble_output`)."""
    return [write_ensemble_output(ensemble, p, document, atmosphere, zones) for p in paths]
