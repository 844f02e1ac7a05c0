"""Launch-window studies: a launch at every slot, ranked by the probability of a safe landing.

A landing is **safe** when the member landed (did not leave the data), on land (land
fraction >= 0.5; only applied when the atmosphere has a land-sea mask), outside every
avoided zone, and within the maximum distance of the launch site (when one is given).
Each slot's probability is the share of its members that land safely; a deterministic
study (one member, no uncertainty) gives 0 or 1 per slot.

Pure computation over an atmosphere that is already open; splitting a long study over
files and Dask workers is :mod:`predictor.planner_dask`. All slots of a call are flown in
**one** vectorised landings-only solve. Each slot draws its members from its own random
generator, seeded by ``(seed, launch time in seconds)``, so a slot's result does not depend
on how the study is split into tasks.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np

from localization import _
from predictor.ensemble import FlightSpec, MemberDraws, Uncertainty, draw_members, solve_members
from predictor.zones import Zone, points_in_zones
from terrain import geodesy
from weather.protocol import Atmosphere, from_epoch_seconds, to_epoch_seconds

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "PlanResult",
    "PlanSettings",
    "climatology_table",
    "combine_plan_parts",
    "launch_slots",
    "plan_slots",
    "require_flown_slots",
    "rank_slots",
]


def launch_slots(start: datetime, end: datetime, every_hours: float) -> np.ndarray:
    """Launch times from ``start`` to ``end`` inclusive, every ``every_hours`` [s since epoch].

    Raises
    ------
    ValueError
        For naive datetimes, ``end`` before ``start`` or a non-positive interval.
    """
    t0, t1 = to_epoch_seconds(start), to_epoch_seconds(end)
    if not (every_hours > 0 and math.isfinite(every_hours)):
        raise ValueError(
            _("--every must be a positive number of hours, got {every_hours!r}").format(
                every_hours=every_hours
            )
        )
    if t1 < t0:
        raise ValueError(
            _("the study ends ({value}) before it starts ({value2})").format(
                value=end.isoformat(), value2=start.isoformat()
            )
        )
    step = every_hours * 3600.0
    n = int(math.floor((t1 - t0) / step + 1e-9)) + 1
    return t0 + step * np.arange(n)


@dataclass(frozen=True)
class PlanSettings:
    """What every slot of a study shares.

    Attributes
    ----------
    latitude, longitude : float
        Launch site [deg].
    flight : FlightSpec
        Nominal rates and burst altitude (or balloon).
    altitude : float, optional
        Launch altitude [m]; default the atmosphere's ground.
    n_members : int
        Members per slot (1 = deterministic).
    uncertainty : Uncertainty, optional
        Stated uncertainties; default :class:`Uncertainty` for ensembles and
        :meth:`Uncertainty.zero` for deterministic studies.
    seed : int
        Seed of every slot's generator.
    zones : tuple of Zone
        Avoided areas.
    max_distance : float, optional
        Largest acceptable landing distance from the launch site [m].
    step : float
        Solver step [s].
    model : str
        Predictor physics.
    terrain : str, optional
        Path of a DEM GeoTIFF (``--terrain FILE``): launch ground (when no ``altitude``) and
        landings from it (:func:`predictor.terrain_landing.land_on_dem`); each study task
        opens it itself.
    """

    latitude: float
    longitude: float
    flight: FlightSpec
    altitude: float | None = None
    n_members: int = 1
    uncertainty: Uncertainty | None = None
    seed: int = 0
    zones: tuple[Zone, ...] = ()
    max_distance: float | None = None
    step: float = 60.0
    model: str = "stratoflight"
    terrain: str | None = None

    def __post_init__(self) -> None:
        if self.n_members < 1:
            raise ValueError(
                _("--ensemble must be at least 1, got {n_members}").format(n_members=self.n_members)
            )
        if self.max_distance is not None and not self.max_distance > 0:
            raise ValueError(
                _("--max-distance must be positive, got {max_distance!r}").format(
                    max_distance=self.max_distance
                )
            )
        if self.flight.profile == "float" and self.flight.float_duration is None:
            raise ValueError(
                _(
                    "a launch-window study flies many launch times: give the float a "
                    "duration (--float-duration), not an end time"
                )
            )

    @property
    def effective_uncertainty(self) -> Uncertainty:
        """The uncertainty actually used (see the attribute's docstring)."""
        if self.uncertainty is not None:
            return self.uncertainty
        return Uncertainty() if self.n_members > 1 else Uncertainty.zero()

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready description, keys naming their units."""
        f = self.flight
        return {
            "launch_latitude": self.latitude,
            "launch_longitude": self.longitude,
            "launch_altitude_m": self.altitude,
            **f.as_dict(),
            "members_per_slot": self.n_members,
            "uncertainty": self.effective_uncertainty.as_dict(),
            "seed": self.seed,
            "avoid_zones": [z.name for z in self.zones],
            "max_distance_m": self.max_distance,
            "step_s": self.step,
            "model": self.model,
            **({"terrain_dem": self.terrain} if self.terrain is not None else {}),
            "safe_landing": (
                "landed within the data, on land (land fraction >= 0.5, when the data have a "
                "land-sea mask), outside avoided zones, within max_distance of the launch"
            ),
        }


@dataclass
class PlanResult:
    """A launch-window study.

    Attributes
    ----------
    slots : pandas.DataFrame
        One row per slot, ranked (``rank`` 1 = best); see :func:`plan_slots`.
    landings : pandas.DataFrame
        One row per member: ``launch_time``, ``member``, ``latitude``, ``longitude``,
        ``landed``, ``surface`` (land/sea/unknown), ``in_zone``, ``distance_km``, ``safe``.
    settings : PlanSettings
        Shared settings.
    land_sea_known : bool
        Whether the sea criterion could be applied (the data have a land-sea mask).
    skipped : list of dict
        Slots not flown and why.
    terrain_not_covered : int
        Landed members whose landing the DEM (``settings.terrain``) did not cover: they
        landed on the weather file's orography.
    """

    slots: pd.DataFrame
    landings: pd.DataFrame
    settings: PlanSettings
    land_sea_known: bool = True
    skipped: list[dict[str, Any]] = field(default_factory=list)
    terrain_not_covered: int = 0

    def to_dict(self, climatology: bool = False) -> dict[str, Any]:
        """``{"plan": {...}}``: settings and ranked slots (+ month x hour table)."""
        rows = []
        for rec in self.slots.to_dict(orient="records"):
            rec["launch_time"] = rec["launch_time"].strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(
                {
                    k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                    for k, v in rec.items()
                }
            )
        out: dict[str, Any] = {
            "settings": self.settings.as_dict(),
            "land_sea_criterion_applied": self.land_sea_known,
            "slot_count": len(rows),
            "slots": rows,
            "skipped": self.skipped,
        }
        if self.settings.terrain is not None:
            out["terrain_not_covered_members"] = self.terrain_not_covered
        if climatology:
            table = climatology_table(self.slots)
            out["climatology"] = {
                "safe_probability_by_month_hour": {
                    str(int(m)): {
                        str(int(h)): (None if not np.isfinite(v) else float(v))
                        for h, v in row.items()
                    }
                    for m, row in table.iterrows()
                },
                "best": _best_month_hours(table),
            }
        return {"plan": out}


def _best_month_hours(table: pd.DataFrame, count: int = 5) -> list[dict[str, Any]]:
    stacked = table.stack().dropna().sort_values(ascending=False)
    return [
        {"month": int(m), "hour_utc": int(h), "safe_probability": float(v)}
        for (m, h), v in stacked.head(count).items()
    ]


def _clip_to_bounds(atmosphere: Atmosphere, times: np.ndarray) -> np.ndarray:
    b = atmosphere.bounds
    return np.clip(times, to_epoch_seconds(b.time_start), to_epoch_seconds(b.time_end))


def plan_slots(
    atmosphere: Atmosphere, slots: Sequence[float] | np.ndarray, settings: PlanSettings
) -> PlanResult:
    """Fly every slot (all members of all slots in one solve) and score each slot.

    Parameters
    ----------
    atmosphere : Atmosphere
        Open atmosphere covering the slots and their flights.
    slots : array of float
        Launch times [s since epoch].
    settings : PlanSettings
        Shared settings.

    Returns
    -------
    PlanResult
        Slots ranked by safe-landing probability. Slot columns: ``launch_time`` (UTC),
        ``members``, ``landed_fraction``, ``safe_probability``, ``sea_probability`` (NaN
        without land-sea data), ``zone_probability``, ``too_far_probability`` (NaN without
        a maximum distance), ``mean_landing_latitude``, ``mean_landing_longitude``,
        ``mean_distance_km``, ``mean_flight_time_s``, ``rank``.
    """
    import pandas as pd

    slots = np.asarray(slots, dtype=np.float64)
    b = atmosphere.bounds
    t_lo, t_hi = to_epoch_seconds(b.time_start), to_epoch_seconds(b.time_end)
    inside = (slots >= t_lo) & (slots <= t_hi)
    skipped = [
        {"launch_time": _iso(t), "reason": f"outside the atmosphere's time range ({b.describe()})"}
        for t in slots[~inside]
    ]
    slots = slots[inside]
    if slots.size == 0:  # a study's part; require_flown_slots refuses an empty study
        return PlanResult(
            _empty_slots(), _empty_landings(), settings, atmosphere.has_surface, skipped
        )

    unc = settings.effective_uncertainty
    ens = int(getattr(atmosphere, "ensemble_size", 1) or 1)
    dem = None
    if settings.terrain is not None:
        from terrain.elevation import open_dem

        dem = open_dem(settings.terrain)
    dem_ground = (
        float(dem.elevation_at(settings.latitude, settings.longitude)) if dem else float("nan")
    )
    if settings.altitude is None and np.isfinite(dem_ground):
        launch_alt = dem_ground
    elif settings.altitude is None:
        launch_alt = float(
            np.asarray(
                atmosphere.ground_elevation(
                    np.array([settings.latitude]), np.array([settings.longitude])
                )
            )[0]
        )
    else:
        launch_alt = float(settings.altitude)
    parts = []
    for t in slots:
        rng = np.random.default_rng([int(settings.seed), int(round(t))])
        parts.append(
            draw_members(
                rng,
                settings.n_members,
                float(t),
                settings.latitude,
                settings.longitude,
                settings.flight,
                unc,
                ens,
                launch_alt,
            )
        )
    draws = MemberDraws.concatenate(parts)
    draws = MemberDraws(
        _clip_to_bounds(atmosphere, draws.launch_time),
        draws.ascent_rate,
        draws.descent_rate,
        draws.burst_altitude,
        draws.burst_diameter,
        draws.data_member,
        draws.wind,
        draws.wind_description,
    )
    result = solve_members(
        atmosphere,
        draws,
        settings.latitude,
        settings.longitude,
        launch_alt if dem is not None else settings.altitude,
        step=settings.step,
        model=settings.model,
        record_trajectory=dem is not None,  # the DEM step follows each recorded descent
        flight=settings.flight,
    )
    missed = 0
    if dem is not None:
        from predictor.terrain_landing import land_on_dem

        result = land_on_dem(result, dem, atmosphere)
        warning = result.warnings.get("terrain_not_covered")
        missed = 0 if warning is None else int(np.count_nonzero(warning.fired))

    n_m = settings.n_members
    slot_of = np.repeat(np.arange(slots.size), n_m)
    landed = result.status == "landed"
    lat = np.where(landed, result.landing.latitude, np.nan)
    lon = np.where(landed, result.landing.longitude, np.nan)
    # land or sea as the prediction decided it (the high-resolution coastline)
    surface = np.asarray(result.surface, dtype=str)
    land_known = bool((surface[landed] != "unknown").all()) if landed.any() else True
    on_land = landed & (surface != "sea")
    at_sea = landed & (surface == "sea")
    in_zone = points_in_zones(settings.zones, lat, lon).any(axis=0)
    distance, _ = geodesy.inverse(settings.latitude, settings.longitude, lat, lon)
    too_far = np.zeros(lat.shape, dtype=bool)
    if settings.max_distance is not None:
        too_far = landed & (distance > settings.max_distance)
    safe = landed & on_land & ~in_zone & ~too_far

    def share(mask: np.ndarray) -> np.ndarray:
        return np.bincount(slot_of, weights=mask.astype(float), minlength=slots.size) / n_m

    def mean_over_landed(values: np.ndarray) -> np.ndarray:
        total = np.bincount(slot_of, weights=np.where(landed, values, 0.0), minlength=slots.size)
        count = np.bincount(slot_of, weights=landed.astype(float), minlength=slots.size)
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / count

    phi, lam = np.radians(lat), np.radians(lon)
    mx = mean_over_landed(np.cos(phi) * np.cos(lam))
    my = mean_over_landed(np.cos(phi) * np.sin(lam))
    mz = mean_over_landed(np.sin(phi))
    times = pd.to_datetime(slots, unit="s", utc=True)
    table = pd.DataFrame(
        {
            "launch_time": times,
            "members": n_m,
            "landed_fraction": share(landed),
            "safe_probability": share(safe),
            "sea_probability": share(at_sea) if land_known else np.nan,
            "zone_probability": share(in_zone),
            "too_far_probability": share(too_far) if settings.max_distance is not None else np.nan,
            "mean_landing_latitude": np.degrees(np.arctan2(mz, np.hypot(mx, my))),
            "mean_landing_longitude": np.degrees(np.arctan2(my, mx)),
            "mean_distance_km": mean_over_landed(distance) / 1000.0,
            "mean_flight_time_s": mean_over_landed(result.flight_time_s),
        }
    )
    landings = pd.DataFrame(
        {
            "launch_time": times[slot_of],
            "member": np.tile(np.arange(n_m), slots.size),
            "latitude": lat,
            "longitude": lon,
            "landed": landed,
            "surface": surface,
            "in_zone": in_zone,
            "distance_km": distance / 1000.0,
            "safe": safe,
        }
    )
    return PlanResult(rank_slots(table), landings, settings, land_known, skipped, missed)


def require_flown_slots(result: PlanResult) -> PlanResult:
    """Return ``result``, or raise ValueError when not one slot could be flown.

    A study whose every launch time is outside the data is a mistake to report (exit 2 on
    the command line), not an empty table.
    """
    if len(result.slots) == 0:
        reasons = sorted({s["reason"] for s in result.skipped})
        raise ValueError(
            _(
                "no launch slot could be flown: all {value} are outside the data "
                "({value2}); choose --from/--to inside the data's time range or load "
                "data covering the launches"
            ).format(value=len(result.skipped), value2="; ".join(reasons) or "no slots")
        )
    return result


def _iso(t: float) -> str:
    return from_epoch_seconds(t).strftime("%Y-%m-%dT%H:%M:%SZ")


def _empty_slots() -> pd.DataFrame:
    import pandas as pd

    cols = [
        "launch_time",
        "members",
        "landed_fraction",
        "safe_probability",
        "sea_probability",
        "zone_probability",
        "too_far_probability",
        "mean_landing_latitude",
        "mean_landing_longitude",
        "mean_distance_km",
        "mean_flight_time_s",
        "rank",
    ]
    df = pd.DataFrame({c: pd.Series(dtype=float) for c in cols})
    df["launch_time"] = pd.to_datetime(df["launch_time"], utc=True)
    return df


def _empty_landings() -> pd.DataFrame:
    import pandas as pd

    cols = [
        "launch_time",
        "member",
        "latitude",
        "longitude",
        "landed",
        "surface",
        "in_zone",
        "distance_km",
        "safe",
    ]
    return pd.DataFrame({c: pd.Series(dtype=object) for c in cols})


def rank_slots(table: pd.DataFrame) -> pd.DataFrame:
    """Sort slots: highest safe probability first, then shorter mean distance, then time."""
    ranked = table.sort_values(
        ["safe_probability", "mean_distance_km", "launch_time"],
        ascending=[False, True, True],
        na_position="last",
        kind="mergesort",
    ).reset_index(drop=True)
    ranked["rank"] = np.arange(1, len(ranked) + 1)
    return ranked


def combine_plan_parts(
    parts: Sequence[PlanResult],
    settings: PlanSettings,
    skipped: Sequence[dict[str, Any]] = (),
) -> PlanResult:
    """Join the results of several tasks into one ranked study (plus extra skipped slots)."""
    import pandas as pd

    parts = [p for p in parts if p is not None]
    slots = [p.slots.drop(columns="rank") for p in parts if len(p.slots)]
    landings = [p.landings for p in parts if len(p.landings)]
    table = pd.concat(slots, ignore_index=True) if slots else _empty_slots().drop(columns="rank")
    land = (
        pd.concat(landings, ignore_index=True)
        .sort_values(["launch_time", "member"], kind="mergesort")
        .reset_index(drop=True)
        if landings
        else _empty_landings()
    )
    skipped = [s for p in parts for s in p.skipped] + list(skipped)
    known = all(p.land_sea_known for p in parts) if parts else True
    missed = sum(p.terrain_not_covered for p in parts)
    return PlanResult(rank_slots(table), land, settings, known, skipped, missed)


def climatology_table(slots: pd.DataFrame) -> pd.DataFrame:
    """Mean safe-landing probability by month (rows 1-12) and UTC hour (columns)."""
    import pandas as pd

    if not len(slots):
        return pd.DataFrame()
    t = slots["launch_time"]
    frame = pd.DataFrame(
        {
            "month": t.dt.month,
            "hour": t.dt.hour,
            "p": slots["safe_probability"].astype(float),
        }
    )
    return frame.pivot_table(index="month", columns="hour", values="p", aggfunc="mean")
