"""One entry point for every recorded profile: ``read_profile(path)`` detects the format.

Formats are told apart by content, never by file name: magic bytes for NetCDF and SQLite,
then the first lines of text files.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from analysis.columns import finish_profile
from analysis.read_bufr import read_temp_bufr
from analysis.read_exports import parse_flight_csv, read_flight_db
from analysis.read_gruan import is_gruan_product, read_gruan_gdp
from analysis.read_igra2 import is_igra2_text, parse_igra2
from analysis.read_sonde_logs import parse_auto_rx_log, parse_vaisala_edt
from analysis.read_soundings import (
    parse_noaa_raob_csv,
    parse_wyoming_csv,
    parse_wyoming_text,
    parse_wyoming_wsgi_csv,
)
from analysis.read_ukhas import parse_habhub_track, parse_ukhas_log
from flightlog.cf_trajectory import read_cf_trajectory

__all__ = ["ACCEPTED_FORMATS", "detect_format", "read_profile"]

#: Format name -> what it is (used in error messages and ``--help``).
ACCEPTED_FORMATS: dict[str, str] = {
    "wyoming_text": "University of Wyoming TEXT:LIST sounding (fixed 7-character columns)",
    "wyoming_csv": "University of Wyoming CSV download (PRES,HGHT,TEMP,... header)",
    "wyoming_wsgi_csv": "University of Wyoming CSV service (time,longitude,latitude,...)",
    "noaa_raob_csv": "NOAA RAOB CSV (LINTYP,PRESSURE,HEIGHT,...)",
    "auto_rx_log": "radiosonde_auto_rx telemetry log (timestamp,serial,frame,lat,...)",
    "vaisala_edt": "Vaisala MW41 EDT text export (n, Elapsed time, TimeUTC, ...)",
    "ukhas_log": "UKHAS sentences ($$CALLSIGN,...*CRC16), plain or habhub _sentence CSV",
    "habhub_track": "habhub track TSV (#Time Lat Lon Alt Sat)",
    "flight_csv": "Stratoflight flight-log CSV export (time,...,latitude,longitude,altitude)",
    "igra2": "NOAA NCEI IGRA2 sounding data (#STATIONID YYYY MM DD HH header lines)",
    "igra2_derived": "NOAA NCEI IGRA2 derived parameters (-drvd.txt, long # header lines)",
    "bufr_temp": "WMO TEMP radiosonde report in BUFR (3 09 007/052/057), read with ecCodes",
    "gruan_gdp": "GRUAN data product NetCDF (e.g. RS41-GDP, RS92-GDP)",
    "cf_netcdf": "CF-NetCDF trajectory (featureType = trajectory), e.g. our export",
    "flightlog_db": "Stratoflight flight-log database (needs the flight name)",
}


def _first_line(text: str) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()
    return ""


def detect_format(path: str | Path) -> str:
    """Name the format of ``path`` (one of :data:`ACCEPTED_FORMATS`).

    Raises
    ------
    ValueError
        If the content matches none of them; the message lists the accepted formats.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if head.startswith((b"\x89HDF\r\n\x1a\n", b"CDF\x01", b"CDF\x02")):
        return "gruan_gdp" if is_gruan_product(path) else "cf_netcdf"
    if b"BUFR" in head[:256]:  # a bare message or one inside a GTS bulletin
        return "bufr_temp"
    if head.startswith(b"SQLite format 3\x00"):
        return "flightlog_db"
    text = head.decode("latin-1")
    first = _first_line(text)
    lower = first.lower()
    if is_igra2_text(first):
        return "igra2_derived" if len(first) > 80 else "igra2"
    if any(line.split()[:3] == ["PRES", "HGHT", "TEMP"] for line in text.splitlines()):
        return "wyoming_text"
    if lower.replace(" ", "").startswith("pres,hght,temp"):
        return "wyoming_csv"
    if lower.startswith("time,longitude,latitude,pressure_hpa"):
        return "wyoming_wsgi_csv"
    if lower.startswith("lintyp,pressure"):
        return "noaa_raob_csv"
    if lower.startswith("timestamp,serial,frame,lat,lon"):
        return "auto_rx_log"
    if first.split()[:3] == ["n", "Elapsed", "time"] and "TimeUTC" in first:
        return "vaisala_edt"
    if "_sentence" in lower.split(",") or first.startswith("$$") or "\n$$" in text:
        return "ukhas_log"
    if lower.startswith("#time") and "\t" in first:
        return "habhub_track"
    columns = [c.strip() for c in lower.split(",")]
    if {"time", "latitude", "longitude", "altitude"} <= set(columns):
        return "flight_csv"
    accepted = "\n  ".join(f"{k}: {v}" for k, v in ACCEPTED_FORMATS.items())
    raise ValueError(
        f"{path}: format not recognised (first line {first[:80]!r}). Accepted formats:\n  "
        f"{accepted}"
    )


