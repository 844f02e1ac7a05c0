"""One self-contained HTML page that reads like a report.

Headline figures first (top/burst, tropopauses, stability indices with their parcel and
unit, precipitable water, landing and its error against the prediction), then tables of
the flight's other products, the plots embedded as base64 PNG, what could not be computed
and why, and the raw ``summary.json`` folded away at the end. Every text for people goes
through :mod:`localization` (the page declares its language; numbers and times are the
people's); ``summary.json`` itself stays English, SI and UTC.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from analysis.landing_place import describe_place
from localization import (
    N_,
    _,
    current_language,
    format_number,
    format_position,
    format_time,
    parse_time,
)

__all__ = ["label", "write_html_report"]

_STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em;color:#222}"
    "table{border-collapse:collapse;margin:0.3em 0 1em}td,th{border:1px solid #ccc;"
    "padding:3px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}"
    "td.num{text-align:right;font-variant-numeric:tabular-nums}img{max-width:100%}"
    ".synthetic{color:#b00;font-weight:bold}.note{color:#555}"
    "pre{background:#f6f6f6;padding:8px;overflow-x:auto}summary{cursor:pointer}"
    ".headline td.num{font-size:1.15em;font-weight:bold}"
)

#: Unit suffix of a summary key -> unit shown to people.
_UNITS = (
    ("_delta_c", "°C"), ("_hpa", "hPa"), ("_j_kg", "J/kg"), ("_mm", "mm"), ("_ms", "m/s"),
    ("_deg", "°"), ("_m", "m"), ("_s", "s"), ("_c", "°C"), ("_k", "K"), ("_percent", "%"),
    ("_kg_m3", "kg/m³"), ("_km", "km"),
)  # fmt: skip

_TROPOPAUSE_NAMES = {
    "wmo_first": N_("first tropopause (WMO lapse rate)"),
    "wmo_second": N_("second tropopause (WMO lapse rate)"),
    "cold_point": N_("cold-point tropopause"),
}

_PARCEL_NAMES = {
    "surface": N_("surface parcel"),
    "mixed_layer_500m": N_("500 m mixed-layer parcel"),
    "most_unstable": N_("most-unstable parcel"),
}


def label(key: str) -> str:
    """People's label of a summary key: words, and the unit in brackets.

    >>> label("burst_altitude_error_m")
    'burst altitude error [m]'
    """
    for suffix, unit in _UNITS:
        if key.endswith(suffix):
            return f"{_words(key[: -len(suffix)])} [{unit}]"
    return _words(key)


#: Words of the summary keys people read in the tables (the source's own index names, under
#: "What the source itself reports", stay as the source wrote them).
KEY_WORDS = frozenset(
    (
        N_("altitude"),
        N_("ascent"),
        N_("ascent rate mean"),
        N_("ascent rate median"),
        N_("burst"),
        N_("burst altitude error"),
        N_("count"),
        N_("date"),
        N_("date known"),
        N_("datetime"),
        N_("descent"),
        N_("descent density exponent"),
        N_("descent rate mean"),
        N_("dewpoint top"),
        N_("duration"),
        N_("end"),
        N_("error"),
        N_("files"),
        N_("fit"),
        N_("float"),
        N_("gps jumps"),
        N_("gps window"),
        N_("in flight predictions"),
        N_("input"),
        N_("k index"),
        N_("kind"),
        N_("landing"),
        N_("landing error"),
        N_("landing note"),
        N_("latitude"),
        N_("launch"),
        N_("levels used"),
        N_("longitude"),
        N_("mean"),
        N_("median"),
        N_("mixed layer 500m cape"),
        N_("mixed layer 500m cin"),
        N_("mixed layer 500m el pressure"),
        N_("mixed layer 500m lcl pressure"),
        N_("mixed layer 500m lcl temperature"),
        N_("mixed layer 500m lfc pressure"),
        N_("mixed layer 500m lifted index"),
        N_("most unstable cape"),
        N_("most unstable cin"),
        N_("most unstable el pressure"),
        N_("most unstable lcl pressure"),
        N_("most unstable lcl temperature"),
        N_("most unstable lfc pressure"),
        N_("most unstable lifted index"),
        N_("name"),
        N_("notes"),
        N_("observation time"),
        N_("observed descent"),
        N_("off track"),
        N_("omitted"),
        N_("outside flight segment"),
        N_("pfotzer"),
        N_("precipitable water"),
        N_("precipitable water surface to 500hpa"),
        N_("pressure"),
        N_("published by source"),
        N_("published indices"),
        N_("removed"),
        N_("reported tropopause"),
        N_("rows read"),
        N_("rows used"),
        N_("samples"),
        N_("sea level descent rate fit"),
        N_("sea level descent rate median"),
        N_("showalter index"),
        N_("source format"),
        N_("stability"),
        N_("start"),
        N_("station"),
        N_("surface cape"),
        N_("surface cin"),
        N_("surface el pressure"),
        N_("surface lcl pressure"),
        N_("surface lcl temperature"),
        N_("surface lfc pressure"),
        N_("surface lifted index"),
        N_("synthetic"),
        N_("temperature"),
        N_("time of day utc"),
        N_("total totals"),
        N_("tropopause"),
        N_("tropopause method"),
        N_("verification"),
        N_("wind source"),
        N_("winds"),
    )
)


def _words(key: str) -> str:
    """Return the words of a key, translated when :data:`KEY_WORDS` lists them."""
    words = key.replace("_", " ")
    return _(words) if words in KEY_WORDS else words


def _cell(value) -> str:
    if value is None:
        return "<td>—</td>"
    if isinstance(value, bool):
        return "<td>" + (_("yes") if value else _("no")) + "</td>"
    if isinstance(value, int | float):
        return f"<td class='num'>{html.escape(_number(value))}</td>"
    if isinstance(value, dict):
        return f"<td>{_table(value)}</td>"
    if isinstance(value, list):
        return f"<td>{_list(value)}</td>"
    return f"<td>{html.escape(str(value))}</td>"


def _table(data: dict, css: str = "") -> str:
    """Two-column table of a dict (nested dicts and lists as nested tables)."""
    if not data:
        return "<span class='note'>" + html.escape(_("none")) + "</span>"
    rows = "".join(
        f"<tr><th>{html.escape(label(str(k)))}</th>{_cell(v)}</tr>" for k, v in data.items()
    )
    return f"<table class='{css}'>{rows}</table>"


def _list(items: list) -> str:
    """Render a list of dicts as one table, a column per key; other lists comma-joined."""
    if not items:
        return "<span class='note'>" + html.escape(_("none")) + "</span>"
    if all(isinstance(item, dict) for item in items):
        columns = list(dict.fromkeys(k for item in items for k in item))
        head = "".join(f"<th>{html.escape(label(c))}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(_cell(item.get(c)) for c in columns) + "</tr>" for item in items
        )
        return f"<table><tr>{head}</tr>{body}</table>"
    return html.escape(", ".join(str(item) for item in items))


def _number(value: float) -> str:
    """Write a summary figure as ``:g`` does, in the people's number format."""
    if isinstance(value, int):
        return format_number(value, 0, grouping=False)
    if value != value or value in (float("inf"), float("-inf")):
        return format_number(value)
    shown = f"{value:g}"
    if "e" in shown:
        return shown
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    return format_number(value, decimals, grouping=False)


