"""Describe atmosphere files (or the built-in sample) for people and scripts.

:func:`describe_files` and :func:`describe_sample` return JSON-ready dictionaries (what
``strato weather info --json`` prints); :func:`describe_rows` turns one described entry into
plain ``(what, value)`` text rows (what ``strato weather info`` shows as a table).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

__all__ = ["COMBINED_LABEL", "describe_files", "describe_rows", "describe_sample"]

#: The ``path`` shown for the description of several files read together.
COMBINED_LABEL = "all files combined"


def describe_files(paths: Sequence[str | Path]) -> dict[str, Any]:
    """Describe each file, and the combined domain when several files are given.

    Parameters
    ----------
    paths : sequence of str or Path
        Atmosphere files (ERA5 NetCDF/GRIB, GFS GRIB, zip); the format is found by content.

    Returns
    -------
    dict
        ``files``: one entry per dataset (a zip may hold several), each with ``path``,
        ``format`` (as :func:`weather.file_sniffing.sniff_format` names it) and the keys of
        :func:`weather.canonical.describe_canonical`. With more than one path also
        ``combined`` (the description of all files read together) or, when they do not
        combine, ``combined_error`` (why not).

    Raises
    ------
    FileNotFoundError
        When a path is not an existing file.
    ValueError
        When a file is not a NetCDF, GRIB or zip file of a supported layout.
    """
    from weather.atmosphere_files import load_canonical, read_any
    from weather.canonical import describe_canonical
    from weather.file_sniffing import sniff_format

    files = [Path(p) for p in paths]
    described = []
    for path in files:
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such file")
        kind = sniff_format(path)
        for ds in read_any(path, load=False):
            try:
                entry = {"path": str(path), "format": kind, **describe_canonical(ds)}
            finally:
                ds.close()
            described.append(entry)
    result: dict[str, Any] = {"files": described}
    if len(files) > 1:
        try:
            combined = load_canonical(files, load=False)
        except ValueError as exc:
            result["combined_error"] = str(exc)
        else:
            try:
                result["combined"] = describe_canonical(combined)
            finally:
                combined.close()
    return result


def describe_sample() -> dict[str, Any]:
    """Describe the built-in SYNTHETIC sample atmosphere, with its launch site.

    Returns
    -------
    dict
        ``files``: one entry with ``path`` ``"built-in sample"``, ``format``
        ``"generated"``, the keys of :func:`weather.canonical.describe_canonical` and
        ``launch_site`` (``latitude_deg`` [degree_north], ``longitude_deg`` [degree_east],
        ``name``).
    """
    from weather.canonical import describe_canonical
    from weather.sample_atmosphere import SAMPLE_LAUNCH_SITE, build_sample_dataset

    entry = {
        "path": "built-in sample",
        "format": "generated",
        **describe_canonical(build_sample_dataset()),
    }
    entry["launch_site"] = {
        "latitude_deg": SAMPLE_LAUNCH_SITE.latitude,
        "longitude_deg": SAMPLE_LAUNCH_SITE.longitude,
        "name": SAMPLE_LAUNCH_SITE.name,
    }
    return {"files": [entry]}


def _area_text(area: dict[str, Any]) -> str:
    text = (
        f"lat {area['lat_min_deg']:g}..{area['lat_max_deg']:g} deg N, "
        f"lon {area['lon_min_deg']:g}..{area['lon_max_deg']:g} deg E"
    )
    if area["global"]:
        text += " (global)"
    if area["crosses_antimeridian"]:
        text += " (crosses the antimeridian)"
    if area["lat_step_deg"] and area["lon_step_deg"]:
        text += f", grid {area['lat_step_deg']:g} x {area['lon_step_deg']:g} deg"
    return text


def describe_rows(entry: dict[str, Any]) -> list[tuple[str, str]]:
    """Say in plain text what one described dataset holds, one ``(what, value)`` per row.

    Parameters
    ----------
    entry : dict
        One entry of :func:`describe_files` or :func:`describe_sample` (or their
        ``combined`` description).

    Returns
    -------
    list of (str, str)
        Rows ``data`` (only for SYNTHETIC data), ``source``, ``format`` (when known),
        ``area``, ``times`` and ``levels`` (when the data have them), ``variables`` (with
        units), ``ensemble members`` and ``surface``. Degrees, hours, hPa and km appear in
        the text with their units.
    """
    rows: list[tuple[str, str]] = []
    if entry.get("synthetic"):
        rows.append(("data", "SYNTHETIC (made-up fields, not real weather)"))
    rows.append(("source", entry["source"]))
    if "format" in entry:
        rows.append(("format", entry["format"]))
    rows.append(("area", _area_text(entry["area"])))
    if "times" in entry:
        t = entry["times"]
        steps = ", ".join(f"{s:g}" for s in t["step_hours"]) or "-"
        rows.append(("times", f"{t['start']} .. {t['end']} ({t['count']}, step {steps} h)"))
    if "levels_hpa" in entry:
        levels = entry["levels_hpa"]
        text = f"{len(levels)}: {levels[0]:g} .. {levels[-1]:g} hPa"
        if entry.get("top_altitude_m") is not None:
            text += f", top ~{entry['top_altitude_m'] / 1000:.1f} km"
        rows.append(("levels", text))
    rows.append(("variables", ", ".join(f"{k} [{v}]" for k, v in entry["variables"].items())))
    rows.append(("ensemble members", str(entry["ensemble_members"])))
    surface = entry["surface_fields"]
    present = [
        name
        for name, ok in (
            ("orography", surface["orography"]),
            ("land-sea mask", surface["land_sea_mask"]),
        )
        if ok
    ]
    rows.append(
        (
            "surface",
            ", ".join(present) if present else "none (ground at sea level, land/sea unknown)",
        )
    )
    return rows
