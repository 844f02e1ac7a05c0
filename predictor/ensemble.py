"""Ensembles: many flights drawn from stated uncertainties, solved in one vectorised run.

Each member draws its own ascent rate, burst altitude (from the balloon's burst-diameter
spread when a balloon is given), sea-level descent rate, launch time and winds. Wind
uncertainty is a smooth random field per member, correlated in space and time
(:mod:`predictor.ensemble_wind`), and/or the ERA5 ensemble (EDA) members of the data.
Everything random comes from one ``numpy.random.default_rng(seed)``: the same seed gives the
same ensemble.

Default uncertainties (1-sigma; all can be changed or set to zero with
:meth:`Uncertainty.zero`):

* ascent rate 10 % and sea-level descent rate 10 % (relative; draws are kept >= 20 % of the
  nominal rate);
* burst altitude 2000 m without a balloon; with a balloon, a burst-diameter spread of 8.7 %
  (the coefficient of variation of ASTRA's Weibull burst-diameter model, shape 14.36,
  Sobester et al. 2014), turned into altitudes through the burst calculator, which gives
  about the same 2 km at 30 km;
* launch time 10 minutes (normal, clipped at 3 sigma);
* wind 2 m/s per component, correlated over 300 km horizontally, 2 km vertically and 6 h
  (short-range ERA5/forecast wind errors are 2-3.5 m/s, predictor-physics note section 8).

Wind modes (:data:`WIND_UNCERTAINTY_MODES`): ``auto`` uses the data's ensemble members when
the atmosphere has them (member i reads data member i % ensemble_size) **instead of**
synthetic perturbations, otherwise the synthetic field; ``synthetic``, ``data_members``,
``both`` (data members plus the synthetic field) and ``none`` force a choice.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from typing import Any

import numpy as np

from predictor.balloons import Balloon
from predictor.burst import (
    BurstEstimate,
    burst_altitude_from_volumes,
    estimate_burst,
    sphere_volume,
)
from predictor.ensemble_wind import PerturbedAtmosphere, WindPerturbationField
from predictor.landing_statistics import LandingStatistics, landing_statistics
from predictor.result import PredictionResult
from predictor.zones import Zone
from weather.protocol import Atmosphere, to_epoch_seconds

__all__ = [
    "WIND_UNCERTAINTY_MODES",
    "EnsembleResult",
    "FlightSpec",
    "MemberDraws",
    "Uncertainty",
    "draw_members",
    "predict_ensemble",
    "solve_members",
]

#: How wind uncertainty is represented (see the module docstring).
WIND_UNCERTAINTY_MODES = ("auto", "synthetic", "data_members", "both", "none")
#: Rates are drawn no lower than this share of their nominal value.
_MIN_RATE_SHARE = 0.2
#: Drawn burst altitudes stay at least this far above the launch [m].
_MIN_BURST_MARGIN = 1000.0


@dataclass(frozen=True)
class Uncertainty:
    """Stated 1-sigma uncertainties of an ensemble (see the module docstring for defaults).

    Attributes
    ----------
    ascent_rate, descent_rate : float
        Relative standard deviation of the rates [1] (0.1 = 10 %).
    burst_altitude : float
        Standard deviation of the burst altitude without a balloon [m].
    burst_diameter : float
        Relative standard deviation of the burst diameter with a balloon [1].
    launch_time : float
        Standard deviation of the launch time [s].
    wind : float
        Standard deviation of each synthetic wind component [m s-1].
    wind_horizontal_length, wind_vertical_length : float
        Correlation lengths of the synthetic wind error [m].
    wind_time_scale : float
        Correlation time of the synthetic wind error [s].
    wind_mode : str
        One of :data:`WIND_UNCERTAINTY_MODES`.
    """

    ascent_rate: float = 0.10
    descent_rate: float = 0.10
    burst_altitude: float = 2000.0
    burst_diameter: float = 0.087
    launch_time: float = 600.0
    wind: float = 2.0
    wind_horizontal_length: float = 300_000.0
    wind_vertical_length: float = 2000.0
    wind_time_scale: float = 6 * 3600.0
    wind_mode: str = "auto"

    def __post_init__(self) -> None:
        if self.wind_mode not in WIND_UNCERTAINTY_MODES:
            raise ValueError(
                f"unknown wind uncertainty mode {self.wind_mode!r}; choose one of "
                f"{', '.join(WIND_UNCERTAINTY_MODES)}"
            )
        for name in (
            "ascent_rate",
            "descent_rate",
            "burst_altitude",
            "burst_diameter",
            "launch_time",
            "wind",
        ):
            value = getattr(self, name)
            if not (value >= 0.0 and math.isfinite(value)):
                raise ValueError(f"uncertainty of {name} must be >= 0, got {value!r}")

    @classmethod
    def zero(cls) -> Uncertainty:
        """No uncertainty at all: every member flies the deterministic track."""
        return cls(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, wind_mode="none")

    def scaled(self, factor: float) -> Uncertainty:
        """Every standard deviation multiplied by ``factor`` (correlation scales kept)."""
        return replace(
            self,
            ascent_rate=self.ascent_rate * factor,
            descent_rate=self.descent_rate * factor,
            burst_altitude=self.burst_altitude * factor,
            burst_diameter=self.burst_diameter * factor,
            launch_time=self.launch_time * factor,
            wind=self.wind * factor,
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready dict, keys naming their units."""
        d = asdict(self)
        return {
            "ascent_rate_relative_sd": d["ascent_rate"],
            "descent_rate_relative_sd": d["descent_rate"],
            "burst_altitude_sd_m": d["burst_altitude"],
            "burst_diameter_relative_sd": d["burst_diameter"],
            "launch_time_sd_s": d["launch_time"],
            "wind_sd_m_s": d["wind"],
            "wind_horizontal_correlation_m": d["wind_horizontal_length"],
            "wind_vertical_correlation_m": d["wind_vertical_length"],
            "wind_correlation_time_s": d["wind_time_scale"],
            "wind_mode": d["wind_mode"],
        }


