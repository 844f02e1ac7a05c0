"""SondeHub-Amateur telemetry JSON: the array a ``PUT /amateur/telemetry`` would carry.

Fields follow telemetry-formats.md §6: required ``software_name``, ``software_version``,
``uploader_callsign``, ``time_received`` and ``datetime`` (UTC ``YYYY-MM-DDTHH:MM:SS.ffffffZ``),
``payload_callsign``, ``lat``, ``lon``, ``alt`` [m]; optional ``frame``, ``temp`` [degC],
``humidity`` [%], ``pressure`` [hPa], ``vel_h``, ``vel_v`` [m/s], ``heading`` [deg], ``batt``
[V], ``sats``, ``snr`` [dB], ``frequency`` [MHz]. Exported frames are past telemetry, so each
object carries ``historical: true`` (the server otherwise hides frames older than 24 h).
This module only writes the file; uploading is left to the crew's uploader.
"""

from __future__ import annotations

import json
import math
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["sondehub_records", "write_sondehub"]

#: Canonical field -> (SondeHub key, conversion from SI to SondeHub's unit).
_OPTIONAL = {
    "temperature": ("temp", lambda k: k - 273.15),
    "relative_humidity": ("humidity", lambda v: v),
    "pressure": ("pressure", lambda pa: pa / 100.0),
    "ground_speed": ("vel_h", lambda v: v),
    "vertical_velocity": ("vel_v", lambda v: v),
    "heading": ("heading", lambda v: v),
    "battery_voltage": ("batt", lambda v: v),
    "satellites": ("sats", lambda v: int(round(v))),
    "snr": ("snr", lambda v: v),
    "frequency": ("frequency", lambda hz: hz / 1e6),
}


def _time(value: pd.Timestamp) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def sondehub_records(
    data: pd.DataFrame, metadata: dict[str, Any], uploader_callsign: str = "N0CALL"
) -> list[dict[str, Any]]:
    """SondeHub-Amateur telemetry objects for every row with a position and altitude.

    Raises
    ------
    ValueError
        For a flight logged from a simulated payload (``strato log --synthetic``): this
        format exists to upload real flights to a public database.
    """
    if (metadata.get("settings") or {}).get("synthetic"):
        raise ValueError(
            f"flight {metadata.get('name')!r} was logged from a simulated payload "
            "(strato log --synthetic); SondeHub telemetry is uploaded to a public database "
            "of real flights, so it is not written for simulated ones: export csv, netcdf, "
            "kml or gpx instead"
        )
    records = []
    software_version = version("stratoflight")
    for row in data.to_dict("records"):
        if any(
            row.get(k) is None or (isinstance(row.get(k), float) and math.isnan(row[k]))
            for k in ("latitude", "longitude", "altitude")
        ):
            continue
        record: dict[str, Any] = {
            "software_name": "stratoflight",
            "software_version": software_version,
            "uploader_callsign": uploader_callsign,
            "time_received": _time(row["received_at"]),
            "payload_callsign": row.get("callsign") or metadata.get("callsign") or metadata["name"],
            "datetime": _time(row["time"]),
            "lat": float(row["latitude"]),
            "lon": float(row["longitude"]),
            "alt": float(row["altitude"]),
            "historical": True,
        }
        if row.get("sentence_id") is not None and not pd.isna(row["sentence_id"]):
            record["frame"] = int(row["sentence_id"])
        for field, (key, convert) in _OPTIONAL.items():
            value = row.get(field)
            if value is not None and not (isinstance(value, float) and math.isnan(value)):
                record[key] = convert(float(value))
        records.append(record)
    return records


def write_sondehub(
    data: pd.DataFrame,
    metadata: dict[str, Any],
    path: str | Path,
    uploader_callsign: str = "N0CALL",
) -> Path:
    """Write the SondeHub-Amateur JSON array to ``path``."""
    path = Path(path)
    path.write_text(
        json.dumps(sondehub_records(data, metadata, uploader_callsign), indent=1) + "\n",
        encoding="utf-8",
    )
    return path
