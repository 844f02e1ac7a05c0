"""Choosing the UKHAS field spec: how the extras after the altitude are named and converted.

A UKHAS sentence carries ``$$CALL,id,time,lat,lon,alt`` and then payload-specific extras.
Without a spec they are kept as ``extra_1``, ``extra_2``... (value as sent, unit unknown).
A spec names them in order, with the unit they are sent in, so that they are stored
under canonical names in SI units (e.g. ``pressure`` [Pa] from hPa).

Choices (``strato log --fields`` and ``strato bridge listen --fields``):

- ``none``: keep the extras as ``extra_<n>``;
- ``strato``: the Stratoflight virtual payload's extras
  (:data:`firmware_bridge.ukhas.STRATO_UKHAS_FIELD_SPEC`);
- a file path: a text file with one extra per line, in the order sent,
  ``NAME [UNIT]``; ``#`` starts a comment; the unit may hold spaces (``km h-1``).
  ``NAME`` is a canonical field
  (:data:`firmware_bridge.fields.FIELD_UNITS`, e.g. ``temperature``) or any other
  name, which is stored as ``extra_<name>``; ``UNIT`` is one of
  :data:`firmware_bridge.ukhas.UKHAS_UNITS` (default: the field's SI unit). Example for
  the FIK-2 payload (``$$LetFik2,time,lat,lon,alt,sats,candy_noise,candy_flux``)::

      satellites int
      candy_noise          # stored as extra_candy_noise
      candy_flux
"""

from __future__ import annotations

import re
from pathlib import Path

from firmware_bridge.fields import FIELD_UNITS
from firmware_bridge.ukhas import STRATO_UKHAS_FIELD_SPEC, UKHAS_UNITS
from localization import _

__all__ = ["FIELD_SPEC_CHOICES", "field_spec_for", "read_field_spec"]

#: Named field specs; anything else given to ``--fields`` is read as a file.
FIELD_SPEC_CHOICES: dict[str, tuple[tuple[str, str], ...] | None] = {
    "none": None,
    "strato": STRATO_UKHAS_FIELD_SPEC,
}

#: SI unit of the value each UKHAS unit decodes to ("1" = a plain number).
_DECODED_UNIT = {
    "1": "1",
    "int": "1",
    "str": "",
    "m": "m",
    "m s-1": "m s-1",
    "km h-1": "m s-1",
    "knot": "m s-1",
    "degree": "degree",
    "K": "K",
    "degC": "K",
    "Pa": "Pa",
    "hPa": "Pa",
    "V": "V",
    "mV": "V",
    "%": "%",
}

#: The unit a canonical field is sent in when the file names none (its SI unit).
_DEFAULT_SENT_UNIT = {"1": "1", "count": "int", "degree_north": "degree", "degree_east": "degree"}

_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: Fields a UKHAS sentence already carries before the extras.
_POSITION_FIELDS = ("payload_time", "callsign", "sentence_id", "latitude", "longitude", "altitude")


def _compatible(name: str, unit: str) -> bool:
    want = FIELD_UNITS[name]
    got = _DECODED_UNIT[unit]
    if want in ("1", "count"):
        return got == "1"
    return got == want


def read_field_spec(path: str | Path) -> tuple[tuple[str, str], ...]:
    """Read a field spec file (format in the module docstring).

    Returns
    -------
    tuple of (name, unit)
        The spec, ready for :class:`firmware_bridge.bridge.Bridge` (``field_spec=``).

    Raises
    ------
    ValueError
        For a missing or empty file, a bad name, an unknown unit, or a unit that does not
        fit the canonical field (e.g. ``pressure degC``), naming the line.
    """
    path = Path(path)
    if not path.is_file():
        raise ValueError(
            _(
                "field spec {path}: no such file; give 'strato', 'none' or a text "
                "file with one 'NAME [UNIT]' line per UKHAS extra"
            ).format(path=path)
        )
    spec: list[tuple[str, str]] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        words = line.split("#", 1)[0].split()
        if not words:
            continue
        where = f"field spec {path} line {number}"
        if not _NAME.match(words[0]):
            raise ValueError(
                _("{where}: {value!r} is not a field name (letters, digits, _)").format(
                    where=where, value=words[0]
                )
            )
        name = words[0]
        if name in _POSITION_FIELDS:
            raise ValueError(
                _(
                    "{where}: {name!r} comes before the extras in every UKHAS "
                    "sentence; list only the fields after the altitude"
                ).format(where=where, name=name)
            )
        canonical = name in FIELD_UNITS
        if len(words) > 1:
            unit = " ".join(words[1:])  # units may hold a space, e.g. "m s-1"
        elif canonical:
            si = FIELD_UNITS[name]
            unit = _DEFAULT_SENT_UNIT.get(si, si)
        else:
            unit = "1"
        if unit not in UKHAS_UNITS:
            raise ValueError(
                _("{where}: unknown unit {unit!r}; use one of {items}").format(
                    where=where, unit=unit, items=", ".join(sorted(UKHAS_UNITS))
                )
            )
        if canonical and not _compatible(name, unit):
            raise ValueError(
                _(
                    "{where}: {name} is stored in {value}, which cannot be made from "
                    "{unit!r}; give the unit the payload sends it in"
                ).format(where=where, name=name, value=FIELD_UNITS[name], unit=unit)
            )
        if not canonical and not name.startswith("extra_"):
            name = f"extra_{name}"
        spec.append((name, unit))
    if not spec:
        raise ValueError(
            _("field spec {path} names no fields; one 'NAME [UNIT]' line per extra").format(
                path=path
            )
        )
    return tuple(spec)


def field_spec_for(choice: str) -> tuple[tuple[str, str], ...] | None:
    """Return the field spec of a ``--fields`` value: ``none``, ``strato`` or a file path.

    Raises
    ------
    ValueError
        When the value is neither a named spec nor a readable spec file.
    """
    if choice in FIELD_SPEC_CHOICES:
        return FIELD_SPEC_CHOICES[choice]
    return read_field_spec(choice)
