"""JSON output (the ``strato predict --json`` document, PredictionResult.to_dict) and reader."""

from __future__ import annotations

import json
from pathlib import Path

from predictor.result import PredictionResult

__all__ = ["read_prediction_json", "to_json_string", "write_json"]


def to_json_string(result: PredictionResult, member: int = 0, indent: int | None = 2) -> str:
    """Return the JSON document of one member (full float64 precision, ISO UTC times)."""
    return json.dumps(result.to_dict(member), indent=indent, allow_nan=False)


def write_json(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member's JSON document to ``path``."""
    Path(path).write_text(to_json_string(result, member) + "\n", encoding="utf-8")


def read_prediction_json(path: str | Path) -> dict:
    """Read a prediction written by :func:`write_json` (``strato predict --out x.json``).

    Parameters
    ----------
    path : str or Path
        The JSON file.

    Returns
    -------
    dict
        The document (``launch``, ``burst``, ``landing``, ``stages``, ``settings``, ...).

    Raises
    ------
    FileNotFoundError
        If the file does not exist.
    ValueError
        If it is not JSON, or not a prediction (no ``landing``).
    """
    how = "give the file written by 'strato predict --out prediction.json'"
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no such file; {how}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path} is not JSON ({exc}); {how}") from exc
    if not isinstance(data, dict) or "landing" not in data:
        raise ValueError(f"{path}: not a Stratoflight prediction (no 'landing' key); {how}")
    return data
