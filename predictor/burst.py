"""Burst calculator: gas volume, neck lift, ascent rate and burst altitude of a latex balloon.

Pure functions; no I/O. Two methods, both validated against :data:`BURST_METHODS`:

``"standard"`` (default)
    Air density at the launch altitude from the US Standard Atmosphere 1976; lifting-gas
    density at the same temperature and pressure (ideal gas: the STP density scaled by the
    air-density ratio). Ascent rate from the free lift and the drag equation at launch.
    The gas expands as ``V(h) = V0 * rho(h0) / rho(h)`` (gas at ambient temperature and
    pressure, no superpressure in a latex envelope); the balloon bursts where this volume
    reaches the sphere of the burst diameter, i.e. where ``rho(h) = rho(h0) * V0 / Vb``,
    found by inverting the USSA 1976 density.
``"cusf"``
    The CUSF burst calculator's own constants (projecthorus/cusf-burst-calc ``js/calc.js``):
    air 1.2050 kg m-3, gases at their STP densities, g = 9.80665 m s-2, exponential
    atmosphere of scale height 7238.3 m: ``burst_altitude = -7238.3 * ln(V0 / Vb)``.
    For comparing with that calculator.

Both take the time to burst as ``(burst_altitude - launch_altitude) / ascent_rate``
(a constant ascent rate, as the predictor's standard profile assumes).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from localization import _
from predictor.balloons import Balloon, get_balloon
from weather.standard_atmosphere import G0, ussa1976_density

__all__ = [
    "BURST_METHODS",
    "CUSF_AIR_DENSITY",
    "CUSF_SCALE_HEIGHT",
    "GASES",
    "GAS_DENSITY_STP",
    "BurstEstimate",
    "burst_altitude_from_volumes",
    "estimate_burst",
    "rates_from_balloon",
    "sphere_volume",
]

#: Burst-calculation methods (see the module docstring).
BURST_METHODS = ("standard", "cusf")
#: Lifting gases.
GASES = ("helium", "hydrogen")
#: Gas density at STP, 0 degC and 101.325 kPa [kg m-3] (the values CUSF burst-calc uses;
#: they match the ideal-gas densities 0.1786 and 0.0899 of CRC tables).
GAS_DENSITY_STP = {"helium": 0.1786, "hydrogen": 0.0899}
#: Dry-air density at STP, 0 degC and 101.325 kPa [kg m-3]: p M / (R T) with the USSA 1976
#: molar mass 0.0289644 kg mol-1 and R* 8.31432 J mol-1 K-1.
AIR_DENSITY_STP = 101325.0 * 0.0289644 / (8.31432 * 273.15)
#: CUSF burst-calc default air density [kg m-3] (about 20 degC at sea level).
CUSF_AIR_DENSITY = 1.2050
#: CUSF burst-calc density scale height ("air density model") [m].
CUSF_SCALE_HEIGHT = 7238.3
#: Highest burst altitude the standard method can locate (USSA 1976 table top) [m].
_MAX_BURST_ALTITUDE = 84000.0
#: CUSF's "possible floater" rule: burst diameter >= 10 m and ascent < 4.8 m s-1.
_FLOATER_DIAMETER = 10.0
_FLOATER_ASCENT = 4.8

# USSA 1976 density table for inverting rho(h): 0..84 km every 5 m (monotonic decreasing).
_TABLE_ALT = np.arange(-500.0, _MAX_BURST_ALTITUDE + 5.0, 5.0)
_TABLE_LOG_RHO = np.log(ussa1976_density(_TABLE_ALT))


def sphere_volume(diameter: npt.ArrayLike) -> np.ndarray:
    """Volume of a sphere [m3] of the given diameter [m]."""
    d = np.asarray(diameter, dtype=np.float64)
    return np.pi / 6.0 * d**3


@dataclass(frozen=True)
class BurstEstimate:
    """Result of the burst calculator (SI units; see :meth:`as_dict` for unit-named keys).

    Attributes
    ----------
    balloon : Balloon
        The balloon model.
    payload_mass : float
        Payload mass under the balloon [kg].
    gas : str
        Lifting gas.
    method : str
        One of :data:`BURST_METHODS`.
    launch_altitude : float
        Launch altitude above mean sea level [m].
    air_density, gas_density : float
        Densities at launch used by the method [kg m-3].
    gas_volume : float
        Gas volume at launch conditions [m3].
    launch_diameter : float
        Balloon diameter at launch [m].
    neck_lift : float
        Lift measured at the neck (gross lift minus balloon mass) [kg].
    free_lift : float
        Neck lift minus payload mass [kg].
    ascent_rate : float
        Ascent rate [m s-1].
    burst_diameter : float
        Diameter at burst [m].
    burst_altitude : float
        Burst altitude above mean sea level [m].
    time_to_burst : float
        Time from launch to burst [s].
    warnings : tuple of str
        Human-readable cautions (possible floater, heavy payload).
    """

    balloon: Balloon
    payload_mass: float
    gas: str
    method: str
    launch_altitude: float
    air_density: float
    gas_density: float
    gas_volume: float
    launch_diameter: float
    neck_lift: float
    free_lift: float
    ascent_rate: float
    burst_diameter: float
    burst_altitude: float
    time_to_burst: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def as_dict(self) -> dict[str, object]:
        """Return a JSON-ready dict; every key names its unit."""
        return {
            "balloon": self.balloon.as_dict(),
            "payload_mass_kg": self.payload_mass,
            "gas": self.gas,
            "method": self.method,
            "launch_altitude_m": self.launch_altitude,
            "air_density_kg_m3": self.air_density,
            "gas_density_kg_m3": self.gas_density,
            "gas_volume_m3": self.gas_volume,
            "gas_volume_l": self.gas_volume * 1000.0,
            "launch_diameter_m": self.launch_diameter,
            "neck_lift_kg": self.neck_lift,
            "free_lift_kg": self.free_lift,
            "ascent_rate_m_s": self.ascent_rate,
            "burst_diameter_m": self.burst_diameter,
            "burst_altitude_m": self.burst_altitude,
            "time_to_burst_s": self.time_to_burst,
            "warnings": list(self.warnings),
        }


def _check_choice(value: str, allowed: tuple[str, ...], what: str) -> str:
    key = str(value).strip().lower()
    if key not in allowed:
        raise ValueError(
            _("unknown {what} {value!r}; choose one of {items}").format(
                what=what, value=value, items=", ".join(allowed)
            )
        )
    return key


def _launch_densities(gas: str, method: str, launch_altitude: float) -> tuple[float, float]:
    """Air and gas density at launch [kg m-3] for a method."""
    if method == "cusf":
        return CUSF_AIR_DENSITY, GAS_DENSITY_STP[gas]
    rho_air = float(ussa1976_density(launch_altitude))
    return rho_air, GAS_DENSITY_STP[gas] * rho_air / AIR_DENSITY_STP


def burst_altitude_from_volumes(
    gas_volume: npt.ArrayLike,
    burst_volume: npt.ArrayLike,
    launch_altitude: float = 0.0,
    method: str = "standard",
) -> np.ndarray:
    """Altitude where gas filled at launch expands to the burst volume.

    Parameters
    ----------
    gas_volume : array-like
        Gas volume at launch [m3].
    burst_volume : array-like
        Balloon volume at burst [m3].
    launch_altitude : float
        Launch altitude above mean sea level [m] (standard method only; the CUSF method
        measures from sea level like the original calculator).
    method : str
        One of :data:`BURST_METHODS`.

    Returns
    -------
    numpy.ndarray
        Burst altitude above mean sea level [m]; NaN where the balloon is launched at or
        above its burst volume.

    Raises
    ------
    ValueError
        If the standard method's burst altitude lies above the USSA 1976 table (84 km).
    """
    method = _check_choice(method, BURST_METHODS, "burst method")
    ratio = np.asarray(gas_volume, dtype=np.float64) / np.asarray(burst_volume, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        if method == "cusf":
            altitude = -CUSF_SCALE_HEIGHT * np.log(ratio)
        else:
            log_rho = np.log(ussa1976_density(launch_altitude)) + np.log(ratio)
            if np.any(log_rho < _TABLE_LOG_RHO[-1]):
                raise ValueError(
                    _(
                        "the balloon would not burst below 84 km (the top of the "
                        "standard atmosphere table): use more gas or a smaller "
                        "balloon"
                    )
                )
            altitude = np.interp(-log_rho, -_TABLE_LOG_RHO, _TABLE_ALT)
    return np.where(ratio < 1.0, altitude, np.nan)


def _radius_for_ascent_rate(
    ascent_rate: float, total_mass: float, rho_air: float, rho_gas: float, drag: float
) -> float:
    """Launch radius [m] whose free lift balances drag at the ascent rate.

    Solves ``(4/3) pi r^3 (rho_air - rho_gas) g - 0.5 rho_air Cd pi r^2 w^2 - m g = 0``.
    The cubic is negative at r = 0 and has one minimum for r > 0, so it has exactly one
    positive root: the largest real root.
    """
    a = 4.0 / 3.0 * math.pi * (rho_air - rho_gas) * G0
    b = -0.5 * rho_air * drag * math.pi * ascent_rate**2
    d = -total_mass * G0
    roots = np.roots([a, b, 0.0, d])
    real = roots[np.abs(roots.imag) < 1e-9 * max(1.0, float(np.abs(roots).max()))].real
    return float(real.max())


def estimate_burst(
    balloon: Balloon | str,
    payload_mass: float,
    gas: str = "helium",
    *,
    ascent_rate: float | None = None,
    neck_lift: float | None = None,
    launch_altitude: float = 0.0,
    method: str = "standard",
    burst_diameter: float | None = None,
) -> BurstEstimate:
    """Gas volume, neck lift, ascent rate, burst altitude and time to burst.

    Give exactly one of ``ascent_rate`` (the target) or ``neck_lift`` (as measured).

    Parameters
    ----------
    balloon : Balloon or str
        Balloon model or its name (``"TA800"``).
    payload_mass : float
        Payload mass under the balloon (train, parachute, payload) [kg].
    gas : str
        ``"helium"`` or ``"hydrogen"``.
    ascent_rate : float, optional
        Target ascent rate [m s-1].
    neck_lift : float, optional
        Neck lift: gross lift minus balloon mass, as weighed at the neck [kg].
    launch_altitude : float
        Launch altitude above mean sea level [m] (standard method).
    method : str
        One of :data:`BURST_METHODS`.
    burst_diameter : float, optional
        Override of the balloon's nominal burst diameter [m].

    Returns
    -------
    BurstEstimate

    Raises
    ------
    ValueError
        On unknown names, non-positive masses or rates, both or neither of ascent rate
        and neck lift, or a neck lift that cannot lift the payload.

    Notes
    -----
    Free lift ``F = (V (rho_air - rho_gas) - m_balloon - m_payload) g`` balances the drag
    ``0.5 rho_air Cd (pi r^2) w^2`` of a sphere of volume ``V = (4/3) pi r^3``. This is the
    method of the CUSF burst calculator (A. Greig, S. Randall), re-derived here.
    """
    if isinstance(balloon, str):
        balloon = get_balloon(balloon)
    gas = _check_choice(gas, GASES, "gas")
    method = _check_choice(method, BURST_METHODS, "burst method")
    if not (payload_mass > 0.0 and math.isfinite(payload_mass)):
        raise ValueError(
            _("payload mass must be a positive number of kg, got {payload_mass!r}").format(
                payload_mass=payload_mass
            )
        )
    if (ascent_rate is None) == (neck_lift is None):
        raise ValueError(
            _(
                "give exactly one of a target ascent rate or a neck lift (e.g. "
                "--ascent-rate 5 or --neck-lift 1.8)"
            )
        )
    diameter = balloon.burst_diameter if burst_diameter is None else float(burst_diameter)
    if not diameter > 0.0:
        raise ValueError(
            _("burst diameter must be positive, got {diameter!r} m").format(diameter=diameter)
        )
    rho_air, rho_gas = _launch_densities(gas, method, launch_altitude)
    total_mass = balloon.mass + payload_mass
    drag = balloon.drag_coefficient

    if ascent_rate is not None:
        if not (ascent_rate > 0.0 and math.isfinite(ascent_rate)):
            raise ValueError(
                _("ascent rate must be positive [m/s], got {ascent_rate!r}").format(
                    ascent_rate=ascent_rate
                )
            )
        radius = _radius_for_ascent_rate(ascent_rate, total_mass, rho_air, rho_gas, drag)
        volume = 4.0 / 3.0 * math.pi * radius**3
    else:
        assert neck_lift is not None
        if not neck_lift > payload_mass:
            raise ValueError(
                _(
                    "a neck lift of {neck_lift:g} kg does not lift the "
                    "{payload_mass:g} kg payload: the neck lift must exceed the "
                    "payload mass (typically by 0.5-2 kg)"
                ).format(neck_lift=neck_lift, payload_mass=payload_mass)
            )
        volume = (neck_lift + balloon.mass) / (rho_air - rho_gas)
        radius = (3.0 * volume / (4.0 * math.pi)) ** (1.0 / 3.0)

    gross_lift = volume * (rho_air - rho_gas)
    free_lift = gross_lift - total_mass
    rate = math.sqrt(free_lift * G0 / (0.5 * drag * math.pi * radius**2 * rho_air))
    burst_volume = float(sphere_volume(diameter))
    if volume >= burst_volume:
        raise ValueError(
            _(
                "{volume:.2f} m3 of gas already fills the {name} beyond its burst "
                "volume {burst_volume:.2f} m3: choose a larger balloon or a lower "
                "ascent rate"
            ).format(volume=volume, name=balloon.name, burst_volume=burst_volume)
        )
    burst_altitude = float(
        burst_altitude_from_volumes(volume, burst_volume, launch_altitude, method)
    )
    start = launch_altitude if method == "standard" else 0.0
    if burst_altitude <= start:
        raise ValueError(_("the balloon would burst at launch: choose a larger balloon"))

    warnings = []
    if diameter >= _FLOATER_DIAMETER and rate < _FLOATER_ASCENT:
        warnings.append(
            f"possible floater: burst diameter {diameter:g} m with ascent {rate:.2f} m/s "
            f"(< {_FLOATER_ASCENT} m/s, CUSF burst-calc rule)"
        )
    if payload_mass > 3.0:
        warnings.append("payload over 3 kg: check your local 'heavy package' regulations")
    if rate > 10.0:
        warnings.append(f"ascent rate {rate:.1f} m/s is unusually fast for a latex balloon")

    return BurstEstimate(
        balloon=balloon,
        payload_mass=float(payload_mass),
        gas=gas,
        method=method,
        launch_altitude=float(launch_altitude),
        air_density=rho_air,
        gas_density=rho_gas,
        gas_volume=volume,
        launch_diameter=2.0 * radius,
        neck_lift=gross_lift - balloon.mass,
        free_lift=free_lift,
        ascent_rate=rate,
        burst_diameter=diameter,
        burst_altitude=burst_altitude,
        time_to_burst=(burst_altitude - start) / rate,
        warnings=tuple(warnings),
    )


def rates_from_balloon(
    balloon: Balloon | str, payload_mass: float, gas: str = "helium", **options: Any
) -> tuple[float, float]:
    """Ascent rate [m s-1] and burst altitude [m] for the predictor, from a balloon spec.

    The adapter that lets ``predictor.predict`` take a balloon in place of an ascent rate
    and burst altitude. ``options`` are the keyword arguments of :func:`estimate_burst`
    (``ascent_rate`` or ``neck_lift``, ``launch_altitude``, ``method``, ...).
    """
    estimate = estimate_burst(balloon, payload_mass, gas, **options)
    return estimate.ascent_rate, estimate.burst_altitude
