"""Physical constants of the Earth and its air: the one home for each value, with sources.

``weather`` imports nothing of ours, so every room may take its constants from here.
Settings of the predictor (drag constant, step, tolerances) stay in
:mod:`predictor.constants`; ellipsoid distances for people use WGS84 through
:mod:`terrain.geodesy`, not a sphere.
"""

from __future__ import annotations

__all__ = [
    "DRY_AIR_GAS_CONSTANT",
    "EARTH_RADIUS",
    "EARTH_RADIUS_USSA",
    "MOLAR_GAS_CONSTANT_USSA",
    "MOLAR_MASS_DRY_AIR",
    "STANDARD_GRAVITY",
]

#: Radius [m] of the spherical Earth the predictor flies on (and every other spherical
#: shortcut: GPS-drift winds, local tangent planes, synthetic tracks). 6 371 009 m is the
#: IUGG mean radius R1 = 6 371 008.771 m rounded to the metre, the value CUSF and Tawhiri
#: integrate with; it is kept for Tawhiri parity of the trajectory. (The round-one value
#: 6 371 008.8 m for distances is the same quantity to 0.2 m, 3e-8 relative; distances
#: shown to people are now WGS84 geodesics from :mod:`terrain.geodesy` instead.)
EARTH_RADIUS = 6371009.0

#: Effective Earth radius r0 of the U.S. Standard Atmosphere 1976 for geopotential
#: altitude [m] (USSA 1976, eq. 18). A different quantity from :data:`EARTH_RADIUS`.
EARTH_RADIUS_USSA = 6356766.0

#: Standard acceleration of gravity g0 [m s-2] (CGPM 1901, WMO; ECMWF defines z/g0 by it).
STANDARD_GRAVITY = 9.80665

#: Universal gas constant R* as defined by USSA 1976 [J mol-1 K-1].
MOLAR_GAS_CONSTANT_USSA = 8.31432

#: Molar mass of dry air at sea level M0 [kg mol-1] (USSA 1976).
MOLAR_MASS_DRY_AIR = 0.0289644

#: Specific gas constant of dry air R_d = R*/M0 [J kg-1 K-1] = 287.05287 (USSA 1976).
#: Chosen over the rounded 287.05 so that density from a standard-atmosphere temperature
#: and pressure (rho = p / (R_d T)) reproduces the USSA 1976 density the predictor falls
#: back on; the two differ by 1e-5 relative.
DRY_AIR_GAS_CONSTANT = 287.05287
