"""Helpers shared by the analysis tests (not a test module)."""

from __future__ import annotations

SHIFT_DEG = 0.01  # predicted track 0.01 deg north of the flown one


def shift_error_m(profile, shift_deg=SHIFT_DEG) -> float:
    """WGS84 geodesic length [m] of the shift at the flight's landing, from pyproj.Geod itself
    (the reference: 1112.67 m at 52 N, where a sphere said 1111.95 m)."""
    import pyproj

    last = profile.iloc[-1]
    lat, lon = float(last["latitude"]), float(last["longitude"])
    return pyproj.Geod(ellps="WGS84").inv(lon, lat, lon, lat + shift_deg)[2]


def prediction_from(profile, shift_deg=SHIFT_DEG, burst_offset_m=500.0):
    """Build a predictor-style JSON dict: the flown track moved north by ``shift_deg``."""

    def point(row, extra_alt=0.0):
        return {"datetime": row["time"].isoformat(), "latitude": row["latitude"] + shift_deg,
                "longitude": row["longitude"], "altitude": row["altitude"] + extra_alt}  # fmt: skip

    top = int(profile["altitude"].idxmax())
    rows = profile.iloc[::30]
    ascent = [point(r) for _, r in rows[rows.index <= top].iterrows()]
    descent = [point(r) for _, r in rows[rows.index > top].iterrows()]
    return {
        "launch": point(profile.iloc[0]),
        "burst": point(profile.iloc[top], -burst_offset_m),
        "landing": point(profile.iloc[-1]),
        "stages": [
            {"stage": "ascent", "trajectory": ascent},
            {"stage": "descent", "trajectory": descent + [point(profile.iloc[-1])]},
        ],
        "settings": {"ascent_rate": 5.0},
    }
