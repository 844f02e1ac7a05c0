"""Readers for 1 Hz radiosonde logs: radiosonde_auto_rx CSV and the Vaisala MW41 EDT export."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime, timedelta

import numpy as np
import pandas as pd

from analysis.columns import finish_profile
from analysis.units_convert import ZERO_CELSIUS

__all__ = ["parse_auto_rx_log", "parse_vaisala_edt"]

_EDT_COLUMNS = (
    "n", "elapsed_s", "time_utc", "height_msl_m", "gps_height_msl_m", "pressure_hpa",
    "temperature_c", "relative_humidity", "dewpoint_c", "direction_deg", "speed_ms",
    "east_ms", "north_ms", "latitude", "longitude",
)  # fmt: skip
_EDT_DATE = re.compile(r"(\d{8})_(\d{4})")


def parse_auto_rx_log(text: str) -> tuple[pd.DataFrame, dict]:
    """Parse a radiosonde_auto_rx telemetry log (``timestamp,serial,frame,lat,lon,...``).

    Missing markers of auto_rx become NaN: temperature -273 degC, humidity -1 %, pressure
    -1 hPa (RS41-SG has no pressure sensor; pressure is then missing).
    """
    table = pd.read_csv(io.StringIO(text), skipinitialspace=True)
    temperature = table["temp"].astype(float).where(table["temp"] > -273.0)
    humidity = table["humidity"].astype(float).where(table["humidity"] >= 0.0)
    pressure = table["pressure"].astype(float).where(table["pressure"] > 0.0)
    profile = finish_profile(
        pd.DataFrame(
            {
                "time": pd.to_datetime(table["timestamp"], utc=True, format="ISO8601"),
                "latitude": table["lat"],
                "longitude": table["lon"],
                "altitude": table["alt"],
                "pressure": pressure * 100.0,
                "temperature": temperature + ZERO_CELSIUS,
                "relative_humidity": humidity,
                "vertical_velocity": table["vel_v"],
                "sentence_id": table["frame"],
                "satellites": table["sats"],
            }
        )
    )
    serials = table["serial"].dropna().unique()
    return profile, {
        "format": "auto_rx_log",
        "callsign": str(serials[0]) if len(serials) else "",
        "sonde_type": str(table["type"].iloc[-1]) if "type" in table else "",
    }


def parse_vaisala_edt(text: str, name: str = "") -> tuple[pd.DataFrame, dict]:
    """Parse a Vaisala MW41 EDT text export (two header lines, whitespace columns).

    The file holds times of day only; the date comes from ``name`` when it contains
    ``YYYYMMDD_HHMM`` (as in ``edt_20221002_1106.txt``), and times that go backwards are
    taken to have crossed midnight. Without a date, the date is unknown and the metadata
    says so (times then fall on 1970-01-01). ``altitude`` is the file's HeightMSL; the GPS
    height is kept as ``gps_altitude``. The row numbered 9998 is the end-of-flight point.
    """
    body = "\n".join(text.splitlines()[2:])
    table = pd.read_csv(io.StringIO(body), sep=r"\s+", header=None, names=list(_EDT_COLUMNS))
    match = _EDT_DATE.search(name)
    date_known = match is not None
    day = datetime.strptime(match.group(1), "%Y%m%d") if match else datetime(1970, 1, 1)
    clock = pd.to_timedelta(table["time_utc"].astype(str))
    rollover = (clock.diff() < pd.Timedelta(0)).cumsum()
    times = pd.Timestamp(day.replace(tzinfo=UTC)) + clock + rollover * timedelta(days=1)
    profile = finish_profile(
        pd.DataFrame(
            {
                "time": times,
                "latitude": table["latitude"],
                "longitude": table["longitude"],
                "altitude": table["height_msl_m"],
                "pressure": table["pressure_hpa"] * 100.0,
                "temperature": table["temperature_c"] + ZERO_CELSIUS,
                "dewpoint": table["dewpoint_c"] + ZERO_CELSIUS,
                "relative_humidity": table["relative_humidity"],
                "eastward_wind": table["east_ms"],
                "northward_wind": table["north_ms"],
                "gps_altitude": table["gps_height_msl_m"],
                "elapsed_time": table["elapsed_s"],
            }
        )
    )
    metadata = {
        "format": "vaisala_edt",
        "date_known": date_known,
        "end_of_flight_marker": bool(np.any(table["n"].to_numpy() == 9998)),
    }
    if not date_known:
        metadata["notes"] = [
            "the EDT file name carries no date: date unknown, times are times of day (UTC)"
        ]
    return profile, metadata
