"""CSV output: one row per trajectory point, units in the column names."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from predictor.result import PredictionResult, iso_utc

__all__ = ["CSV_COLUMNS", "to_csv_string", "write_csv"]

#: Columns: ISO UTC time, seconds since the epoch, stage, position (full precision).
CSV_COLUMNS = ("time_utc", "time_unix_s", "stage", "latitude_deg", "longitude_deg", "altitude_m")


def to_csv_string(result: PredictionResult, member: int = 0) -> str:
    """One member's trajectory as CSV text (header line first)."""
    cols = result.trajectory(member)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for t, stage, lat, lon, alt in zip(
        cols["time"],
        cols["stage"],
        cols["latitude"],
        cols["longitude"],
        cols["altitude"],
        strict=True,
    ):
        writer.writerow(
            [
                iso_utc(t),
                repr(float(t)),
                str(stage),
                repr(float(lat)),
                repr(float(lon)),
                repr(float(alt)),
            ]
        )
    return buf.getvalue()


def write_csv(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member's trajectory to ``path`` as CSV."""
    Path(path).write_text(to_csv_string(result, member), encoding="utf-8")