def _parse_text(
    kind: str, text: str, name: str, flight_date: date | None
) -> tuple[pd.DataFrame, dict]:
    """Parse the text of a file already identified as ``kind``."""
    if kind == "vaisala_edt":
        return parse_vaisala_edt(text, name)
    if kind in ("ukhas_log", "habhub_track"):
        parser = parse_ukhas_log if kind == "ukhas_log" else parse_habhub_track
        return parser(text, flight_date)
    if kind in ("igra2", "igra2_derived"):  # many soundings: --date picks the day's first
        return parse_igra2(text, on_date=flight_date)
    parser = {
        "wyoming_text": parse_wyoming_text,
        "wyoming_csv": parse_wyoming_csv,
        "wyoming_wsgi_csv": parse_wyoming_wsgi_csv,
        "noaa_raob_csv": parse_noaa_raob_csv,
        "auto_rx_log": parse_auto_rx_log,
        "flight_csv": parse_flight_csv,
    }[kind]
    return parser(text)


def read_profile(
    path: str | Path, flight_name: str | None = None, flight_date: date | None = None
) -> tuple[pd.DataFrame, dict]:
    """Read a recorded profile from any accepted file into the canonical table.

    Parameters
    ----------
    path : str or Path
        Sounding, telemetry log, export or flight-log database.
    flight_name : str, optional
        Flight to read from a flight-log database (required for that format).
    flight_date : date, optional
        UTC date of a flight whose file has times of day only (UKHAS logs, habhub tracks,
        Vaisala EDT files without the date in their name); for IGRA2 files (many
        soundings), the date of the sounding to read (default the file's first).

    Returns
    -------
    profile : DataFrame
        One row per level or frame; canonical columns in SI units (see
        :mod:`analysis.columns`).
    metadata : dict
        At least ``format`` and ``path``; station, callsign, prediction, events, notes
        when the source has them.
    """
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file")
    kind = detect_format(path)
    if kind == "cf_netcdf":
        table, metadata = read_cf_trajectory(path)
        profile = finish_profile(table)
    elif kind == "gruan_gdp":
        profile, metadata = read_gruan_gdp(path)
    elif kind == "bufr_temp":
        profile, metadata = read_temp_bufr(path)
    elif kind == "flightlog_db":
        if not flight_name:
            raise ValueError(f"{path} is a flight-log database: name the flight to read")
        profile, metadata = read_flight_db(path, flight_name)
    else:
        encoding = "latin-1" if kind == "vaisala_edt" else "utf-8"
        text = path.read_text(encoding=encoding, errors="replace")
        try:
            profile, metadata = _parse_text(kind, text, path.name, flight_date)
        except KeyError as exc:  # a header that looks right but lacks a needed column
            raise ValueError(
                f"{path}: looks like {ACCEPTED_FORMATS[kind]} but has no column {exc}; "
                "check that the file is complete and unedited"
            ) from exc
    if flight_date is not None and kind == "vaisala_edt" and not metadata.get("date_known"):
        shift = pd.Timestamp(flight_date, tz="UTC") - pd.Timestamp("1970-01-01", tz="UTC")
        profile["time"] = profile["time"] + shift
        metadata["date_known"] = True
        metadata.pop("notes", None)
    metadata = {"path": str(path), **metadata}
    metadata.setdefault("name", path.stem)
    if len(profile) == 0:
        raise ValueError(f"{path}: read as {kind} but it holds no data rows")
    return profile, metadata
