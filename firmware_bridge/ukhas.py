r"""UKHAS telemetry sentences: ``$$CALLSIGN,id,HH:MM:SS,lat,lon,alt[,extra...]*CRC16\n``.

Parsing never raises: every input becomes a :class:`~firmware_bridge.frame.Frame` whose
status says whether it decoded. Checksums: CRC16-CCITT-FALSE (4 hex digits, the default)
or the legacy 8-bit XOR (2 hex digits), told apart by the length after ``*``; both cover
the bytes strictly between the leading ``$`` characters and ``*``.

Payload-specific fields after the altitude are mapped by a *field spec*: a sequence whose
entries are either a canonical name (unit taken as SI) or a ``(name, unit_or_converter)``
pair, where the unit is a key of :data:`UKHAS_UNITS` (e.g. ``"degC"``, ``"hPa"``, ``"mV"``)
or a callable ``str -> value``. Fields beyond the spec are kept as ``extra_1``, ``extra_2``,
... numbered from the first field after the altitude.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from firmware_bridge.crc import crc16_ccitt_false, xor8
from firmware_bridge.frame import Frame
from firmware_bridge.protocol_common import (
    bad_checksum,
    date_time_of_day,
    malformed,
    ok_frame,
    printable_ascii,
    receive_time,
    strict_float,
    strict_int,
)

__all__ = [
    "STRATO_UKHAS_FIELD_SPEC",
    "UKHAS_UNITS",
    "FieldSpec",
    "encode_ukhas",
    "parse_ukhas",
]

PROTOCOL = "ukhas"

Converter = Callable[[str], Any]
FieldSpec = Sequence[str | tuple[str, str | Converter]]


def _number(text: str) -> int | float:
    try:
        return strict_int(text)
    except ValueError:
        return strict_float(text)


def _fmt(decimals: int) -> Callable[[float], str]:
    return lambda value: f"{value:.{decimals}f}"


#: Unit name -> (decode text to SI value, encode SI value to text).
UKHAS_UNITS: dict[str, tuple[Converter, Callable[[Any], str]]] = {
    "1": (_number, str),
    "int": (strict_int, lambda v: str(int(v))),
    "str": (str, str),
    "m": (strict_float, _fmt(1)),
    "m s-1": (strict_float, _fmt(2)),
    "km h-1": (lambda t: strict_float(t) / 3.6, lambda v: f"{v * 3.6:.2f}"),
    "knot": (lambda t: strict_float(t) * 1852.0 / 3600.0, lambda v: f"{v * 3600.0 / 1852.0:.2f}"),
    "degree": (strict_float, _fmt(1)),
    "K": (strict_float, _fmt(2)),
    "degC": (lambda t: strict_float(t) + 273.15, lambda v: f"{v - 273.15:.2f}"),
    "Pa": (strict_float, _fmt(1)),
    "hPa": (lambda t: strict_float(t) * 100.0, lambda v: f"{v / 100.0:.2f}"),
    "V": (strict_float, _fmt(3)),
    "mV": (lambda t: strict_float(t) / 1000.0, lambda v: f"{v * 1000.0:.0f}"),
    "%": (strict_float, _fmt(1)),
}

#: SI unit assumed when a field spec entry is a bare canonical name.
_DEFAULT_UNIT = {
    "satellites": "int",
    "gps_fix": "int",
    "radiation_counts": "int",
    "ground_speed": "m s-1",
    "vertical_velocity": "m s-1",
    "heading": "degree",
    "pressure": "Pa",
    "temperature": "K",
    "internal_temperature": "K",
    "relative_humidity": "%",
    "battery_voltage": "V",
}

#: The extras the Stratoflight virtual payload sends after the altitude (units as sent).
STRATO_UKHAS_FIELD_SPEC: tuple[tuple[str, str], ...] = (
    ("satellites", "int"),
    ("ground_speed", "m s-1"),
    ("heading", "degree"),
    ("vertical_velocity", "m s-1"),
    ("temperature", "degC"),
    ("pressure", "hPa"),
    ("relative_humidity", "%"),
    ("internal_temperature", "degC"),
    ("battery_voltage", "V"),
)

_CALLSIGN = re.compile(r"[A-Za-z0-9/_-]+\Z")
#: Callsigns already checked against :data:`_CALLSIGN` (a stream repeats one or a few).
_GOOD_CALLSIGNS: set[str] = set()


def _resolve_spec(field_spec: FieldSpec | None) -> list[tuple[str, Converter, Callable]]:
    """Turn a user field spec into (name, decoder, encoder) triples; raises ValueError."""
    resolved: list[tuple[str, Converter, Callable]] = []
    for entry in field_spec or ():
        if isinstance(entry, str):
            name, unit = entry, _DEFAULT_UNIT.get(entry, "1")
        else:
            name, unit = entry
        if callable(unit):
            resolved.append((name, unit, str))
        elif unit in UKHAS_UNITS:
            dec, enc = UKHAS_UNITS[unit]
            resolved.append((name, dec, enc))
        else:
            raise ValueError(
                f"unknown unit {unit!r} for UKHAS field {name!r}; use one of "
                f"{sorted(UKHAS_UNITS)} or a callable converting the text"
            )
    return resolved


_SPEC_CACHE: dict[int, tuple[Any, list]] = {}


def _cached_spec(field_spec: FieldSpec | None) -> list[tuple[str, Converter, Callable]]:
    if not field_spec:
        return []
    key = id(field_spec)
    hit = _SPEC_CACHE.get(key)
    if hit is not None and hit[0] is field_spec:
        return hit[1]
    resolved = _resolve_spec(field_spec)
    if len(_SPEC_CACHE) > 64:
        _SPEC_CACHE.clear()
    _SPEC_CACHE[key] = (field_spec, resolved)
    return resolved


def _parse_time(text: str) -> tuple[int, int, int] | None:
    """``HH:MM:SS`` or ``HHMMSS`` -> (h, m, s); None when not a time of day."""
    if len(text) == 8 and text[2] == ":" and text[5] == ":":
        digits = text[0:2] + text[3:5] + text[6:8]
    elif len(text) == 6:
        digits = text
    else:
        return None
    if not (digits.isdigit() and digits.isascii()):
        return None
    h, m, s = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    if h > 23 or m > 59 or s > 59:
        return None
    return h, m, s


def _parse_coordinate(text: str, limit: float) -> float:
    """Signed decimal degrees or NMEA-style ``[D]DDMM.mmmm``; raises ValueError.

    An integer part of four or more digits means degrees-minutes (decimal degrees never
    need more than three), e.g. ``5006.98682`` -> 50 + 6.98682/60.
    """
    text = text.strip()
    value = strict_float(text)
    dot = text.find(".")
    digits = len(text) if dot < 0 else dot
    if text[:1] in "+-":
        digits -= 1
    if digits >= 4:
        magnitude = abs(value)
        degrees = int(magnitude // 100)
        minutes = magnitude - degrees * 100
        if minutes >= 60:
            raise ValueError(f"{text!r} has {minutes:.4f} minutes (must be < 60)")
        value = degrees + minutes / 60.0
        if text.startswith("-"):
            value = -value
    if not -limit <= value <= limit:  # also rejects NaN
        raise ValueError(f"{text!r} is outside -{limit:g}..{limit:g} degrees")
    return value


def parse_ukhas(
    raw: bytes,
    field_spec: FieldSpec | None = None,
    *,
    received_at: datetime | None = None,
    source: str = "",
) -> Frame:
    r"""Decode one UKHAS sentence.

    Parameters
    ----------
    raw : bytes
        The sentence, starting with ``$$`` (extra leading ``$`` allowed), ending with
        ``*CCCC`` or ``*CC`` and optionally ``\n`` or ``\r\n``.
    field_spec : sequence, optional
        Mapping of the fields after the altitude (see the module docstring).
    received_at : datetime, optional
        Receive time (tz-aware UTC; default now). Dates the ``HH:MM:SS`` payload time.
    source : str
        Link name copied into the frame.

    Returns
    -------
    Frame
        ``ok`` with fields callsign, sentence_id (when sent), payload_time [UTC],
        latitude [degree_north], longitude [degree_east], altitude [m] and the extras;
        ``bad_checksum`` or ``malformed`` with the reason otherwise. Never raises on
        ``raw``; an invalid ``field_spec`` gives a ``malformed`` frame naming the problem.
    """
    received_at = receive_time(received_at)
    try:
        return _parse(raw, field_spec, received_at, source)
    except Exception as exc:  # noqa: BLE001 - the contract: never raise on input
        return malformed(raw, received_at, source, PROTOCOL, f"cannot decode: {exc}")


def _parse(raw: bytes, field_spec, received_at: datetime, source: str) -> Frame:
    end = len(raw)
    if raw.endswith(b"\n"):
        end -= 1
        if end and raw[end - 1] == 13:
            end -= 1
    start = 0
    while start < end and raw[start] in b" \t\r\n":
        start += 1
    if raw[start : start + 2] != b"$$":
        return malformed(raw, received_at, source, PROTOCOL, "does not start with '$$'")
    while start < end and raw[start] == 36:  # '$'
        start += 1
    star = raw.rfind(b"*", start, end)
    if star < 0:
        return malformed(raw, received_at, source, PROTOCOL, "no '*' checksum")
    body = raw[start:star]
    sent = raw[star + 1 : end]
    n = len(sent)
    try:
        if sent.strip(b"0123456789abcdefABCDEF"):
            raise ValueError  # int(..., 16) would take "1_2A" and " 1A"
        if n == 4:
            expected = int(sent, 16)
            actual = crc16_ccitt_false(body)
            kind = "CRC16"
        elif n == 2:
            expected = int(sent, 16)
            actual = xor8(body)
            kind = "XOR"
        else:
            raise ValueError
    except ValueError:
        return malformed(
            raw,
            received_at,
            source,
            PROTOCOL,
            f"checksum {sent!r} is not 2 (XOR) or 4 (CRC16) hex digits",
        )
    if expected != actual:
        return bad_checksum(
            raw,
            received_at,
            source,
            PROTOCOL,
            f"{kind} mismatch: sent {expected:0{n}X}, computed {actual:0{n}X}",
        )
    text, problem = printable_ascii(body)
    if problem:
        return malformed(raw, received_at, source, PROTOCOL, problem)
    parts = text.split(",")
    callsign = parts[0]
    if callsign not in _GOOD_CALLSIGNS:
        if not _CALLSIGN.match(callsign):
            return malformed(raw, received_at, source, PROTOCOL, f"bad callsign {callsign!r}")
        if len(_GOOD_CALLSIGNS) > 256:
            _GOOD_CALLSIGNS.clear()
        _GOOD_CALLSIGNS.add(callsign)
    fields: dict[str, Any] = {"callsign": callsign}
    # With a sentence id: CALL,id,time,...; without (e.g. LetFik2): CALL,time,...
    if len(parts) > 1 and (hms := _parse_time(parts[1])) is not None and ":" in parts[1]:
        idx = 2
    elif len(parts) > 2 and (hms := _parse_time(parts[2])) is not None:
        try:
            fields["sentence_id"] = strict_int(parts[1].strip())
        except ValueError:
            return malformed(
                raw, received_at, source, PROTOCOL, f"sentence id {parts[1]!r} is not an integer"
            )
        idx = 3
    elif len(parts) > 1 and (hms := _parse_time(parts[1])) is not None:
        idx = 2
    else:
        return malformed(raw, received_at, source, PROTOCOL, "no HH:MM:SS time field")
    if len(parts) < idx + 3:
        return malformed(
            raw, received_at, source, PROTOCOL, "missing latitude, longitude or altitude"
        )
    fields["payload_time"] = date_time_of_day(hms[0], hms[1], hms[2], 0, received_at)
    try:
        fields["latitude"] = _parse_coordinate(parts[idx], 90.0)
        fields["longitude"] = _parse_coordinate(parts[idx + 1], 180.0)
        fields["altitude"] = strict_float(parts[idx + 2].strip())
    except ValueError as exc:
        return malformed(raw, received_at, source, PROTOCOL, f"bad position: {exc}")
    extras = parts[idx + 3 :]
    if extras:
        spec = _cached_spec(field_spec)
        for k, value in enumerate(extras):
            value = value.strip()
            if k < len(spec):
                name, dec, _ = spec[k]
                if value == "":
                    continue
                try:
                    fields[name] = dec(value)
                except (ValueError, TypeError, ArithmeticError) as exc:
                    return malformed(
                        raw,
                        received_at,
                        source,
                        PROTOCOL,
                        f"field {name!r} (extra {k + 1}) = {value!r}: {exc}",
                    )
            elif value != "":
                try:
                    fields[f"extra_{k + 1}"] = _number(value)
                except ValueError:
                    fields[f"extra_{k + 1}"] = value
    return ok_frame(raw, received_at, source, PROTOCOL, fields)


def _format_coordinate(value: float, is_lat: bool, position_format: str) -> str:
    if position_format == "decimal":
        return f"{value:.5f}"
    magnitude = abs(value)
    degrees = int(magnitude)
    minutes = (magnitude - degrees) * 60.0
    if round(minutes, 5) >= 60.0:
        degrees, minutes = degrees + 1, 0.0
    sign = "-" if value < 0 else ""
    width = 2 if is_lat else 3
    return f"{sign}{degrees:0{width}d}{minutes:08.5f}"


def encode_ukhas(
    fields: Mapping[str, Any],
    *,
    field_spec: FieldSpec | None = None,
    checksum: str = "crc16",
    position_format: str = "decimal",
    altitude_decimals: int = 0,
) -> bytes:
    r"""Encode one UKHAS sentence with checksum and ``\n``.

    Parameters
    ----------
    fields : mapping
        ``callsign`` (required), ``sentence_id`` (optional; omitted when absent),
        ``payload_time`` (tz-aware datetime, required), ``latitude`` [degree_north],
        ``longitude`` [degree_east], ``altitude`` [m], and the fields named in
        ``field_spec`` (missing ones are sent empty). Without a spec, ``extra_1`` ...
        keys are sent in order.
    field_spec : sequence, optional
        Extras after the altitude, as for :func:`parse_ukhas`.
    checksum : {"crc16", "xor"}
        CRC16-CCITT-FALSE (default) or the legacy XOR.
    position_format : {"decimal", "ddmm"}
        Signed decimal degrees with 5 decimals (~1 m) or NMEA-style degrees-minutes.
    altitude_decimals : int
        Decimals of the altitude (the UKHAS convention is whole metres).

    Returns
    -------
    bytes
        ``$$...*CCCC\n``.

    Raises
    ------
    ValueError
        When a required field is missing or a value cannot be formatted.
    """
    if checksum not in ("crc16", "xor"):
        raise ValueError(f"checksum must be 'crc16' or 'xor', not {checksum!r}")
    if position_format not in ("decimal", "ddmm"):
        raise ValueError(f"position_format must be 'decimal' or 'ddmm', not {position_format!r}")
    for required in ("callsign", "payload_time", "latitude", "longitude", "altitude"):
        if fields.get(required) is None:
            raise ValueError(f"UKHAS encoding needs the field {required!r}")
    callsign = str(fields["callsign"])
    if not _CALLSIGN.match(callsign):
        raise ValueError(f"callsign {callsign!r} must match [A-Za-z0-9/_-]+")
    when = fields["payload_time"]
    if not isinstance(when, datetime) or when.tzinfo is None:
        raise ValueError("payload_time must be a tz-aware datetime")
    when = when.astimezone(UTC)
    parts = [callsign]
    if fields.get("sentence_id") is not None:
        parts.append(str(int(fields["sentence_id"])))
    parts.append(when.strftime("%H:%M:%S"))
    parts.append(_format_coordinate(float(fields["latitude"]), True, position_format))
    parts.append(_format_coordinate(float(fields["longitude"]), False, position_format))
    parts.append(f"{float(fields['altitude']):.{altitude_decimals}f}")
    spec = _resolve_spec(field_spec)
    if spec:
        for name, _, enc in spec:
            value = fields.get(name)
            parts.append("" if value is None else enc(value))
    else:
        k = 1
        while f"extra_{k}" in fields:
            parts.append(str(fields[f"extra_{k}"]))
            k += 1
    body = ",".join(parts).encode("ascii")
    if b"*" in body or b"$" in body or b"\n" in body:
        raise ValueError("UKHAS field values must not contain '*', '$' or newlines")
    if checksum == "crc16":
        tail = f"*{crc16_ccitt_false(body):04X}\n"
    else:
        tail = f"*{xor8(body):02X}\n"
    return b"$$" + body + tail.encode("ascii")