def _h2(text: str) -> str:
    return f"<h2>{html.escape(text)}</h2>"


def _when(point: dict | None) -> str | None:
    if not point:
        return None
    if point.get("time_of_day_utc"):
        return _("{time} UTC ({date})").format(
            time=point["time_of_day_utc"], date=point.get("date", _("date unknown"))
        )
    when = point.get("datetime")
    if not when:
        return None
    try:
        return format_time(parse_time(str(when)).utc, seconds=True)
    except ValueError:
        return str(when)


def _headline(summary: dict) -> list[tuple[str, str, str]]:
    """Return the (what, value, note) rows of the headline table."""
    rows: list[tuple[str, str, str]] = []
    burst = summary.get("burst") or {}
    if burst:
        observed = burst.get("observed_descent")
        what = _("burst") if observed else _("top of the record")
        value = f"{format_number(burst['altitude_m'], 0, grouping=True)} m"
        if burst.get("pressure_hpa") is not None:
            value += f", {_number(burst['pressure_hpa'])} hPa"
        rows.append((what, value, _when(burst) or ""))
    for entry in summary.get("tropopause", []):
        value = (
            f"{format_number(entry['altitude_m'], 0, grouping=True)} m, "
            f"{_number(entry['temperature_c'])} °C"
        )
        if entry.get("pressure_hpa") is not None:
            value = f"{_number(entry['pressure_hpa'])} hPa, " + value
        name = _TROPOPAUSE_NAMES.get(entry["kind"])
        rows.append((_(name) if name else entry["kind"], value,
                     _("method {method}").format(
                         method=summary.get("tropopause_method", ""))))  # fmt: skip
    if not summary.get("tropopause"):
        rows.append((_("tropopause"), _("none found"), _("the record may not reach it")))
    stability = summary.get("stability") or {}
    for key, name, note in (
        ("k_index_c", N_("K index"), N_("from 850, 700 and 500 hPa")),
        ("total_totals_delta_c", N_("total totals"), N_("from 850 and 500 hPa")),
        ("showalter_index_delta_c", N_("Showalter index"), N_("850 hPa parcel")),
    ):
        if key in stability:
            rows.append((_(name), f"{format_number(stability[key], 1)} °C", _(note)))
    for parcel, name in _PARCEL_NAMES.items():
        if f"{parcel}_cape_j_kg" in stability:
            cape = stability[f"{parcel}_cape_j_kg"]
            cin = stability.get(f"{parcel}_cin_j_kg", float("nan"))
            value = f"CAPE {format_number(cape, 0)} J/kg, CIN {format_number(cin, 0)} J/kg"
            note = []
            if f"{parcel}_lifted_index_delta_c" in stability:
                note.append(
                    _("lifted index {value} °C").format(
                        value=format_number(stability[f"{parcel}_lifted_index_delta_c"], 1)
                    )
                )
            if f"{parcel}_lcl_pressure_hpa" in stability:
                note.append(f"LCL {format_number(stability[f'{parcel}_lcl_pressure_hpa'], 0)} hPa")
            rows.append((_(name), value, "; ".join(note)))
    for key, name in (
        ("precipitable_water_mm", N_("precipitable water, whole sounding")),
        ("precipitable_water_surface_to_500hpa_mm", N_("precipitable water, surface to 500 hPa")),
    ):
        if key in stability:
            rows.append((_(name), f"{format_number(stability[key], 1)} mm", ""))
    landing = summary.get("landing")
    if landing and landing.get("latitude_deg") is not None:
        rows.append((_("landing"),
                     format_position(landing["latitude_deg"], landing["longitude_deg"]),
                     _when(landing) or ""))  # fmt: skip
        place = describe_place(landing)
        if place:
            rows.append(
                (_("land or sea"), place, _("from the coastline; bearing to the shore"))
            )
    verification = summary.get("verification") or {}
    predicted = describe_place(verification.get("landing_predicted") or {})
    if predicted:
        rows.append(
            (_("predicted landing, land or sea"), predicted, _("from the prediction"))
        )
    if verification.get("landing_error_m") is not None:
        rows.append((_("landing error against the prediction"),
                     f"{format_number(verification['landing_error_m'] / 1000.0, 1)} km",
                     verification.get("landing_note", "")))  # fmt: skip
    elif verification.get("landing_note"):
        rows.append((_("landing error against the prediction"), "—",
                     verification["landing_note"]))  # fmt: skip
    return rows


