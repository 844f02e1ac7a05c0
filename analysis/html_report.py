"""One self-contained HTML page that reads like a report.

Headline figures first (top/burst, tropopauses, stability indices with their parcel and
unit, precipitable water, landing and its error against the prediction), then tables of
the flight's other products, the plots embedded as base64 PNG, what could not be computed
and why, and the raw ``summary.json`` folded away at the end. Plain English; the
localization package translates people-facing strings later.
"""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from analysis.landing_place import describe_place

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
    "wmo_first": "first tropopause (WMO lapse rate)",
    "wmo_second": "second tropopause (WMO lapse rate)",
    "cold_point": "cold-point tropopause",
}

_PARCEL_NAMES = {
    "surface": "surface parcel",
    "mixed_layer_500m": "500 m mixed-layer parcel",
    "most_unstable": "most-unstable parcel",
}


def label(key: str) -> str:
    """People's label of a summary key: words, and the unit in brackets.

    >>> label("burst_altitude_error_m")
    'burst altitude error [m]'
    """
    for suffix, unit in _UNITS:
        if key.endswith(suffix):
            return f"{key[: -len(suffix)].replace('_', ' ')} [{unit}]"
    return key.replace("_", " ")


def _cell(value) -> str:
    if value is None:
        return "<td>—</td>"
    if isinstance(value, bool):
        return f"<td>{'yes' if value else 'no'}</td>"
    if isinstance(value, int | float):
        return (
            f"<td class='num'>{value:g}</td>"
            if isinstance(value, float)
            else (f"<td class='num'>{value}</td>")
        )
    if isinstance(value, dict):
        return f"<td>{_table(value)}</td>"
    if isinstance(value, list):
        return f"<td>{_list(value)}</td>"
    return f"<td>{html.escape(str(value))}</td>"


def _table(data: dict, css: str = "") -> str:
    """Two-column table of a dict (nested dicts and lists as nested tables)."""
    if not data:
        return "<span class='note'>none</span>"
    rows = "".join(
        f"<tr><th>{html.escape(label(str(k)))}</th>{_cell(v)}</tr>" for k, v in data.items()
    )
    return f"<table class='{css}'>{rows}</table>"


def _list(items: list) -> str:
    """Render a list of dicts as one table, a column per key; other lists comma-joined."""
    if not items:
        return "<span class='note'>none</span>"
    if all(isinstance(item, dict) for item in items):
        columns = list(dict.fromkeys(k for item in items for k in item))
        head = "".join(f"<th>{html.escape(label(c))}</th>" for c in columns)
        body = "".join(
            "<tr>" + "".join(_cell(item.get(c)) for c in columns) + "</tr>" for item in items
        )
        return f"<table><tr>{head}</tr>{body}</table>"
    return html.escape(", ".join(str(item) for item in items))


def _when(point: dict | None) -> str | None:
    if not point:
        return None
    if point.get("time_of_day_utc"):
        return f"{point['time_of_day_utc']} UTC ({point.get('date', 'date unknown')})"
    return point.get("datetime")


def _headline(summary: dict) -> list[tuple[str, str, str]]:
    """Return the (what, value, note) rows of the headline table."""
    rows: list[tuple[str, str, str]] = []
    burst = summary.get("burst") or {}
    if burst:
        observed = burst.get("observed_descent")
        what = "burst" if observed else "top of the record"
        value = f"{burst['altitude_m']:,.0f} m"
        if burst.get("pressure_hpa") is not None:
            value += f", {burst['pressure_hpa']:g} hPa"
        rows.append((what, value, _when(burst) or ""))
    for entry in summary.get("tropopause", []):
        value = f"{entry['altitude_m']:,.0f} m, {entry['temperature_c']:g} °C"
        if entry.get("pressure_hpa") is not None:
            value = f"{entry['pressure_hpa']:g} hPa, " + value
        rows.append((_TROPOPAUSE_NAMES.get(entry["kind"], entry["kind"]), value,
                     f"method {summary.get('tropopause_method', '')}"))  # fmt: skip
    if not summary.get("tropopause"):
        rows.append(("tropopause", "none found", "the record may not reach it"))
    stability = summary.get("stability") or {}
    for key, name, note in (
        ("k_index_c", "K index", "from 850, 700 and 500 hPa"),
        ("total_totals_delta_c", "total totals", "from 850 and 500 hPa"),
        ("showalter_index_delta_c", "Showalter index", "850 hPa parcel"),
    ):
        if key in stability:
            rows.append((name, f"{stability[key]:.1f} °C", note))
    for parcel, name in _PARCEL_NAMES.items():
        if f"{parcel}_cape_j_kg" in stability:
            cape = stability[f"{parcel}_cape_j_kg"]
            cin = stability.get(f"{parcel}_cin_j_kg", float("nan"))
            value = f"CAPE {cape:.0f} J/kg, CIN {cin:.0f} J/kg"
            note = []
            if f"{parcel}_lifted_index_delta_c" in stability:
                note.append(f"lifted index {stability[f'{parcel}_lifted_index_delta_c']:.1f} °C")
            if f"{parcel}_lcl_pressure_hpa" in stability:
                note.append(f"LCL {stability[f'{parcel}_lcl_pressure_hpa']:.0f} hPa")
            rows.append((name, value, ", ".join(note)))
    for key, name in (
        ("precipitable_water_mm", "precipitable water, whole sounding"),
        ("precipitable_water_surface_to_500hpa_mm", "precipitable water, surface to 500 hPa"),
    ):
        if key in stability:
            rows.append((name, f"{stability[key]:.1f} mm", ""))
    landing = summary.get("landing")
    if landing and landing.get("latitude_deg") is not None:
        rows.append(("landing", f"{landing['latitude_deg']:.5f}, {landing['longitude_deg']:.5f}",
                     _when(landing) or ""))  # fmt: skip
        place = describe_place(landing)
        if place:
            rows.append(("land or sea", place, "from the coastline; bearing to the shore"))
    verification = summary.get("verification") or {}
    predicted = describe_place(verification.get("landing_predicted") or {})
    if predicted:
        rows.append(("predicted landing, land or sea", predicted, "from the prediction"))
    if verification.get("landing_error_m") is not None:
        rows.append(("landing error against the prediction",
                     f"{verification['landing_error_m'] / 1000.0:.1f} km",
                     verification.get("landing_note", "")))  # fmt: skip
    elif verification.get("landing_note"):
        rows.append(("landing error against the prediction", "—", verification["landing_note"]))
    return rows


