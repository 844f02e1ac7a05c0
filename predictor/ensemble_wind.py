"""Wind uncertainty for ensembles: smooth random perturbation fields and an atmosphere wrapper.

White noise added at every solver step averages out along a flight and under-states the
spread of landings. Here every member instead gets one smooth random field per wind
component, correlated in space and time, drawn once and kept for the whole flight.

The field is a sum of random Fourier modes ("random Fourier features"):

    du(x, y, z, t) = sigma * sqrt(2 / M) * sum_m cos(kx_m x + ky_m y + kz_m z + w_m t + b_m)

with wavenumbers drawn from normal distributions of standard deviation 1/L (kx, ky ~ N(0,
1/L_h^2), kz ~ N(0, 1/L_z^2), w ~ N(0, 1/T^2)) and phases b uniform in [0, 2 pi). Its
expected covariance is the Gaussian ``sigma^2 exp(-dx^2/2L_h^2 - dy^2/2L_h^2 - dz^2/2L_z^2 -
dt^2/2T^2)``: points closer than the correlation lengths see nearly the same error, as real
forecast/reanalysis wind errors do. ``x``/``y`` are east/north distances [m] from a
reference point, ``z`` altitude [m], ``t`` time [s] from a reference time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from localization import _
from predictor.flight_physics import perturbation_points
from weather.protocol import Atmosphere, AtmosphereSample, FloatArray

__all__ = ["PerturbedAtmosphere", "WindPerturbationField"]


@dataclass(frozen=True)
class WindPerturbationField:
    """Per-member smooth random wind perturbations (see the module docstring).

    Build with :meth:`draw`; evaluate with :meth:`evaluate`.

    Attributes
    ----------
    sigma : float
        Standard deviation of each wind component [m s-1].
    wavenumbers : ndarray, shape (2, n_members, n_modes, 4)
        For u (index 0) and v (index 1): kx, ky [rad m-1], kz [rad m-1], w [rad s-1].
    phases : ndarray, shape (2, n_members, n_modes)
        Phases [rad].
    lat0, lon0 : float
        Reference point [deg] of the coordinates.
    t0 : float or ndarray, shape (n_members,)
        Reference time [s since epoch], one for all or one per member.
    """

    sigma: float
    wavenumbers: np.ndarray
    phases: np.ndarray
    lat0: float
    lon0: float
    t0: float | np.ndarray

    @property
    def n_members(self) -> int:
        """Number of members the field was drawn for."""
        return int(self.phases.shape[1])

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        n_members: int,
        sigma: float,
        horizontal_length: float,
        vertical_length: float,
        time_scale: float,
        lat0: float,
        lon0: float,
        t0: float,
        n_modes: int = 16,
    ) -> WindPerturbationField:
        """Draw independent fields for ``n_members`` members.

        Parameters
        ----------
        rng : numpy.random.Generator
            Source of randomness (seeded by the caller).
        n_members : int
            Number of members.
        sigma : float
            Standard deviation of each wind component [m s-1].
        horizontal_length, vertical_length : float
            Correlation lengths [m] (Gaussian covariance e-folding at sqrt(2) L).
        time_scale : float
            Correlation time [s].
        lat0, lon0, t0 : float
            Reference point [deg] and time [s since epoch].
        n_modes : int
            Fourier modes per member and component. The ensemble covariance equals the
            target in expectation for any number of modes; more modes make each member's
            field more nearly Gaussian (16 cosines: close, by the central limit theorem)
            and cost proportionally more (the cosines dominate an ensemble's run time).
        """
        for name, value in (
            ("horizontal correlation length", horizontal_length),
            ("vertical correlation length", vertical_length),
            ("correlation time", time_scale),
        ):
            if not value > 0.0:
                raise ValueError(
                    _("{name} must be positive, got {value!r}").format(name=name, value=value)
                )
        scales = np.array(
            [
                1.0 / horizontal_length,
                1.0 / horizontal_length,
                1.0 / vertical_length,
                1.0 / time_scale,
            ]
        )
        k = rng.standard_normal((2, n_members, n_modes, 4)) * scales
        b = rng.uniform(0.0, 2.0 * np.pi, size=(2, n_members, n_modes))
        return cls(float(sigma), k, b, float(lat0), float(lon0), float(t0))

    def evaluate(
        self,
        member: npt.NDArray[np.int_],
        time: FloatArray,
        lat: FloatArray,
        lon: FloatArray,
        alt: FloatArray,
    ) -> tuple[FloatArray, FloatArray]:
        """Perturbations (du, dv) [m s-1] at points; ``member[i]`` owns point ``i``."""
        shape = np.shape(alt)
        m = np.asarray(member, dtype=np.int_).ravel()
        if self.sigma == 0.0:
            return np.zeros(shape), np.zeros(shape)
        kx, ky, kz, kw, b = self._tables()
        n = m.shape[0]

        def flat(values) -> np.ndarray:
            return np.ascontiguousarray(
                np.broadcast_to(np.asarray(values, dtype=np.float64).ravel(), (n,))
            )

        du, dv = perturbation_points(
            kx,
            ky,
            kz,
            kw,
            b,
            m.astype(np.int64),
            flat(time),
            flat(lat),
            flat(lon),
            flat(alt),
            self.reference_times(),
            self.lat0,
            self.lon0,
            self.amplitude,
        )
        return du.reshape(shape), dv.reshape(shape)

    @property
    def amplitude(self) -> float:
        """``sigma * sqrt(2 / modes)`` [m s-1]: the factor in front of the sum of cosines."""
        return self.sigma * math.sqrt(2.0 / self.phases.shape[2])

    def reference_times(self) -> np.ndarray:
        """Return the reference time of every member [s since epoch], float64 (n_members,)."""
        return np.ascontiguousarray(
            np.broadcast_to(np.asarray(self.t0, dtype=np.float64), (self.n_members,))
        )

    def tables(self) -> tuple[np.ndarray, ...]:
        """``(kx, ky, kz, w, b)``, each (n_members, 2 * modes) float64: u modes, then v modes."""
        return self._tables()

    def _tables(self) -> tuple[np.ndarray, ...]:
        """Wavenumbers and phases as (n_members, 2 * modes) arrays, built once."""
        cached = self.__dict__.get("_cached_tables")
        if cached is None:
            k = np.concatenate([self.wavenumbers[0], self.wavenumbers[1]], axis=1)
            b = np.concatenate([self.phases[0], self.phases[1]], axis=1)
            cached = tuple(np.ascontiguousarray(k[..., d]) for d in range(4)) + (
                np.ascontiguousarray(b),
            )
            object.__setattr__(self, "_cached_tables", cached)
        return cached


class PerturbedAtmosphere:
    """An atmosphere whose winds differ per ensemble member.

    Implements :class:`weather.protocol.Atmosphere`. A query's points belong to members:
    ``member[i]`` when the caller passes ``member`` (the index of the *ensemble* member,
    0..n_members-1), otherwise point ``i`` belongs to member ``i`` (the solver's member
    axis). Each member reads data member ``data_members[i]`` of the base atmosphere (ERA5
    EDA members) and adds its perturbation field, if any.

    Parameters
    ----------
    base : Atmosphere
        The underlying atmosphere.
    n_members : int
        Ensemble size.
    perturbation : WindPerturbationField, optional
        Synthetic wind perturbations; None for none.
    data_members : ndarray of int, optional
        Base-atmosphere member per ensemble member; None reads the base's default member.
    """

    def __init__(
        self,
        base: Atmosphere,
        n_members: int,
        perturbation: WindPerturbationField | None = None,
        data_members: npt.NDArray[np.int_] | None = None,
    ) -> None:
        self.base = base
        self.n_members = int(n_members)
        self.perturbation = perturbation
        self.data_members = None if data_members is None else np.asarray(data_members, int)
        self.bounds = base.bounds
        self.has_surface = base.has_surface
        # SYNTHETIC means made-up weather; perturbations on real data are a model of the
        # data's uncertainty, named in ``source`` and the ensemble's ``wind_uncertainty``
        self.synthetic = bool(base.synthetic)
        self.ensemble_size = self.n_members
        # what the data are (issue 8: results name the data source and model run)
        self.data_source = getattr(base, "data_source", None)
        self.model_run = getattr(base, "model_run", None)
        self.time_margin = getattr(base, "time_margin", 0.0)
        parts = [base.source]
        if self.data_members is not None:
            parts.append(f"data ensemble members ({base.ensemble_size})")
        if perturbation is not None:
            parts.append(
                f"plus SYNTHETIC correlated wind perturbations (sigma {perturbation.sigma:g} m/s)"
            )
        self.source = "; ".join(parts)

    def _members(self, shape: tuple[int, ...], member) -> np.ndarray:
        if member is not None:
            return np.broadcast_to(np.asarray(member, dtype=np.int_), shape)
        size = int(np.prod(shape)) if shape else 1
        if size != self.n_members:
            raise ValueError(
                _(
                    "cannot tell which ensemble member each of {size} points belongs "
                    "to: pass `member` or query exactly {n_members} points (one per "
                    "member)"
                ).format(size=size, n_members=self.n_members)
            )
        return np.arange(self.n_members).reshape(shape)

    def _base_sample(self, time, lat, lon, alt, members: np.ndarray) -> AtmosphereSample:
        if self.data_members is None:
            return self.base.sample(time, lat, lon, alt)
        return self.base.sample(time, lat, lon, alt, member=self.data_members[members])

    def sample(self, time, lat, lon, alt, member=None) -> AtmosphereSample:
        """State at points, with each member's wind (see the class docstring)."""
        members = self._members(np.shape(alt), member)
        s = self._base_sample(time, lat, lon, alt, members)
        if self.perturbation is None:
            return s
        du, dv = self.perturbation.evaluate(members, time, lat, lon, alt)
        return s._replace(u=s.u + du, v=s.v + dv)

    def wind(self, time, lat, lon, alt, member=None) -> tuple[FloatArray, FloatArray]:
        """Eastward and northward wind [m s-1] of each point's member."""
        s = self.sample(time, lat, lon, alt, member=member)
        return s.u, s.v

    def ground_elevation(self, lat, lon) -> FloatArray:
        """Ground elevation [m] (from the base atmosphere)."""
        return self.base.ground_elevation(lat, lon)

    def land_fraction(self, lat, lon) -> FloatArray:
        """Land fraction 0..1 (from the base atmosphere)."""
        return self.base.land_fraction(lat, lon)
