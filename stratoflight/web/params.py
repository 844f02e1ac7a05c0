"""Turning untrusted query parameters into checked values, or a clear :class:`RequestError`.

Every request parameter passes through here: numbers must be finite and inside their range,
times RFC 3339 with a zone (or naive, taken as UTC like the CLI), names from a closed list.
No parameter ever names a file.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime

from localization import TimeFormatError, parse_time
from stratoflight.errors import UserError

__all__ = [
    "MAX_PARAMETER_LENGTH",
    "RequestError",
    "get_choice",
    "get_float",
    "get_int",
    "get_time",
    "input_errors",
]

#: Longest parameter value accepted [characters]; longer values are refused unread.
MAX_PARAMETER_LENGTH = 200


class RequestError(ValueError):
    """A bad request: HTTP 400 with Tawhiri's ``{"error": {"type", "description"}}``.

    Parameters
    ----------
    description : str
        What was wrong and how to fix it (plain English, names the parameter).
    status : int
        HTTP status [400 bad request, 404 unknown dataset or flight].
    kind : str
        Tawhiri's error type (``RequestException``, ``InvalidDatasetException``...).
    """

    def __init__(self, description: str, status: int = 400, kind: str = "RequestException") -> None:
        super().__init__(description)
        self.description = description
        self.status = status
        self.kind = kind


def _raw(query: Mapping[str, str], name: str, required: bool) -> str | None:
    value = query.get(name)
    if value is None or value.strip() == "":
        if required:
            raise RequestError(f"Parameter '{name}' not provided in request.")
        return None
    if len(value) > MAX_PARAMETER_LENGTH:
        raise RequestError(f"Parameter '{name}' is longer than {MAX_PARAMETER_LENGTH} characters.")
    return value.strip()


def get_float(
    query: Mapping[str, str],
    name: str,
    *,
    required: bool = True,
    default: float | None = None,
    low: float | None = None,
    high: float | None = None,
    low_open: bool = False,
    high_open: bool = False,
    unit: str = "",
) -> float | None:
    """Read a finite number from ``query[name]`` inside [low, high] (open ends when asked).

    Returns ``default`` when the parameter is absent and not required.
    """
    text = _raw(query, name, required)
    if text is None:
        return default
    try:
        value = float(text)
    except ValueError:
        raise RequestError(
            f"Unable to parse parameter '{name}': {text!r} is not a number."
        ) from None
    if not math.isfinite(value):
        raise RequestError(f"Parameter '{name}' must be a finite number, not {text!r}.")
    shown = f"{value:g} {unit}".strip()
    if low is not None and (value < low or (low_open and value == low)):
        side = "above" if low_open else "at least"
        raise RequestError(f"Parameter '{name}' must be {side} {low:g} {unit}, got {shown}.")
    if high is not None and (value > high or (high_open and value == high)):
        side = "below" if high_open else "at most"
        raise RequestError(f"Parameter '{name}' must be {side} {high:g} {unit}, got {shown}.")
    return value


def get_int(query: Mapping[str, str], name: str, *, default: int, low: int, high: int) -> int:
    """Read an integer in [low, high] from ``query[name]``, or ``default`` when absent."""
    text = _raw(query, name, False)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise RequestError(
            f"Unable to parse parameter '{name}': {text!r} is not a whole number."
        ) from None
    if not low <= value <= high:
        raise RequestError(f"Parameter '{name}' must be between {low} and {high}, got {value}.")
    return value


def get_time(query: Mapping[str, str], name: str, *, required: bool = True) -> datetime | None:
    """Read an RFC 3339 / ISO 8601 time from ``query[name]`` as an aware UTC datetime."""
    text = _raw(query, name, required)
    if text is None:
        return None
    try:
        when = parse_time(text, name).utc  # the one rule: a zone converted, none = UTC
    except TimeFormatError:
        raise RequestError(
            f"Unable to parse parameter '{name}': {text!r} is not an RFC 3339 time; "
            "write e.g. 2025-06-21T06:00:00Z."
        ) from None
    return when


def get_choice(query: Mapping[str, str], name: str, choices: tuple[str, ...], default: str) -> str:
    """One of ``choices`` from ``query[name]`` (``default`` when absent)."""
    text = _raw(query, name, False)
    if text is None:
        return default
    if text not in choices:
        raise RequestError(f"Parameter '{name}' must be one of {', '.join(choices)}, got {text!r}.")
    return text


@contextmanager
def input_errors() -> Iterator[None]:
    """Turn the library's input errors (``ValueError``, ``UserError``) into a 400.

    Wrap only calls whose ``ValueError`` means "this input cannot be flown" (outside the
    data, burst below launch...); any other failure stays an internal error (500).
    """
    try:
        yield
    except RequestError:
        raise
    except (UserError, ValueError) as exc:
        raise RequestError(str(exc)) from None
