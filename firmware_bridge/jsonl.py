"""JSON lines: one telemetry object per line.

Our own lines use canonical names with the unit in the key (``altitude_m``,
``pressure_pa``, ``payload_time_utc`` as ISO 8601, see :data:`JSON_KEYS`). Objects from
other ground software are accepted too, with their conventions converted to SI:
radiosonde_auto_rx / SondeHub (``lat``, ``lon``, ``alt`` m, ``temp`` degC, ``humidity`` %,
``pressure`` hPa, ``vel_h``/``vel_v`` m s-1, ``batt`` V, ``sats``, ``frame``, ``datetime``,
``payload_callsign``/``id``/``serial``, ``frequency`` MHz; auto_rx's "no data" sentinels
such as temp -273 and pressure -1 are dropped) and the Horus UDP ``PAYLOAD_SUMMARY``
(``callsign``, ``latitude``, ``longitude``, ``altitude`` m, ``speed`` km/h, ``time``
HH:MM:SS). Unknown keys are kept as ``extra_<key>``. Parsing never raises.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any

from firmware_bridge.frame import Frame
from firmware_bridge.protocol_common import (
    date_time_of_day,
    malformed,
    ok_frame,
    receive_time,
    strict_float,
)

__all__ = ["JSON_KEYS", "encode_jsonl", "parse_jsonl"]

PROTOCOL = "jsonl"

#: Canonical field -> key in our JSON lines (unit in the name).
JSON_KEYS: dict[str, str] = {
    "callsign": "callsign",
    "sentence_id": "sentence_id",
    "payload_time": "payload_time_utc",
    "latitude": "latitude_deg",
    "longitude": "longitude_deg",
    "altitude": "altitude_m",
    "satellites": "satellites",
    "ground_speed": "ground_speed_m_s",
    "heading": "heading_deg",
    "vertical_velocity": "vertical_velocity_m_s",
    "pressure": "pressure_pa",
    "temperature": "temperature_k",
    "relative_humidity": "relative_humidity_percent",
    "internal_temperature": "internal_temperature_k",
    "battery_voltage": "battery_voltage_v",
    "radiation_counts": "radiation_counts",
    "snr": "snr_db",
    "frequency": "frequency_hz",
    "gps_fix": "gps_fix",
}


def _num(value: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a number")
    if isinstance(value, str):
        return strict_float(value.strip())
    if not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    value = float(value)
    if not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return value


def _int(value: Any) -> int:
    number = _num(value)
    if number != int(number):
        raise ValueError(f"{value!r} is not an integer")
    return int(number)


def _sentinel(*bad: float) -> Callable[[float], bool]:
    return lambda v: v in bad


def _never(_: Any) -> bool:
    return False


# key -> (canonical name, convert to SI, is "no data" sentinel)
_KEYS: dict[str, tuple[str, Callable[[Any], Any], Callable[[Any], bool]]] = {
    JSON_KEYS[name]: (name, conv, _never)
    for name, conv in {
        "latitude": _num,
        "longitude": _num,
        "altitude": _num,
        "satellites": _int,
        "ground_speed": _num,
        "heading": _num,
        "vertical_velocity": _num,
        "pressure": _num,
        "temperature": _num,
        "relative_humidity": _num,
        "internal_temperature": _num,
        "battery_voltage": _num,
        "radiation_counts": _int,
        "snr": _num,
        "frequency": _num,
        "gps_fix": _int,
        "sentence_id": _int,
    }.items()
}
_KEYS.update(
    {
        "lat": ("latitude", _num, _never),
        "lon": ("longitude", _num, _never),
        "alt": ("altitude", _num, _never),
        "latitude": ("latitude", _num, _never),
        "longitude": ("longitude", _num, _never),
        "altitude": ("altitude", _num, _never),
        "frame": ("sentence_id", _int, _never),
        "sequence_number": ("sentence_id", _int, _never),
        "temp": ("temperature", lambda v: _num(v) + 273.15, _sentinel(-273.0)),
        "humidity": ("relative_humidity", _num, _sentinel(-1.0)),
        "pressure": ("pressure", lambda v: _num(v) * 100.0, _sentinel(-1.0)),
        "vel_h": ("ground_speed", _num, _sentinel(-9999.0)),
        "vel_v": ("vertical_velocity", _num, _sentinel(-9999.0)),
        "heading": ("heading", _num, _sentinel(-9999.0)),
        "speed": ("ground_speed", lambda v: _num(v) / 3.6, _never),
        "batt": ("battery_voltage", _num, _sentinel(-1.0)),
        "sats": ("satellites", _int, _sentinel(-1.0)),
        "snr": ("snr", _num, _sentinel(-99.0)),
        "frequency": ("frequency", lambda v: _num(v) * 1e6, _never),
    }
)
_CALLSIGN_KEYS = ("callsign", "payload_callsign", "id", "serial")
_TIME_KEYS = ("payload_time_utc", "datetime")


class DuplicateKeyError(ValueError):
    """A JSON object names the same key twice (which value is meant cannot be known)."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise DuplicateKeyError(f"key {key!r} appears twice in one object")
        obj[key] = value
    return obj


