"""``strato predict``: predict a balloon flight (a thin layer over ``predictor.predict``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from localization import N_, _, format_number, format_position, format_time, parse_time
from predictor.vocabulary import MODELS, PROFILES
from stratoflight.errors import UserError, user_errors
from stratoflight.options import (
    check_output_folders,
    flight_spec_from_options,
    open_winds,
    parse_recovery,
    read_zones,
    wants_sample,
)
from stratoflight.people_texts import people_text, print_written, warning_text

__all__ = ["build_predict_kwargs", "register"]

_PROFILES = PROFILES  # predictor.vocabulary: light, no numpy/numba
_MODELS = MODELS


def build_predict_kwargs(
    *,
    atmosphere: Any,
    lat: float | None,
    lon: float | None,
    alt: float | None,
    time: str | None,
    ascent_rate: float,
    burst_altitude: float | None,
    descent_rate: float,
    profile: str,
    float_altitude: float | None,
    float_duration: float | None,
    float_until: str | None,
    step: float,
    model: str,
    sample: bool,
) -> tuple[dict[str, Any], list[str]]:
    """Turn command-line values into ``predictor.predict`` keyword arguments.

    Returns the keyword arguments and a list of notes for the user (e.g. defaults taken
    from the sample atmosphere, naive times taken as UTC). Further options (ensembles,
    balloons) add their keys to the returned dict.
    """
    notes: list[str] = []
    if profile not in _PROFILES:
        raise UserError(
            _("--profile {profile!r} is not known; choose one of {PROFILES}").format(
                profile=profile, PROFILES=_PROFILES
            )
        )
    if model not in _MODELS:
        raise UserError(
            _("--model {model!r} is not known; choose one of {MODELS}").format(
                model=model, MODELS=_MODELS
            )
        )
    if lat is None or lon is None:
        if not sample:
            raise UserError(_("--lat and --lon are required (the launch position in degrees)"))
        from weather.sample_atmosphere import SAMPLE_LAUNCH_SITE

        lat = SAMPLE_LAUNCH_SITE.latitude if lat is None else lat
        lon = SAMPLE_LAUNCH_SITE.longitude if lon is None else lon
        notes.append(
            _("launch position from the sample: {position} ({name})").format(
                position=format_position(lat, lon, 4), name=people_text(SAMPLE_LAUNCH_SITE.name)
            )
        )
    if time is None:
        if not sample:
            raise UserError(
                _(
                    "--time is required (the launch time, e.g. 2025-06-21T08:41+07:00, "
                    "2025-06-21T01:41Z or now)"
                )
            )
        b = atmosphere.bounds
        when = b.time_start.replace(hour=6)
        notes.append(
            _("launch time defaulted to {time} (inside the sample)").format(time=format_time(when))
        )
    else:
        parsed = parse_time(time, "--time")
        when = parsed.utc
        if parsed.naive:
            notes.append(parsed.note("--time"))
    kwargs: dict[str, Any] = {
        "launch_time": when,
        "latitude": lat,
        "longitude": lon,
        "altitude": alt,
        "descent_rate": descent_rate,
        "profile": profile,
        "step": step,
        "model": model,
    }
    if profile in ("standard", "float"):
        kwargs["ascent_rate"] = ascent_rate
    if profile == "standard":
        kwargs["burst_altitude"] = 30000.0 if burst_altitude is None else burst_altitude
    if profile == "float":
        if float_altitude is None:
            raise UserError(_("--profile float needs --float-altitude M"))
        if float_duration is None and float_until is None:
            raise UserError(_("--profile float needs --float-duration HOURS or --float-until ISO"))
        kwargs["float_altitude"] = float_altitude
        kwargs["burst_altitude"] = burst_altitude
        if float_duration is not None:
            kwargs["float_duration"] = float_duration * 3600.0
        if float_until is not None:
            until = parse_time(float_until, "--float-until")
            if until.naive:
                notes.append(until.note("--float-until"))
            kwargs["float_until"] = until.utc
    return kwargs, notes


def _print_summary(result: Any, notes: list[str]) -> None:
    from rich.markup import escape

    from localization import _, format_number, format_position, format_time
    from predictor.landing_surface import describe_landing_surface
    from stratoflight.people_texts import print_notes, print_synthetic
    from stratoflight.terminal import output_console
    from terrain import geodesy

    console = output_console()
    if result.synthetic:
        print_synthetic(console)
    console.print(
        _("atmosphere: {source}").format(source=escape(people_text(result.atmosphere_source))),
        highlight=False,
    )
    print_notes(console, notes)
    console.print(_("[bold]Predicted flight[/]"))
    launch = result.launch
    profile = result.settings.get("profile")
    rows = [(_("launch") if profile != "descent" else _("start"), launch)]
    if profile != "descent":  # a descent-only flight has no burst
        rows.append((_("burst") if profile != "float" else _("cut-down"), result.burst))
    rows.append((_("landing"), result.landing))
    width = max(len(name) for name, _point in rows)
    for name, p in rows:
        label = name.ljust(width)
        if p.latitude[0] != p.latitude[0]:  # NaN: not reached (the flight left the data)
            console.print(f"  {label} " + _("not reached"), highlight=False)
            continue
        dist, brg = geodesy.inverse(
            launch.latitude[0], launch.longitude[0], p.latitude[0], p.longitude[0]
        )
        where = (
            ""
            if p is launch
            else "  "
            + _("{distance} km from {origin}, bearing {bearing} deg").format(
                distance=format_number(dist / 1000, 2),
                origin=rows[0][0],
                bearing=format_number(brg, 0),
            )
        )
        console.print(
            f"  {label} {format_time(p.time[0], seconds=True)}  "
            f"{format_position(p.latitude[0], p.longitude[0])}  "
            f"{format_number(p.altitude[0], 0)} m{where}",
            highlight=False,
        )
    if result.status[0] == "landed":
        flight = result.flight_time_s[0]
        where = describe_landing_surface(
            str(result.surface[0]),
            _first(result.coast_distance_m),
            _first(result.coast_bearing_deg),
        )
        console.print(
            _("landing: [bold]{where}[/]; flight time {hours} h ({seconds} s)").format(
                where=where, hours=format_number(flight / 3600, 2), seconds=format_number(flight, 0)
            )
        )
    else:
        track = result.trajectory(0)
        last = (
            " "
            + _("at {position}, {altitude} m, {time}").format(
                position=format_position(track["latitude"][-1], track["longitude"][-1], 4),
                altitude=format_number(track["altitude"][-1], 0),
                time=format_time(track["time"][-1], seconds=True),
            )
            if track["time"].size
            else ""
        )
        console.print(
            _(
                "[bold red]no landing[/]: the flight stopped ({status}){last}; "
                "load data covering the whole flight"
            ).format(status=result.status[0], last=last),
            highlight=False,
        )
    for line in warning_lines(result):
        console.print(_("[yellow]warning[/] {text}").format(text=escape(line)), highlight=False)


def _flight_durations(result: Any) -> Any:
    """Launch to the last point flown, per member [s] (NaN when unknown)."""
    import numpy as np

    ends = [np.asarray(s.end.time, dtype=float) for s in result.stages]
    if not ends:
        return np.full(result.n_members, np.nan)
    with np.errstate(invalid="ignore"):
        last = np.fmax.reduce(np.vstack(ends), axis=0)
    return last - np.asarray(result.launch.time, dtype=float)


def warning_lines(result: Any, skip: tuple[str, ...] = ()) -> list[str]:
    """Word the prediction's warnings for people, the same for one flight and for an ensemble.

    A duration warning gives the time and its share of the flight (e.g. "above_top_level
    (5160 s, 72 % of the flight)"); for an ensemble, how many members it concerns and
    their median. Codes in ``skip`` are left out.
    """
    import numpy as np

    durations = _flight_durations(result)
    n = result.n_members
    lines = []
    for code, w in result.warnings.items():
        fired = np.asarray(w.fired, dtype=bool)
        if code in skip or not fired.any():
            continue
        seconds = np.asarray(w.seconds, dtype=float)[fired]
        parts = []
        if n > 1:
            parts.append(_("{count} of {n} members").format(count=int(fired.sum()), n=n))
        if np.isfinite(seconds).any():
            median = float(np.nanmedian(seconds))
            share = np.asarray(durations, dtype=float)[fired]
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = float(np.nanmedian(np.asarray(w.seconds, dtype=float)[fired] / share))
            words = (
                f"{format_number(median, 0)} s"
                if n == 1
                else _("median {seconds} s").format(seconds=format_number(median, 0))
            )
            if np.isfinite(ratio) and ratio > 0:
                words += ", " + _("{percent} % of the flight").format(
                    percent=format_number(min(ratio, 1.0) * 100, 0)
                )
            parts.append(words)
        extra = f" ({'; '.join(parts)})" if parts else ""
        lines.append(f"{code}{extra}: {warning_text(w)}")
    return lines


def _first(values) -> float | None:
    return None if values is None else float(values[0])


def register(app: typer.Typer) -> None:
    """Add ``strato predict`` to the ``strato`` app."""

    @app.command(help=N_("Predict a flight: trajectory, burst and landing (land or sea)."))
    def predict(
        winds: list[Path] | None = typer.Option(  # noqa: B008
            None,
            "--winds",
            help=N_(
                "Atmosphere file(s) (ERA5/GFS NetCDF or GRIB); repeat for "
                "several. Without it (or with 'sample') the built-in SYNTHETIC sample is used."
            ),
        ),
        lat: float | None = typer.Option(None, "--lat", help=N_("Launch latitude [deg N].")),
        lon: float | None = typer.Option(None, "--lon", help=N_("Launch longitude [deg E].")),
        alt: float | None = typer.Option(
            None,
            "--alt",
            help=N_("Launch (or descent start) altitude [m above sea level]; default: the ground."),
        ),
        time: str | None = typer.Option(
            None,
            "--time",
            help=N_(
                "Launch time: ISO 8601 with a zone (2025-06-21T08:41+07:00, "
                "2025-06-21T01:41Z; none = UTC) or now."
            ),
        ),
        ascent_rate: float = typer.Option(5.0, "--ascent-rate", help=N_("Ascent rate [m/s].")),
        burst_altitude: float | None = typer.Option(
            None, "--burst-altitude", help=N_("Burst altitude [m] (standard: default 30000).")
        ),
        descent_rate: float = typer.Option(
            5.0, "--descent-rate", help=N_("Descent rate at sea level [m/s].")
        ),
        profile: str = typer.Option(
            "standard", "--profile", help=N_("standard | float | descent.")
        ),
        float_altitude: float | None = typer.Option(
            None, "--float-altitude", help=N_("Float altitude [m] (float profile).")
        ),
        float_duration: float | None = typer.Option(
            None, "--float-duration", help=N_("Float duration [hours] (float profile).")
        ),
        float_until: str | None = typer.Option(
            None,
            "--float-until",
            help=N_("End of the float, ISO 8601 (no zone = UTC; float profile)."),
        ),
        step: float = typer.Option(60.0, "--step", help=N_("Solver step [s].")),
        model: str = typer.Option(
            "stratoflight",
            "--model",
            help=N_("stratoflight | cusf (NASA 3-layer density, CUSF constants, sea-level end)."),
        ),
        out: list[Path] | None = typer.Option(  # noqa: B008
            None,
            "--out",
            help=N_(
                "Write the result; format by extension: .json .csv .kml "
                ".geojson .gpx .png (a map). Repeat for several."
            ),
        ),
        as_json: bool = typer.Option(False, "--json", help=N_("Print the result as JSON.")),
        # --- balloon and ensemble options (planning area: stratoflight/commands/planning.py)
        balloon: str | None = typer.Option(
            None,
            "--balloon",
            help=N_(
                "Balloon model (TA800, HW1000...): ascent rate and burst "
                "altitude from the burst calculator (--ascent-rate is then the target)."
            ),
        ),
        payload: float | None = typer.Option(None, "--payload", help=N_("Payload mass [kg].")),
        gas: str = typer.Option("helium", "--gas", help=N_("helium | hydrogen (with --balloon).")),
        neck_lift: float | None = typer.Option(
            None, "--neck-lift", help=N_("Measured neck lift [kg] (with --balloon).")
        ),
        ensemble: int | None = typer.Option(
            None, "--ensemble", help=N_("Fly N members drawn from stated uncertainties.")
        ),
        seed: int | None = typer.Option(None, "--seed", help=N_("Ensemble random seed.")),
        avoid: Path | None = typer.Option(  # noqa: B008
            None, "--avoid", help=N_("GeoJSON polygons: probability of landing inside each.")
        ),
        recovery_lat: float | None = typer.Option(
            None, "--recovery-lat", help=N_("Recovery point latitude [deg N] (ensembles).")
        ),
        recovery_lon: float | None = typer.Option(
            None, "--recovery-lon", help=N_("Recovery point longitude [deg E] (ensembles).")
        ),
        terrain: Path | None = typer.Option(  # noqa: B008
            None,
            "--terrain",
            help=N_(
                "DEM GeoTIFF (e.g. a Copernicus GLO-30 or SRTM tile, any CRS) for the launch "
                "ground and the landing; default: the weather file's orography."
            ),
        ),
    ) -> None:
        """Predict a flight: trajectory, burst and landing (land or sea)."""
        with user_errors():
            check_output_folders(out or [])
            atmosphere = open_winds(winds)
            kwargs, notes = build_predict_kwargs(
                atmosphere=atmosphere,
                lat=lat,
                lon=lon,
                alt=alt,
                time=time,
                ascent_rate=ascent_rate,
                burst_altitude=burst_altitude,
                descent_rate=descent_rate,
                profile=profile,
                float_altitude=float_altitude,
                float_duration=float_duration,
                float_until=float_until,
                step=step,
                model=model,
                sample=wants_sample(winds),
            )
            dem = _open_terrain(terrain, kwargs, notes) if terrain is not None else None
            flight = None
            if balloon is not None:
                if profile != "standard":
                    raise UserError(
                        _("--balloon works with the standard profile (ascent, burst, descent)")
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
                kwargs["ascent_rate"] = flight.ascent_rate
                kwargs["burst_altitude"] = flight.burst_altitude
                from stratoflight.commands.planning import balloon_notes

                notes.extend(balloon_notes(flight))
            if ensemble is not None:
                _run_ensemble(
                    atmosphere,
                    kwargs,
                    notes,
                    out or [],
                    as_json,
                    ensemble,
                    seed,
                    flight,
                    read_zones(avoid),
                    parse_recovery(recovery_lat, recovery_lon),
                    dem,
                )
                return
            _run(atmosphere, kwargs, notes, out or [], as_json, dem)


def open_terrain(path: Path) -> Any:
    """Open a ``--terrain FILE`` DEM (``strato predict``, ``plan``, ``log``); bad: a user error."""
    from terrain.elevation import DemError, open_dem

    try:
        return open_dem(path)
    except DemError as exc:
        raise UserError(str(exc)) from None


def launch_ground(dem: Any, lat: float, lon: float) -> tuple[float | None, str]:
    """Launch ground from the DEM [m] and the note saying so; None and a warning off the DEM."""
    ground = float(dem.elevation_at(lat, lon))
    if ground == ground:
        return ground, _("launch ground {ground:.0f} m from {value}").format(
            ground=ground, value=dem.describe()
        )
    return None, _(
        "warning: {value} does not cover the launch site; launch ground from the weather "
        "file's orography"
    ).format(value=dem.describe())


def _open_terrain(path: Path, kwargs: dict[str, Any], notes: list[str]) -> Any:
    """Open ``--terrain FILE`` and take the launch ground from it when no --alt was given."""
    dem = open_terrain(path)
    if kwargs.get("altitude") is None and kwargs.get("profile") != "descent":
        ground, note = launch_ground(dem, kwargs["latitude"], kwargs["longitude"])
        if ground is not None:
            kwargs["altitude"] = ground
        notes.append(note)
    return dem


def _run_ensemble(
    atmosphere: Any,
    kwargs: dict[str, Any],
    notes: list[str],
    out: list[Path],
    as_json: bool,
    n_members: int,
    seed: int | None,
    flight: Any,
    zones: tuple[Any, ...],
    recovery: tuple[float, float] | None,
    dem: Any = None,
) -> None:
    """``--ensemble N``: fly the members, write the products, print JSON or a summary."""
    from predictor.ensemble import FlightSpec, predict_ensemble
    from predictor.ensemble_outputs import (
        ENSEMBLE_OUTPUT_SUFFIXES,
        ensemble_document,
        needs_trajectories,
        to_json_text,
        unsupported_ensemble_outputs,
        write_ensemble_outputs,
    )
    from stratoflight.commands.planning import print_ensemble

    if n_members < 2:
        raise UserError(
            _("--ensemble needs at least 2 members, got {n_members}").format(n_members=n_members)
        )
    if kwargs["profile"] not in ("standard", "float"):
        raise UserError(
            _(
                "--ensemble works with the standard and float profiles (a descent-only "
                "ensemble is not offered)"
            )
        )
    bad = unsupported_ensemble_outputs(out)
    if bad:
        raise UserError(
            _("for an ensemble, --out takes {items}; cannot write {items2}").format(
                items=", ".join(ENSEMBLE_OUTPUT_SUFFIXES), items2=", ".join(map(str, bad))
            )
        )
    if flight is None and kwargs["profile"] == "float":
        until = kwargs.get("float_until")
        flight = FlightSpec(
            kwargs["ascent_rate"],
            kwargs.get("burst_altitude") or 0.0,
            kwargs["descent_rate"],
            profile="float",
            float_altitude=kwargs["float_altitude"],
            float_duration=kwargs.get("float_duration"),
            float_until=None if until is None else until.timestamp(),
        )
    elif flight is None:
        flight = FlightSpec(kwargs["ascent_rate"], kwargs["burst_altitude"], kwargs["descent_rate"])
    ens = predict_ensemble(
        atmosphere,
        kwargs["launch_time"],
        kwargs["latitude"],
        kwargs["longitude"],
        flight,
        n_members,
        altitude=kwargs["altitude"],
        seed=seed,
        zones=zones,
        recovery_point=recovery,
        step=kwargs["step"],
        model=kwargs["model"],
        record_trajectory=dem is not None or needs_trajectories(out),
    )
    if dem is not None:  # every member lands on the DEM along its own track
        import dataclasses

        from predictor.ensemble import summarise_landings
        from predictor.terrain_landing import land_on_dem

        moved = land_on_dem(ens.prediction, dem, atmosphere)
        stats = summarise_landings(atmosphere, moved, zones, recovery)
        ens = dataclasses.replace(ens, prediction=moved, statistics=stats)
    document = ensemble_document(ens, notes)
    write_ensemble_outputs(ens, out, document, atmosphere, zones)
    if as_json:
        typer.echo(to_json_text(document, allow_nan=False))
    else:
        print_ensemble(ens, notes, atmosphere_synthetic=bool(atmosphere.synthetic))
        print_written(out)


def _run(
    atmosphere: Any,
    kwargs: dict[str, Any],
    notes: list[str],
    out: list[Path],
    as_json: bool,
    dem: Any = None,
) -> None:
    """Predict, write the requested files and print JSON or the summary."""
    from predictor import predict as run_prediction
    from predictor.writers import WRITERS, to_json_string, write_result

    bad = [str(p) for p in out if p.suffix.lower() not in WRITERS]
    if bad:
        raise UserError(
            _("cannot tell the format of {items}: use one of the extensions {items2}").format(
                items=", ".join(bad), items2=", ".join(WRITERS)
            )
        )
    result = run_prediction(atmosphere, **kwargs)
    if dem is not None:
        from predictor.terrain_landing import land_on_dem

        result = land_on_dem(result, dem, atmosphere)
    for path in out:
        write_result(result, path)
    if as_json:
        typer.echo(to_json_string(result))
        if notes or result.synthetic:
            from rich.console import Console

            from stratoflight.people_texts import print_notes, print_synthetic

            err = Console(stderr=True)
            if result.synthetic:
                print_synthetic(err)
            print_notes(err, notes)
    else:
        _print_summary(result, notes)
        print_written(out)
