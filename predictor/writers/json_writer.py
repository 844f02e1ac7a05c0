"""JSON output: the ``strato predict --json`` document (see PredictionResult.to_dict)."""

from __future__ import annotations

import json
from pathlib import Path

from predictor.result import PredictionResult

__all__ = ["to_json_string", "write_json"]


def to_json_string(result: PredictionResult, member: int = 0, indent: int | None = 2) -> str:
    """Return the JSON document of one member (full float64 precision, ISO UTC times)."""
    return json.dumps(result.to_dict(member), indent=indent, allow_nan=False)


def write_json(result: PredictionResult, path: str | Path, member: int = 0) -> None:
    """Write one member's JSON document to ``path``."""
    Path(path).write_text(to_json_string(result, member) + "\n", encoding="utf-8")
