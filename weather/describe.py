"""Describe atmosphere files (or the built-in sample) for people and scripts.

:func:`describe_files` and :func:`describe_sample` return JSON-ready dictionaries (what
``strato weather info --json`` prints); :func:`describe_rows` turns one described entry into
plain ``(what, value)`` text rows (what ``strato weather info`` shows as a table).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from localization import N_, _, format_latitude, format_longitude, format_time, parse_time

__all__ = ["COMBINED_LABEL", "ROW_LABELS", "describe_files", "describe_rows", "describe_sample"]

#: The ``path`` shown for the description of several files read together.
COMBINED_LABEL = N_("all files combined")

#: The row keys of :func:`describe_rows`, marked for translation (shown with ``_()``).
ROW_LABELS = (
    N_("data"),
    N_("source"),
    N_("format"),
    N_("area"),
    N_("times"),
    N_("levels"),
    N_("variables"),
    N_("ensemble members"),
    N_("surface"),
)


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


def _degrees(value: float, writer) -> str:
    """``-88`` -> ``"88 W"``: degrees with the hemisphere letter (as ``:g`` would write them)."""
    shown = f"{abs(value):g}"
    decimals = len(shown.split(".")[1]) if "." in shown and "e" not in shown else 0
    return writer(value, decimals)


def _area_text(area: dict[str, Any]) -> str:
    text = _("lat {south} .. {north}, lon {west} .. {east}").format(
        south=_degrees(area["lat_min_deg"], format_latitude),
        north=_degrees(area["lat_max_deg"], format_latitude),
        west=_degrees(area["lon_min_deg"], format_longitude),
        east=_degrees(area["lon_max_deg"], format_longitude),
    )
    if area["global"]:
        text += " " + _("(global)")
    if area["crosses_antimeridian"]:
        text += " " + _("(crosses the antimeridian)")
    if area["lat_step_deg"] and area["lon_step_deg"]:
        text += ", " + _("grid {lat_step} x {lon_step} deg").format(
            lat_step=f"{area['lat_step_deg']:g}", lon_step=f"{area['lon_step_deg']:g}"
        )
    return text


def _people_time(text: str) -> str:
    """Show a UTC time of the description in the people's zone, naming the zone."""
    try:
        return format_time(parse_time(text).utc, seconds=True)
    except ValueError:
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
        Rows (keys in English; translate them with :data:`ROW_LABELS` for people)
        ``data`` (only for SYNTHETIC data), ``source``, ``format`` (when known),
        ``area``, ``times`` and ``levels`` (when the data have them), ``variables`` (with
        units), ``ensemble members`` and ``surface``. Degrees, hours, hPa and km appear in
        the text with their units.
    """
    rows: list[tuple[str, str]] = []
    if entry.get("synthetic"):
        rows.append(("data", _("SYNTHETIC (made-up fields, not real weather)")))
    rows.append(("source", entry["source"]))
    if "format" in entry:
        rows.append(("format", entry["format"]))
    rows.append(("area", _area_text(entry["area"])))
    if "times" in entry:
        t = entry["times"]
        steps = ", ".join(f"{s:g}" for s in t["step_hours"]) or "-"
        rows.append(
            (
                "times",
                _("{start} .. {end} ({count}, step {steps} h)").format(
                    start=_people_time(t["start"]),
                    end=_people_time(t["end"]),
                    count=t["count"],
                    steps=steps,
                ),
            )
        )
    if "levels_hpa" in entry:
        levels = entry["levels_hpa"]
        text = f"{len(levels)}: {levels[0]:g} .. {levels[-1]:g} hPa"
        if entry.get("top_altitude_m") is not None:
            text += ", " + _("top ~{km} km").format(km=f"{entry['top_altitude_m'] / 1000:.1f}")
        rows.append(("levels", text))
    rows.append(("variables", ", ".join(f"{k} [{v}]" for k, v in entry["variables"].items())))
    rows.append(("ensemble members", str(entry["ensemble_members"])))
    surface = entry["surface_fields"]
    present = [
        name
        for name, ok in (
            (_("orography"), surface["orography"]),
            (_("land-sea mask"), surface["land_sea_mask"]),
        )
        if ok
    ]
    rows.append(
        (
            "surface",
            ", ".join(present) if present else _("none (ground at sea level, land/sea unknown)"),
        )
    )
    return rows
