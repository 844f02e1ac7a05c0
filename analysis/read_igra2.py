"""Readers for NOAA NCEI IGRA2 sounding-data and derived-parameter files.

Sounding data are ``*-data.txt``, derived parameters ``*-drvd.txt``.

IGRA2 (the Integrated Global Radiosonde Archive, version 2; e.g. Ha Noi is
``VMM00048820``) stores many soundings per file, each a ``#`` header line followed by
fixed-column level lines. Column positions are those of NCEI's format descriptions
``igra2-data-format.txt`` and ``igra2-derived-format.txt`` (notes/sounding-products.md
section 6.3). Missing values are -9999, values removed by quality control -8888.

Sounding data keep NCEI's level types: the tropopause levels flagged by the originating
service (LVLTYP2 = 2) are returned in the metadata as ``reported_tropopause``. Derived
files add NCEI's published indices to the header (precipitable water from the surface
to 500 hPa, LCL, LFC, lifted, Showalter, K and total totals indices, CAPE, CIN): they are
returned as ``published_indices``.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import numpy as np
import pandas as pd

from analysis.columns import finish_profile
from analysis.units_convert import ZERO_CELSIUS, wind_components

__all__ = ["is_igra2_text", "parse_igra2"]

_MISSING = (-9999.0, -8888.0, -99999.0)


def _number(line: str, start: int, end: int, scale: float = 1.0) -> float:
    """Field of columns ``start``-``end`` (1-based, inclusive) times ``scale``; NaN if missing."""
    text = line[start - 1 : end].strip()
    if not text:
        return float("nan")
    try:
        value = float(text)
    except ValueError:
        return float("nan")
    return float("nan") if value in _MISSING else value * scale


def is_igra2_text(first_line: str) -> bool:
    """Whether a file's first line is an IGRA2 header (``#`` + 11-character station id)."""
    return (
        len(first_line) >= 36
        and first_line.startswith("#")
        and first_line[1:12].strip().isalnum()
        and first_line[13:17].isdigit()
    )


def _header_time(line: str) -> tuple[datetime | None, datetime | None]:
    """Nominal time and release time (None when missing) of a header line."""
    year, month, day = (int(line[a:b]) for a, b in ((13, 17), (18, 20), (21, 23)))
    hour = int(line[24:26])
    nominal = datetime(year, month, day, 0 if hour == 99 else hour, tzinfo=UTC)
    release = None
    reltime = line[27:31]
    if reltime.isdigit() and reltime[:2] != "99":
        minute = 0 if reltime[2:] == "99" else int(reltime[2:])
        release = datetime(year, month, day, int(reltime[:2]), minute, tzinfo=UTC)
        if release - nominal > timedelta(hours=12):  # released the evening before 00Z
            release -= timedelta(days=1)
    return (None if hour == 99 else nominal), release


def _data_levels(lines: list[str]) -> tuple[pd.DataFrame, list[dict]]:
    rows, tropopause = [], []
    for line in lines:
        line = line.ljust(51)
        pressure = _number(line, 10, 15)  # Pa
        height = _number(line, 17, 21)  # m
        temperature = _number(line, 23, 27, 0.1)  # degC
        depression = _number(line, 35, 39, 0.1)  # K
        rows.append(
            {
                "elapsed_s": _elapsed(line[3:8]),
                "pressure": pressure,
                "altitude": height,
                "temperature": temperature + ZERO_CELSIUS,
                "dewpoint": temperature - depression + ZERO_CELSIUS,
                "relative_humidity": _number(line, 29, 33, 0.1),
                "direction": _number(line, 41, 45),
                "speed": _number(line, 47, 51, 0.1),
            }
        )
        if line[1] == "2":
            tropopause.append(
                {
                    "pressure_hpa": pressure / 100.0,
                    "altitude_m": None if np.isnan(height) else height,
                    "temperature_c": None if np.isnan(temperature) else temperature,
                }
            )
    return pd.DataFrame(rows), tropopause


