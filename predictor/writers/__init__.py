"""Writers for prediction results: JSON, CSV, KML, GeoJSON, GPX and a PNG map.

:func:`write_result` picks the format from the file extension. Every writer keeps full
float64 precision for coordinates and labels SYNTHETIC atmospheres in the file.
"""

from __future__ import annotations

from pathlib import Path

from predictor.result import PredictionResult
from predictor.writers.csv_writer import to_csv_string, write_csv
from predictor.writers.geojson_writer import to_geojson, write_geojson
from predictor.writers.gpx_writer import to_gpx_string, write_gpx
from predictor.writers.json_writer import to_json_string, write_json
from predictor.writers.kml_writer import to_kml_string, write_kml
from predictor.writers.png_map import write_png_map

__all__ = [
    "WRITERS",
    "to_csv_string",
    "to_geojson",
    "to_gpx_string",
    "to_json_string",
    "to_kml_string",
    "write_csv",
    "write_geojson",
    "write_gpx",
    "write_json",
    "write_kml",
    "write_png_map",
    "write_result",
]

#: File extension -> writer.
WRITERS = {
    ".json": write_json,
    ".csv": write_csv,
    ".kml": write_kml,
    ".geojson": write_geojson,
    ".gpx": write_gpx,
    ".png": write_png_map,
}


def write_result(result: PredictionResult, path: str | Path, member: int = 0) -> Path:
    """Write one member of ``result`` to ``path`` in the format its extension names.

    Parameters
    ----------
    result : PredictionResult
        The prediction.
    path : str or Path
        Output file; the extension (``.json``, ``.csv``, ``.kml``, ``.geojson``, ``.gpx``,
        ``.png``)
        picks the format.
    member : int
        Which member to write (0 for a single flight).

    Returns
    -------
    Path
        The path written.

    Raises
    ------
    ValueError
        For an unknown extension (the message lists the known ones).
    """
    path = Path(path)
    writer = WRITERS.get(path.suffix.lower())
    if writer is None:
        raise ValueError(
            f"cannot tell the output format of {path}: use one of the extensions "
            f"{', '.join(WRITERS)}"
        )
    writer(result, path, member)
    return path
