"""Option parsing shared by the ``strato`` commands.

Only turning command-line text into checked Python values lives here (ISO times, the
``--winds`` files, balloon options, number checks); the commands then call library
functions with them. Heavy packages are imported inside the functions so that
``strato --help`` stays fast.
"""

from __future__ import annotations

import glob
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from stratoflight.errors import UserError

__all__ = [
    "SAMPLE_NOTICE",
    "check_output_folders",
    "check_positive",
    "check_wind_files",
    "flight_spec_from_options",
    "open_winds",
    "parse_recovery",
    "parse_utc",
    "read_zones",
]

#: What a command prints when it flies on the built-in sample instead of real data.
SAMPLE_NOTICE = "no --winds: using the built-in SYNTHETIC sample atmosphere"


def parse_utc(text: str, option: str) -> tuple[datetime, bool]:
    """Parse an ISO 8601 time given to ``option``; naive times are taken as UTC.

    Parameters
    ----------
    text : str
        The time as typed, e.g. ``2025-06-21T06:00:00Z`` or ``2025-06-21T06:00``.
    option : str
        The option's name for the error message, e.g. ``"--time"``.

    Returns
    -------
    (datetime, bool)
        The aware UTC datetime and whether the text had no time zone (so the command can
        say "taken as UTC").

    Raises
    ------
    UserError
        When the text is not an ISO 8601 time.
    """
    raw = text.strip()
    if raw.endswith(("Z", "z")):
        raw = raw[:-1] + "+00:00"
    try:
        when = datetime.fromisoformat(raw)
    except ValueError as exc:
        raise UserError(
            f"{option} {text!r} is not an ISO 8601 time; write e.g. 2025-06-21T06:00:00Z"
        ) from exc
    if when.tzinfo is None:
        return when.replace(tzinfo=UTC), True
    return when.astimezone(UTC), False


def check_positive(option: str, value: float | None, unit: str = "") -> None:
    """Raise a :class:`UserError` unless ``value`` is None or a finite number > 0.

    Parameters
    ----------
    option : str
        The option's name, e.g. ``"--max-distance"``.
    value : float or None
        The value as given on the command line (in the option's own unit).
    unit : str
        The option's unit for the message, e.g. ``"km"``.
    """
    if value is None:
        return
    if not (value > 0 and math.isfinite(value)):
        shown = f"{value:g} {unit}".strip()
        raise UserError(f"{option} must be a positive number, not {shown}")


def check_wind_files(winds: Sequence[Path | str] | None) -> list[Path]:
    """Expand the ``--winds`` values into data files; a :class:`UserError` names missing ones.

    Each value may be a file, a directory (every data file in it, GRIB index files and
    hidden files skipped), a quoted glob pattern (``'gfs/*.grib2'``) or a comma-separated
    list of these. Files come back sorted within each value, duplicates removed.
    """
    paths: list[Path] = []
    missing: list[str] = []
    for value in winds or ():
        for part in (piece.strip() for piece in str(value).split(",")):
            if not part:
                continue
            found = _expand_wind_value(part)
            if found:
                paths.extend(p for p in found if p not in paths)
            else:
                missing.append(part)
    if missing:
        raise UserError(
            f"wind file(s) not found: {', '.join(missing)}; give ERA5/GFS files, a folder "
            "of them or a quoted pattern ('strato weather fetch' or 'strato weather "
            "forecast' downloads them)"
        )
    return paths


def _expand_wind_value(text: str) -> list[Path]:
    """Files named by one ``--winds`` value (file, folder or glob); empty when none."""
    path = Path(text).expanduser()
    if path.is_dir():
        return sorted(
            f
            for f in path.iterdir()
            if f.is_file() and not f.name.startswith(".") and f.suffix != ".idx"
        )
    if any(char in text for char in "*?["):
        return sorted(Path(p) for p in glob.glob(str(path)) if Path(p).is_file())
    return [path] if path.is_file() else []


def open_winds(winds: Sequence[Path] | None) -> Any:
    """Open the atmosphere of the ``--winds`` files, or the built-in SYNTHETIC sample.

    The sample's results carry ``synthetic=True``; the commands say so to the user.
    """
    paths = check_wind_files(winds)
    if paths:
        from weather.atmosphere_files import open_atmosphere

        return open_atmosphere(paths)
    from weather.sample_atmosphere import open_sample_atmosphere

    return open_sample_atmosphere()


def flight_spec_from_options(
    *,
    ascent_rate: float,
    burst_altitude: float | None,
    descent_rate: float,
    balloon: str | None = None,
    payload: float | None = None,
    gas: str = "helium",
    neck_lift: float | None = None,
    launch_altitude: float | None = None,
) -> Any:
    """Build the :class:`predictor.ensemble.FlightSpec` of the rate or balloon options.

    With ``balloon`` the burst calculator gives ascent rate and burst altitude
    (``ascent_rate`` is then the target unless a ``neck_lift`` [kg] is given);
    otherwise the rates are used as given, with a 30000 m burst by default.

    Parameters
    ----------
    ascent_rate : float
        Ascent rate, or the target ascent rate with a balloon [m s-1].
    burst_altitude : float or None
        Burst altitude [m]; must be None with a balloon.
    descent_rate : float
        Sea-level descent rate [m s-1].
    balloon, payload, gas, neck_lift
        Balloon model (e.g. ``TA800``), payload mass [kg], lifting gas, neck lift [kg].
    launch_altitude : float or None
        Launch altitude [m] for the burst calculator (0 when unknown).
    """
    from predictor.ensemble import FlightSpec

    if balloon is None:
        return FlightSpec(
            ascent_rate, 30000.0 if burst_altitude is None else burst_altitude, descent_rate
        )
    if payload is None:
        raise UserError("--balloon needs --payload KG (payload, parachute and train mass)")
    if burst_altitude is not None:
        raise UserError(
            "give either --balloon (burst altitude computed) or --burst-altitude, not both"
        )
    return FlightSpec.from_balloon(
        balloon,
        payload,
        descent_rate,
        gas,
        ascent_rate=None if neck_lift is not None else ascent_rate,
        neck_lift=neck_lift,
        launch_altitude=launch_altitude or 0.0,
    )


def read_zones(path: Path | None, option: str = "--avoid") -> tuple[Any, ...]:
    """Read the zones (GeoJSON polygons) of the file given to ``option``, or none."""
    if path is None:
        return ()
    if not Path(path).is_file():
        raise UserError(f"{option} {path}: no such file (give a GeoJSON file of polygons)")
    from predictor.zones import parse_zones_geojson

    try:
        return tuple(parse_zones_geojson(Path(path).read_text(encoding="utf-8")))
    except ValueError as exc:
        raise UserError(f"{option} {path}: {exc}") from exc


def parse_recovery(lat: float | None, lon: float | None) -> tuple[float, float] | None:
    """Return the recovery point of ``--recovery-lat``/``--recovery-lon`` [deg], or None."""
    if (lat is None) != (lon is None):
        raise UserError("give both --recovery-lat and --recovery-lon")
    return None if lat is None or lon is None else (lat, lon)


def check_output_folders(paths: Sequence[Path], option: str = "--out") -> None:
    """Fail before any work when a file's folder does not exist (rather than after it)."""
    for path in paths:
        folder = Path(path).parent
        if not folder.is_dir():
            raise UserError(f"{option} {path}: the folder {folder} does not exist; create it first")
