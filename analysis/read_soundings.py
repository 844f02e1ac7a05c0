"""Readers for upper-air sounding tables: University of Wyoming and NOAA RAOB.

Each ``parse_*`` takes the file's text and returns ``(profile, metadata)`` with the
canonical columns of :mod:`analysis.columns` (SI units).
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from analysis.columns import finish_profile
from analysis.units_convert import KNOT, ZERO_CELSIUS, wind_components

__all__ = [
    "parse_noaa_raob_csv",
    "parse_wyoming_csv",
    "parse_wyoming_text",
    "parse_wyoming_wsgi_csv",
]

_WYOMING_NAMES = ("PRES", "HGHT", "TEMP", "DWPT", "RELH", "MIXR", "DRCT", "SKNT")
_TITLE_TIME = re.compile(r"at\s+(\d{2})Z\s+(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})")
_STATION_FIELDS = {
    "Station identifier": "station_id",
    "Station number": "station_number",
    "Observation time": "observation_time",
    "Station latitude": "station_latitude",
    "Station longitude": "station_longitude",
    "Station elevation": "station_elevation_m",
}


def _wyoming_table(table: pd.DataFrame, wind_unit: str) -> pd.DataFrame:
    """Map a UWyo table (PRES, HGHT, TEMP, ... columns) to a canonical profile."""
    keep = table[["TEMP", "DWPT", "DRCT", "SKNT"]].notna().any(axis=1)
    table = table[keep]  # below-ground mandatory rows carry only PRES and HGHT
    speed = table["SKNT"].to_numpy(float) * (KNOT if wind_unit == "knot" else 1.0)
    u, v = wind_components(speed, table["DRCT"].to_numpy(float))
    return finish_profile(
        pd.DataFrame(
            {
                "pressure": table["PRES"].to_numpy(float) * 100.0,
                "altitude": table["HGHT"].to_numpy(float),
                "temperature": table["TEMP"].to_numpy(float) + ZERO_CELSIUS,
                "dewpoint": table["DWPT"].to_numpy(float) + ZERO_CELSIUS,
                "relative_humidity": table["RELH"].to_numpy(float),
                "eastward_wind": u,
                "northward_wind": v,
            }
        )
    )


def parse_wyoming_text(text: str) -> tuple[pd.DataFrame, dict]:
    """Parse a University of Wyoming TEXT:LIST sounding.

    The table has right-aligned 7-character columns (blank = missing), so it is cut by
    column position, not by whitespace. Rows with only pressure and height (mandatory
    levels below ground) are dropped. Wind speed is in knots.

    Parameters
    ----------
    text : str
        File contents.

    Returns
    -------
    profile : DataFrame
        Canonical profile (pressure [Pa], altitude [m], temperature and dewpoint [K], ...).
    metadata : dict
        ``format``, station information and observation time when the file gives them.
    """
    lines = text.splitlines()
    header = next(
        (i for i, line in enumerate(lines) if line.split()[:3] == ["PRES", "HGHT", "TEMP"]),
        None,
    )
    if header is None:
        raise ValueError("no 'PRES HGHT TEMP' header line: not a Wyoming TEXT:LIST sounding")
    names = lines[header].split()
    start = header + 3  # names, units, dashes
    rows = []
    for line in lines[start:]:
        if not line.strip() or not re.match(r"^\s*\d", line):
            break
        cells = [line[7 * k : 7 * (k + 1)].strip() for k in range(len(names))]
        rows.append([float(c) if c else np.nan for c in cells])
    if not rows:
        raise ValueError("the Wyoming sounding has a header but no data rows")
    table = pd.DataFrame(rows, columns=names)
    metadata: dict = {"format": "wyoming_text", "wind_unit_in_file": "knot"}
    for line in lines[:header]:
        match = _TITLE_TIME.search(line)
        if match:
            hour, day, month, year = match.groups()
            stamp = datetime.strptime(f"{year} {month} {day} {hour}", "%Y %b %d %H")
            metadata["observation_time"] = stamp.replace(tzinfo=UTC).isoformat()
            metadata["station"] = line[: match.start()].replace("Observations", "").strip()
    published: dict[str, float] = {}
    for line in lines[start + len(rows) :]:
        if ":" in line:
            key, _, value = line.partition(":")
            key = re.sub(r"<[^>]*>", "", key).strip()  # the HTML page's tags
            if key in _STATION_FIELDS:
                metadata[_STATION_FIELDS[key]] = value.strip()
            else:
                try:
                    published[key] = float(value)
                except ValueError:
                    continue
    if published:
        # "Station information and sounding indices" as the page prints them (names
        # and units of UWyo: K index [degC], CAPE [J/kg], LCL [K]/[hPa], PW [mm]...)
        metadata["published_indices"] = published
    return _wyoming_table(table, "knot"), metadata


def parse_wyoming_csv(text: str) -> tuple[pd.DataFrame, dict]:
    """Parse the University of Wyoming CSV download (PRES,HGHT,TEMP,... header).

    The column set is the TEXT:LIST one (SKNT in knots). A file whose wind column is named
    in m s-1 (UWyo's newer service) is read in m s-1.
    """
    table = pd.read_csv(io.StringIO(text), skipinitialspace=True)
    table.columns = [c.strip().upper() for c in table.columns]
    missing = [n for n in _WYOMING_NAMES if n not in table.columns]
    if missing:
        raise ValueError(f"Wyoming CSV lacks the columns {missing}; expected {_WYOMING_NAMES}")
    table = table.apply(pd.to_numeric, errors="coerce")
    return _wyoming_table(table, "knot"), {"format": "wyoming_csv", "wind_unit_in_file": "knot"}


#: UWyo's current CSV service (weather.uwyo.edu/wsgi/sounding?type=TEXT:CSV): column ->
#: (canonical column, scale, offset). Wind speed is in m s-1 there (the old pages: knots).
_WSGI_COLUMNS = {
    "pressure_hpa": ("pressure", 100.0, 0.0),
    "geopotential height_m": ("altitude", 1.0, 0.0),
    "temperature_c": ("temperature", 1.0, ZERO_CELSIUS),
    "dew point temperature_c": ("dewpoint", 1.0, ZERO_CELSIUS),
    "relative humidity_%": ("relative_humidity", 1.0, 0.0),
}


def parse_wyoming_wsgi_csv(text: str) -> tuple[pd.DataFrame, dict]:
    """Parse UWyo's current CSV service (``time,longitude,latitude,pressure_hPa,...``).

    Units are in the column names; the wind speed is in m s-1 (``wind speed_m/s``), not
    knots as on the old TEXT:LIST pages. When every level carries the same time and place
    (the release time and the station: a table, not a track), the time goes to the
    metadata as ``release_time`` and the levels are placed by pressure.
    """
    table = pd.read_csv(io.StringIO(text), skipinitialspace=True)
    table.columns = [c.strip().lower() for c in table.columns]
    missing = [c for c in (*_WSGI_COLUMNS, "wind speed_m/s", "wind direction_degree")
               if c not in table.columns]  # fmt: skip
    if missing:
        raise ValueError(f"UWyo CSV lacks the columns {missing}")
    numbers = table.drop(columns=["time"]).apply(pd.to_numeric, errors="coerce")
    frame = pd.DataFrame(
        {name: numbers[column] * scale + offset
         for column, (name, scale, offset) in _WSGI_COLUMNS.items()}
    )  # fmt: skip
    u, v = wind_components(
        numbers["wind speed_m/s"].to_numpy(float), numbers["wind direction_degree"].to_numpy(float)
    )
    frame["eastward_wind"], frame["northward_wind"] = u, v
    times = pd.to_datetime(table["time"], utc=True, errors="coerce")
    metadata: dict = {"format": "wyoming_wsgi_csv", "wind_unit_in_file": "m s-1"}
    if times.nunique() > 1:  # a real per-level time and drift position
        frame["time"] = times
        frame["latitude"], frame["longitude"] = numbers["latitude"], numbers["longitude"]
    elif times.notna().any():
        metadata["release_time"] = times.iloc[0].isoformat()
        metadata["station_latitude"] = float(numbers["latitude"].iloc[0])
        metadata["station_longitude"] = float(numbers["longitude"].iloc[0])
    return finish_profile(frame), metadata


def parse_noaa_raob_csv(text: str) -> tuple[pd.DataFrame, dict]:
    """Parse a NOAA RAOB CSV (LINTYP, PRESSURE in 0.1 hPa, T/Td in 0.1 degC, knots).

    Levels of several line types at one pressure (e.g. the tropopause line repeating a
    significant level) are merged into one row; ``99999`` is missing. The reported
    tropopause levels (line type 7) are returned in the metadata.
    """
    table = pd.read_csv(io.StringIO(text), skipinitialspace=True)
    table.columns = [c.strip().upper() for c in table.columns]
    table = table.apply(pd.to_numeric, errors="coerce").replace(99999, np.nan)
    reported = [
        {
            "pressure_hpa": row["PRESSURE"] / 10.0,
            "altitude_m": row["HEIGHT"],
            "temperature_c": row["TEMP"] / 10.0,
        }
        for _, row in table[table["LINTYP"] == 7].iterrows()
    ]
    levels = table[table["LINTYP"].isin([9, 4, 5, 6, 7, 8])]
    levels = levels.groupby("PRESSURE", sort=False).first().reset_index()
    levels = levels.sort_values("PRESSURE", ascending=False)
    levels = levels[levels[["TEMP", "DEWPT", "WIND DIR", "WIND SPD"]].notna().any(axis=1)]
    u, v = wind_components(
        levels["WIND SPD"].to_numpy(float) * KNOT, levels["WIND DIR"].to_numpy(float)
    )
    profile = finish_profile(
        pd.DataFrame(
            {
                "pressure": levels["PRESSURE"].to_numpy(float) * 10.0,
                "altitude": levels["HEIGHT"].to_numpy(float),
                "temperature": levels["TEMP"].to_numpy(float) / 10.0 + ZERO_CELSIUS,
                "dewpoint": levels["DEWPT"].to_numpy(float) / 10.0 + ZERO_CELSIUS,
                "eastward_wind": u,
                "northward_wind": v,
            }
        )
    )
    return profile, {"format": "noaa_raob_csv", "reported_tropopause": reported}