@dataclass(frozen=True)
class FlightSpec:
    """The nominal flight: rates and burst altitude, optionally from a balloon.

    Attributes
    ----------
    ascent_rate : float
        Ascent rate [m s-1].
    burst_altitude : float
        Burst altitude [m].
    descent_rate : float
        Sea-level descent rate [m s-1].
    burst : BurstEstimate, optional
        The burst-calculator result when the flight was specified by a balloon; its gas
        volume and burst diameter drive the burst-altitude spread.
    """

    ascent_rate: float
    burst_altitude: float
    descent_rate: float
    burst: BurstEstimate | None = None

    @classmethod
    def from_balloon(
        cls,
        balloon: Balloon | str,
        payload_mass: float,
        descent_rate: float,
        gas: str = "helium",
        *,
        ascent_rate: float | None = None,
        neck_lift: float | None = None,
        launch_altitude: float = 0.0,
    ) -> FlightSpec:
        """Rates and burst altitude from the burst calculator (standard method)."""
        est = estimate_burst(
            balloon,
            payload_mass,
            gas,
            ascent_rate=ascent_rate,
            neck_lift=neck_lift,
            launch_altitude=launch_altitude,
        )
        return cls(est.ascent_rate, est.burst_altitude, float(descent_rate), est)

    def __post_init__(self) -> None:
        for name in ("ascent_rate", "descent_rate"):
            value = getattr(self, name)
            if not (value > 0.0 and math.isfinite(value)):
                raise ValueError(f"{name} must be a positive number [m/s], got {value!r}")