def _parse_iso(text: Any) -> datetime:
    if not isinstance(text, str):
        raise ValueError(f"time {text!r} is not a string")
    when = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if when.tzinfo is None:
        raise ValueError(f"time {text!r} has no time zone (expected UTC, e.g. ...Z)")
    return when.astimezone(UTC)


def parse_jsonl(raw: bytes, *, received_at: datetime | None = None, source: str = "") -> Frame:
    r"""Decode one JSON telemetry line.

    Parameters
    ----------
    raw : bytes
        A JSON object, optionally followed by ``\n``.
    received_at : datetime, optional
        Receive time (tz-aware UTC; default now); dates an ``HH:MM:SS`` ``time``.
    source : str
        Link name copied into the frame.

    Returns
    -------
    Frame
        ``ok`` with canonical SI fields; ``malformed`` for invalid JSON (duplicate keys
        included), a non-object or a value that cannot be converted (JSON lines carry no checksum).
    """
    received_at = receive_time(received_at)
    try:
        return _parse(raw, received_at, source)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise on input
        return malformed(raw, received_at, source, PROTOCOL, f"cannot decode: {exc}")


def _parse(raw: bytes, received_at: datetime, source: str) -> Frame:
    text = raw.strip()
    if not text.startswith(b"{"):
        return malformed(raw, received_at, source, PROTOCOL, "not a JSON object")
    try:
        obj = json.loads(text, object_pairs_hook=_unique_keys)
    except (ValueError, RecursionError) as exc:
        return malformed(raw, received_at, source, PROTOCOL, f"invalid JSON: {exc}")
    if not isinstance(obj, dict):
        return malformed(raw, received_at, source, PROTOCOL, "not a JSON object")
    fields: dict[str, Any] = {}
    try:
        for key, value in obj.items():
            if value is None:
                continue
            if key in _CALLSIGN_KEYS and "callsign" not in fields:
                fields["callsign"] = str(value)
            elif key in _TIME_KEYS:
                fields["payload_time"] = _parse_iso(value)
            elif key == "time" and isinstance(value, str) and len(value) == 8:
                h, m, s = (int(p) for p in value.split(":"))
                if not (0 <= h <= 23 and 0 <= m <= 59 and 0 <= s <= 59):
                    raise ValueError(f"time {value!r} out of range")
                fields.setdefault("payload_time", date_time_of_day(h, m, s, 0, received_at))
            elif key in _KEYS:
                name, convert, is_missing = _KEYS[key]
                if isinstance(value, int | float) and is_missing(value):
                    continue
                fields[name] = convert(value)
            elif key.startswith("extra_"):
                fields[key] = value
            else:
                fields[f"extra_{key}"] = value
    except (ValueError, TypeError, OverflowError) as exc:
        return malformed(raw, received_at, source, PROTOCOL, f"key {key!r}: {exc}")
    lat, lon = fields.get("latitude"), fields.get("longitude")
    if lat is not None and not -90.0 <= lat <= 90.0:
        return malformed(raw, received_at, source, PROTOCOL, f"latitude {lat} outside -90..90")
    if lon is not None and not -180.0 <= lon <= 360.0:
        return malformed(raw, received_at, source, PROTOCOL, f"longitude {lon} out of range")
    if lon is not None and lon > 180.0:
        fields["longitude"] = lon - 360.0
    return ok_frame(raw, received_at, source, PROTOCOL, fields)


def encode_jsonl(fields: Mapping[str, Any]) -> bytes:
    r"""Encode fields as one JSON line with unit-suffixed keys and ``\n``.

    Parameters
    ----------
    fields : mapping
        Canonical fields in SI units; ``payload_time`` a tz-aware datetime (written as
        ISO 8601 UTC with ``Z``); ``extra_*`` keys are written unchanged so they come
        back under the same name.

    Returns
    -------
    bytes
        Compact JSON object followed by ``\n``.
    """
    out: dict[str, Any] = {}
    for name, value in fields.items():
        if value is None:
            continue
        if name == "payload_time":
            if not isinstance(value, datetime) or value.tzinfo is None:
                raise ValueError("payload_time must be a tz-aware datetime")
            value = value.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(f"field {name!r} is {value} (JSON has no NaN/infinity)")
        if name.startswith("extra_"):
            out[name] = value
        elif name in JSON_KEYS:
            out[JSON_KEYS[name]] = value
        else:
            raise ValueError(f"{name!r} is not a canonical field name (see fields.FIELD_UNITS)")
    return json.dumps(out, separators=(",", ":"), allow_nan=False).encode("utf-8") + b"\n"
