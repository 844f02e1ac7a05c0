"""Measurement products from recorded profiles.

Readers, cleaning, profile, GPS winds, tropopause, stability, flight performance,
verification and the flight report.

Public API (one flat namespace, as MetPy's ``calc``): :func:`read_profile`,
:func:`clean_flight`, :func:`derive_thermodynamics`, :func:`mandatory_levels`,
:func:`gps_winds`, :func:`find_tropopauses`, :func:`stability_indices`, :func:`verify`,
:func:`build_report`. MetPy and matplotlib are imported only inside the functions that use
them.
"""

from analysis.cleaning import CleanFlight, clean_flight
from analysis.gps_winds import gps_winds, model_wind_differences
from analysis.profile import MANDATORY_LEVELS_HPA, derive_thermodynamics, mandatory_levels
from analysis.read_profile import ACCEPTED_FORMATS, detect_format, read_profile
from analysis.report import build_report
from analysis.stability import stability_indices
from analysis.tropopause import TROPOPAUSE_METHODS, Tropopause, cold_point, find_tropopauses
from analysis.verification import load_prediction, verify

__all__ = [
    "ACCEPTED_FORMATS",
    "MANDATORY_LEVELS_HPA",
    "TROPOPAUSE_METHODS",
    "CleanFlight",
    "Tropopause",
    "build_report",
    "clean_flight",
    "cold_point",
    "derive_thermodynamics",
    "detect_format",
    "find_tropopauses",
    "gps_winds",
    "load_prediction",
    "mandatory_levels",
    "model_wind_differences",
    "read_profile",
    "stability_indices",
    "verify",
]