@dataclass(frozen=True)
class MemberDraws:
    """What each member drew (arrays of shape (n_members,)).

    Attributes
    ----------
    launch_time : ndarray
        Launch time [s since epoch].
    ascent_rate, descent_rate : ndarray
        Rates [m s-1].
    burst_altitude : ndarray
        Burst altitude [m].
    burst_diameter : ndarray
        Burst diameter [m] (NaN without a balloon).
    data_member : ndarray of int or None
        Data ensemble member each member reads, or None.
    wind : WindPerturbationField or None
        Synthetic wind perturbations, or None.
    wind_description : str
        What the wind uncertainty is, for people.
    """

    launch_time: np.ndarray
    ascent_rate: np.ndarray
    descent_rate: np.ndarray
    burst_altitude: np.ndarray
    burst_diameter: np.ndarray
    data_member: np.ndarray | None = None
    wind: WindPerturbationField | None = None
    wind_description: str = "none"

    def __len__(self) -> int:
        return int(self.launch_time.shape[0])

    def columns(self) -> dict[str, np.ndarray]:
        """Per-member draws as unit-named columns."""
        out = {
            "launch_time_s": self.launch_time,
            "ascent_rate_m_s": self.ascent_rate,
            "descent_rate_m_s": self.descent_rate,
            "burst_altitude_m": self.burst_altitude,
            "burst_diameter_m": self.burst_diameter,
        }
        if self.data_member is not None:
            out["data_member"] = self.data_member
        return out

    @staticmethod
    def concatenate(parts: Sequence[MemberDraws]) -> MemberDraws:
        """Join draws of several launches into one member axis (for one solve)."""
        if not parts:
            raise ValueError("nothing to concatenate")
        cat = lambda name: np.concatenate([getattr(p, name) for p in parts])  # noqa: E731
        members = None
        if all(p.data_member is not None for p in parts):
            members = np.concatenate([p.data_member for p in parts])
        wind = None
        if all(p.wind is not None for p in parts):
            w = [p.wind for p in parts]
            wind = WindPerturbationField(
                w[0].sigma,
                np.concatenate([x.wavenumbers for x in w], axis=1),
                np.concatenate([x.phases for x in w], axis=1),
                w[0].lat0,
                w[0].lon0,
                np.concatenate([np.broadcast_to(x.t0, (x.n_members,)) for x in w]),
            )
        return MemberDraws(
            cat("launch_time"),
            cat("ascent_rate"),
            cat("descent_rate"),
            cat("burst_altitude"),
            cat("burst_diameter"),
            members,
            wind,
            parts[0].wind_description,
        )


def _positive_normal(rng, nominal: float, relative_sd: float, n: int) -> np.ndarray:
    values = nominal * (1.0 + relative_sd * rng.standard_normal(n))
    return np.maximum(values, _MIN_RATE_SHARE * nominal)


def draw_members(
    rng: np.random.Generator,
    n_members: int,
    launch_time: float,
    latitude: float,
    longitude: float,
    flight: FlightSpec,
    uncertainty: Uncertainty,
    data_ensemble_size: int = 1,
    launch_altitude: float = 0.0,
) -> MemberDraws:
    """Draw the members of one launch.

    The draws happen in a fixed order (launch time, ascent, descent, burst, wind) so that
    a seed always gives the same ensemble.

    Parameters
    ----------
    rng : numpy.random.Generator
        Seeded generator.
    n_members : int
        Number of members (>= 1).
    launch_time : float
        Nominal launch time [s since epoch].
    latitude, longitude : float
        Launch site [deg] (reference point of the wind perturbations).
    flight : FlightSpec
        Nominal flight.
    uncertainty : Uncertainty
        Stated uncertainties.
    data_ensemble_size : int
        Ensemble members in the atmosphere data (1 = none).
    launch_altitude : float
        Launch altitude [m] (lower limit for drawn burst altitudes).
    """
    n = int(n_members)
    if n < 1:
        raise ValueError(f"an ensemble needs at least one member, got {n_members}")
    u = uncertainty
    # launch-time slips beyond 3 sigma are clipped (keeps data windows of split studies exact)
    times = launch_time + u.launch_time * np.clip(rng.standard_normal(n), -3.0, 3.0)
    ascent = _positive_normal(rng, flight.ascent_rate, u.ascent_rate, n)
    descent = _positive_normal(rng, flight.descent_rate, u.descent_rate, n)
    z = rng.standard_normal(n)
    if flight.burst is not None:
        est = flight.burst
        diameter = est.burst_diameter * np.maximum(1.0 + u.burst_diameter * z, 0.5)
        burst = burst_altitude_from_volumes(
            est.gas_volume, sphere_volume(diameter), est.launch_altitude, est.method
        )
        burst = np.where(np.isfinite(burst), burst, launch_altitude + _MIN_BURST_MARGIN)
        if u.burst_diameter == 0.0:
            burst = np.full(n, flight.burst_altitude)  # exactly the nominal value
    else:
        diameter = np.full(n, np.nan)
        burst = flight.burst_altitude + u.burst_altitude * z
    burst = np.maximum(burst, launch_altitude + _MIN_BURST_MARGIN)

    mode = u.wind_mode
    if mode == "auto":
        mode = "data_members" if data_ensemble_size > 1 else "synthetic"
    use_data = mode in ("data_members", "both")
    if use_data and data_ensemble_size <= 1:
        raise ValueError(
            "wind mode uses data ensemble members, but the atmosphere has none; open ERA5 "
            "ensemble members (product_type ensemble_members) or use wind mode 'synthetic'"
        )
    data_member = np.arange(n) % data_ensemble_size if use_data else None
    wind = None
    parts = []
    if use_data:
        parts.append(
            f"ERA5 ensemble members ({data_ensemble_size}), member i -> i % {data_ensemble_size}"
        )
    if mode in ("synthetic", "both") and u.wind > 0.0:
        wind = WindPerturbationField.draw(
            rng,
            n,
            u.wind,
            u.wind_horizontal_length,
            u.wind_vertical_length,
            u.wind_time_scale,
            latitude,
            longitude,
            launch_time,
        )
        parts.append(
            f"SYNTHETIC correlated perturbations sigma {u.wind:g} m/s, "
            f"{u.wind_horizontal_length / 1000:g} km, {u.wind_vertical_length / 1000:g} km, "
            f"{u.wind_time_scale / 3600:g} h"
        )
    return MemberDraws(
        times,
        ascent,
        descent,
        burst,
        diameter,
        data_member,
        wind,
        " plus ".join(parts) if parts else "none",
    )


