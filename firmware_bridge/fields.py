"""Canonical names and SI units of decoded telemetry fields.

Every parser maps what it decodes onto these names and units; flightlog stores them and
analysis reads them back under the same names. A payload-specific field that has no
canonical name is kept as ``extra_<name>`` (value as sent, unit unknown).
"""

from __future__ import annotations

__all__ = ["FIELD_UNITS", "is_known_field"]

#: Canonical field name -> unit (UDUNITS-style strings). Times are UTC datetimes.
FIELD_UNITS: dict[str, str] = {
    "payload_time": "UTC",  # time stamped by the payload (datetime, tz-aware UTC)
    "callsign": "",  # payload identifier
    "sentence_id": "1",  # frame counter sent by the payload
    "latitude": "degree_north",
    "longitude": "degree_east",
    "altitude": "m",  # GNSS altitude above mean sea level
    "satellites": "1",
    "ground_speed": "m s-1",
    "heading": "degree",  # course over ground, clockwise from north
    "vertical_velocity": "m s-1",  # positive upward
    "pressure": "Pa",
    "temperature": "K",  # external air temperature
    "relative_humidity": "%",
    "internal_temperature": "K",
    "battery_voltage": "V",
    "radiation_counts": "count",  # Geiger/particle counts per frame interval
    "snr": "dB",  # receiver signal-to-noise ratio
    "frequency": "Hz",  # receive frequency
    "gps_fix": "1",  # 0 = no fix, 2 = 2D, 3 = 3D
}


def is_known_field(name: str) -> bool:
    """Whether ``name`` is canonical or a kept extra (``extra_`` prefix)."""
    return name in FIELD_UNITS or name.startswith("extra_")
