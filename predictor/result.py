"""The outcome of a prediction: one type for a single flight and for every ensemble member.

Every array in a :class:`PredictionResult` carries a leading **member axis** of length
``n_members`` (1 for a single flight). A single flight and an ensemble of 100,000 members are
the same type; :meth:`PredictionResult.member` picks one member out as a result with
``n_members == 1``, and :meth:`PredictionResult.to_dict` gives the JSON document of the
``strato predict --json`` schema for one member.

Conventions
-----------
- Times are float64 seconds since 1970-01-01T00:00:00Z (UTC) [s]; :func:`iso_utc` formats
  them for people and files.
- Latitudes [degree_north], longitudes [degree_east] wrapped to -180..180, altitudes are
  geometric altitudes above mean sea level [m]. All float64, never rounded.
- Trajectories of members with different numbers of points are padded with NaN at the end;
  ``n_points`` says how many points of each member are real.
- A member that could not finish (it left the data's area or time range) has
  ``status != "landed"`` and NaN landing coordinates; its trajectory stops where it left.

Examples
--------
>>> result = predict(atmosphere, launch_time, 52.2, 0.1, ascent_rate=5.0,
...                  burst_altitude=30000.0, descent_rate=5.0)        # doctest: +SKIP
>>> result.landing.latitude[0], result.surface[0]                     # doctest: +SKIP
>>> json_document = result.to_dict()                                  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = [
    "FlightPoints",
    "PredictionResult",
    "PredictionWarning",
    "STAGE_NAMES",
    "STATUSES",
    "SURFACES",
    "StageTrajectory",
    "iso_utc",
]

FloatArray = npt.NDArray[np.float64]

#: Stage names, in flight order.
STAGE_NAMES = ("ascent", "float", "descent")
#: What a member landed on: ERA5 land-sea mask >= 0.5 is land; ``unknown`` without data.
SURFACES = ("land", "sea", "unknown")
#: How a member's prediction ended: ``landed``, or it left the data's area / time range.
STATUSES = ("landed", "left_data_area", "left_data_time")


def iso_utc(seconds: float) -> str:
    """Format seconds since the Unix epoch [s] as ISO 8601 UTC with milliseconds and ``Z``.

    Parameters
    ----------
    seconds : float
        Time [s since 1970-01-01T00:00:00Z]. NaN gives ``None``-like ``"NaN"``.

    Returns
    -------
    str
        E.g. ``"2025-10-12T16:01:44.399Z"``.
    """
    if not np.isfinite(seconds):
        return "NaN"
    when = datetime.fromtimestamp(round(float(seconds), 3), tz=UTC)
    return when.strftime("%Y-%m-%dT%H:%M:%S.") + f"{when.microsecond // 1000:03d}Z"


def _take(array: np.ndarray, index: npt.ArrayLike) -> np.ndarray:
    return np.asarray(array)[np.asarray(index)]


@dataclass(frozen=True)
class FlightPoints:
    """One point per member (e.g. the launch, burst or landing of every member).

    Attributes
    ----------
    time : ndarray, shape (n_members,)
        Time [s since epoch].
    latitude : ndarray, shape (n_members,)
        Latitude [degree_north].
    longitude : ndarray, shape (n_members,)
        Longitude [degree_east], -180..180.
    altitude : ndarray, shape (n_members,)
        Geometric altitude above mean sea level [m].
    """

    time: FloatArray
    latitude: FloatArray
    longitude: FloatArray
    altitude: FloatArray

    def __len__(self) -> int:
        return int(np.shape(self.time)[0])

    def take(self, index: npt.ArrayLike) -> FlightPoints:
        """Points of the members at ``index`` (int array, slice-like list or bool mask)."""
        return FlightPoints(
            _take(self.time, index),
            _take(self.latitude, index),
            _take(self.longitude, index),
            _take(self.altitude, index),
        )

    def datetime(self, member: int = 0) -> datetime:
        """Time of one member's point as a timezone-aware UTC datetime."""
        return datetime.fromtimestamp(float(self.time[member]), tz=UTC)

    def to_dict(self, member: int = 0) -> dict[str, Any]:
        """One member's point as ``{datetime, latitude, longitude, altitude}`` (JSON schema).

        ``datetime`` is ISO 8601 UTC; latitude/longitude [deg] and altitude [m] keep full
        float64 precision.
        """
        values = (
            self.time[member],
            self.latitude[member],
            self.longitude[member],
            self.altitude[member],
        )
        if not all(np.isfinite(v) for v in values):  # no such point (e.g. did not land)
            return {"datetime": None, "latitude": None, "longitude": None, "altitude": None}
        return {
            "datetime": iso_utc(values[0]),
            "latitude": float(values[1]),
            "longitude": float(values[2]),
            "altitude": float(values[3]),
        }