def solve_members(
    atmosphere: Atmosphere,
    draws: MemberDraws,
    latitude: float | np.ndarray,
    longitude: float | np.ndarray,
    altitude: float | np.ndarray | None = None,
    *,
    step: float = 60.0,
    model: str = "stratoflight",
    record_trajectory: bool = True,
) -> PredictionResult:
    """Fly every member in one vectorised solve of ``predictor.predict``."""
    from predictor.predict import predict

    n = len(draws)
    flight_atmosphere: Atmosphere = atmosphere
    members = None
    if draws.wind is not None:
        # synthetic perturbations: the wrapper adds each member's field (generic solver)
        flight_atmosphere = PerturbedAtmosphere(atmosphere, n, draws.wind, draws.data_member)
        members = np.arange(n)
    elif draws.data_member is not None:
        # data ensemble members only: the predictor reads them directly (compiled path)
        members = draws.data_member
    return predict(
        flight_atmosphere,
        draws.launch_time,
        np.broadcast_to(np.asarray(latitude, dtype=np.float64), (n,)),
        np.broadcast_to(np.asarray(longitude, dtype=np.float64), (n,)),
        altitude=altitude,
        ascent_rate=draws.ascent_rate,
        burst_altitude=draws.burst_altitude,
        descent_rate=draws.descent_rate,
        step=step,
        model=model,
        record_trajectory=record_trajectory,
        atmosphere_member=members,
    )


@dataclass(frozen=True)
class EnsembleResult:
    """An ensemble prediction and its landing statistics.

    Attributes
    ----------
    prediction : PredictionResult
        Every member's flight (member axis).
    draws : MemberDraws
        What each member drew.
    statistics : LandingStatistics
        Mean landing, ellipses, sea/zone probabilities, recovery distances.
    flight : FlightSpec
        The nominal flight.
    uncertainty : Uncertainty
        The stated uncertainties.
    seed : int or None
        Seed of the random generator.
    """

    prediction: PredictionResult
    draws: MemberDraws
    statistics: LandingStatistics
    flight: FlightSpec
    uncertainty: Uncertainty
    seed: int | None
    extra: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """``{"ensemble": {...}}``: statistics, settings and per-member landings and draws."""
        stats = self.statistics.as_dict(include_members=False)
        p = self.prediction
        cols = self.draws.columns()
        members = []
        for i in range(p.n_members):
            landed = p.status[i] == "landed"
            members.append(
                {
                    "member": i,
                    "landing": {
                        "latitude": float(p.landing.latitude[i]) if landed else None,
                        "longitude": float(p.landing.longitude[i]) if landed else None,
                        "altitude_m": float(p.landing.altitude[i]) if landed else None,
                        "surface": str(p.surface[i]),
                        "status": str(p.status[i]),
                    },
                    "flight_time_s": float(p.flight_time_s[i]) if landed else None,
                    **{
                        k: (
                            int(v[i])
                            if k == "data_member"
                            else (float(v[i]) if np.isfinite(v[i]) else None)
                        )
                        for k, v in cols.items()
                    },
                }
            )
        stats.update(
            {
                "seed": self.seed,
                "uncertainty": self.uncertainty.as_dict(),
                "wind_uncertainty": self.draws.wind_description,
                "nominal": {
                    "ascent_rate_m_s": self.flight.ascent_rate,
                    "burst_altitude_m": self.flight.burst_altitude,
                    "descent_rate_m_s": self.flight.descent_rate,
                    "balloon": None if self.flight.burst is None else self.flight.burst.as_dict(),
                },
                "atmosphere": {
                    "source": p.atmosphere_source,
                    "synthetic": bool(p.synthetic),
                    **{k: p.settings[k] for k in ("data_source", "model_run") if k in p.settings},
                },
                "members": members,
                **self.extra,
            }
        )
        return {"ensemble": stats}