def _stability_table(stability: dict) -> str:
    """Parcels as columns, figures as rows."""
    figures = (
        ("lcl_pressure_hpa", N_("LCL [hPa]")), ("lcl_temperature_c", N_("LCL temperature [°C]")),
        ("lfc_pressure_hpa", N_("LFC [hPa]")), ("el_pressure_hpa", N_("EL [hPa]")),
        ("cape_j_kg", "CAPE [J/kg]"), ("cin_j_kg", "CIN [J/kg]"),
        ("lifted_index_delta_c", N_("lifted index [°C]")),
    )  # fmt: skip
    head = "".join(f"<th>{html.escape(_(n))}</th>" for n in _PARCEL_NAMES.values())
    body = ""
    for key, name in figures:
        cells = "".join(_cell(stability.get(f"{parcel}_{key}")) for parcel in _PARCEL_NAMES)
        body += f"<tr><th>{html.escape(_(name))}</th>{cells}</tr>"
    return "<table><tr><th>" + html.escape(_("figure")) + f"</th>{head}</tr>{body}</table>"


def write_html_report(summary: dict, images: dict[str, Path], path: str | Path) -> Path:
    """Write the report page.

    Parameters
    ----------
    summary : dict
        The ``summary.json`` content.
    images : dict
        Caption (English, translated here) -> PNG path; each is embedded
        (``data:image/png;base64``). The page declares the people's language (``lang``).
    path : str or Path
        Output HTML file.
    """
    name = summary.get("name", "")
    title = html.escape(_("Flight report: {name}").format(name=name))
    lang = current_language()
    parts = [f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
             f"<title>{title}</title>",
             f"<style>{_STYLE}</style></head><body><h1>{title}</h1>"]  # fmt: skip
    if summary.get("synthetic"):
        parts.append(
            "<p class='synthetic'>" + html.escape(_("SYNTHETIC DATA: not a real flight.")) + "</p>"
        )
    source = _("Source: {format}").format(format=summary.get("source_format"))
    if summary.get("input"):
        source += f", {summary['input']}"
    rows_text = _("Rows read {read}, used {used}.").format(
        read=summary.get("rows_read"), used=summary.get("rows_used")
    )
    parts.append(f"<p class='note'>{html.escape(source)}. {html.escape(rows_text)}</p>")
    if not summary.get("date_known", True):
        note = _("Date unknown: the source gives times of day only (UTC).")
        parts.append(f"<p class='note'>{html.escape(note)}</p>")
    for note in summary.get("notes", []):
        parts.append(f"<p class='note'>{html.escape(str(note))}</p>")

    rows = "".join(
        f"<tr><th>{html.escape(what)}</th><td class='num'>{html.escape(value)}</td>"
        f"<td class='note'>{html.escape(note)}</td></tr>"
        for what, value, note in _headline(summary)
    )
    parts.append(_h2(_("Headline")) + f"<table class='headline'>{rows}</table>")

    stability = summary.get("stability") or {}
    if any(k.endswith("_j_kg") for k in stability):
        parts.append(_h2(_("Parcels")) + _stability_table(stability))
    published = summary.get("published_by_source") or {}
    if published:
        parts.append(_h2(_("What the source itself reports")) + _table(published))

    flight = {
        key: summary[key]
        for key in ("launch", "burst", "landing", "ascent_rate_mean_ms", "descent", "float",
                    "pfotzer", "winds", "removed")
        if key in summary and summary[key] not in (None, {}, [])
    }  # fmt: skip
    flight.update({k: v for k, v in summary.items() if k.startswith("ascent_rate")})
    parts.append(_h2(_("Flight")) + _table(flight))
    if summary.get("verification"):
        parts.append(
            _h2(_("Prediction against the flight")) + _table(summary["verification"])
        )

    for key, image in images.items():
        caption = _(key)
        encoded = base64.b64encode(Path(image).read_bytes()).decode("ascii")
        parts.append(
            f"<h2>{html.escape(caption)}</h2>"
            f"<img alt='{html.escape(caption)}' src='data:image/png;base64,{encoded}'>"
        )
    omitted = stability.get("omitted") or {}
    if omitted:
        items = "".join(
            f"<li>{html.escape(label(k))}: {html.escape(str(v))}</li>" for k, v in omitted.items()
        )
        parts.append(_h2(_("Not computed, and why")) + f"<ul>{items}</ul>")
    if summary.get("files"):
        parts.append(
            _h2(_("Files")) + "<p>" + html.escape(", ".join(summary["files"])) + "</p>"
        )
    raw = html.escape(json.dumps(summary, indent=1, default=str))
    heading = html.escape(_("Raw summary (summary.json, English keys, SI units, UTC)"))
    parts.append(f"<details><summary>{heading}</summary><pre>{raw}</pre>"
                 "</details></body></html>")  # fmt: skip
    path = Path(path)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
