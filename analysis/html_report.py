"""One self-contained HTML page: the summary figures and every plot embedded as base64 PNG."""

from __future__ import annotations

import base64
import html
import json
from pathlib import Path

from localization import _, current_language

__all__ = ["write_html_report"]

_STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:auto;padding:1em}"
    "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:left;vertical-align:top}img{max-width:100%}.synthetic{color:#b00;"
    "font-weight:bold}pre{background:#f6f6f6;padding:8px;overflow-x:auto}"
)


def _rows(summary: dict) -> str:
    out = []
    for key, value in summary.items():
        if isinstance(value, dict | list):
            shown = f"<pre>{html.escape(json.dumps(value, indent=1, default=str))}</pre>"
        else:
            shown = html.escape(str(value))
        out.append(f"<tr><th>{html.escape(key)}</th><td>{shown}</td></tr>")
    return "\n".join(out)


def write_html_report(summary: dict, images: dict[str, Path], path: str | Path) -> Path:
    """Write the report page.

    Parameters
    ----------
    summary : dict
        The ``summary.json`` content.
    images : dict
        Caption (English, translated here for people) -> PNG path; each is embedded
        (``data:image/png;base64``). The page declares the people's language (``lang``).
    path : str or Path
        Output HTML file.
    """
    title = html.escape(_("Flight report: {name}").format(name=summary.get("name", "")))
    lang = current_language()
    parts = [f"<!DOCTYPE html><html lang='{lang}'><head><meta charset='utf-8'>"
             f"<title>{title}</title>",
             f"<style>{_STYLE}</style></head><body><h1>{title}</h1>"]  # fmt: skip
    if summary.get("synthetic"):
        parts.append(
            f"<p class='synthetic'>{html.escape(_('SYNTHETIC DATA: not a real flight.'))}</p>"
        )
    parts.append(
        f"<p>{html.escape(_('Figures are SI; times in the table are UTC.'))}</p>"
        f"<h2>{html.escape(_('Summary'))}</h2><table>{_rows(summary)}</table>"
    )
    for key, image in images.items():
        caption = _(key)
        encoded = base64.b64encode(Path(image).read_bytes()).decode("ascii")
        parts.append(
            f"<h2>{html.escape(caption)}</h2>"
            f"<img alt='{html.escape(caption)}' src='data:image/png;base64,{encoded}'>"
        )
    parts.append("</body></html>")
    path = Path(path)
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