def predict_ensemble(
    atmosphere: Atmosphere,
    launch_time: datetime | float,
    latitude: float,
    longitude: float,
    flight: FlightSpec,
    n_members: int,
    *,
    altitude: float | None = None,
    uncertainty: Uncertainty | None = None,
    seed: int | None = None,
    zones: Sequence[Zone] = (),
    recovery_point: tuple[float, float] | None = None,
    step: float = 60.0,
    model: str = "stratoflight",
    record_trajectory: bool = True,
) -> EnsembleResult:
    """Draw ``n_members`` flights from the stated uncertainties, fly them, summarise landings.

    Parameters
    ----------
    atmosphere : Atmosphere
        Winds and density (ERA5 ensemble members are used per the wind mode).
    launch_time : datetime or float
        Nominal launch time (tz-aware UTC datetime, or [s since epoch]).
    latitude, longitude : float
        Launch site [deg].
    flight : FlightSpec
        Nominal rates and burst altitude (or balloon).
    n_members : int
        Ensemble size.
    altitude : float, optional
        Launch altitude [m]; default the ground of the atmosphere.
    uncertainty : Uncertainty, optional
        Stated uncertainties; defaults of :class:`Uncertainty`.
    seed : int, optional
        Seed for ``numpy.random.default_rng``; same seed, same result.
    zones : sequence of Zone
        Areas whose landing probability is reported.
    recovery_point : (float, float), optional
        Recovery crew position (latitude, longitude) [deg].
    step : float
        Solver step [s].
    model : str
        Predictor physics (``"stratoflight"`` or ``"cusf"``).
    record_trajectory : bool
        Keep full member trajectories (needed for maps with tracks; off = landings only).

    Returns
    -------
    EnsembleResult
    """
    uncertainty = uncertainty or Uncertainty()
    t0 = to_epoch_seconds(launch_time) if isinstance(launch_time, datetime) else float(launch_time)
    rng = np.random.default_rng(seed)
    if altitude is None:
        launch_alt = float(
            np.asarray(atmosphere.ground_elevation(np.array([latitude]), np.array([longitude])))[0]
        )
    else:
        launch_alt = float(altitude)
    draws = draw_members(
        rng,
        n_members,
        t0,
        latitude,
        longitude,
        flight,
        uncertainty,
        int(getattr(atmosphere, "ensemble_size", 1) or 1),
        launch_alt,
    )
    result = solve_members(
        atmosphere,
        draws,
        latitude,
        longitude,
        altitude,
        step=step,
        model=model,
        record_trajectory=record_trajectory,
    )
    stats = summarise_landings(atmosphere, result, zones, recovery_point)
    return EnsembleResult(result, draws, stats, flight, uncertainty, seed)


def summarise_landings(
    atmosphere: Atmosphere,
    result: PredictionResult,
    zones: Sequence[Zone] = (),
    recovery_point: tuple[float, float] | None = None,
) -> LandingStatistics:
    """Landing statistics of a prediction; land or sea as the prediction decided it.

    The prediction's ``surface`` comes from the high-resolution coastline
    (:mod:`predictor.landing_surface`); ``atmosphere`` is kept for the signature.
    """
    landed = result.status == "landed"
    lat = np.where(landed, result.landing.latitude, np.nan)
    lon = np.where(landed, result.landing.longitude, np.nan)
    surface = np.asarray(result.surface, dtype=str)
    land = np.where(surface == "land", 1.0, np.where(surface == "sea", 0.0, np.nan))
    return landing_statistics(
        lat, lon, land, zones, recovery_point, coast_distance_m=result.coast_distance_m
    )
