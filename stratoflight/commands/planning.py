"""``strato burst`` and ``strato plan``, and the ensemble/balloon options of ``strato predict``.

A thin layer over ``predictor.burst``, ``predictor.ensemble``, ``predictor.planner`` and
``predictor.planner_dask``; heavy modules are imported inside the functions.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import typer

from stratoflight.errors import UserError, user_errors

__all__ = ["apply_balloon", "read_zones", "register", "run_ensemble"]

_ENSEMBLE_OUTPUTS = (".png", ".kml", ".json", ".csv")


def read_zones(path: Path | None) -> tuple[Any, ...]:
    """Zones from a GeoJSON file (``--avoid``), or none."""
    if path is None:
        return ()
    if not path.is_file():
        raise UserError(f"--avoid {path}: no such file (give a GeoJSON file of polygons)")
    from predictor.zones import parse_zones_geojson

    try:
        return tuple(parse_zones_geojson(path.read_text(encoding="utf-8")))
    except ValueError as exc:
        raise UserError(f"--avoid {path}: {exc}") from exc


def apply_balloon(
    kwargs: dict[str, Any],
    notes: list[str],
    balloon: str,
    payload: float | None,
    gas: str,
    neck_lift: float | None,
    ascent_rate: float,
    burst_altitude_given: bool,
) -> Any:
    """Replace ascent rate and burst altitude in ``predict`` kwargs by the burst calculator's.

    Returns the :class:`predictor.ensemble.FlightSpec` (it carries the balloon for the
    burst-diameter spread of ensembles).
    """
    from predictor.ensemble import FlightSpec

    if kwargs.get("profile", "standard") != "standard":
        raise UserError("--balloon works with the standard profile (ascent, burst, descent)")
    if payload is None:
        raise UserError("--balloon needs --payload KG (payload, parachute and train mass)")
    if burst_altitude_given:
        raise UserError(
            "give either --balloon (burst altitude computed) or --burst-altitude, not both"
        )
    launch_alt = kwargs.get("altitude") or 0.0
    flight = FlightSpec.from_balloon(
        balloon,
        payload,
        kwargs["descent_rate"],
        gas,
        ascent_rate=None if neck_lift is not None else ascent_rate,
        neck_lift=neck_lift,
        launch_altitude=launch_alt,
    )
    kwargs["ascent_rate"] = flight.ascent_rate
    kwargs["burst_altitude"] = flight.burst_altitude
    b = flight.burst
    notes.append(
        f"{b.balloon.name} with {b.payload_mass:g} kg payload, {b.gas}: neck lift "
        f"{b.neck_lift:.3f} kg, {b.gas_volume:.2f} m3 gas, ascent {b.ascent_rate:.2f} m/s, "
        f"burst {b.burst_altitude:.0f} m (burst calculator, USSA 1976)"
    )
    notes.extend(b.warnings)
    return flight


def run_ensemble(
    atmosphere: Any,
    kwargs: dict[str, Any],
    notes: list[str],
    out: list[Path],
    as_json: bool,
    n_members: int,
    seed: int | None,
    flight: Any = None,
    avoid: Path | None = None,
    recovery: tuple[float, float] | None = None,
) -> None:
    """``strato predict --ensemble N``: fly the ensemble, write outputs, print a summary."""
    from predictor.ensemble import FlightSpec, predict_ensemble

    if n_members < 2:
        raise UserError(f"--ensemble needs at least 2 members, got {n_members}")
    if kwargs.get("profile", "standard") != "standard":
        raise UserError("--ensemble works with the standard profile (ascent, burst, descent)")
    bad = [str(p) for p in out if p.suffix.lower() not in _ENSEMBLE_OUTPUTS]
    if bad:
        raise UserError(
            f"for an ensemble, --out takes {', '.join(_ENSEMBLE_OUTPUTS)}; "
            f"cannot write {', '.join(bad)}"
        )
    zones = read_zones(avoid)
    if flight is None:
        flight = FlightSpec(kwargs["ascent_rate"], kwargs["burst_altitude"], kwargs["descent_rate"])
    want_tracks = any(p.suffix.lower() in (".png", ".kml") for p in out)
    ens = predict_ensemble(
        atmosphere,
        kwargs["launch_time"],
        kwargs["latitude"],
        kwargs["longitude"],
        flight,
        n_members,
        altitude=kwargs.get("altitude"),
        seed=seed,
        zones=zones,
        recovery_point=recovery,
        step=kwargs.get("step", 60.0),
        model=kwargs.get("model", "stratoflight"),
        record_trajectory=want_tracks,
    )
    document = ens.to_dict()
    document["ensemble"]["notes"] = notes
    for path in out:
        _write_ensemble(ens, path, atmosphere, zones, document)
    if as_json:
        typer.echo(json.dumps(document, indent=2, allow_nan=False, default=_json_default))
    else:
        _print_ensemble(ens, notes)
        for path in out:
            typer.echo(f"wrote {path}")


def _json_default(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _write_ensemble(ens: Any, path: Path, atmosphere: Any, zones: Any, document: dict) -> None:
    from predictor.plots import plot_ensemble_map, write_ensemble_kml

    suffix = path.suffix.lower()
    if suffix == ".png":
        plot_ensemble_map(ens, path, atmosphere, zones)
    elif suffix == ".kml":
        write_ensemble_kml(ens, path)
    elif suffix == ".json":
        path.write_text(json.dumps(document, indent=2, default=_json_default), encoding="utf-8")
    else:
        import pandas as pd

        rows = [
            {
                "member": m["member"],
                **{f"landing_{k}": v for k, v in m["landing"].items()},
                **{k: v for k, v in m.items() if k not in ("member", "landing")},
            }
            for m in document["ensemble"]["members"]
        ]
        pd.DataFrame(rows).to_csv(path, index=False)


def _print_ensemble(ens: Any, notes: list[str]) -> None:
    from rich.console import Console
    from rich.markup import escape

    from predictor.landing_statistics import great_circle_distance

    console = Console()
    p, s = ens.prediction, ens.statistics
    if p.synthetic:
        console.print(
            "[bold yellow]SYNTHETIC[/] inputs (atmosphere and/or wind perturbations): "
            "not a forecast."
        )
    console.print(f"atmosphere: {escape(p.atmosphere_source)}", highlight=False)
    for note in notes:
        console.print(f"note: {escape(note)}", highlight=False)
    console.print(f"wind uncertainty: {escape(ens.draws.wind_description)}", highlight=False)
    console.print(
        f"[bold]Ensemble[/] of {s.n_members} members (seed {ens.seed}), {s.n_landed} landed"
    )
    d = float(
        great_circle_distance(
            p.launch.latitude[0], p.launch.longitude[0], s.mean_latitude, s.mean_longitude
        )
    )
    console.print(
        f"  mean landing  {s.mean_latitude:.5f} N {s.mean_longitude:.5f} E, "
        f"{d / 1000:.1f} km from launch",
        highlight=False,
    )
    for e in s.ellipses:
        console.print(
            f"  {e.probability:.0%} ellipse  {e.semi_major / 1000:.1f} x "
            f"{e.semi_minor / 1000:.1f} km, major axis {e.orientation:.0f} deg from "
            "north",
            highlight=False,
        )
    if s.sea_probability is None:
        console.print("  P(sea)        unknown (no land-sea data in the atmosphere)")
    else:
        console.print(f"  P(sea)        [bold]{s.sea_probability:.1%}[/]")
    for name, prob in s.zone_probabilities.items():
        console.print(f"  P({escape(name)})  {prob:.1%}", highlight=False)
    if s.recovery:
        r = s.recovery
        console.print(
            f"  recovery point: median {r['distance_median_m'] / 1000:.1f} km, 95 % "
            f"within {r['distance_p95_m'] / 1000:.1f} km",
            highlight=False,
        )


def _print_burst(estimate: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    e = estimate
    table = Table(
        title=f"{e.balloon.name} ({e.balloon.manufacturer}), {e.payload_mass:g} kg "
        f"payload, {e.gas}",
        show_header=False,
    )
    for label, value in (
        (
            "gas volume",
            f"{e.gas_volume:.3f} m3 ({e.gas_volume * 1000:.0f} L, "
            f"{e.gas_volume * 35.3147:.1f} ft3)",
        ),
        ("neck lift", f"{e.neck_lift:.3f} kg ({e.neck_lift * 1000:.0f} g)"),
        ("free lift", f"{e.free_lift:.3f} kg"),
        ("ascent rate", f"{e.ascent_rate:.2f} m/s"),
        ("launch diameter", f"{e.launch_diameter:.2f} m"),
        ("burst diameter", f"{e.burst_diameter:.2f} m"),
        ("burst altitude", f"{e.burst_altitude:.0f} m"),
        ("time to burst", f"{e.time_to_burst / 60:.0f} min"),
        ("method", f"{e.method} (air {e.air_density:.4f}, gas {e.gas_density:.4f} kg/m3)"),
    ):
        table.add_row(label, value)
    console = Console()
    console.print(table)
    for w in e.warnings:
        console.print(f"[yellow]warning[/]: {w}", highlight=False)
    console.print(f"balloon data: {e.balloon.source}", highlight=False)


def _parse_time(text: str, option: str):
    from stratoflight.commands.predict import parse_utc

    when, _ = parse_utc(text, option)
    return when


def register(app: typer.Typer) -> None:
    """Add ``strato burst`` and ``strato plan`` to the ``strato`` app."""

    @app.command()
    def burst(
        balloon: str = typer.Option(None, "--balloon", help="Balloon model, e.g. TA800, HW1000."),
        payload: float = typer.Option(
            None, "--payload", help="Payload mass (kg) (with parachute and train)."
        ),
        gas: str = typer.Option("helium", "--gas", help="helium | hydrogen."),
        ascent_rate: float | None = typer.Option(
            None, "--ascent-rate", help="Target ascent rate (m/s)."
        ),
        neck_lift: float | None = typer.Option(
            None, "--neck-lift", help="Measured neck lift (kg)."
        ),
        launch_altitude: float = typer.Option(
            0.0, "--launch-altitude", help="Launch altitude (m) (standard method)."
        ),
        method: str = typer.Option(
            "standard", "--method", help="standard (USSA 1976) | cusf (CUSF burst-calc constants)."
        ),
        list_balloons: bool = typer.Option(False, "--list", help="List the known balloons."),
        as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    ) -> None:
        """Burst calculator: gas volume, neck lift, ascent rate, burst altitude."""
        with user_errors():
            from predictor.balloons import BALLOONS
            from predictor.burst import estimate_burst

            if list_balloons:
                rows = [b.as_dict() for b in BALLOONS.values()]
                if as_json:
                    typer.echo(json.dumps({"balloons": rows}, indent=2))
                else:
                    for b in BALLOONS.values():
                        typer.echo(
                            f"{b.name:<8} {b.manufacturer:<7} {b.mass:5.2f} kg  burst "
                            f"diameter {b.burst_diameter:5.2f} m  Cd {b.drag_coefficient}"
                        )
                return
            if balloon is None or payload is None:
                raise UserError(
                    "give --balloon (e.g. TA800) and --payload KG; --list shows the balloons"
                )
            estimate = estimate_burst(
                balloon,
                payload,
                gas,
                ascent_rate=ascent_rate,
                neck_lift=neck_lift,
                launch_altitude=launch_altitude,
                method=method,
            )
            if as_json:
                typer.echo(json.dumps(estimate.as_dict(), indent=2))
            else:
                _print_burst(estimate)

    @app.command()
    def plan(
        winds: list[Path] | None = typer.Option(  # noqa: B008
            None,
            "--winds",
            help="ERA5 files (repeat); years of files give a climatology. "
            "Without it the built-in SYNTHETIC sample is used.",
        ),
        lat: float = typer.Option(..., "--lat", help="Launch latitude (deg N)."),
        lon: float = typer.Option(..., "--lon", help="Launch longitude (deg E)."),
        alt: float | None = typer.Option(
            None, "--alt", help="Launch altitude (m); default the ground."
        ),
        start: str = typer.Option(..., "--from", help="First launch, ISO 8601 UTC."),
        end: str = typer.Option(..., "--to", help="Last launch, ISO 8601 UTC."),
        every: float = typer.Option(6.0, "--every", help="Hours between launches."),
        ascent_rate: float = typer.Option(
            5.0, "--ascent-rate", help="Ascent rate (m/s) (with --balloon: the target)."
        ),
        burst_altitude: float | None = typer.Option(
            None, "--burst-altitude", help="Burst altitude (m) (default 30000)."
        ),
        descent_rate: float = typer.Option(
            5.0, "--descent-rate", help="Sea-level descent rate (m/s)."
        ),
        balloon: str | None = typer.Option(None, "--balloon", help="Balloon model (TA800...)."),
        payload: float | None = typer.Option(None, "--payload", help="Payload mass (kg)."),
        gas: str = typer.Option("helium", "--gas", help="helium | hydrogen."),
        neck_lift: float | None = typer.Option(None, "--neck-lift", help="Neck lift (kg)."),
        ensemble: int = typer.Option(
            1, "--ensemble", help="Members per launch (1 = deterministic)."
        ),
        seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same study)."),
        avoid: Path | None = typer.Option(  # noqa: B008
            None, "--avoid", help="GeoJSON polygons to avoid."
        ),
        max_distance: float | None = typer.Option(
            None, "--max-distance", help="Largest landing distance (km)."
        ),
        climatology: bool = typer.Option(
            False,
            "--climatology",
            help="Month x hour table (automatic when the launches span 2+ years).",
        ),
        workers: int = typer.Option(
            2, "--workers", help="Dask local worker processes; 0 = in this process."
        ),
        scheduler: str | None = typer.Option(
            None, "--scheduler", help="Existing Dask scheduler address (tcp://host:8786)."
        ),
        out: Path | None = typer.Option(  # noqa: B008
            None, "--out", help="Folder for CSV, JSON and plots."
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the study as JSON."),
    ) -> None:
        """Launch-window study: a launch every few hours, ranked by safe-landing probability."""
        with user_errors():
            _plan(
                winds,
                lat,
                lon,
                alt,
                start,
                end,
                every,
                ascent_rate,
                burst_altitude,
                descent_rate,
                balloon,
                payload,
                gas,
                neck_lift,
                ensemble,
                seed,
                avoid,
                max_distance,
                climatology,
                workers,
                scheduler,
                out,
                as_json,
            )


def _plan(
    winds,
    lat,
    lon,
    alt,
    start,
    end,
    every,
    ascent_rate,
    burst_altitude,
    descent_rate,
    balloon,
    payload,
    gas,
    neck_lift,
    ensemble,
    seed,
    avoid,
    max_distance,
    climatology,
    workers,
    scheduler,
    out,
    as_json,
) -> None:
    from predictor.ensemble import FlightSpec
    from predictor.planner import PlanSettings, launch_slots, plan_slots
    from predictor.planner_dask import describe_tasks, launch_time_margin, run_study, split_by_files

    t0, t1 = _parse_time(start, "--from"), _parse_time(end, "--to")
    slots = launch_slots(t0, t1, every)
    if balloon is not None:
        if payload is None:
            raise UserError("--balloon needs --payload KG")
        if burst_altitude is not None:
            raise UserError("give either --balloon or --burst-altitude, not both")
        flight = FlightSpec.from_balloon(
            balloon,
            payload,
            descent_rate,
            gas,
            ascent_rate=None if neck_lift is not None else ascent_rate,
            neck_lift=neck_lift,
            launch_altitude=alt or 0.0,
        )
    else:
        flight = FlightSpec(
            ascent_rate, 30000.0 if burst_altitude is None else burst_altitude, descent_rate
        )
    settings = PlanSettings(
        lat,
        lon,
        flight,
        altitude=alt,
        n_members=ensemble,
        seed=seed,
        zones=read_zones(avoid),
        max_distance=None if max_distance is None else max_distance * 1000.0,
    )
    atmosphere = None
    if winds:
        missing = [str(p) for p in winds if not p.is_file()]
        if missing:
            raise UserError(f"wind file(s) not found: {', '.join(missing)}")
        tasks = split_by_files(winds, slots, launch_time_margin(settings))
        if scheduler is None and workers > 0 and len(tasks) <= 1:
            workers = 0  # one task: starting a cluster would only cost time
        if not as_json:
            typer.echo(
                describe_tasks(tasks)
                + (
                    " (in this process)"
                    if workers == 0 and scheduler is None
                    else f" on Dask ({scheduler or f'local cluster, {workers} worker processes'})"
                ),
                err=True,
            )
        result = run_study(tasks, settings, workers=workers, scheduler=scheduler)
        synthetic = False
    else:
        from weather.sample_atmosphere import open_sample_atmosphere

        atmosphere = open_sample_atmosphere()
        typer.echo("no --winds: using the built-in SYNTHETIC sample atmosphere", err=True)
        result = plan_slots(atmosphere, slots, settings)
        synthetic = True
    years = result.slots["launch_time"].dt.year.nunique() if len(result.slots) else 0
    climatology = climatology or years >= 2
    document = result.to_dict(climatology=climatology)
    document["plan"]["synthetic_atmosphere"] = synthetic
    if out is not None:
        _write_plan(result, out, document, atmosphere, synthetic, climatology)
    if as_json:
        typer.echo(json.dumps(document, indent=2, default=_json_default))
    else:
        _print_plan(result, climatology, synthetic)
        if out is not None:
            typer.echo(f"wrote plan.csv, landings.csv, plan.json and plots to {out}")


def _write_plan(result, out: Path, document, atmosphere, synthetic, climatology) -> None:
    from predictor.planner import climatology_table
    from predictor.plots import plot_climatology, plot_plan_heatmap, plot_plan_landings

    out.mkdir(parents=True, exist_ok=True)
    slots = result.slots.copy()
    slots["launch_time"] = slots["launch_time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    slots.to_csv(out / "plan.csv", index=False)
    landings = result.landings.copy()
    landings["launch_time"] = landings["launch_time"].dt.strftime("%Y-%m-%dT%H:%M:%SZ")
    landings.to_csv(out / "landings.csv", index=False)
    (out / "plan.json").write_text(
        json.dumps(document, indent=2, default=_json_default), encoding="utf-8"
    )
    if len(result.slots):
        plot_plan_landings(result, out / "landings.png", atmosphere, synthetic)
        plot_plan_heatmap(result, out / "safe_probability_by_day_hour.png", synthetic)
        if climatology:
            plot_climatology(result, out / "climatology_month_hour.png", synthetic)
            climatology_table(result.slots).to_csv(out / "climatology_month_hour.csv")


def _print_plan(result, climatology: bool, synthetic: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    console = Console()
    if synthetic:
        console.print("[bold yellow]SYNTHETIC atmosphere[/]: made-up winds, not a forecast.")
    if not result.land_sea_known:
        console.print(
            "[yellow]note[/]: the data have no land-sea mask; the sea criterion was not applied"
        )
    table = Table(
        title=f"Best launch slots ({len(result.slots)} flown, "
        f"{result.settings.n_members} member(s) each)"
    )
    for col in (
        "rank",
        "launch (UTC)",
        "P(safe)",
        "P(sea)",
        "P(zone)",
        "mean landing",
        "distance (km)",
    ):
        table.add_column(col)
    for _, r in result.slots.head(15).iterrows():
        sea = "-" if not math.isfinite(r["sea_probability"]) else f"{r['sea_probability']:.0%}"
        table.add_row(
            str(r["rank"]),
            r["launch_time"].strftime("%Y-%m-%d %H:%M"),
            f"{r['safe_probability']:.0%}",
            sea,
            f"{r['zone_probability']:.0%}",
            f"{r['mean_landing_latitude']:.3f}, {r['mean_landing_longitude']:.3f}",
            f"{r['mean_distance_km']:.1f}",
        )
    console.print(table)
    if result.skipped:
        console.print(
            f"[yellow]{len(result.skipped)} slot(s) skipped[/] (no data), e.g. "
            f"{result.skipped[0]['launch_time']}: {result.skipped[0]['reason']}"
        )
    if climatology and len(result.slots):
        from predictor.planner import climatology_table

        clim = climatology_table(result.slots)
        best = clim.stack().dropna().sort_values(ascending=False).head(5)
        names = "Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec".split()
        console.print(
            "[bold]Best months and hours[/] (mean P(safe) over the years): "
            + ", ".join(f"{names[int(m) - 1]} {int(h):02d}Z {v:.0%}" for (m, h), v in best.items())
        )
