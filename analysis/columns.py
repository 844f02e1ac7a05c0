"""Column names and units of the canonical profile table every reader returns.

The names match ``firmware_bridge/fields.py`` (the flight log's canonical telemetry names)
so a flight from the log and a sounding from a file look the same to the products. A few
columns that only soundings carry are added here (``dewpoint``, the reported winds).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = [
    "PROFILE_COLUMNS",
    "PROFILE_UNITS",
    "empty_profile",
    "epoch_seconds",
    "finish_profile",
]

#: Canonical profile column -> unit. ``time`` is datetime64[ns, UTC] (NaT when unknown).
PROFILE_UNITS: dict[str, str] = {
    "time": "UTC",
    "latitude": "degree_north",
    "longitude": "degree_east",
    "altitude": "m",  # above mean sea level (GNSS or the sounding's height)
    "pressure": "Pa",
    "temperature": "K",
    "dewpoint": "K",
    "relative_humidity": "%",
    "eastward_wind": "m s-1",  # wind as reported by the source (sonde processing, TEMP)
    "northward_wind": "m s-1",
    "vertical_velocity": "m s-1",
    "radiation_counts": "count",
}

#: Column order of a canonical profile.
PROFILE_COLUMNS: tuple[str, ...] = tuple(PROFILE_UNITS)


def empty_profile(n: int) -> pd.DataFrame:
    """Make a profile of ``n`` rows with every canonical column missing (NaN / NaT)."""
    frame = pd.DataFrame({name: np.full(n, np.nan) for name in PROFILE_COLUMNS[1:]})
    frame.insert(0, "time", pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns, UTC]"))
    return frame


def finish_profile(frame: pd.DataFrame) -> pd.DataFrame:
    """Give ``frame`` every canonical column (missing ones as NaN) in canonical order.

    Extra columns (e.g. ``satellites``, ``sentence_id``) are kept after the canonical ones.
    Numeric columns become float64 and ``time`` becomes datetime64[ns, UTC].
    """
    out = frame.copy()
    for name in PROFILE_COLUMNS:
        if name not in out.columns:
            out[name] = pd.NaT if name == "time" else np.nan
    out["time"] = pd.to_datetime(out["time"], utc=True).astype("datetime64[ns, UTC]")
    for name in PROFILE_COLUMNS[1:]:
        out[name] = pd.to_numeric(out[name], errors="coerce").astype("float64")
    extras = [c for c in out.columns if c not in PROFILE_UNITS]
    return out[list(PROFILE_COLUMNS) + extras].reset_index(drop=True)


def epoch_seconds(times: pd.Series) -> np.ndarray:
    """Seconds since 1970-01-01 UTC [s] of a tz-aware datetime Series (any resolution).

    ``astype("int64")`` would give nanoseconds or microseconds depending on the Series'
    resolution (pandas 3 infers it); this does not depend on it. NaT gives NaN.
    """
    epoch = pd.Timestamp(0, tz="UTC")
    return ((times - epoch) / pd.Timedelta(seconds=1)).to_numpy(dtype=float)
