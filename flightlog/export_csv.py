"""CSV export: one row per telemetry frame, units in the column names.

Columns: ``time`` (ISO 8601 UTC), ``sentence_id``, ``latitude``, ``longitude``,
``altitude``, then the sensors as ``<field>_<unit>`` (see :func:`column_name`), extras,
``received_at``. Analysis reads these files back with the same :func:`column_name`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from firmware_bridge.fields import FIELD_UNITS

__all__ = ["UNIT_SLUGS", "column_name", "csv_columns", "field_from_column", "write_csv"]

#: Unit string (as in :data:`firmware_bridge.fields.FIELD_UNITS`) -> column-name suffix.
#: Dimensionless (``"1"``) and positions (degree_north/east, metres of ``altitude``) are
#: named without a suffix: their units are fixed by the CSV header description.
UNIT_SLUGS: dict[str, str] = {
    "Pa": "pa",
    "K": "k",
    "%": "percent",
    "V": "v",
    "m s-1": "m_s",
    "degree": "deg",
    "dB": "db",
    "Hz": "hz",
    "count": "count",
    "m": "m",
    "s": "s",
    "degree_north": "deg",
    "degree_east": "deg",
    "UTC": "",
    "1": "",
    "": "",
}

#: Leading columns whose names carry no unit suffix (their units are fixed: degrees north,
#: degrees east, metres above mean sea level).
_POSITION = ("latitude", "longitude", "altitude")


def column_name(field: str) -> str:
    """CSV column name of a canonical telemetry field.

    Parameters
    ----------
    field : str
        Canonical field name (:data:`firmware_bridge.fields.FIELD_UNITS`) or an extra.

    Returns
    -------
    str
        ``latitude``, ``longitude``, ``altitude`` and ``sentence_id`` unchanged; otherwise
        ``<field>_<unit slug>`` (e.g. ``pressure_pa``, ``temperature_k``,
        ``relative_humidity_percent``, ``ground_speed_m_s``), or the bare name for
        dimensionless fields and extras (``satellites``, ``gps_fix``, ``extra_foo``).

    Examples
    --------
    >>> column_name("pressure")
    'pressure_pa'
    >>> column_name("satellites")
    'satellites'
    """
    if field in _POSITION or field == "sentence_id":
        return field
    unit = FIELD_UNITS.get(field)
    if unit is None:
        return field
    if unit not in UNIT_SLUGS:
        raise ValueError(f"no CSV unit suffix for unit {unit!r} of field {field!r}")
    slug = UNIT_SLUGS[unit]
    return f"{field}_{slug}" if slug else field


def field_from_column(column: str) -> str:
    """Return the canonical field name of a CSV column (inverse of :func:`column_name`)."""
    for field in FIELD_UNITS:
        if column_name(field) == column:
            return field
    return column


def csv_columns(data: pd.DataFrame) -> dict[str, str]:
    """DataFrame column -> CSV column, in CSV order, for a :func:`flightlog.read_flight` frame."""
    mapping = {"time": "time", "sentence_id": "sentence_id"}
    for field in _POSITION:
        mapping[field] = field
    skip = {"payload_time", "callsign", "sentence_id", "time", "received_at", *_POSITION}
    for field in FIELD_UNITS:
        if field in data.columns and field not in skip and data[field].notna().any():
            mapping[field] = column_name(field)
    for name in data.columns:
        if name.startswith("extra_"):
            mapping[name] = name
    mapping["received_at"] = "received_at"
    return mapping


def _iso(series: pd.Series) -> pd.Series:
    return series.dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ").where(series.notna(), "")


def write_csv(data: pd.DataFrame, path: str | Path) -> Path:
    """Write a :func:`flightlog.read_flight` DataFrame as the flight CSV.

    Sensors never sent during the flight (all NaN) are left out. Times are ISO 8601 UTC with
    microseconds and a ``Z``. Returns the path written.
    """
    mapping = csv_columns(data)
    table = data[list(mapping)].rename(columns=mapping).copy()
    table["time"] = _iso(data["time"])
    table["received_at"] = _iso(data["received_at"])
    path = Path(path)
    table.to_csv(path, index=False, float_format="%.10g", lineterminator="\n")
    return path