@dataclass(frozen=True)
class StageTrajectory:
    """The trajectory of one stage (ascent, float or descent) for every member.

    Attributes
    ----------
    stage : str
        One of :data:`STAGE_NAMES`.
    time, latitude, longitude, altitude : ndarray, shape (n_members, n_max)
        Points of each member [s since epoch], [degree_north], [degree_east], [m], padded
        with NaN after the member's last point. The first point is where the stage started
        and the last is where it ended (burst, float end or landing, located by bisection).
        A solve run without trajectory recording keeps only those two points.
    n_points : ndarray of int, shape (n_members,)
        Number of real points of each member.
    """

    stage: str
    time: FloatArray
    latitude: FloatArray
    longitude: FloatArray
    altitude: FloatArray
    n_points: npt.NDArray[np.int_]

    @property
    def n_members(self) -> int:
        """Number of members."""
        return int(self.n_points.shape[0])

    def take(self, index: npt.ArrayLike) -> StageTrajectory:
        """Select this stage for the members at ``index``, trimmed to their longest trajectory."""
        n_points = _take(self.n_points, index)
        width = int(n_points.max()) if n_points.size else 0
        return StageTrajectory(
            self.stage,
            _take(self.time, index)[:, :width],
            _take(self.latitude, index)[:, :width],
            _take(self.longitude, index)[:, :width],
            _take(self.altitude, index)[:, :width],
            n_points,
        )

    def member_arrays(self, member: int = 0) -> tuple[FloatArray, ...]:
        """One member's ``(time, latitude, longitude, altitude)`` without padding."""
        n = int(self.n_points[member])
        return (
            self.time[member, :n],
            self.latitude[member, :n],
            self.longitude[member, :n],
            self.altitude[member, :n],
        )

    def _point(self, column: npt.NDArray[np.int_]) -> FlightPoints:
        rows = np.arange(self.n_members)
        if self.time.shape[1] == 0:  # no member reached this stage
            nan = np.full(self.n_members, np.nan)
            return FlightPoints(nan, nan.copy(), nan.copy(), nan.copy())
        col = np.maximum(column, 0)
        return FlightPoints(
            self.time[rows, col],
            self.latitude[rows, col],
            self.longitude[rows, col],
            self.altitude[rows, col],
        )

    @property
    def start(self) -> FlightPoints:
        """Where each member started this stage."""
        if self.time.shape[1] == 0:
            return self._point(np.zeros(self.n_members, dtype=np.int_))
        # the first column (copies, like the general _point)
        return FlightPoints(
            self.time[:, 0].copy(),
            self.latitude[:, 0].copy(),
            self.longitude[:, 0].copy(),
            self.altitude[:, 0].copy(),
        )

    @property
    def end(self) -> FlightPoints:
        """Where each member ended this stage (its last real point)."""
        return self._point(self.n_points - 1)

    def to_dict(self, member: int = 0) -> dict[str, Any]:
        """``{stage, trajectory: [{datetime, latitude, longitude, altitude}, ...]}``."""
        t, la, lo, al = self.member_arrays(member)
        return {
            "stage": self.stage,
            "trajectory": [
                {
                    "datetime": iso_utc(t[k]),
                    "latitude": float(la[k]),
                    "longitude": float(lo[k]),
                    "altitude": float(al[k]),
                }
                for k in range(t.shape[0])
            ],
        }


@dataclass(frozen=True)
class PredictionWarning:
    """A condition worth telling the user about, as data (not log noise).

    Attributes
    ----------
    code : str
        Stable key, e.g. ``above_top_level``, ``below_lowest_level``, ``no_surface_data``,
        ``synthetic_atmosphere``, ``left_data``.
    description : str
        One sentence for people, saying what happened and what it means.
    fired : ndarray of bool, shape (n_members,)
        Whether the condition happened for each member.
    seconds : ndarray, shape (n_members,)
        For duration-type warnings, the flight time spent in the condition [s] (resolution:
        one solver step); NaN for warnings that are not durations.
    """

    code: str
    description: str
    fired: npt.NDArray[np.bool_]
    seconds: FloatArray

    def take(self, index: npt.ArrayLike) -> PredictionWarning:
        """Select this warning for the members at ``index``."""
        return PredictionWarning(
            self.code, self.description, _take(self.fired, index), _take(self.seconds, index)
        )

    def to_dict(self, member: int = 0) -> dict[str, Any]:
        """Return ``{description, seconds?}`` for one member (``seconds`` for durations)."""
        out: dict[str, Any] = {"description": self.description}
        if np.isfinite(self.seconds[member]):
            out["seconds"] = float(self.seconds[member])
        return out


