"""``strato weather info``: describe atmosphere files (or the built-in sample)."""

from __future__ import annotations

from pathlib import Path

import typer

from stratoflight.errors import UserError, user_errors

__all__ = ["register"]


def _describe_files(files: list[Path]) -> dict:
    """Per-file descriptions, plus the combined domain when several files are given."""
    from weather.canonical import describe_canonical
    from weather.file_sniffing import sniff_format
    from weather.open_atmosphere import load_canonical, read_any

    described = []
    for path in files:
        if not path.is_file():
            raise UserError(f"{path}: no such file")
        kind = sniff_format(path)
        for ds in read_any(path, load=False):
            try:
                entry = {"path": str(path), "format": kind, **describe_canonical(ds)}
            finally:
                ds.close()
            described.append(entry)
    result: dict = {"files": described}
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


def _print_human(result: dict) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    entries = list(result["files"])
    if "combined" in result:
        entries.append({"path": "all files combined", **result["combined"]})
    for entry in entries:
        table = Table(title=str(entry.get("path", "")), show_header=False, title_justify="left")
        table.add_column("what", style="bold")
        table.add_column("value")
        if entry.get("synthetic"):
            table.add_row("data", "[bold yellow]SYNTHETIC[/] (made-up fields, not real weather)")
        table.add_row("source", escape(entry["source"]))
        if "format" in entry:
            table.add_row("format", entry["format"])
        a = entry["area"]
        table.add_row(
            "area",
            f"lat {a['lat_min_deg']:g}..{a['lat_max_deg']:g} deg N, "
            f"lon {a['lon_min_deg']:g}..{a['lon_max_deg']:g} deg E"
            + (" (global)" if a["global"] else "")
            + (" (crosses the antimeridian)" if a["crosses_antimeridian"] else "")
            + (
                f", grid {a['lat_step_deg']:g} x {a['lon_step_deg']:g} deg"
                if a["lat_step_deg"] and a["lon_step_deg"]
                else ""
            ),
        )
        if "times" in entry:
            t = entry["times"]
            steps = ", ".join(f"{s:g}" for s in t["step_hours"]) or "-"
            table.add_row("times", f"{t['start']} .. {t['end']} ({t['count']}, step {steps} h)")
        if "levels_hpa" in entry:
            levels = entry["levels_hpa"]
            table.add_row(
                "levels",
                f"{len(levels)}: {levels[0]:g} .. {levels[-1]:g} hPa"
                + (
                    f", top ~{entry['top_altitude_m'] / 1000:.1f} km"
                    if entry.get("top_altitude_m") is not None
                    else ""
                ),
            )
        table.add_row(
            "variables",
            escape(", ".join(f"{k} [{v}]" for k, v in entry["variables"].items())),
        )
        table.add_row("ensemble members", str(entry["ensemble_members"]))
        s = entry["surface_fields"]
        present = [
            n
            for n, ok in (("orography", s["orography"]), ("land-sea mask", s["land_sea_mask"]))
            if ok
        ]
        table.add_row(
            "surface",
            ", ".join(present) if present else "none (ground at sea level, land/sea unknown)",
        )
        console.print(table)
    if "combined_error" in result:
        console.print(f"[bold red]files do not combine:[/] {escape(result['combined_error'])}")


def register(app: typer.Typer) -> None:
    """Add ``info`` to the ``strato weather`` group."""

    @app.command("info")
    def info(
        files: list[Path] = typer.Argument(  # noqa: B008 - Typer declares options this way
            None, help="Atmosphere files (ERA5 NetCDF/GRIB, GFS GRIB, zip); format by content."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print JSON for scripts."),
        sample: bool = typer.Option(
            False, "--sample", help="Describe the built-in SYNTHETIC sample atmosphere."
        ),
    ) -> None:
        """Describe atmosphere files: area, times, levels, variables, source, members."""
        import json

        with user_errors():
            if sample == bool(files):
                raise UserError("give atmosphere FILE(s) or --sample (exactly one of them)")
            if sample:
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
                result = {"files": [entry]}
            else:
                result = _describe_files(list(files))
            if as_json:
                typer.echo(json.dumps(result, indent=2))
            else:
                _print_human(result)
