"""``strato burst`` and ``strato plan``, and the printed summary of ``strato predict --ensemble``.

A thin layer: the options are checked with :mod:`stratoflight.options`, the work is done by
``predictor.burst``, ``predictor.planner``, ``predictor.planner_dask`` and
``predictor.plan_outputs``; heavy modules are imported inside the functions.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import typer

from localization import (
    N_,
    _,
    format_number,
    format_position,
    format_time,
    parse_time,
    people_zone_name,
)
from stratoflight.errors import UserError, user_errors
from stratoflight.options import (
    SAMPLE_NOTICE,
    check_positive,
    check_wind_files,
    flight_spec_from_options,
    open_winds,
    read_zones,
)

__all__ = ["balloon_notes", "print_ensemble", "register"]

#: Month names for people (the climatology line).
MONTHS = (
    N_("Jan"),
    N_("Feb"),
    N_("Mar"),
    N_("Apr"),
    N_("May"),
    N_("Jun"),
    N_("Jul"),
    N_("Aug"),
    N_("Sep"),
    N_("Oct"),
    N_("Nov"),
    N_("Dec"),
)

#: Lifting gases for people.
_GASES = {"helium": N_("helium"), "hydrogen": N_("hydrogen")}


def _gas(name: str) -> str:
    return _(_GASES[name]) if name in _GASES else name


def _short(value: float) -> str:
    """Return a mass (or similar) for people: no decimals when whole, else one or two."""
    number = float(value)
    if number.is_integer():
        return format_number(number, 0)
    return format_number(number, 1 if round(number, 1) == number else 2)


def balloon_notes(flight: Any) -> list[str]:
    """Describe what the burst calculator made of the balloon options, for the user."""
    b = flight.burst
    return [
        _(
            "{balloon} with {payload} kg payload, {gas}: neck lift {neck_lift} kg, {volume} m3 "
            "gas, ascent {ascent} m/s, burst {burst} m (burst calculator, USSA 1976)"
        ).format(
            balloon=b.balloon.name,
            payload=_short(b.payload_mass),
            gas=_gas(b.gas),
            neck_lift=format_number(b.neck_lift, 3),
            volume=format_number(b.gas_volume, 2),
            ascent=format_number(b.ascent_rate, 2),
            burst=format_number(b.burst_altitude, 0),
        ),
        *b.warnings,
    ]


def print_ensemble(ens: Any, notes: list[str], atmosphere_synthetic: bool | None = None) -> None:
    """Print the summary of an ensemble prediction (mean landing, ellipses, P(sea)...).

    ``atmosphere_synthetic`` says whether the *atmosphere* is made up (then the whole
    result is titled SYNTHETIC); synthetic wind perturbations on real data are a model of
    the forecast's uncertainty and are named on the "wind uncertainty" line instead.
    """
    from rich.markup import escape

    from predictor.landing_statistics import NEAR_SHORE_DISTANCE_M
    from stratoflight.commands.predict import warning_lines
    from stratoflight.people_texts import people_text, print_notes, print_synthetic
    from stratoflight.terminal import output_console
    from terrain import geodesy

    console = output_console()
    p, s = ens.prediction, ens.statistics
    made_up = p.synthetic if atmosphere_synthetic is None else atmosphere_synthetic
    if made_up:
        print_synthetic(console)
    console.print(
        _("atmosphere: {source}").format(source=escape(people_text(p.atmosphere_source))),
        highlight=False,
    )
    print_notes(console, notes)
    console.print(
        _("wind uncertainty: {text}").format(text=escape(ens.draws.wind_description)),
        highlight=False,
    )
    console.print(
        _("[bold]Ensemble[/] of {n} members (seed {seed}), {landed} landed").format(
            n=s.n_members, seed=ens.seed, landed=s.n_landed
        )
    )
    d = float(
        geodesy.inverse(
            p.launch.latitude[0], p.launch.longitude[0], s.mean_latitude, s.mean_longitude
        )[0]
    )
    if s.n_landed == 0:
        console.print(
            "  "
            + _(
                "[bold red]no member landed[/]: the flights left the data before landing; "
                "load data covering the whole flight"
            ),
            highlight=False,
        )
    else:
        console.print(
            "  "
            + _("mean landing  {position}, {distance} km from launch").format(
                position=format_position(s.mean_latitude, s.mean_longitude),
                distance=format_number(d / 1000, 1),
            ),
            highlight=False,
        )
    for e in s.ellipses if s.n_landed else ():
        console.print(
            "  "
            + _(
                "{percent} % ellipse  {major} x {minor} km, major axis {angle} deg from north"
            ).format(
                percent=format_number(e.probability * 100, 0),
                major=format_number(e.semi_major / 1000, 1),
                minor=format_number(e.semi_minor / 1000, 1),
                angle=format_number(e.orientation, 0),
            ),
            highlight=False,
        )
    if s.sea_probability is None:
        why = _("no member landed") if s.n_landed == 0 else _("no land-sea data")
        console.print("  " + _("P(sea)        unknown ({why})").format(why=why))
    else:
        console.print(
            "  "
            + _("P(sea)        [bold]{percent} %[/]").format(
                percent=format_number(s.sea_probability * 100, 1)
            )
        )
        if s.sea_near_shore_probability is not None:
            console.print(
                "  "
                + _("P(sea within {km} km of the shore)  [bold]{percent} %[/]").format(
                    km=format_number(NEAR_SHORE_DISTANCE_M / 1000, 0),
                    percent=format_number(s.sea_near_shore_probability * 100, 1),
                ),
                highlight=False,
            )
    for name, prob in s.zone_probabilities.items():
        console.print(f"  P({escape(name)})  {format_number(prob * 100, 1)} %", highlight=False)
    if s.recovery:
        r = s.recovery
        console.print(
            "  "
            + _("recovery point: median {median} km, 95 % within {p95} km").format(
                median=format_number(r["distance_median_m"] / 1000, 1),
                p95=format_number(r["distance_p95_m"] / 1000, 1),
            ),
            highlight=False,
        )
    # synthetic perturbations of real data are not a made-up atmosphere (named above)
    for line in warning_lines(p, skip=() if made_up else ("synthetic_atmosphere",)):
        console.print(_("[yellow]warning[/] {text}").format(text=escape(line)), highlight=False)


def _print_burst(estimate: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    e = estimate
    n = format_number
    table = Table(
        title=_("{balloon} ({maker}), {payload} kg payload, {gas}").format(
            balloon=e.balloon.name,
            maker=e.balloon.manufacturer,
            payload=_short(e.payload_mass),
            gas=_gas(e.gas),
        ),
        show_header=False,
    )
    for label, value in (
        (
            _("gas volume"),
            f"{n(e.gas_volume, 3)} m3 ({n(e.gas_volume * 1000, 0)} L, "
            f"{n(e.gas_volume * 35.3147, 1)} ft3)",
        ),
        (_("neck lift"), f"{n(e.neck_lift, 3)} kg ({n(e.neck_lift * 1000, 0)} g)"),
        (_("free lift"), f"{n(e.free_lift, 3)} kg"),
        (_("ascent rate"), f"{n(e.ascent_rate, 2)} m/s"),
        (_("launch diameter"), f"{n(e.launch_diameter, 2)} m"),
        (_("burst diameter"), f"{n(e.burst_diameter, 2)} m"),
        (_("burst altitude"), f"{n(e.burst_altitude, 0)} m"),
        (_("time to burst"), f"{n(e.time_to_burst / 60, 0)} min"),
        (
            _("method"),
            _("{method} (air {air}, gas {gas} kg/m3)").format(
                method=e.method, air=n(e.air_density, 4), gas=n(e.gas_density, 4)
            ),
        ),
    ):
        table.add_row(label, value)
    console = Console()
    console.print(table)
    for w in e.warnings:
        console.print(_("[yellow]warning[/]: {text}").format(text=w), highlight=False)
    console.print(_("balloon data: {source}").format(source=e.balloon.source), highlight=False)


def register(app: typer.Typer) -> None:
    """Add ``strato burst`` and ``strato plan`` to the ``strato`` app."""

    @app.command(help=N_("Burst calculator: gas volume, neck lift, ascent rate, burst altitude."))
    def burst(
        balloon: str = typer.Option(
            None, "--balloon", help=N_("Balloon model, e.g. TA800, HW1000.")
        ),
        payload: float = typer.Option(
            None, "--payload", help=N_("Payload mass [kg] (with parachute and train).")
        ),
        gas: str = typer.Option("helium", "--gas", help=N_("helium | hydrogen.")),
        ascent_rate: float | None = typer.Option(
            None, "--ascent-rate", help=N_("Target ascent rate [m/s].")
        ),
        neck_lift: float | None = typer.Option(
            None, "--neck-lift", help=N_("Measured neck lift [kg].")
        ),
        launch_altitude: float = typer.Option(
            0.0, "--launch-altitude", help=N_("Launch altitude [m] (standard method).")
        ),
        method: str = typer.Option(
            "standard",
            "--method",
            help=N_("standard (USSA 1976) | cusf (CUSF burst-calc constants)."),
        ),
        list_balloons: bool = typer.Option(False, "--list", help=N_("List the known balloons.")),
        as_json: bool = typer.Option(False, "--json", help=N_("Print JSON.")),
    ) -> None:
        """Burst calculator: gas volume, neck lift, ascent rate, burst altitude."""
        with user_errors():
            from predictor.balloons import BALLOONS
            from predictor.burst import estimate_burst
            from predictor.ensemble_outputs import to_json_text

            if list_balloons:
                if as_json:
                    typer.echo(to_json_text({"balloons": [b.as_dict() for b in BALLOONS.values()]}))
                else:
                    for b in BALLOONS.values():
                        typer.echo(
                            _(
                                "{name} {maker} {mass} kg  burst diameter {diameter} m  Cd {cd}"
                            ).format(
                                name=f"{b.name:<8}",
                                maker=f"{b.manufacturer:<7}",
                                mass=format_number(b.mass, 2).rjust(5),
                                diameter=format_number(b.burst_diameter, 2).rjust(5),
                                cd=format_number(b.drag_coefficient, 2),
                            )
                        )
                return
            if balloon is None or payload is None:
                raise UserError(
                    _("give --balloon (e.g. TA800) and --payload KG; --list shows the balloons")
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
                typer.echo(to_json_text(estimate.as_dict()))
            else:
                _print_burst(estimate)

    @app.command(
        help=N_(
            "Launch-window study: a launch every few hours, ranked by safe-landing probability."
        )
    )
    def plan(
        winds: list[Path] | None = typer.Option(  # noqa: B008
            None,
            "--winds",
            help=N_(
                "ERA5 files (repeat); years of files give a climatology. "
                "Without it the built-in SYNTHETIC sample is used."
            ),
        ),
        lat: float = typer.Option(..., "--lat", help=N_("Launch latitude [deg N].")),
        lon: float = typer.Option(..., "--lon", help=N_("Launch longitude [deg E].")),
        alt: float | None = typer.Option(
            None, "--alt", help=N_("Launch altitude [m]; default the ground.")
        ),
        start: str = typer.Option(
            ..., "--from", help=N_("First launch, ISO 8601 (no zone = UTC).")
        ),
        end: str = typer.Option(..., "--to", help=N_("Last launch, ISO 8601 (no zone = UTC).")),
        every: float = typer.Option(6.0, "--every", help=N_("Hours between launches [h].")),
        ascent_rate: float = typer.Option(
            5.0, "--ascent-rate", help=N_("Ascent rate [m/s] (with --balloon: the target).")
        ),
        burst_altitude: float | None = typer.Option(
            None, "--burst-altitude", help=N_("Burst altitude [m] (default 30000).")
        ),
        descent_rate: float = typer.Option(
            5.0, "--descent-rate", help=N_("Sea-level descent rate [m/s].")
        ),
        balloon: str | None = typer.Option(None, "--balloon", help=N_("Balloon model (TA800...).")),
        payload: float | None = typer.Option(None, "--payload", help=N_("Payload mass [kg].")),
        gas: str = typer.Option("helium", "--gas", help=N_("helium | hydrogen.")),
        neck_lift: float | None = typer.Option(None, "--neck-lift", help=N_("Neck lift [kg].")),
        profile: str = typer.Option(
            "standard", "--profile", help=N_("standard | float (ascent, float, cut-down).")
        ),
        float_altitude: float | None = typer.Option(
            None, "--float-altitude", help=N_("Float altitude [m] (float profile).")
        ),
        float_duration: float | None = typer.Option(
            None, "--float-duration", help=N_("Float duration [hours] (float profile).")
        ),
        ensemble: int = typer.Option(
            1, "--ensemble", help=N_("Members per launch (1 = deterministic).")
        ),
        seed: int = typer.Option(0, "--seed", help=N_("Random seed (same seed, same study).")),
        avoid: Path | None = typer.Option(  # noqa: B008
            None, "--avoid", help=N_("GeoJSON polygons to avoid.")
        ),
        max_distance: float | None = typer.Option(
            None, "--max-distance", help=N_("Largest landing distance from launch [km].")
        ),
        climatology: bool = typer.Option(
            False,
            "--climatology",
            help=N_("Month x hour table (automatic when the launches span 2+ years)."),
        ),
        workers: int = typer.Option(
            2, "--workers", help=N_("Dask local worker processes; 0 = in this process.")
        ),
        scheduler: str | None = typer.Option(
            None, "--scheduler", help=N_("Existing Dask scheduler address (tcp://host:8786).")
        ),
        out: Path | None = typer.Option(  # noqa: B008
            None, "--out", help=N_("Folder for CSV, JSON and plots.")
        ),
        as_json: bool = typer.Option(False, "--json", help=N_("Print the study as JSON.")),
        terrain: Path | None = typer.Option(  # noqa: B008
            None,
            "--terrain",
            help=N_(
                "DEM GeoTIFF (any CRS) for the launch ground and the landings; default: "
                "the weather file's orography."
            ),
        ),
    ) -> None:
        """Launch-window study: a launch every few hours, ranked by safe-landing probability."""
        with user_errors():
            from predictor.ensemble_outputs import to_json_text
            from predictor.plan_outputs import plan_document, uses_climatology, write_plan_outputs
            from predictor.planner import (
                PlanSettings,
                launch_slots,
                plan_slots,
                require_flown_slots,
            )

            check_positive("--max-distance", max_distance, "km")
            if workers < 0:
                raise UserError(
                    _("--workers must be 0 (in this process) or more, not {workers}").format(
                        workers=workers
                    )
                )
            slots = launch_slots(
                parse_time(start, "--from").utc, parse_time(end, "--to").utc, every
            )
            flight = flight_spec_from_options(
                ascent_rate=ascent_rate,
                burst_altitude=burst_altitude,
                descent_rate=descent_rate,
                balloon=balloon,
                payload=payload,
                gas=gas,
                neck_lift=neck_lift,
                launch_altitude=alt,
            )
            flight = float_flight(flight, profile, float_altitude, float_duration)
            if terrain is not None:
                from stratoflight.commands.predict import launch_ground, open_terrain

                ground, note = launch_ground(open_terrain(terrain), lat, lon)
                if alt is None:
                    typer.echo(
                        _("note: {text}").format(text=note) if ground is not None else note,
                        err=True,
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
                terrain=None if terrain is None else str(terrain.resolve()),
            )
            files = check_wind_files(winds)
            if not files and scheduler is not None:
                raise UserError(
                    "--scheduler spreads a study of --winds files over Dask; give --winds "
                    "FILES too (the built-in sample runs in this process)"
                )
            atmosphere = None
            if files:
                result = _run_study(files, slots, settings, workers, scheduler, quiet=as_json)
            else:
                atmosphere = open_winds(None)
                typer.echo(_(SAMPLE_NOTICE), err=True)
                result = plan_slots(atmosphere, slots, settings)
            require_flown_slots(result)
            if result.terrain_not_covered:
                typer.echo(
                    f"warning: the DEM {terrain.name} does not cover {result.terrain_not_covered} "
                    "landing(s): the weather file's orography was used there instead",
                    err=True,
                )
            synthetic = atmosphere is not None
            climatology = uses_climatology(result, climatology)
            document = plan_document(result, climatology=climatology, synthetic=synthetic)
            if out is not None:
                write_plan_outputs(
                    result,
                    out,
                    document,
                    atmosphere=atmosphere,
                    synthetic=synthetic,
                    climatology=climatology,
                )
            if as_json:
                typer.echo(to_json_text(document))
            else:
                _print_plan(result, climatology, synthetic)
                if out is not None:
                    typer.echo(
                        _("wrote plan.csv, landings.csv, plan.json and plots to {folder}").format(
                            folder=out
                        )
                    )


def float_flight(
    flight: Any, profile: str, float_altitude: float | None, float_duration_h: float | None
) -> Any:
    """Return the nominal flight with ``--profile float`` applied (unchanged for standard)."""
    from dataclasses import replace

    if profile == "standard":
        if float_altitude is not None or float_duration_h is not None:
            raise UserError("--float-altitude and --float-duration need --profile float")
        return flight
    if profile != "float":
        raise UserError(f"--profile {profile!r} is not known here; choose standard or float")
    if float_altitude is None or float_duration_h is None:
        raise UserError("--profile float needs --float-altitude M and --float-duration HOURS")
    check_positive("--float-duration", float_duration_h, "hours")
    return replace(
        flight,
        profile="float",
        float_altitude=float(float_altitude),
        float_duration=float(float_duration_h) * 3600.0,
    )


def _run_study(
    files: list[Path], slots: Any, settings: Any, workers: int, scheduler: str | None, quiet: bool
) -> Any:
    """Fly the study over the given files, in this process or on Dask.

    Each task loads only the files its launches need; one task runs in this process.
    """
    from predictor.planner_dask import describe_tasks, launch_time_margin, run_study, split_by_files

    tasks = split_by_files(files, slots, launch_time_margin(settings))
    if scheduler is None and workers > 0 and len(tasks) <= 1:
        workers = 0  # one task: starting a cluster would only cost time
    if not quiet:
        where = " " + (
            _("(in this process)")
            if workers == 0 and scheduler is None
            else _("on Dask ({where})").format(
                where=scheduler
                or _("local cluster, {workers} worker processes").format(workers=workers)
            )
        )
        typer.echo(describe_tasks(tasks) + where, err=True)
    return run_study(tasks, settings, workers=workers, scheduler=scheduler)


def _print_plan(result, climatology: bool, synthetic: bool) -> None:
    from rich.console import Console
    from rich.table import Table

    from stratoflight.people_texts import print_synthetic

    console = Console()
    if synthetic:
        print_synthetic(console)
    if not result.land_sea_known:
        console.print(
            _("[yellow]note[/]: the data have no land-sea mask; the sea criterion was not applied")
        )
    table = Table(
        title=_("Best launch slots ({flown} flown, {members} member(s) each)").format(
            flown=len(result.slots), members=result.settings.n_members
        )
    )
    zone_name = people_zone_name()
    for col in (
        _("rank"),
        _("launch ({zone})").format(zone=zone_name),
        _("P(safe)"),
        _("P(sea)"),
        _("P(zone)"),
        _("mean landing"),
        _("distance (km)"),
    ):
        table.add_column(col)

    def percent(value: float) -> str:
        return "-" if not math.isfinite(value) else f"{format_number(value * 100, 0)} %"

    for _row, r in result.slots.head(15).iterrows():
        table.add_row(
            str(r["rank"]),
            format_time(r["launch_time"].to_pydatetime()),
            percent(r["safe_probability"]),
            percent(r["sea_probability"]),
            percent(r["zone_probability"]),
            format_position(r["mean_landing_latitude"], r["mean_landing_longitude"], 3),
            format_number(r["mean_distance_km"], 1),
        )
    console.print(table)
    if result.skipped:
        console.print(
            _("[yellow]{n} slot(s) skipped[/] (no data), e.g. {time}: {reason}").format(
                n=len(result.skipped),
                time=result.skipped[0]["launch_time"],
                reason=result.skipped[0]["reason"],
            )
        )
    if climatology and len(result.slots):
        from predictor.planner import climatology_table

        clim = climatology_table(result.slots)
        best = clim.stack().dropna().sort_values(ascending=False).head(5)
        names = [_(m) for m in MONTHS]
        console.print(
            _("[bold]Best months and hours[/] (mean P(safe) over the years): ")
            + "; ".join(
                f"{names[int(m) - 1]} {int(h):02d}Z {format_number(v * 100, 0)} %"
                for (m, h), v in best.items()
            )
        )
