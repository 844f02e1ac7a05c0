"""``strato predict``: predict a balloon flight (a thin layer over ``predictor.predict``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from predictor.vocabulary import MODELS, PROFILES
from stratoflight.errors import UserError, user_errors
from stratoflight.options import (
    check_output_folders,
    flight_spec_from_options,
    open_winds,
    parse_recovery,
    parse_utc,
    read_zones,
    wants_sample,
)

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
        raise UserError(f"--profile {profile!r} is not known; choose one of {_PROFILES}")
    if model not in _MODELS:
        raise UserError(f"--model {model!r} is not known; choose one of {_MODELS}")
    if lat is None or lon is None:
        if not sample:
            raise UserError("--lat and --lon are required (the launch position in degrees)")
        from weather.sample_atmosphere import SAMPLE_LAUNCH_SITE

        lat = SAMPLE_LAUNCH_SITE.latitude if lat is None else lat
        lon = SAMPLE_LAUNCH_SITE.longitude if lon is None else lon
        notes.append(
            f"launch position from the sample: {lat:g} N, {lon:g} E ({SAMPLE_LAUNCH_SITE.name})"
        )
    if time is None:
        if not sample:
            raise UserError(
                "--time is required (the launch time, ISO 8601 UTC, e.g. 2025-06-21T06:00:00Z)"
            )
        b = atmosphere.bounds
        when = b.time_start.replace(hour=6)
        from stratoflight.terminal import format_utc

        notes.append(f"launch time defaulted to {format_utc(when)} (inside the sample)")
    else:
        when, naive = parse_utc(time, "--time")
        if naive:
            notes.append(f"--time {time} has no time zone; taken as UTC")
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
            raise UserError("--profile float needs --float-altitude M")
        if float_duration is None and float_until is None:
            raise UserError("--profile float needs --float-duration HOURS or --float-until ISO")
        kwargs["float_altitude"] = float_altitude
        kwargs["burst_altitude"] = burst_altitude
        if float_duration is not None:
            kwargs["float_duration"] = float_duration * 3600.0
        if float_until is not None:
            until, naive = parse_utc(float_until, "--float-until")
            if naive:
                notes.append(f"--float-until {float_until} has no time zone; taken as UTC")
            kwargs["float_until"] = until
    return kwargs, notes


def _print_summary(result: Any, notes: list[str]) -> None:
    from rich.markup import escape

    from predictor.landing_surface import describe_landing_surface
    from stratoflight.terminal import format_position, format_utc, output_console
    from terrain import geodesy

    console = output_console()
    if result.synthetic:
        console.print("[bold yellow]SYNTHETIC atmosphere[/]: made-up winds, not a forecast.")
    console.print(f"atmosphere: {escape(result.atmosphere_source)}", highlight=False)
    for note in notes:
        console.print(f"note: {escape(note)}", highlight=False)
    console.print("[bold]Predicted flight[/]")
    launch = result.launch
    profile = result.settings.get("profile")
    rows = [("launch" if profile != "descent" else "start", launch)]
    if profile != "descent":  # a descent-only flight has no burst
        rows.append(("burst" if profile != "float" else "cut-down", result.burst))
    rows.append(("landing", result.landing))
    for name, p in rows:
        if p.latitude[0] != p.latitude[0]:  # NaN: not reached (the flight left the data)
            console.print(f"  {name:<8} not reached", highlight=False)
            continue
        dist, brg = geodesy.inverse(
            launch.latitude[0], launch.longitude[0], p.latitude[0], p.longitude[0]
        )
        where = (
            ""
            if p is launch
            else f"  {dist / 1000:.2f} km from {rows[0][0]}, bearing {brg:.0f} deg"
        )
        when = format_utc(p.time[0])
        console.print(
            f"  {name:<8} {when}  {format_position(p.latitude[0], p.longitude[0])}  "
            f"{int(round(p.altitude[0]))} m{where}",
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
            f"landing: [bold]{where}[/]; flight time {flight / 3600:.2f} h ({flight:.0f} s)"
        )
    else:
        track = result.trajectory(0)
        last = (
            f" at {format_position(track['latitude'][-1], track['longitude'][-1], 4)}, "
            f"{track['altitude'][-1]:.0f} m, {format_utc(track['time'][-1])}"
            if track["time"].size
            else ""
        )
        console.print(
            f"[bold red]no landing[/]: the flight stopped ({result.status[0]}){last}; "
            "load data covering the whole flight",
            highlight=False,
        )
    for line in warning_lines(result):
        console.print(f"[yellow]warning[/] {escape(line)}", highlight=False)


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
            parts.append(f"{int(fired.sum())} of {n} members")
        if np.isfinite(seconds).any():
            median = float(np.nanmedian(seconds))
            share = np.asarray(durations, dtype=float)[fired]
            with np.errstate(invalid="ignore", divide="ignore"):
                ratio = float(np.nanmedian(np.asarray(w.seconds, dtype=float)[fired] / share))
            words = f"{median:.0f} s" if n == 1 else f"median {median:.0f} s"
            if np.isfinite(ratio) and ratio > 0:
                words += f", {min(ratio, 1.0):.0%} of the flight"
            parts.append(words)
        extra = f" ({'; '.join(parts)})" if parts else ""
        lines.append(f"{code}{extra}: {w.description}")
    return lines


def _first(values) -> float | None:
    return None if values is None else float(values[0])


def register(app: typer.Typer) -> None:
    """Add ``strato predict`` to the ``strato`` app."""

    @app.command()
    def predict(
        winds: list[Path] | None = typer.Option(  # noqa: B008
            None,
            "--winds",
            help="Atmosphere file(s) (ERA5/GFS NetCDF or GRIB); repeat for "
            "several. Without it (or with 'sample') the built-in SYNTHETIC sample is used.",
        ),
        lat: float | None = typer.Option(None, "--lat", help="Launch latitude [deg N]."),
        lon: float | None = typer.Option(None, "--lon", help="Launch longitude [deg E]."),
        alt: float | None = typer.Option(
            None,
            "--alt",
            help="Launch (or descent start) altitude [m above sea level]; default: the ground.",
        ),
        time: str | None = typer.Option(
            None, "--time", help="Launch time, ISO 8601 UTC (e.g. 2025-06-21T06:00:00Z)."
        ),
        ascent_rate: float = typer.Option(5.0, "--ascent-rate", help="Ascent rate [m/s]."),
        burst_altitude: float | None = typer.Option(
            None, "--burst-altitude", help="Burst altitude [m] (standard: default 30000)."
        ),
        descent_rate: float = typer.Option(
            5.0, "--descent-rate", help="Descent rate at sea level [m/s]."
        ),
        profile: str = typer.Option("standard", "--profile", help="standard | float | descent."),
        float_altitude: float | None = typer.Option(
            None, "--float-altitude", help="Float altitude [m] (float profile)."
        ),
        float_duration: float | None = typer.Option(
            None, "--float-duration", help="Float duration [hours] (float profile)."
        ),
        float_until: str | None = typer.Option(
            None, "--float-until", help="End of the float, ISO 8601 UTC (float profile)."
        ),
        step: float = typer.Option(60.0, "--step", help="Solver step [s]."),
        model: str = typer.Option(
            "stratoflight",
            "--model",
            help="stratoflight | cusf (NASA 3-layer density, CUSF constants, sea-level end).",
        ),
        out: list[Path] | None = typer.Option(  # noqa: B008
            None,
            "--out",
            help="Write the result; format by extension: .json .csv .kml "
            ".geojson .gpx .png (a map). Repeat for several.",
        ),
        as_json: bool = typer.Option(False, "--json", help="Print the result as JSON."),
        # --- balloon and ensemble options (planning area: stratoflight/commands/planning.py)
        balloon: str | None = typer.Option(
            None,
            "--balloon",
            help="Balloon model (TA800, HW1000...): ascent rate and burst "
            "altitude from the burst calculator (--ascent-rate is then the target).",
        ),
        payload: float | None = typer.Option(None, "--payload", help="Payload mass [kg]."),
        gas: str = typer.Option("helium", "--gas", help="helium | hydrogen (with --balloon)."),
        neck_lift: float | None = typer.Option(
            None, "--neck-lift", help="Measured neck lift [kg] (with --balloon)."
        ),
        ensemble: int | None = typer.Option(
            None, "--ensemble", help="Fly N members drawn from stated uncertainties."
        ),
        seed: int | None = typer.Option(None, "--seed", help="Ensemble random seed."),
        avoid: Path | None = typer.Option(  # noqa: B008
            None, "--avoid", help="GeoJSON polygons: probability of landing inside each."
        ),
        recovery_lat: float | None = typer.Option(
            None, "--recovery-lat", help="Recovery point latitude [deg N] (ensembles)."
        ),
        recovery_lon: float | None = typer.Option(
            None, "--recovery-lon", help="Recovery point longitude [deg E] (ensembles)."
        ),
        terrain: Path | None = typer.Option(  # noqa: B008
            None,
            "--terrain",
            help="DEM GeoTIFF (e.g. a Copernicus GLO-30 or SRTM tile, any CRS) for the launch "
            "ground and the landing; default: the weather file's orography.",
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
                        "--balloon works with the standard profile (ascent, burst, descent)"
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
        return ground, f"launch ground {ground:.0f} m from {dem.describe()}"
    return None, (
        f"warning: {dem.describe()} does not cover the launch site; launch ground "
        "from the weather file's orography"
    )


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
        raise UserError(f"--ensemble needs at least 2 members, got {n_members}")
    if kwargs["profile"] not in ("standard", "float"):
        raise UserError(
            "--ensemble works with the standard and float profiles (a descent-only ensemble "
            "is not offered)"
        )
    bad = unsupported_ensemble_outputs(out)
    if bad:
        raise UserError(
            f"for an ensemble, --out takes {', '.join(ENSEMBLE_OUTPUT_SUFFIXES)}; "
            f"cannot write {', '.join(map(str, bad))}"
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
        for path in out:
            typer.echo(f"wrote {path}")


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
            f"cannot tell the format of {', '.join(bad)}: use one of the "
            f"extensions {', '.join(WRITERS)}"
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

            err = Console(stderr=True)
            if result.synthetic:
                err.print("SYNTHETIC atmosphere: made-up winds, not a forecast.")
            for note in notes:
                err.print(f"note: {note}", highlight=False)
    else:
        _print_summary(result, notes)
        for path in out:
            typer.echo(f"wrote {path}")
