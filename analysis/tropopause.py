"""WMO lapse-rate tropopauses (first and second) and the cold point.

Definitions and the two readings of "average lapse rate" are in
notes/sounding-products.md sections 1-2. The ``wmo_every`` reading (every lapse rate from
the base to each level within 2 km is <= 2 K/km) reproduces the GRUAN attribute on RS41
files and the reported Hilo 2023-11-01 00Z tropopause (95.4 hPa); ``wmo_mean`` (the mean
of those lapse rates) is offered for comparison and lands lower.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import numpy.typing as npt

from localization import _

__all__ = [
    "TROPOPAUSE_METHODS",
    "Tropopause",
    "bin_by_altitude",
    "cold_point",
    "find_tropopauses",
    "wmo_tropopauses",
]

#: Accepted ``method`` strings of :func:`find_tropopauses`.
TROPOPAUSE_METHODS = ("wmo_every", "wmo_mean")

_LAPSE_LIMIT = 2.0e-3  # [K m-1]
_SECOND_LAPSE = 3.0e-3  # [K m-1]


@dataclass(frozen=True)
class Tropopause:
    """One tropopause level.

    Attributes
    ----------
    kind : str
        ``wmo_first``, ``wmo_second`` or ``cold_point``.
    pressure : float
        [Pa] (NaN when the profile has no pressure).
    altitude : float
        [m]
    temperature : float
        [K]
    """

    kind: str
    pressure: float
    altitude: float
    temperature: float

    def as_summary(self) -> dict:
        """Return a dictionary with units in the keys (hPa, m, degC) for ``summary.json``."""
        return {
            "kind": self.kind,
            "pressure_hpa": (
                None if np.isnan(self.pressure) else round(float(self.pressure) / 100, 2)
            ),
            "altitude_m": round(float(self.altitude), 1),
            "temperature_c": round(float(self.temperature) - 273.15, 2),
        }

    def as_dict(self) -> dict:
        """Plain dictionary (SI units)."""
        return asdict(self)


def _layer_ok(
    z: np.ndarray, t: np.ndarray, base: int, depth: float, limit: float, method: str, above: bool
) -> bool:
    """Whether the lapse rates from ``base`` to the levels within ``depth`` meet the test.

    ``above=False`` tests "<= limit" (tropopause criterion), ``above=True`` tests
    "> limit" (the 1 km layer that must separate a second tropopause).
    """
    within = (z > z[base]) & (z <= z[base] + depth)
    if not within.any() or z[-1] < z[base] + depth:
        return False  # the data do not cover the whole layer
    rates = (t[base] - t[within]) / (z[within] - z[base])
    if method == "wmo_mean":
        value = float(np.mean(rates))
        return value > limit if above else value <= limit
    return bool(np.all(rates > limit)) if above else bool(np.all(rates <= limit))


def _first_tropopause(z: np.ndarray, t: np.ndarray, start: int, method: str) -> int | None:
    lapse = -np.diff(t) / np.diff(z)
    for base in range(start, len(z) - 1):
        if lapse[base] <= _LAPSE_LIMIT and _layer_ok(
            z, t, base, 2000.0, _LAPSE_LIMIT, method, False
        ):
            return base
    return None


def wmo_tropopauses(
    altitude: npt.ArrayLike,
    temperature: npt.ArrayLike,
    pressure: npt.ArrayLike | None = None,
    method: str = "wmo_every",
    lowest_pressure_search: float = 50000.0,
) -> list[Tropopause]:
    """First and second WMO lapse-rate tropopause of one profile.

    Parameters
    ----------
    altitude : array-like
        Level altitudes [m], any order.
    temperature : array-like
        Air temperature [K].
    pressure : array-like, optional
        Pressure [Pa]; the search starts at levels with p <= ``lowest_pressure_search``.
        Without pressure the search starts at 5 km.
    method : str
        One of :data:`TROPOPAUSE_METHODS`.
    lowest_pressure_search : float
        Highest pressure at which a tropopause may be found [Pa] (500 hPa, as WMO's
        "not below 500 hPa" rule).

    Returns
    -------
    list of Tropopause
        Zero, one or two entries (``wmo_first``, ``wmo_second``), reported at data levels,
        never interpolated.

    Notes
    -----
    WMO (1957): the first tropopause is the lowest level at which the lapse rate falls to
    2 K/km or less and the average lapse rate from it to every higher level within 2 km
    does not exceed 2 K/km. Above it, when the average lapse rate from some level to every
    higher level within 1 km exceeds 3 K/km, a second tropopause is found by the same rule.
    """
    if method not in TROPOPAUSE_METHODS:
        raise ValueError(
            _("unknown tropopause method {method!r}; use one of {TROPOPAUSE_METHODS}").format(
                method=method, TROPOPAUSE_METHODS=TROPOPAUSE_METHODS
            )
        )
    z = np.asarray(altitude, dtype=float)
    t = np.asarray(temperature, dtype=float)
    p = np.full_like(z, np.nan) if pressure is None else np.asarray(pressure, dtype=float)
    ok = np.isfinite(z) & np.isfinite(t)
    z, t, p = z[ok], t[ok], p[ok]
    if len(z) < 3:
        return []
    order = np.argsort(z, kind="stable")
    z, t, p = z[order], t[order], p[order]
    keep = np.concatenate([[True], np.diff(z) > 0])
    z, t, p = z[keep], t[keep], p[keep]
    if len(z) < 3:
        return []
    if pressure is not None and np.isfinite(p).any():
        eligible = np.flatnonzero(p <= lowest_pressure_search)
    else:
        eligible = np.flatnonzero(z >= 5000.0)
    if eligible.size == 0:
        return []
    found: list[Tropopause] = []
    first = _first_tropopause(z, t, int(eligible[0]), method)
    if first is None:
        return found
    found.append(Tropopause("wmo_first", p[first], z[first], t[first]))
    for level in range(first + 1, len(z) - 1):
        if _layer_ok(z, t, level, 1000.0, _SECOND_LAPSE, method, True):
            second = _first_tropopause(z, t, level, method)
            if second is not None:
                found.append(Tropopause("wmo_second", p[second], z[second], t[second]))
            break
    return found


def cold_point(
    altitude: npt.ArrayLike,
    temperature: npt.ArrayLike,
    pressure: npt.ArrayLike | None = None,
    lowest_altitude: float = 5000.0,
    highest_altitude: float = 25000.0,
) -> Tropopause | None:
    """Cold-point tropopause: the coldest level between two altitudes [m] (5-25 km)."""
    z = np.asarray(altitude, dtype=float)
    t = np.asarray(temperature, dtype=float)
    p = np.full_like(z, np.nan) if pressure is None else np.asarray(pressure, dtype=float)
    window = np.isfinite(t) & (z >= lowest_altitude) & (z <= highest_altitude)
    if not window.any():
        return None
    i = np.flatnonzero(window)[int(np.argmin(t[window]))]
    if i == np.flatnonzero(window)[-1] and z[i] < highest_altitude - 1000.0:
        return None  # coldest at the top of the data: the data end below the cold point
    return Tropopause("cold_point", p[i], z[i], t[i])


def bin_by_altitude(
    altitude: npt.ArrayLike, *columns: npt.ArrayLike, width: float = 100.0
) -> tuple[np.ndarray, ...]:
    """Average dense (1 Hz) profile data into altitude bins of ``width`` [m].

    Returns the bin-mean altitude and the bin means of each column (empty bins dropped).
    Raw 1 Hz temperature noise makes 5 m lapse rates meaningless; 100 m bins keep the
    tropopause structure and remove it.
    """
    z = np.asarray(altitude, dtype=float)
    index = np.floor(z / width)
    ok = np.isfinite(index)
    bins, inverse = np.unique(index[ok], return_inverse=True)
    counts = np.bincount(inverse, minlength=len(bins)).astype(float)
    out = [np.bincount(inverse, weights=z[ok], minlength=len(bins)) / counts]
    for column in columns:
        values = np.asarray(column, dtype=float)[ok]
        finite = np.isfinite(values)
        sums = np.bincount(inverse[finite], weights=values[finite], minlength=len(bins))
        n = np.bincount(inverse[finite], minlength=len(bins)).astype(float)
        with np.errstate(invalid="ignore", divide="ignore"):
            out.append(np.where(n > 0, sums / np.maximum(n, 1), np.nan))
    return tuple(out)


def find_tropopauses(
    altitude: npt.ArrayLike,
    temperature: npt.ArrayLike,
    pressure: npt.ArrayLike | None = None,
    method: str = "wmo_every",
    dense_spacing: float = 50.0,
    bin_width: float = 100.0,
) -> list[Tropopause]:
    """WMO first/second tropopause and the cold point of an ascent.

    The cold point is taken from the levels as given. For the WMO search, profiles denser
    than ``dense_spacing`` [m] median level spacing (1 Hz balloon data) are first averaged
    into ``bin_width`` [m] altitude bins; sounding tables (significant levels) are used as
    they are.
    """
    z = np.asarray(altitude, dtype=float)
    t = np.asarray(temperature, dtype=float)
    p = None if pressure is None else np.asarray(pressure, dtype=float)
    cold = cold_point(z, t, p)  # on the data as recorded: a minimum needs no smoothing
    finite = np.sort(z[np.isfinite(z) & np.isfinite(t)])
    if finite.size > 2 and np.median(np.diff(finite)) < dense_spacing:
        if p is None:
            z, t = bin_by_altitude(z, t, width=bin_width)
        else:
            z, t, p = bin_by_altitude(z, t, p, width=bin_width)
    found = wmo_tropopauses(z, t, p, method=method)
    if cold is not None:
        found.append(cold)
    return found