def _json_value(value: Any, member: int, n_members: int) -> Any:
    """Pick one member's settings value (per-member arrays give that element)."""
    if isinstance(value, np.ndarray):
        if value.ndim == 1 and value.shape[0] == n_members:
            value = value[member]
        else:
            return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Mapping):
        return {k: _json_value(v, member, n_members) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class PredictionResult:
    """A predicted flight, or an ensemble of them (leading member axis everywhere).

    Attributes
    ----------
    stages : tuple of StageTrajectory
        The stages flown, in order (e.g. ascent, descent; or ascent, float, descent; or just
        descent for a descent-only prediction).
    launch : FlightPoints
        Where and when each member started (for descent-only: the given start point).
    burst : FlightPoints
        Where each member's descent began: balloon burst, the end of the float (cut-down),
        or, for descent-only predictions, the start point.
    landing : FlightPoints
        Where each member landed: on the ground (orography from the atmosphere's surface
        data) or at sea level when the atmosphere has none. NaN for members whose
        ``status`` is not ``landed``.
    surface : ndarray of str, shape (n_members,)
        ``land`` / ``sea`` / ``unknown`` (see :data:`SURFACES`), from the high-resolution
        coastline (:mod:`predictor.landing_surface`; ``settings["surface_source"]`` says
        when the weather file's land-sea mask had to stand in).
    status : ndarray of str, shape (n_members,)
        ``landed`` or why the member stopped (see :data:`STATUSES`).
    warnings : dict of str to PredictionWarning
        Conditions that fired for at least one member, by code.
    settings : dict
        Every parameter used, keys carrying their unit (``ascent_rate_m_s``,
        ``burst_altitude_m``, ``step_s``, ...). Values that differ between members are
        ndarrays of shape (n_members,); others are plain scalars or strings.
    atmosphere_source : str
        Description of the atmosphere data (says SYNTHETIC for made-up fields).
    synthetic : bool
        True when the atmosphere is synthetic (sample or analytic).
    coast_distance_m : ndarray, shape (n_members,), optional
        Distance from a sea landing to the nearest shore [m] (WGS84 geodesic); NaN for land
        landings and members that did not land. None when not computed.
    coast_bearing_deg : ndarray, shape (n_members,), optional
        Bearing from a sea landing to that nearest shore [degree clockwise from true north].
    """

    stages: tuple[StageTrajectory, ...]
    launch: FlightPoints
    burst: FlightPoints
    landing: FlightPoints
    surface: npt.NDArray[np.str_]
    status: npt.NDArray[np.str_]
    warnings: dict[str, PredictionWarning] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    atmosphere_source: str = ""
    synthetic: bool = False
    coast_distance_m: FloatArray | None = None
    coast_bearing_deg: FloatArray | None = None

    # ------------------------------------------------------------------ access
    @property
    def n_members(self) -> int:
        """Number of members (1 for a single flight)."""
        return len(self.launch)

    @property
    def flight_time_s(self) -> FloatArray:
        """Launch-to-landing time of each member [s] (NaN if it did not land)."""
        return self.landing.time - self.launch.time

    @property
    def stage_names(self) -> tuple[str, ...]:
        """Names of the stages flown, in order."""
        return tuple(s.stage for s in self.stages)

    def stage(self, name: str) -> StageTrajectory:
        """Return the stage called ``name`` (``KeyError`` naming the stages flown)."""
        for s in self.stages:
            if s.stage == name:
                return s
        raise KeyError(f"no stage {name!r} in this prediction (stages: {self.stage_names})")

    def take(self, index: npt.ArrayLike) -> PredictionResult:
        """Select the members at ``index`` as a new result (same settings)."""
        idx = np.asarray(index)
        if idx.dtype == bool:
            idx = np.flatnonzero(idx)
        idx = np.atleast_1d(idx)
        n = self.n_members
        settings = {
            k: (v[idx] if isinstance(v, np.ndarray) and v.ndim == 1 and v.shape[0] == n else v)
            for k, v in self.settings.items()
        }
        warnings = {}
        for code, w in self.warnings.items():
            sub = w.take(idx)
            if np.any(sub.fired):
                warnings[code] = sub
        return PredictionResult(
            stages=tuple(s.take(idx) for s in self.stages),
            launch=self.launch.take(idx),
            burst=self.burst.take(idx),
            landing=self.landing.take(idx),
            surface=_take(self.surface, idx),
            status=_take(self.status, idx),
            warnings=warnings,
            settings=settings,
            atmosphere_source=self.atmosphere_source,
            synthetic=self.synthetic,
            coast_distance_m=_take_optional(self.coast_distance_m, idx),
            coast_bearing_deg=_take_optional(self.coast_bearing_deg, idx),
        )

    def member(self, member: int) -> PredictionResult:
        """One member as a single-flight result (``n_members == 1``)."""
        if not -self.n_members <= member < self.n_members:
            raise IndexError(
                f"member {member} does not exist; this prediction has {self.n_members} "
                f"member(s), numbered 0..{self.n_members - 1}"
            )
        return self.take([member % self.n_members])

    def trajectory(self, member: int = 0) -> dict[str, np.ndarray]:
        """One member's whole flight as columns, stages joined without repeated points.

        Returns
        -------
        dict
            ``time`` [s since epoch], ``latitude`` [degree_north], ``longitude``
            [degree_east], ``altitude`` [m] (float64 arrays) and ``stage`` (str array).
        """
        cols: dict[str, list[np.ndarray]] = {
            "time": [],
            "latitude": [],
            "longitude": [],
            "altitude": [],
            "stage": [],
        }
        for i, s in enumerate(self.stages):
            t, la, lo, al = s.member_arrays(member)
            skip = 1 if i > 0 and t.size else 0  # a stage starts where the previous ended
            cols["time"].append(t[skip:])
            cols["latitude"].append(la[skip:])
            cols["longitude"].append(lo[skip:])
            cols["altitude"].append(al[skip:])
            cols["stage"].append(np.full(t.size - skip, s.stage))
        return {k: np.concatenate(v) if v else np.array([]) for k, v in cols.items()}

    # ------------------------------------------------------------------ output
    def to_dict(self, member: int | None = None) -> dict[str, Any]:
        """Build the ``strato predict --json`` document for one member.

        Parameters
        ----------
        member : int, optional
            Which member; may be omitted for a single flight.

        Returns
        -------
        dict
            ``launch``, ``burst``, ``landing`` (with ``surface`` and ``status``),
            ``stages`` ([{stage, trajectory: [{datetime, latitude, longitude, altitude}]}]),
            ``flight_time_s``, ``warnings`` ({code: {description, seconds?}}), ``settings``
            (units in the keys), ``atmosphere`` ({source, synthetic}). Plain JSON types;
            coordinates at full float64 precision.
        """
        if member is None:
            if self.n_members != 1:
                raise ValueError(
                    f"this prediction has {self.n_members} members; say which one "
                    "(to_dict(member=i)) or use member(i) first"
                )
            member = 0
        landing = self.landing.to_dict(member)
        landing["surface"] = str(self.surface[member])
        landing["status"] = str(self.status[member])
        landing["coast_distance_m"] = _finite_or_none(self.coast_distance_m, member)
        landing["coast_bearing_deg"] = _finite_or_none(self.coast_bearing_deg, member)
        flight_time = float(self.flight_time_s[member])
        return {
            "launch": self.launch.to_dict(member),
            "burst": self.burst.to_dict(member),
            "landing": landing,
            "stages": [s.to_dict(member) for s in self.stages],
            "flight_time_s": flight_time if np.isfinite(flight_time) else None,
            "warnings": {
                code: w.to_dict(member) for code, w in self.warnings.items() if w.fired[member]
            },
            "settings": {
                k: _json_value(v, member, self.n_members) for k, v in self.settings.items()
            },
            "atmosphere": {"source": self.atmosphere_source, "synthetic": bool(self.synthetic)},
        }


def _take_optional(values: FloatArray | None, idx) -> FloatArray | None:
    return None if values is None else _take(values, idx)


def _finite_or_none(values: FloatArray | None, member: int) -> float | None:
    """One member's value as a JSON number, or None when absent or NaN."""
    if values is None:
        return None
    v = float(values[member])
    return v if np.isfinite(v) else None
