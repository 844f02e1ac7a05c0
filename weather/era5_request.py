"""Build Copernicus CDS requests for ERA5 and split them into jobs the CDS accepts.

Pure computation: nothing here talks to the network. :func:`build_era5_jobs` turns an area,
a time range and a level list into :class:`CdsJob` objects; :mod:`weather.cds_download`
runs them through ``cdsapi``.

The CDS reads ``year`` x ``month`` x ``day`` x ``time`` as a Cartesian product, so each job
covers whole days of one calendar month; it may hold a few more hours than asked for (the
first and last day are requested whole at the chosen step), never fewer.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from localization import _, parse_time

__all__ = [
    "DEFAULT_MAX_FIELDS_PER_JOB",
    "ERA5_PRESSURE_LEVELS_HPA",
    "PRESSURE_LEVEL_DATASET",
    "PRESSURE_LEVEL_VARIABLES",
    "SINGLE_LEVEL_DATASET",
    "SINGLE_LEVEL_VARIABLES",
    "Area",
    "CdsJob",
    "build_era5_jobs",
    "era5_time_grid",
]

PRESSURE_LEVEL_DATASET = "reanalysis-era5-pressure-levels"
SINGLE_LEVEL_DATASET = "reanalysis-era5-single-levels"

#: All 37 ERA5 pressure levels [hPa], top (1 hPa, about 48 km) to bottom.
ERA5_PRESSURE_LEVELS_HPA: tuple[int, ...] = (
    1, 2, 3, 5, 7, 10, 20, 30, 50, 70, 100, 125, 150, 175, 200, 225, 250, 300, 350, 400,
    450, 500, 550, 600, 650, 700, 750, 775, 800, 825, 850, 875, 900, 925, 950, 975, 1000,
)  # fmt: skip

#: CDS variable names on pressure levels (NetCDF names u, v, z, t).
PRESSURE_LEVEL_VARIABLES = (
    "u_component_of_wind",
    "v_component_of_wind",
    "geopotential",
    "temperature",
)

#: Time-invariant single-level fields for landing: orography (as surface geopotential,
#: NetCDF name z) and the land-sea mask (lsm).
SINGLE_LEVEL_VARIABLES = ("geopotential", "land_sea_mask")

#: Largest number of fields (variables x levels x times) put into one CDS job. The CDS
#: rejects bigger NetCDF requests with "Request too large. Cost N over 60000 limit".
DEFAULT_MAX_FIELDS_PER_JOB = 60_000

_DATA_FORMATS = ("netcdf", "grib")


@dataclass(frozen=True)
class Area:
    """A latitude-longitude box, in the CDS order North, West, South, East [degree].

    West may be greater than East for a box that crosses the antimeridian (e.g. West 170,
    East -170); longitudes in 0..360 are accepted.
    """

    north: float
    west: float
    south: float
    east: float

    def __post_init__(self) -> None:
        values = {"north": self.north, "west": self.west, "south": self.south, "east": self.east}
        for name, value in values.items():
            if not math.isfinite(value):
                raise ValueError(
                    _("area {name} is {value}; give a finite number of degrees").format(
                        name=name, value=value
                    )
                )
        for name in ("north", "south"):
            if not -90.0 <= values[name] <= 90.0:
                raise ValueError(
                    _(
                        "area {name} latitude {value:g} is outside -90..90 degrees; "
                        "the area is given as N W S E"
                    ).format(name=name, value=values[name])
                )
        for name in ("west", "east"):
            if not -180.0 <= values[name] <= 360.0:
                raise ValueError(
                    _(
                        "area {name} longitude {value:g} is outside -180..360 "
                        "degrees; the area is given as N W S E"
                    ).format(name=name, value=values[name])
                )
        if self.north <= self.south:
            raise ValueError(
                _(
                    "area north {north:g} is not north of south {south:g}; give the "
                    "area as N W S E, e.g. --area 48 5 45 11"
                ).format(north=self.north, south=self.south)
            )
        if self.west == self.east:
            raise ValueError(
                _(
                    "area west and east are both {west:g}; the box has no width (give"
                    " N W S E with W != E)"
                ).format(west=self.west)
            )

    def as_cds_list(self) -> list[float]:
        """Return the ``area`` entry of a CDS request: ``[N, W, S, E]`` with W, E in -180..180."""
        return [self.north, _wrap180(self.west), self.south, _wrap180(self.east)]


def _wrap180(lon: float) -> float:
    """Longitude in -180..180 [degree]; 180 stays 180."""
    wrapped = ((lon + 180.0) % 360.0) - 180.0
    return 180.0 if wrapped == -180.0 and lon > 0 else wrapped


@dataclass(frozen=True)
class CdsJob:
    """One CDS request: which dataset, the request dictionary, and a label for people.

    Attributes
    ----------
    dataset : str
        CDS dataset name, e.g. ``reanalysis-era5-pressure-levels``.
    request : dict
        The request sent as is to ``cdsapi.Client.retrieve``.
    label : str
        Short human description, e.g. ``pressure levels 2024-01-01..2024-01-15``.
    kind : str
        ``pressure-levels`` or ``single-levels``; part of the file name.
    """

    dataset: str
    request: Mapping[str, Any] = field(hash=False)
    label: str
    kind: str

    def cache_key(self) -> str:
        """Stable hex digest of the dataset and request (same request -> same key)."""
        canonical = json.dumps(
            {"dataset": self.dataset, "request": self.request},
            sort_keys=True,
            separators=(",", ":"),
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:20]

    def file_stem(self) -> str:
        """File name without extension, e.g. ``era5_pressure-levels_20240101-20240115_<key>``."""
        days = _request_days(self.request)
        span = f"{days[0]:%Y%m%d}-{days[-1]:%Y%m%d}" if days else "invariant"
        return f"era5_{self.kind}_{span}_{self.cache_key()}"


def _request_days(request: Mapping[str, Any]) -> list[datetime]:
    years, months, days = request.get("year"), request.get("month"), request.get("day")
    if not (years and months and days):
        return []
    return sorted(
        datetime(int(y), int(m), int(d), tzinfo=UTC) for y in years for m in months for d in days
    )


def era5_time_grid(start: datetime | str, end: datetime | str, step_hours: int) -> list[datetime]:
    """UTC times from ``start`` (floored to the hour) every ``step_hours`` up to ``end``.

    The last time is the first grid time at or after ``end``, so the grid covers the whole
    interval.
    """
    start = parse_time(start, "start").utc
    end = parse_time(end, "end").utc
    if end < start:
        raise ValueError(
            _("end {value} is before start {value2}; swap them").format(
                value=end.isoformat(), value2=start.isoformat()
            )
        )
    if step_hours < 1 or 24 % step_hours:
        raise ValueError(
            _(
                "time step {step_hours} h does not divide a day; use 1, 2, 3, 4, 6, 8, 12 or 24"
            ).format(step_hours=step_hours)
        )
    first = start.replace(minute=0, second=0, microsecond=0)
    step = timedelta(hours=step_hours)
    times = [first]
    while times[-1] < end:
        times.append(times[-1] + step)
    return times


def _validate_levels(levels_hpa: Iterable[float] | None) -> list[int]:
    if levels_hpa is None:
        return list(ERA5_PRESSURE_LEVELS_HPA)
    chosen = sorted({float(level) for level in levels_hpa})
    if not chosen:
        raise ValueError(_("no pressure levels given; leave --levels out to get all 37"))
    unknown = [level for level in chosen if level not in ERA5_PRESSURE_LEVELS_HPA]
    if unknown:
        raise ValueError(
            _("pressure level(s) {items} hPa are not ERA5 levels; choose from {items2}").format(
                items=", ".join(f"{u:g}" for u in unknown),
                items2=", ".join(str(p) for p in ERA5_PRESSURE_LEVELS_HPA),
            )
        )
    return [int(level) for level in chosen]


def _day_blocks(days: Sequence[datetime], max_days: int) -> list[list[datetime]]:
    """Split days into blocks of one calendar month and at most ``max_days`` days."""
    blocks: list[list[datetime]] = []
    for day in days:
        last = blocks[-1] if blocks else None
        if (
            last is not None
            and (last[0].year, last[0].month) == (day.year, day.month)
            and len(last) < max_days
        ):
            last.append(day)
        else:
            blocks.append([day])
    return blocks


def build_era5_jobs(
    area: Area,
    start: datetime | str,
    end: datetime | str,
    *,
    levels_hpa: Iterable[float] | None = None,
    step_hours: int = 1,
    include_single_levels: bool = True,
    data_format: str = "netcdf",
    max_fields_per_job: int = DEFAULT_MAX_FIELDS_PER_JOB,
) -> list[CdsJob]:
    """Plan the CDS jobs for ERA5 u, v, z, t on pressure levels plus orography and land mask.

    Parameters
    ----------
    area : Area
        Box to download [degree].
    start, end : datetime or str
        First and last time wanted; strings follow :func:`localization.parse_time`
        (a zone is converted to UTC, a time without one is taken as UTC).
    levels_hpa : iterable of float, optional
        Pressure levels [hPa]; default all 37 ERA5 levels (1..1000 hPa).
    step_hours : int
        Time step [h]; must divide 24.
    include_single_levels : bool
        Add one job for the time-invariant surface geopotential and land-sea mask.
    data_format : {"netcdf", "grib"}
        Format the CDS should deliver.
    max_fields_per_job : int
        Largest number of fields (variables x levels x times) in one job; a month that
        needs more is split into shorter runs of days.

    Returns
    -------
    list of CdsJob
        Pressure-level jobs in time order (one calendar month or less each), then the
        single-level job if asked for.
    """
    if data_format not in _DATA_FORMATS:
        raise ValueError(
            _("data format {data_format!r} unknown; use one of {DATA_FORMATS}").format(
                data_format=data_format, DATA_FORMATS=_DATA_FORMATS
            )
        )
    levels = _validate_levels(levels_hpa)
    times = era5_time_grid(start, end, step_hours)
    hours = sorted({t.hour for t in times})
    fields_per_day = len(PRESSURE_LEVEL_VARIABLES) * len(levels) * len(hours)
    if fields_per_day > max_fields_per_job:
        raise ValueError(
            _(
                "one day already needs {fields_per_day} fields, more than the "
                "{max_fields_per_job} one CDS job allows; use fewer --levels or a "
                "larger --step"
            ).format(fields_per_day=fields_per_day, max_fields_per_job=max_fields_per_job)
        )
    max_days = max_fields_per_job // fields_per_day
    first_day = times[0].replace(hour=0)
    days = [first_day + timedelta(days=k) for k in range((times[-1] - first_day).days + 1)]
    common = {
        "product_type": ["reanalysis"],
        "area": area.as_cds_list(),
        "data_format": data_format,
        "download_format": "unarchived",
    }
    time_list = [f"{hour:02d}:00" for hour in hours]
    jobs = []
    for block in _day_blocks(days, max_days):
        request = {
            **common,
            "variable": list(PRESSURE_LEVEL_VARIABLES),
            "pressure_level": [str(level) for level in levels],
            "year": [f"{block[0].year:04d}"],
            "month": [f"{block[0].month:02d}"],
            "day": [f"{day.day:02d}" for day in block],
            "time": time_list,
        }
        label = f"pressure levels {block[0]:%Y-%m-%d}..{block[-1]:%Y-%m-%d}"
        jobs.append(CdsJob(PRESSURE_LEVEL_DATASET, request, label, "pressure-levels"))
    if include_single_levels:
        # Orography and land-sea mask do not change with time; one analysis time suffices.
        request = {
            **common,
            "variable": list(SINGLE_LEVEL_VARIABLES),
            "year": [f"{first_day.year:04d}"],
            "month": [f"{first_day.month:02d}"],
            "day": [f"{first_day.day:02d}"],
            "time": [time_list[0]],
        }
        label = "orography and land-sea mask"
        jobs.append(CdsJob(SINGLE_LEVEL_DATASET, request, label, "single-levels"))
    return jobs
