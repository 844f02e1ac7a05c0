"""Reader for UKHAS telemetry sentence logs and habhub track exports.

Accepted: a habhub CSV export whose ``_sentence`` column holds the raw sentences, a plain
log with one ``$$CALLSIGN,...*CRC`` sentence per line, and the habhub track TSV
(``#Time Lat Lon Alt Sat``). UKHAS sentences carry a time of day only, so the flight date
must be given (``date``) or is recorded as unknown in the metadata.

Analysis may not import ``firmware_bridge`` (see ARCHITECTURE.md), so this is a small
reader of its own for the common field order ``callsign, [counter,] time, lat, lon, alt``.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from analysis.columns import finish_profile

__all__ = ["crc16_ccitt", "parse_habhub_track", "parse_ukhas_log"]

_SENTENCE = re.compile(r"\$+([^*$]+)\*([0-9A-Fa-f]{4})")
_CLOCK = re.compile(r"^(\d{1,2}):?(\d{2}):?(\d{2})$")


def crc16_ccitt(text: str) -> int:
    """CRC16-CCITT-FALSE (poly 0x1021, init 0xFFFF) of ``text`` as used by UKHAS."""
    crc = 0xFFFF
    for byte in text.encode("ascii", errors="replace"):
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else (crc << 1)
            crc &= 0xFFFF
    return crc


def _nmea_to_degrees(values: np.ndarray) -> np.ndarray:
    """Convert (d)ddmm.mmmm values to decimal degrees."""
    sign = np.sign(values)
    magnitude = np.abs(values)
    degrees = np.floor(magnitude / 100.0)
    return sign * (degrees + (magnitude - 100.0 * degrees) / 60.0)


def _day_start(flight_date: date | None) -> pd.Timestamp:
    day = flight_date or date(1970, 1, 1)
    return pd.Timestamp(datetime(day.year, day.month, day.day, tzinfo=UTC))


def _sentences(text: str) -> list[str]:
    head = text.lstrip()[:200]
    if head.startswith("_sentence") or ",_sentence" in head.split("\n", 1)[0]:
        reader = csv.DictReader(io.StringIO(text))
        return [row["_sentence"] for row in reader if row.get("_sentence")]
    return [line.strip() for line in text.splitlines() if "$$" in line]


def parse_ukhas_log(text: str, flight_date: date | None = None) -> tuple[pd.DataFrame, dict]:
    """Parse UKHAS sentences (habhub ``_sentence`` CSV or one sentence per line).

    Sentences whose CRC16 does not match are dropped and counted. Latitude/longitude in
    NMEA ``ddmm.mmmm`` form (detected when any value of the log exceeds 90/180) are
    converted to degrees. Rows keep the file order; sorting and cleaning come later.
    """
    rows, bad_crc, unparsed = [], 0, 0
    for raw in _sentences(text):
        match = _SENTENCE.search(raw)
        if not match:
            unparsed += 1
            continue
        body, crc = match.groups()
        if crc16_ccitt(body) != int(crc, 16):
            bad_crc += 1
            continue
        fields = [f.strip() for f in body.split(",")]
        if len(fields) < 5:  # callsign, time, lat, lon, alt at the least
            unparsed += 1
            continue
        offset = 1 if _CLOCK.match(fields[1]) else 2
        clock = _CLOCK.match(fields[offset]) if len(fields) > offset + 3 else None
        if clock is None:
            unparsed += 1
            continue
        try:
            lat, lon, alt = (float(f) for f in fields[offset + 1 : offset + 4])
        except ValueError:
            unparsed += 1
            continue
        hour, minute, second = (int(g) for g in clock.groups())
        rows.append(
            {
                "callsign": fields[0],
                "sentence_id": float(fields[1]) if offset == 2 and fields[1].isdigit() else np.nan,
                "seconds_of_day": hour * 3600 + minute * 60 + second,
                "latitude": lat,
                "longitude": lon,
                "altitude": alt,
                **{f"extra_{k + 1}": f for k, f in enumerate(fields[offset + 4 :])},
            }
        )
    if not rows:
        raise ValueError(
            f"no UKHAS sentence with a valid checksum ({bad_crc} bad CRC, {unparsed} unreadable)"
        )
    table = pd.DataFrame(rows)
    for column, limit in (("latitude", 90.0), ("longitude", 180.0)):
        values = table[column].to_numpy(float)
        if np.nanmax(np.abs(values)) > limit:
            table[column] = _nmea_to_degrees(values)
    table.insert(
        0, "time", _day_start(flight_date) + pd.to_timedelta(table.pop("seconds_of_day"), "s")
    )
    callsigns = table["callsign"].unique().tolist()
    metadata = {
        "format": "ukhas_log",
        "callsign": ",".join(callsigns),
        "date_known": flight_date is not None,
        "sentences_bad_crc": bad_crc,
        "sentences_unreadable": unparsed,
    }
    if flight_date is None:
        metadata["notes"] = [
            "UKHAS sentences carry no date: date unknown, times are times of day (UTC)"
        ]
    return finish_profile(table.drop(columns="callsign")), metadata


def parse_habhub_track(text: str, flight_date: date | None = None) -> tuple[pd.DataFrame, dict]:
    """Parse a habhub track TSV (``#Time Lat Lon Alt Sat``, times of day UTC)."""
    table = pd.read_csv(io.StringIO(text.lstrip("#")), sep="\t")
    table.columns = [c.strip().lower() for c in table.columns]
    times = _day_start(flight_date) + pd.to_timedelta(table["time"].astype(str))
    profile = finish_profile(
        pd.DataFrame(
            {
                "time": times,
                "latitude": table["lat"],
                "longitude": table["lon"],
                "altitude": table["alt"],
                "satellites": table.get("sat"),
            }
        )
    )
    metadata = {"format": "habhub_track", "date_known": flight_date is not None}
    if flight_date is None:
        metadata["notes"] = ["the track has times of day only: date unknown"]
    return profile, metadata
