"""Export a recorded flight in one of the supported formats."""

from __future__ import annotations

from pathlib import Path
from typing import Any

__all__ = ["EXPORT_FORMATS", "export_flight"]

#: Export formats and the module writing each.
EXPORT_FORMATS = ("csv", "netcdf", "kml", "gpx", "sondehub")


def export_flight(
    db_path: str | Path,
    flight_name: str,
    format: str,
    out: str | Path,  # noqa: A002
    **options: Any,
) -> Path:
    """Read a flight and write it as ``format`` to ``out``; returns the path written.

    Parameters
    ----------
    db_path : str or Path
        Flight-log database.
    flight_name : str
        Flight to export.
    format : {"csv", "netcdf", "kml", "gpx", "sondehub"}
        Output format.
    out : str or Path
        Output file.
    **options
        ``uploader_callsign`` for ``sondehub``.

    Raises
    ------
    ValueError
        For an unknown format, an unknown flight, or a flight without telemetry.
    """
    if format not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {format!r}; choose one of {EXPORT_FORMATS}")
    from flightlog.reading import read_flight

    data, metadata = read_flight(db_path, flight_name)
    if data.empty:
        raise ValueError(
            f"flight {flight_name!r} has no decoded telemetry yet, nothing to export "
            "(see 'strato flights' for its frame counts)"
        )
    out = Path(out)
    if out.parent and not out.parent.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
    if format == "csv":
        from flightlog.export_csv import write_csv

        return write_csv(data, out)
    if format == "netcdf":
        from flightlog.cf_trajectory import flight_attributes, write_cf_trajectory

        synthetic = "simulated payload" if metadata.get("settings", {}).get("synthetic") else None
        return write_cf_trajectory(
            data, out, metadata["name"], synthetic=synthetic, attributes=flight_attributes(metadata)
        )
    if format == "kml":
        from flightlog.export_tracks import write_kml

        return write_kml(data, metadata, out)
    if format == "gpx":
        from flightlog.export_tracks import write_gpx

        return write_gpx(data, metadata, out)
    from flightlog.export_sondehub import write_sondehub

    return write_sondehub(data, metadata, out, **options)
