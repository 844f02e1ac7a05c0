"""Write a profile as a University of Wyoming TEXT:LIST sounding (7-character columns).

The layout is the one :func:`analysis.read_soundings.parse_wyoming_text` reads (and
MetPy's ``get_upper_air_data`` loader): four header lines, 11 right-aligned columns,
blank = missing, wind in knots.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.units_convert import KNOT, ZERO_CELSIUS, wind_speed_direction

__all__ = ["format_wyoming_text", "write_wyoming_text"]

_NAMES = ("PRES", "HGHT", "TEMP", "DWPT", "RELH", "MIXR", "DRCT", "SKNT", "THTA", "THTE", "THTV")
_UNITS = ("hPa", "m", "C", "C", "%", "g/kg", "deg", "knot", "K", "K", "K")
_FORMATS = ("7.1f", "7.0f", "7.1f", "7.1f", "7.0f", "7.2f", "7.0f", "7.0f", "7.1f", "7.1f", "7.1f")
_RULE = "-" * 77


def _cell(value: float, fmt: str) -> str:
    return " " * 7 if not np.isfinite(value) else format(value, fmt)[-7:].rjust(7)


def format_wyoming_text(levels: pd.DataFrame, title: str = "") -> str:
    """TEXT:LIST text of ``levels`` (pressure decreasing upward).

    Parameters
    ----------
    levels : DataFrame
        ``pressure`` [Pa], ``altitude`` [m], ``temperature``/``dewpoint`` [K],
        ``relative_humidity`` [%], ``mixing_ratio`` [kg kg-1], ``potential_temperature``
        and ``equivalent_potential_temperature`` [K], ``u``/``v`` wind [m s-1] (any may
        be missing).
    title : str
        First line (station and time), optional.

    Levels that would print with the same pressure (0.1 hPa) as the level before are left
    out, so the table stays strictly decreasing in pressure for readers such as MetPy (dense
    1 Hz data above ~15 km change by less than 0.1 hPa per second).

    Notes
    -----
    THTV is the virtual potential temperature theta (1 + 0.61 r) (r mixing ratio).
    """
    printed = np.round(levels["pressure"].to_numpy(float) / 10.0)
    levels = levels[np.concatenate([[True], np.diff(printed) != 0])]
    n = len(levels)

    def col(name: str) -> np.ndarray:
        return levels[name].to_numpy(float) if name in levels else np.full(n, np.nan)

    speed, direction = wind_speed_direction(col("u"), col("v"))
    mixing = col("mixing_ratio")
    theta = col("potential_temperature")
    table = np.column_stack(
        [
            col("pressure") / 100.0,
            col("altitude"),
            col("temperature") - ZERO_CELSIUS,
            col("dewpoint") - ZERO_CELSIUS,
            col("relative_humidity"),
            mixing * 1000.0,
            direction,
            speed / KNOT,
            theta,
            col("equivalent_potential_temperature"),
            theta * (1.0 + 0.61 * mixing),
        ]
    )
    lines = [title] if title else []
    lines += [
        _RULE,
        "".join(n.rjust(7) for n in _NAMES),
        "".join(u.rjust(7) for u in _UNITS),
        _RULE,
    ]
    for row in table:
        lines.append("".join(_cell(v, f) for v, f in zip(row, _FORMATS, strict=True)))
    return "\n".join(lines) + "\n"


def write_wyoming_text(levels: pd.DataFrame, path: str | Path, title: str = "") -> Path:
    """Write :func:`format_wyoming_text` output to ``path``."""
    path = Path(path)
    path.write_text(format_wyoming_text(levels, title), encoding="ascii", errors="replace")
    return path
