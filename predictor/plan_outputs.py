"""The products of a launch-window study: CSV tables, JSON document and plots.

``strato plan --out DIR`` writes these; the command line only checks the arguments and
prints. Files written into the folder:

- ``plan.csv``: one row per launch slot, ranked (``launch_time`` ISO UTC);
- ``landings.csv``: one row per member landing;
- ``plan.json``: the study document (:meth:`PlanResult.to_dict` plus
  ``synthetic_atmosphere``);
- ``landings.png`` (landing points coloured by launch time) and
  ``safe_probability_by_day_hour.png`` (calendar heat map), when any slot was flown;
- ``climatology_month_hour.png`` and ``.csv`` in climatology mode.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from predictor.ensemble_outputs import to_json_text

__all__ = ["plan_document", "uses_climatology", "write_plan_outputs"]

_ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


def uses_climatology(result: Any, requested: bool = False) -> bool:
    """Whether the study is shown as a month x hour climatology.

    It is when asked for, and always when the flown launches span two or more years.
    """
    if requested:
        return True
    years = result.slots["launch_time"].dt.year.nunique() if len(result.slots) else 0
    return years >= 2


def plan_document(result: Any, *, climatology: bool, synthetic: bool) -> dict[str, Any]:
    """Return the study's document ``{"plan": {...}}`` with ``synthetic_atmosphere`` set."""
    document = result.to_dict(climatology=climatology)
    document["plan"]["synthetic_atmosphere"] = synthetic
    return document


def _with_iso_times(table: Any) -> Any:
    copy = table.copy()
    copy["launch_time"] = copy["launch_time"].dt.strftime(_ISO_FORMAT)
    return copy


def write_plan_outputs(
    result: Any,
    out: Path,
    document: dict[str, Any],
    *,
    atmosphere: Any = None,
    synthetic: bool = False,
    climatology: bool = False,
) -> list[Path]:
    """Write the study's tables, JSON and plots into the folder ``out`` (created if needed).

    Parameters
    ----------
    result : predictor.planner.PlanResult
        The study.
    out : Path
        The folder.
    document : dict
        The JSON document (see :func:`plan_document`).
    atmosphere : Atmosphere, optional
        Not needed any more: the landing map's coastline comes from :mod:`terrain.basemap`
        (kept so callers need not change; to be removed with them).
    synthetic : bool
        Whether the winds were the SYNTHETIC sample (the plots say so).
    climatology : bool
        Also write the month x hour table and plot.

    Returns
    -------
    list of Path
        The files written.
    """
    from predictor.planner import climatology_table
    from predictor.plots import plot_climatology, plot_plan_heatmap, plot_plan_landings

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    written = [out / "plan.csv", out / "landings.csv", out / "plan.json"]
    _with_iso_times(result.slots).to_csv(written[0], index=False)
    _with_iso_times(result.landings).to_csv(written[1], index=False)
    written[2].write_text(to_json_text(document), encoding="utf-8")
    if len(result.slots):
        written.append(plot_plan_landings(result, out / "landings.png", atmosphere, synthetic))
        written.append(
            plot_plan_heatmap(result, out / "safe_probability_by_day_hour.png", synthetic)
        )
        if climatology:
            written.append(plot_climatology(result, out / "climatology_month_hour.png", synthetic))
            table_path = out / "climatology_month_hour.csv"
            climatology_table(result.slots).to_csv(table_path)
            written.append(table_path)
    return written
