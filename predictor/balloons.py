"""Latex sounding balloons: mass, burst diameter and drag coefficient.

Source of the table
-------------------
The numbers are the balloon data used by the CUSF burst calculator
(projecthorus/cusf-burst-calc, ``js/calc.js``, 2013-2024), which in turn cites the
manufacturers' datasheets:

* Totex (sold as Kaymont in the US): "Kaymont Totex Sounding Balloon Data" for the burst
  diameters; nominal mass = the model number in grams (TA800 = 800 g).
* Hwoyee: the manufacturer's product pages (hwoyee.com, updated there 2024-11); the
  HW2000/HW3000 diameters are marked "fudged a little" by the CUSF authors, i.e. estimates.
* Drag coefficients: 0.25 for every balloon except 0.30 for the 600-1000 g sizes; the
  CUSF authors call the Hwoyee values "guesswork" (copied from the Totex sizes).

The numbers here were re-typed from that table; the model names follow the manufacturers
(``TA800``, ``HW1000``). The CUSF keys (``k800``, ``h1000``) are accepted as aliases.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from localization import _

__all__ = ["BALLOONS", "Balloon", "balloon_names", "get_balloon"]


@dataclass(frozen=True)
class Balloon:
    """A latex balloon model.

    Attributes
    ----------
    name : str
        Model name, e.g. ``"TA800"``.
    manufacturer : str
        ``"Totex"`` or ``"Hwoyee"``.
    mass : float
        Envelope mass [kg].
    burst_diameter : float
        Nominal (manufacturer) diameter at burst [m].
    drag_coefficient : float
        Drag coefficient of the inflated balloon during ascent [1].
    source : str
        Where the figures come from.
    """

    name: str
    manufacturer: str
    mass: float
    burst_diameter: float
    drag_coefficient: float
    source: str

    def as_dict(self) -> dict[str, object]:
        """Return the balloon as a JSON-ready dict with units in the keys."""
        return {
            "name": self.name,
            "manufacturer": self.manufacturer,
            "mass_kg": self.mass,
            "burst_diameter_m": self.burst_diameter,
            "drag_coefficient": self.drag_coefficient,
            "source": self.source,
        }


_TOTEX_SOURCE = "Kaymont/Totex sounding balloon data, as tabulated in CUSF burst-calc js/calc.js"
_HWOYEE_SOURCE = "Hwoyee product data (hwoyee.com), as tabulated in CUSF burst-calc js/calc.js"
_HWOYEE_ESTIMATE = _HWOYEE_SOURCE + " (marked as an estimate there)"

# (mass [g], burst diameter [m]); drag coefficient 0.30 for 600..1000 g, else 0.25.
_TOTEX = [
    (50, 0.88), (100, 1.96), (150, 2.52), (200, 3.00), (300, 3.78), (350, 4.12),
    (450, 4.72), (500, 4.99), (600, 6.02), (700, 6.53), (800, 7.00), (1000, 7.86),
    (1200, 8.63), (1500, 9.44), (1600, 9.71), (1800, 9.98), (2000, 10.54), (3000, 13.00),
    (4000, 15.06),
]  # fmt: skip
_HWOYEE = [
    (100, 2.00), (200, 2.97), (300, 4.30), (350, 4.80), (500, 5.80), (600, 6.50),
    (750, 6.90), (800, 7.00), (1000, 8.00), (1200, 9.10), (1600, 10.00), (2000, 11.00),
    (3000, 12.00),
]  # fmt: skip


def _drag_coefficient(mass_g: int) -> float:
    return 0.30 if 600 <= mass_g <= 1000 else 0.25


def _build() -> dict[str, Balloon]:
    table: dict[str, Balloon] = {}
    for grams, diameter in _TOTEX:
        name = f"TA{grams}"
        table[name] = Balloon(
            name, "Totex", grams / 1000.0, diameter, _drag_coefficient(grams), _TOTEX_SOURCE
        )
    for grams, diameter in _HWOYEE:
        name = f"HW{grams}"
        source = _HWOYEE_ESTIMATE if grams >= 2000 else _HWOYEE_SOURCE
        table[name] = Balloon(
            name, "Hwoyee", grams / 1000.0, diameter, _drag_coefficient(grams), source
        )
    return table


#: Every known balloon by model name.
BALLOONS: dict[str, Balloon] = _build()

_ALIAS_PREFIX = {"K": "TA", "TA": "TA", "TOTEX": "TA", "H": "HW", "HW": "HW", "HWOYEE": "HW"}


def balloon_names() -> list[str]:
    """Names of every balloon in the table, Totex first, by size."""
    return list(BALLOONS)


def get_balloon(name: str) -> Balloon:
    """Look a balloon up by model name (``TA800``, ``HW1000``; ``k800``/``h1000`` too).

    Raises
    ------
    ValueError
        If the name is unknown; the message lists the known names.
    """
    match = re.fullmatch(r"\s*([A-Za-z]+)[\s-]*(\d+)\s*(?:g)?\s*", str(name))
    if match:
        prefix = _ALIAS_PREFIX.get(match.group(1).upper())
        if prefix is not None:
            key = f"{prefix}{int(match.group(2))}"
            if key in BALLOONS:
                return BALLOONS[key]
    raise ValueError(
        _(
            "unknown balloon {name!r}; choose one of {items} (Totex TA<grams> or Hwoyee HW<grams>)"
        ).format(name=name, items=", ".join(balloon_names()))
    )