def _stability_table(stability: dict) -> str:
    """Parcels as columns, figures as rows."""
    figures = (
        ("lcl_pressure_hpa", "LCL [hPa]"), ("lcl_temperature_c", "LCL temperature [°C]"),
        ("lfc_pressure_hpa", "LFC [hPa]"), ("el_pressure_hpa", "EL [hPa]"),
        ("cape_j_kg", "CAPE [J/kg]"), ("cin_j_kg", "CIN [J/kg]"),
        ("lifted_index_delta_c", "lifted index [°C]"),
    )  # fmt: skip
    head = "".join(f"<th>{html.escape(n)}</th>" for n in _PARCEL_NAMES.values())
    body = ""
    for key, name in figures:
        cells = "".join(_cell(stability.get(f"{parcel}_{key}")) for parcel in _PARCEL_NAMES)
        body += f"<tr><th>{html.escape(name)}</th>{cells}</tr>"
    return f"<table><tr><th>figure</th>{head}</tr>{body}</table>"


def write_html_report(summary: dict, images: dict[str, Path], path: str | Path) -> Path:
    """Write the report page.

    Parameters
    ----------
    summary : dict
        The ``summary.json`` content.
    images : dict
        Caption -> PNG path; each is embedded (``data:image/png;base64``).
    path : str or Path
        Output HTML file.
    """
    name = summary.get("name", "")
    title = html.escape(f"Flight report: {name}")
    parts = [f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title>",
             f"<style>{_STYLE}</style></head><body><h1>{title}</h1>"]  # fmt: skip
    if summary.get("synthetic"):
        parts.append("<p class='synthetic'>SYNTHETIC DATA: not a real flight.</p>")
    source = f"Source: {summary.get('source_format')}"
    if summary.get("input"):
        source += f", {summary['input']}"
    parts.append(f"<p class='note'>{html.escape(source)}. Rows read {summary.get('rows_read')}, "
                 f"used {summary.get('rows_used')}.</p>")  # fmt: skip
    if not summary.get("date_known", True):
        parts.append("<p class='note'>Date unknown: the source gives times of day only "
                     "(UTC).</p>")  # fmt: skip
    for note in summary.get("notes", []):
        parts.append(f"<p class='note'>{html.escape(str(note))}</p>")

    rows = "".join(
        f"<tr><th>{html.escape(what)}</th><td class='num'>{html.escape(value)}</td>"
        f"<td class='note'>{html.escape(note)}</td></tr>"
        for what, value, note in _headline(summary)
    )
    parts.append(f"<h2>Headline</h2><table class='headline'>{rows}</table>")

    stability = summary.get("stability") or {}
    if any(k.endswith("_j_kg") for k in stability):
        parts.append("<h2>Parcels</h2>" + _stability_table(stability))
    published = summary.get("published_by_source") or {}
    if published:
        parts.append("<h2>What the source itself reports</h2>" + _table(published))

    flight = {
        key: summary[key]
        for key in ("launch", "burst", "landing", "ascent_rate_mean_ms", "descent", "float",
                    "pfotzer", "winds", "removed")
        if key in summary and summary[key] not in (None, {}, [])
    }  # fmt: skip
    flight.update({k: v for k, v in summary.items() if k.startswith("ascent_rate")})
    parts.append("<h2>Flight</h2>" + _table(flight))
    if summary.get("verification"):
        parts.append("<h2>Prediction against the flight</h2>" + _table(summary["verification"]))

    for caption, image in images.items():
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
        parts.append(f"<h2>Not computed, and why</h2><ul>{items}</ul>")
    if summary.get("files"):
        parts.append("<h2>Files</h2><p>" + html.escape(", ".join(summary["files"])) + "</p>")
    raw = html.escape(json.dumps(summary, indent=1, default=str))
    parts.append(f"<details><summary>Raw summary (summary.json)</summary><pre>{raw}</pre>"
                 "</details></body></html>")  # fmt: skip
    path = Path(path)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