def _elapsed(text: str) -> float:
    """IGRA2 ETIME (MMMSS since release) in seconds; NaN when missing."""
    text = text.strip()
    if not text or text.startswith("-"):
        return float("nan")
    value = int(text)
    return float(60 * (value // 100) + value % 100)


def _derived_levels(lines: list[str]) -> pd.DataFrame:
    rows = []
    for line in lines:
        line = line.ljust(151)
        rows.append(
            {
                "pressure": _number(line, 1, 7),  # Pa
                "reported_height": _number(line, 9, 15),
                "calculated_height": _number(line, 17, 23),
                "temperature": _number(line, 25, 31, 0.1),  # K
                "vapour_pressure_hpa": _number(line, 73, 79, 0.001),
                "relative_humidity": _number(line, 89, 95, 0.1),
                "eastward_wind": _number(line, 113, 119, 0.1),
                "northward_wind": _number(line, 129, 135, 0.1),
            }
        )
    return pd.DataFrame(rows)


#: Derived-file header: name -> (first column, last column, scale) (igra2-derived-format).
_DERIVED_HEADER = {
    "precipitable_water_surface_to_500hpa_mm": (38, 43, 0.01),
    "mixed_layer_pressure_hpa": (62, 67, 0.01),
    "mixed_layer_height_m": (68, 73, 1.0),
    "freezing_level_pressure_hpa": (74, 79, 0.01),
    "freezing_level_height_m": (80, 85, 1.0),
    "lcl_pressure_hpa": (86, 91, 0.01),
    "lcl_height_m": (92, 97, 1.0),
    "lfc_pressure_hpa": (98, 103, 0.01),
    "lfc_height_m": (104, 109, 1.0),
    "lnb_pressure_hpa": (110, 115, 0.01),
    "lnb_height_m": (116, 121, 1.0),
    "lifted_index_c": (122, 127, 1.0),
    "showalter_index_c": (128, 133, 1.0),
    "k_index_c": (134, 139, 1.0),
    "total_totals_index_c": (140, 145, 1.0),
    "cape_j_kg": (146, 151, 1.0),
    "cin_j_kg": (152, 157, 1.0),
}


def parse_igra2(
    text: str, sounding: int = 0, on_date: date | None = None
) -> tuple[pd.DataFrame, dict]:
    """Parse one sounding of an IGRA2 sounding-data or derived-parameter file.

    Parameters
    ----------
    text : str
        File contents (many soundings, each a ``#`` header and its levels).
    sounding : int
        Which sounding to read (0 = the first in the file); the metadata lists them all.
    on_date : date, optional
        Read the first sounding of this UTC date (nominal time) instead.

    Returns
    -------
    profile : DataFrame
        Canonical profile (pressure [Pa], altitude [m], temperature and dewpoint [K],
        winds [m s-1]; times from the elapsed time when the file has it).
    metadata : dict
        ``format`` (``igra2`` or ``igra2_derived``), ``station``, ``observation_time``,
        ``soundings_in_file`` and their times, ``reported_tropopause`` (sounding data) or
        ``published_indices`` (derived).
    """
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("#")]
    if not starts:
        raise ValueError("no IGRA2 header line (starting with '#'): not an IGRA2 file")
    if on_date is not None:
        days = [_header_time(lines[i])[0] for i in starts]
        matches = [k for k, day in enumerate(days) if day is not None and day.date() == on_date]
        if not matches:
            listed = ", ".join(sorted({f"{d:%Y-%m-%d}" for d in days if d is not None})[:20])
            raise ValueError(
                f"the IGRA2 file has no sounding on {on_date:%Y-%m-%d}; it has: {listed}"
            )
        sounding = matches[0]
    if not 0 <= sounding < len(starts):
        raise ValueError(f"the file holds {len(starts)} soundings; sounding {sounding} asked")
    start = starts[sounding]
    end = starts[sounding + 1] if sounding + 1 < len(starts) else len(lines)
    header = lines[start]
    body = [line for line in lines[start + 1 : end] if line.strip()]
    if not body:
        raise ValueError(
            f"IGRA2 sounding {sounding} ({header[1:26].strip()}) has no level lines; "
            "the file may be cut short"
        )
    derived = len(header.rstrip()) > 80
    nominal, release = _header_time(header)
    station = header[1:12].strip()
    metadata: dict = {
        "format": "igra2_derived" if derived else "igra2",
        "station": station,
        "observation_time": None if nominal is None else nominal.isoformat(),
        "release_time": None if release is None else release.isoformat(),
        "soundings_in_file": len(starts),
        "sounding_read": sounding,
        "sounding_times": [
            (t.isoformat() if (t := _header_time(lines[i])[0]) else None) for i in starts
        ],
        "name": f"IGRA2 {station} {nominal:%Y-%m-%d %HZ}" if nominal else f"IGRA2 {station}",
    }
    if derived:
        table = _derived_levels(body)
        vapour = table["vapour_pressure_hpa"].to_numpy(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            # Bolton (1980) inverse of the saturation vapour pressure over water
            ln = np.log(vapour / 6.112)
            dewpoint = ZERO_CELSIUS + 243.5 * ln / (17.67 - ln)
        height = table["calculated_height"].fillna(table["reported_height"])
        frame = pd.DataFrame(
            {
                "pressure": table["pressure"],
                "altitude": height,
                "temperature": table["temperature"],
                "dewpoint": dewpoint,
                "relative_humidity": table["relative_humidity"],
                "eastward_wind": table["eastward_wind"],
                "northward_wind": table["northward_wind"],
            }
        )
        published = {
            name: _number(header.ljust(157), a, b, scale)
            for name, (a, b, scale) in _DERIVED_HEADER.items()
        }
        metadata["published_indices"] = {k: v for k, v in published.items() if np.isfinite(v)}
    else:
        table, tropopause = _data_levels(body)
        u, v = wind_components(table["speed"].to_numpy(float), table["direction"].to_numpy(float))
        frame = table.drop(columns=["direction", "speed"]).assign(eastward_wind=u, northward_wind=v)
        if release is not None and table["elapsed_s"].notna().all():
            frame["time"] = pd.Timestamp(release) + pd.to_timedelta(table["elapsed_s"], unit="s")
        frame = frame.drop(columns=["elapsed_s"])
        metadata["reported_tropopause"] = tropopause
        lat = _number(header, 56, 62, 1e-4)
        lon = _number(header, 64, 71, 1e-4)
        metadata["station_latitude"] = None if np.isnan(lat) else lat
        metadata["station_longitude"] = None if np.isnan(lon) else lon
    frame = frame[frame["pressure"].notna()]
    keep = frame[["temperature", "dewpoint", "eastward_wind"]].notna().any(axis=1)
    return finish_profile(frame[keep]), metadata
