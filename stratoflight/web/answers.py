"""JSON answers: strict JSON (non-finite numbers as null), numpy scalars as numbers."""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.responses import Response

__all__ = ["json_response", "strict_json"]


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):  # numpy scalar
        return _clean(value.item())
    return value


def strict_json(document: Any) -> str:
    """Return ``document`` as compact strict JSON: NaN and infinities become null.

    Browsers and most JSON readers refuse ``NaN``; an unknown number is ``null`` here.
    """
    return json.dumps(_clean(document), allow_nan=False, separators=(",", ":"))


def json_response(document: Any, status: int = 200) -> Response:
    """Return an HTTP response of ``document`` as strict JSON."""
    return Response(strict_json(document), status_code=status, media_type="application/json")
