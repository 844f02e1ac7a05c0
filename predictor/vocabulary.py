"""The predictor's allowed values in one light module (no numpy, no numba).

The command line imports this to check and list choices without loading the engine.
"""

from __future__ import annotations

__all__ = ["EXPORT_FORMATS", "MODELS", "PROFILES", "STAGE_KINDS", "STATUSES", "STATUS_MEANINGS"]

#: Physics models: ``stratoflight`` (density from the atmosphere file, USSA 1976 fallback,
#: ground from orography) and ``cusf`` (NASA Glenn three-layer density, CUSF drag constant,
#: sea-level termination, for comparison with the classic predictor).
MODELS = ("stratoflight", "cusf")

#: Flight profiles: ascent-burst-descent, ascent-float-descent, descent only.
PROFILES = ("standard", "float", "descent")

#: Stage kinds a plan is made of, in the compiled kernel's numbering.
STAGE_KINDS = {"ascent": 0, "float": 1, "descent": 2}

#: How a member's flight ended, in the kernel's numbering (index = code).
STATUSES = ("landed", "left_data_area", "left_data_time", "exceeded_max_duration")

#: What each status means, for people.
STATUS_MEANINGS = {
    "landed": "finished every stage (landed)",
    "left_data_area": "left the atmosphere data's area before landing",
    "left_data_time": "left the atmosphere data's time range before landing",
    "exceeded_max_duration": "still flying after the longest flight followed (30 days)",
}

#: File extensions a prediction can be written to (``strato predict --out``).
EXPORT_FORMATS = (".json", ".csv", ".kml", ".geojson", ".gpx")
