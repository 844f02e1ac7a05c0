"""Reader for WMO TEMP soundings in BUFR (TM 3 09 007, 3 09 052, 3 09 057) through ecCodes.

Operational radiosondes report in BUFR: the old TEMP-like template 3 09 007 (pressure
levels, no per-level time or position) and the high-resolution templates 3 09 052/057
(per level: seconds since launch, significance flags, pressure, geopotential height,
latitude/longitude displacement from the launch point, temperature, dewpoint, wind).
notes/sounding-products.md section 6.5 has the layout.

ecCodes is in the ``grib`` extra. pyproj is imported first: eccodes wheels loaded before
pyproj crash the process (notes/known-pitfalls.md).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.columns import finish_profile
from analysis.units_convert import wind_components

__all__ = ["read_temp_bufr"]

#: Flag table 0 08 042 (18 bits, bit 1 the most significant): bit 1 surface, bit 3
#: tropopause.
_SURFACE_FLAG = 1 << (18 - 1)
_TROPOPAUSE_FLAG = 1 << (18 - 3)


def _array(handle, key: str, n: int) -> np.ndarray:
    """Float array of ``key`` (missing values as NaN), or all NaN when absent."""
    import eccodes

    try:
        values = np.asarray(eccodes.codes_get_array(handle, key), dtype=float)
    except eccodes.KeyValueNotFoundError:
        return np.full(n, np.nan)
    values[(values == eccodes.CODES_MISSING_DOUBLE) | (values == eccodes.CODES_MISSING_LONG)] = (
        np.nan
    )
    if n == 0:
        return values
    if len(values) == 1 and n > 1:
        values = np.full(n, values[0])
    if len(values) >= n:
        return values[:n]
    return np.concatenate([values, np.full(n - len(values), np.nan)])


def _scalar(handle, key: str) -> float | None:
    import eccodes

    try:  # the first occurrence: the launch site of 3 01 114 (precise to 1e-5 deg)
        value = eccodes.codes_get_array(handle, key)[0]
    except eccodes.KeyValueNotFoundError:
        return None
    value = value.item() if hasattr(value, "item") else value
    if value in (eccodes.CODES_MISSING_DOUBLE, eccodes.CODES_MISSING_LONG):
        return None
    return value


def _hypsometric_heights(frame: pd.DataFrame, header: dict) -> np.ndarray:
    """Heights [m] from pressure and temperature, starting at the station elevation (or 0).

    z2 = z1 + (R_d / g0) * mean(T) * ln(p1 / p2) between successive levels (dry air;
    levels without temperature take the interpolated temperature).
    """
    from weather.standard_atmosphere import DRY_AIR_GAS_CONSTANT, G0

    p = frame["pressure"].to_numpy(float)
    t = frame["temperature"].to_numpy(float)
    ok = np.isfinite(t)
    t = np.interp(np.log(p), np.log(p[ok])[::-1], t[ok][::-1]) if ok.sum() >= 2 else t
    step = DRY_AIR_GAS_CONSTANT / G0 * 0.5 * (t[1:] + t[:-1]) * np.log(p[:-1] / p[1:])
    start = header.get("heightOfStationGroundAboveMeanSeaLevel") or 0.0
    return float(start) + np.concatenate([[0.0], np.cumsum(step)])


def read_temp_bufr(path: str | Path, message: int = 0) -> tuple[pd.DataFrame, dict]:
    """Read one TEMP sounding from a BUFR file.

    Parameters
    ----------
    path : str or Path
        BUFR file (one or more messages).
    message : int
        Which message to read (0 = the first); the metadata says how many there are.

    Returns
    -------
    profile : DataFrame
        Canonical profile: pressure [Pa], altitude [m] (geopotential height; NaN where the
        message gives none), temperature and dewpoint [K], winds [m s-1]; time and
        position per level when the template carries them (3 09 052/057).
    metadata : dict
        ``format``, ``station`` (WMO block and station number), ``observation_time``,
        ``station_latitude``/``longitude``/``elevation_m``, ``template``,
        ``messages_in_file``, ``reported_tropopause`` (levels flagged tropopause).
    """
    import pyproj  # noqa: F401  (before eccodes; notes/known-pitfalls.md)

    try:
        import eccodes
    except (ImportError, RuntimeError) as exc:  # RuntimeError: the package without its library
        raise ValueError(
            "reading BUFR needs ecCodes: install the grib extra (pip install 'stratoflight[grib]')"
        ) from exc
    path = Path(path)
    handles = []
    with open(path, "rb") as stream:
        while (handle := eccodes.codes_bufr_new_from_file(stream)) is not None:
            handles.append(handle)
    try:
        if not handles:
            raise ValueError(f"{path}: no BUFR message found")
        if not 0 <= message < len(handles):
            raise ValueError(f"{path} holds {len(handles)} BUFR messages; message {message} asked")
        handle = handles[message]
        eccodes.codes_set(handle, "unpack", 1)
        templates = [int(d) for d in eccodes.codes_get_array(handle, "unexpandedDescriptors")]
        pressure = _array(handle, "pressure", 0)
        n = len(pressure)
        if n == 0:
            raise ValueError(f"{path}: BUFR message {message} has no pressure levels (not TEMP)")
        height = _array(handle, "nonCoordinateGeopotentialHeight", n)
        if np.isnan(height).all():
            height = _array(handle, "geopotentialHeight", n)
        temperature = _array(handle, "airTemperature", n)
        dewpoint = _array(handle, "dewpointTemperature", n)
        direction = _array(handle, "windDirection", n)
        speed = _array(handle, "windSpeed", n)
        flags = _array(handle, "extendedVerticalSoundingSignificance", n)
        seconds = _array(handle, "timePeriod", n)
        dlat = _array(handle, "latitudeDisplacement", n)
        dlon = _array(handle, "longitudeDisplacement", n)
        header = {
            key: _scalar(handle, key)
            for key in ("blockNumber", "stationNumber", "year", "month", "day", "hour",
                        "minute", "latitude", "longitude",
                        "heightOfStationGroundAboveMeanSeaLevel")
        }  # fmt: skip
    finally:
        for handle in handles:
            eccodes.codes_release(handle)
    lat0, lon0 = header["latitude"], header["longitude"]
    u, v = wind_components(speed, direction)
    frame = pd.DataFrame(
        {
            "pressure": pressure,
            "altitude": height,
            "temperature": temperature,
            "dewpoint": dewpoint,
            "eastward_wind": u,
            "northward_wind": v,
        }
    )
    launch = None
    if None not in (header["year"], header["month"], header["day"], header["hour"]):
        launch = datetime(int(header["year"]), int(header["month"]), int(header["day"]),
                          int(header["hour"]), int(header["minute"] or 0), tzinfo=UTC)  # fmt: skip
    if np.isfinite(seconds).any() and launch is not None:
        frame["time"] = pd.Timestamp(launch) + pd.to_timedelta(seconds, unit="s")
    if np.isfinite(dlat).any() and lat0 is not None:
        frame["latitude"] = lat0 + dlat
        frame["longitude"] = lon0 + dlon
    keep = frame[["temperature", "dewpoint", "eastward_wind"]].notna().any(axis=1)
    keep &= frame["pressure"].notna()  # below-ground standard levels carry nothing else
    tropopause = np.isfinite(flags) & (np.nan_to_num(flags).astype(np.int64) & _TROPOPAUSE_FLAG > 0)
    reported = [
        {"pressure_hpa": float(pressure[i]) / 100.0,
         "altitude_m": None if np.isnan(height[i]) else float(height[i]),
         "temperature_c": None if np.isnan(temperature[i]) else round(temperature[i] - 273.15, 2)}
        for i in np.flatnonzero(tropopause)
    ]  # fmt: skip
    frame = frame[keep]
    if frame["altitude"].isna().all():
        frame = frame.assign(altitude=_hypsometric_heights(frame, header))
        base = header["heightOfStationGroundAboveMeanSeaLevel"]
        note = (
            "the message carries no heights: they are computed from pressure and "
            "temperature (hypsometric equation) "
            + (f"from the station elevation {base:g} m" if base is not None
               else "from 0 m at the lowest level (the station elevation is not given)")
        )  # fmt: skip
    else:
        note = None
    profile = finish_profile(frame)
    if profile["time"].notna().any() and profile["time"].isna().any():
        profile["time"] = pd.NaT  # a table with some times only is placed by pressure
    station = (
        f"{int(header['blockNumber']):02d}{int(header['stationNumber']):03d}"
        if header["blockNumber"] is not None and header["stationNumber"] is not None
        else None
    )
    metadata = {
        "format": "bufr_temp",
        "template": templates[0] if templates else None,
        "messages_in_file": len(handles),
        "message_read": message,
        "station": station,
        "observation_time": None if launch is None else launch.isoformat(),
        "station_latitude": lat0,
        "station_longitude": lon0,
        "station_elevation_m": header["heightOfStationGroundAboveMeanSeaLevel"],
        "reported_tropopause": reported,
        "surface_flagged_levels": int(
            (np.nan_to_num(flags).astype(np.int64) & _SURFACE_FLAG > 0).sum()
        ),
    }
    if note:
        metadata["notes"] = [note]
    if station:
        metadata["name"] = f"WMO {station} {metadata['observation_time'] or ''}".strip()
    return profile, metadata
