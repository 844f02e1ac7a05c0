"""An atmosphere on a pressure-level grid (ERA5, GFS, the sample), asked fast and vectorised."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from localization import _
from weather.canonical import (
    LEVEL_VARIABLES,
    SURFACE_VARIABLES,
    check_no_nan,
    validate_canonical,
    wrap_longitude,
)
from weather.geopotential import geopotential_to_altitude
from weather.protocol import (
    AtmosphereBounds,
    AtmosphereSample,
    FloatArray,
    OutsideAtmosphereError,
    from_epoch_seconds,
)
from weather.standard_atmosphere import DRY_AIR_GAS_CONSTANT

if TYPE_CHECKING:
    import xarray as xr

    from weather.interpolation_kernels import GridBundle

__all__ = ["GridAtmosphere", "R_DRY_AIR"]

#: Specific gas constant of dry air [J kg-1 K-1] (USSA 1976: R* / M0 = 8.31432 / 0.0289644).
R_DRY_AIR = DRY_AIR_GAS_CONSTANT

#: Order of the fields in the field grid (same as ``interpolation_kernels.FIELD_*``, kept
#: here so that ``import weather`` does not load numba).
FIELD_ORDER = ("u", "v", "t")

#: Batches at least this large that spread over more grid than fits in cache are visited
#: grouped by time interval and latitude row; smaller or local batches go in their order.
_SORT_MIN_POINTS = 50_000
_NO_ORDER = np.zeros(0, dtype=np.int64)
#: Above this many bytes of grid touched by a batch, it is worth grouping (~ an L2 cache).
_CACHE_BYTES = 1_000_000
_MEMBER_ZERO = np.zeros(1, dtype=np.int64)

_TIME_CHUNK = 48  # time steps converted per pass when building the grid (bounds peak memory)


def _regular_step(values: np.ndarray, name: str, where: str) -> float:
    """Spacing of an evenly spaced ascending axis [deg]; clear error otherwise."""
    if values.size < 2:
        raise ValueError(
            _(
                "{where}: only one {name} point; the atmosphere interpolates between "
                "grid points, so download an area at least two grid steps wide in "
                "{name}"
            ).format(where=where, name=name)
        )
    steps = np.diff(values)
    step = float(np.mean(steps))
    if np.max(np.abs(steps - step)) > 1e-6 * max(1.0, abs(step)) + 1e-9:
        raise ValueError(
            _("{where}: {name} points are not evenly spaced; regular grids only").format(
                where=where, name=name
            )
        )
    return step


def _seconds(value: float | timedelta, name: str) -> float:
    """Convert a duration given as seconds or a timedelta to seconds [s]."""
    if isinstance(value, timedelta):
        return value.total_seconds()
    try:
        return float(value)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            _("{name} must be seconds or a timedelta, got {value!r}").format(name=name, value=value)
        ) from exc


class GridAtmosphere:
    """:class:`weather.protocol.Atmosphere` over a canonical dataset (see ``weather.canonical``).

    Parameters
    ----------
    ds : xarray.Dataset
        Canonical dataset (validated here). Its arrays are copied once into a compact
        float32 grids, ``(member, time, lat, lon, level)`` of altitudes and
        ``(member, time, lat, lon, level, [u, v, t])``; geopotential
        is converted to geometric altitude at that moment, once.
    time_margin : float or timedelta, optional
        How far [s] before the first or after the last time queries are still answered
        (with the nearest time's fields). 0 by default: outside the time range is an error.
        Useful for a single-time file (an analysis valid at one hour). ``bounds`` include
        the margin (``times`` keep the data's own times).
    max_time_gap : float or timedelta, optional
        Longest interval [s] between consecutive data times that is interpolated across;
        a query strictly inside a longer gap (e.g. a file holding 10-17 UTC of several
        days) raises :class:`OutsideAtmosphereError`. 12 h by default (GFS is 12-hourly at
        its longest lead times; ERA5 is hourly).

    Notes
    -----
    Interpolation is linear in time, latitude and longitude (8 corners). In the vertical,
    each level's geometric altitude is blended over the 8 corners first, then the two
    levels bracketing the point are found and u, v, T interpolated linearly in altitude
    between them; pressure is log-linear in altitude (Tawhiri's scheme; CUSF blends in
    time after the vertical search, a small difference). Density is ``p / (R_d T)`` from
    the file's own temperature and pressure. Above the top level or below the lowest the
    nearest level's wind and temperature are held (like CUSF) and the point is flagged;
    pressure there continues hydrostatically for an isothermal layer at the held
    temperature, ``p = p_level exp(-g0 (z - z_level) / (R_d T))``, so density keeps falling
    with height.
    """

    def __init__(
        self,
        ds: xr.Dataset,
        time_margin: float | timedelta = 0.0,
        max_time_gap: float | timedelta = 12 * 3600.0,
    ) -> None:
        validate_canonical(ds, check_nan=False)  # NaN checked block by block below
        where = ds.attrs.get("source", "atmosphere dataset")
        self.source: str = str(ds.attrs.get("source", "gridded atmosphere"))
        self.synthetic: bool = ds.attrs.get("synthetic") == "yes"
        #: Product the data come from (e.g. "GFS", "ERA5"), or None when the file does not say.
        self.data_source: str | None = ds.attrs.get("data_source") or None
        #: Forecast model run(s) as YYYYMMDDHH (comma-separated), or None (reanalysis, sample).
        self.model_run: str | None = ds.attrs.get("model_run") or None
        if self.synthetic and "SYNTHETIC" not in self.source:
            self.source = f"SYNTHETIC {self.source}"
        self.time_margin = _seconds(time_margin, "time_margin")
        if not self.time_margin >= 0.0:
            raise ValueError(
                _("time_margin must be >= 0 s, got {time_margin}").format(time_margin=time_margin)
            )
        self.max_time_gap = _seconds(max_time_gap, "max_time_gap")
        if not self.max_time_gap > 0.0:
            raise ValueError(
                _("max_time_gap must be > 0 s, got {max_time_gap}").format(
                    max_time_gap=max_time_gap
                )
            )

        lat = ds["latitude"].values.astype(np.float64)
        lon = ds["longitude"].values.astype(np.float64)
        dlat = _regular_step(lat, "latitude", where)
        dlon = _regular_step(lon, "longitude", where)
        self.is_global = abs(lon[-1] - lon[0] + dlon - 360.0) < 1e-6
        n_lon_grid = lon.size + (1 if self.is_global else 0)

        levels = ds["level"].values.astype(np.float64)
        if levels.size < 2:  # the kernels read the level above the one found
            raise ValueError(
                _(
                    "{where}: only {size} pressure level(s); winds are interpolated "
                    "in altitude between levels, so download at least two (e.g. "
                    "1000..10 hPa)"
                ).format(where=where, size=levels.size)
            )
        times = ds["time"].values.astype("datetime64[ns]").astype(np.int64) / 1e9
        has_member = "member" in ds.dims
        n_member = ds.sizes["member"] if has_member else 1
        shape = (n_member, times.size, lat.size, n_lon_grid, levels.size)
        alt_grid = np.empty(shape, dtype=np.float32)
        field_grid = np.empty(shape + (len(FIELD_ORDER),), dtype=np.float32)
        slot = {name: k for k, name in enumerate(FIELD_ORDER)}
        order = (("member",) if has_member else ()) + ("time", "latitude", "longitude", "level")
        for name in LEVEL_VARIABLES:
            var = ds[name]
            for start in range(0, times.size, _TIME_CHUNK):
                stop = min(start + _TIME_CHUNK, times.size)
                block = var.isel(time=slice(start, stop)).transpose(*order).values
                block = block.astype(np.float32, copy=False)
                if np.isnan(block).any():
                    check_no_nan(ds.isel(time=slice(start, stop)), (name,))
                if not has_member:
                    block = block[np.newaxis]
                if name == "z":
                    alt_grid[:, start:stop, :, : lon.size] = geopotential_to_altitude(block)
                else:
                    field_grid[:, start:stop, :, : lon.size, :, slot[name]] = block
        if self.is_global:  # repeat the first column after the last: interpolate across
            alt_grid[:, :, :, -1] = alt_grid[:, :, :, 0]
            field_grid[:, :, :, -1] = field_grid[:, :, :, 0]
        self._alt_grid = alt_grid.reshape(-1)
        self._field_grid = field_grid.reshape(-1)
        self._shape = np.array(shape, dtype=np.int64)
        self._times = np.ascontiguousarray(times, dtype=np.float64)
        self._axes = np.array(
            [lat[0], dlat, lon[0], dlon, self.time_margin, self.max_time_gap], dtype=np.float64
        )
        self._lnp = np.log(levels)
        self.levels: FloatArray = levels
        self.latitudes: FloatArray = lat
        self.longitudes: FloatArray = lon
        self.times: FloatArray = self._times.copy()
        self._mean_step = float(np.diff(times).mean()) if times.size > 1 else 0.0
        self.ensemble_size: int = int(n_member)

        self.top_altitude = float(alt_grid[..., -1].min())
        if self.is_global:
            lon_min, lon_max = -180.0, 180.0
        else:
            lon_min, lon_max = float(wrap_longitude(lon[0])), float(wrap_longitude(lon[-1]))
            if lon[-1] == 180.0:
                lon_max = 180.0
        # the margin is answered (held at the nearest time), so it is inside the bounds
        self.bounds = AtmosphereBounds(
            time_start=from_epoch_seconds(times[0] - self.time_margin),
            time_end=from_epoch_seconds(times[-1] + self.time_margin),
            lat_min=float(lat[0]),
            lat_max=float(lat[-1]),
            lon_min=lon_min,
            lon_max=lon_max,
            top_altitude=self.top_altitude,
            pressure_levels=tuple(float(p) for p in levels),
        )

        self.has_surface = "surface_geopotential" in ds or "land_sea_mask" in ds
        check_no_nan(ds, tuple(n for n in SURFACE_VARIABLES if n in ds))
        self._ground = self._surface_field(ds, "surface_geopotential", lon.size)
        if self._ground is not None:
            self._ground = np.ascontiguousarray(geopotential_to_altitude(self._ground))
        self._land = self._surface_field(ds, "land_sea_mask", lon.size)
        self._surface_axes = self._axes[:4].copy()

    # ------------------------------------------------------------------ state (caching)
    #: Arrays of :meth:`state`, and its plain (JSON-ready) values.
    _STATE_ARRAYS = (
        "_alt_grid", "_field_grid", "_shape", "_times", "_axes", "_lnp", "levels",
        "latitudes", "longitudes", "_ground", "_land", "_surface_axes",
    )  # fmt: skip
    _STATE_VALUES = (
        "source", "synthetic", "data_source", "model_run", "time_margin", "max_time_gap",
        "is_global", "_mean_step", "ensemble_size", "top_altitude", "has_surface",
    )  # fmt: skip

    def state(self) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """Everything the atmosphere is made of: ``(arrays, values)``.

        For caches (:mod:`weather.sample_cache`): :meth:`from_state` rebuilds an equal
        atmosphere without the dataset, skipping the conversion work of ``__init__``.
        Arrays that are absent (no orography, no land-sea mask) are left out.
        """
        arrays = {k: getattr(self, k) for k in self._STATE_ARRAYS if getattr(self, k) is not None}
        values = {k: getattr(self, k) for k in self._STATE_VALUES}
        b = self.bounds
        values["bounds"] = {
            "time_start": b.time_start.timestamp(),
            "time_end": b.time_end.timestamp(),
            "lat_min": b.lat_min,
            "lat_max": b.lat_max,
            "lon_min": b.lon_min,
            "lon_max": b.lon_max,
            "top_altitude": b.top_altitude,
            "pressure_levels": list(b.pressure_levels),
        }
        return arrays, values

    @classmethod
    def from_state(cls, arrays: dict[str, np.ndarray], values: dict[str, Any]) -> GridAtmosphere:
        """Rebuild an atmosphere from :meth:`state` (arrays are used as given, not copied)."""
        self = cls.__new__(cls)
        for k in cls._STATE_ARRAYS:
            setattr(self, k, arrays.get(k))
        for k in cls._STATE_VALUES:
            setattr(self, k, values[k])
        self.times = self._times.copy()
        b = dict(values["bounds"])
        self.bounds = AtmosphereBounds(
            time_start=from_epoch_seconds(b.pop("time_start")),
            time_end=from_epoch_seconds(b.pop("time_end")),
            pressure_levels=tuple(b.pop("pressure_levels")),
            **b,
        )
        return self

    def _surface_field(self, ds: xr.Dataset, name: str, n_lon: int) -> np.ndarray | None:
        if name not in ds:
            return None
        field = ds[name].transpose("latitude", "longitude").values.astype(np.float64)
        if self.is_global:
            field = np.concatenate([field, field[:, :1]], axis=1)
        return np.ascontiguousarray(field)

    # ------------------------------------------------------------------ queries
    def _prepare(self, time, lat, lon, alt, member):
        arrays = (
            np.asarray(time, dtype=np.float64),
            np.asarray(lat, dtype=np.float64),
            np.asarray(lon, dtype=np.float64),
            np.asarray(alt, dtype=np.float64),
        )
        shape = arrays[0].shape
        if not (arrays[1].shape == arrays[2].shape == arrays[3].shape == shape):
            arrays = np.broadcast_arrays(*arrays)
            shape = arrays[0].shape
        flat = [np.ascontiguousarray(a).reshape(-1) for a in arrays]
        if member is None:
            members = _MEMBER_ZERO
        else:
            members = np.asarray(member)
            if not np.issubdtype(members.dtype, np.integer):
                raise ValueError(
                    _("member must be integers, got dtype {dtype}").format(dtype=members.dtype)
                )
            if members.size == 1:
                members = members.reshape(1).astype(np.int64)
            else:
                members = np.ascontiguousarray(
                    np.broadcast_to(members, shape).reshape(-1), dtype=np.int64
                )
        return shape, flat, members

    def _raise_outside(self, status: int, time, lat, lon, alt, members) -> None:
        from weather import interpolation_kernels as kern

        index, code = divmod(status, 8)
        b = self.bounds
        if code == kern.STATUS_TIME:
            when = time[index]
            shown = from_epoch_seconds(when).isoformat() if np.isfinite(when) else str(when)
            k = int(np.searchsorted(self._times, when))
            if np.isfinite(when) and 0 < k < self._times.size:
                before, after = self._times[k - 1], self._times[k]
                raise OutsideAtmosphereError(
                    _(
                        "time {shown} falls in a gap of the data: nothing between "
                        "{value} and {value2} ({value3:g} h, longer than the "
                        "{value4:g} h interpolated across; {source}); use data "
                        "covering the whole flight"
                    ).format(
                        shown=shown,
                        value=from_epoch_seconds(before).isoformat(),
                        value2=from_epoch_seconds(after).isoformat(),
                        value3=(after - before) / 3600,
                        value4=self.max_time_gap / 3600,
                        source=self.source,
                    )
                )
            raise OutsideAtmosphereError(
                _(
                    "time {shown} is outside the atmosphere's time range {value} to "
                    "{value2} ({source}); use data covering the whole flight"
                ).format(
                    shown=shown,
                    value=b.time_start.isoformat(),
                    value2=b.time_end.isoformat(),
                    source=self.source,
                )
            )
        if code == kern.STATUS_LATITUDE:
            raise OutsideAtmosphereError(
                _(
                    "latitude {value:g} deg is outside the atmosphere's area "
                    "{lat_min:g}..{lat_max:g} deg N ({value2}); use a larger area"
                ).format(
                    value=lat[index],
                    lat_min=b.lat_min,
                    lat_max=b.lat_max,
                    value2=b.describe(),
                )
            )
        if code == kern.STATUS_LONGITUDE:
            raise OutsideAtmosphereError(
                _(
                    "longitude {value:g} deg is outside the atmosphere's area "
                    "{lon_min:g}..{lon_max:g} deg E ({value2}); use a larger area"
                ).format(
                    value=lon[index],
                    lon_min=b.lon_min,
                    lon_max=b.lon_max,
                    value2=b.describe(),
                )
            )
        if code == kern.STATUS_MEMBER:
            bad = members[0] if members.size == 1 else members[index]
            raise ValueError(
                _(
                    "ensemble member {bad} does not exist; this atmosphere has members 0..{value}"
                ).format(bad=bad, value=self.ensemble_size - 1)
            )
        raise ValueError(
            _("altitude {value} m at query point {index} is not a finite number").format(
                value=alt[index], index=index
            )
        )

    def _working_set(self, t: np.ndarray, lat: np.ndarray, lon: np.ndarray) -> float:
        """Rough bytes of grid a batch touches (the box its points span) [bytes]."""
        with np.errstate(invalid="ignore"):
            spans = (np.ptp(t), np.ptp(lat), np.ptp(lon))
        if not np.all(np.isfinite(spans)):
            return np.inf
        steps = (max(self._mean_step, 1.0), abs(self._axes[1]), abs(self._axes[3]))
        cells = np.prod([span / step + 2.0 for span, step in zip(spans, steps, strict=True)])
        return float(cells * self._shape[4] * 16)  # 4 float32 per level

    def _run(self, time, lat, lon, alt, member, thermo: bool):
        from weather.interpolation_kernels import cell_order, sample_grid

        shape, (t, la, lo, al), members = self._prepare(time, lat, lon, alt, member)
        n = t.size
        order = None
        if n >= _SORT_MIN_POINTS and self._working_set(t, la, lo) > _CACHE_BYTES:
            # visit the points grouped by (time interval, latitude row): the grid they
            # need then stays in cache; results are put back in the caller's order
            order = cell_order(self._times, self._axes, int(self._shape[2]), t, la)
            t, la, lo, al = t[order], la[order], lo[order], al[order]
            if members.size > 1:
                members = members[order]
        out_u = np.empty(n)
        out_v = np.empty(n)
        out_t = np.empty(n if thermo else 0)
        out_p = np.empty(n if thermo else 0)
        flag = np.empty(n, dtype=np.int8)
        if n:
            status = sample_grid(
                self.kernel_bundle(),
                t,
                la,
                lo,
                al,
                members,
                _NO_ORDER,
                thermo,
                out_u,
                out_v,
                out_t,
                out_p,
                flag,
            )
            if status >= 0:
                self._raise_outside(int(status), t, la, lo, al, members)
        if order is not None:
            outputs = [out_u, out_v, flag] + ([out_t, out_p] if thermo else [])
            for k, values in enumerate(outputs):
                back = np.empty_like(values)
                back[order] = values
                outputs[k] = back
            out_u, out_v, flag = outputs[:3]
            if thermo:
                out_t, out_p = outputs[3:]
        return shape, out_u, out_v, out_t, out_p, flag

    def sample(
        self,
        time: FloatArray,
        lat: FloatArray,
        lon: FloatArray,
        alt: FloatArray,
        member: npt.NDArray[np.int_] | None = None,
    ) -> AtmosphereSample:
        """State at points: time [s since epoch], lat/lon [deg], geometric alt [m].

        Inputs broadcast against each other; results have the broadcast shape.
        ``member`` (int or int array) picks the ensemble member, 0 by default. See
        :class:`weather.protocol.Atmosphere` and the class Notes.
        """
        shape, u, v, temp, pres, flag = self._run(time, lat, lon, alt, member, True)
        density = pres / (R_DRY_AIR * temp)
        return AtmosphereSample(
            u.reshape(shape),
            v.reshape(shape),
            temp.reshape(shape),
            pres.reshape(shape),
            density.reshape(shape),
            (flag == 1).reshape(shape),
            (flag == 2).reshape(shape),
        )

    def wind(
        self,
        time: FloatArray,
        lat: FloatArray,
        lon: FloatArray,
        alt: FloatArray,
        member: npt.NDArray[np.int_] | None = None,
    ) -> tuple[FloatArray, FloatArray]:
        """Eastward and northward wind [m s-1] at points (the fast path of :meth:`sample`)."""
        shape, u, v, _, _, _ = self._run(time, lat, lon, alt, member, False)
        return u.reshape(shape), v.reshape(shape)

    def _surface(self, field: np.ndarray, lat, lon) -> FloatArray:
        from weather.interpolation_kernels import bilinear_surface

        la, lo = np.broadcast_arrays(
            np.asarray(lat, dtype=np.float64), np.asarray(lon, dtype=np.float64)
        )
        shape = la.shape
        la = np.ascontiguousarray(la.reshape(-1))
        lo = np.ascontiguousarray(lo.reshape(-1))
        out = np.empty(la.size)
        status = bilinear_surface(field, self._surface_axes, la, lo, out)
        if status >= 0:
            self._raise_outside(
                int(status),
                np.zeros(la.size),
                la,
                lo,
                np.zeros(la.size),
                np.zeros(1, dtype=np.int64),
            )
        return out.reshape(shape)

    def ground_elevation(self, lat: FloatArray, lon: FloatArray) -> FloatArray:
        """Ground elevation above mean sea level [m], bilinear; 0 without surface data."""
        if self._ground is None:
            return np.zeros(np.broadcast_shapes(np.shape(lat), np.shape(lon)))
        return self._surface(self._ground, lat, lon)

    def land_fraction(self, lat: FloatArray, lon: FloatArray) -> FloatArray:
        """Land fraction 0..1 (land-sea mask), bilinear; NaN without surface data."""
        if self._land is None:
            return np.full(np.broadcast_shapes(np.shape(lat), np.shape(lon)), np.nan)
        return self._surface(self._land, lat, lon)

    def kernel_bundle(self) -> GridBundle:
        """Return the grid as one typed value for compiled callers (built once, read-only).

        A :class:`weather.interpolation_kernels.GridBundle`: the interpolation grids, their
        axes and the ground elevation, for code that calls
        :func:`weather.interpolation_kernels.grid_point` / ``ground_point`` inside its own
        numba loops (the predictor's flight kernel).
        """
        bundle = self.__dict__.get("_bundle")
        if bundle is None:
            from weather.interpolation_kernels import GridBundle

            ground = self._ground
            bundle = GridBundle(
                self._alt_grid,
                self._field_grid,
                self._shape,
                self._times,
                self._axes,
                self._lnp,
                np.zeros((2, 2)) if ground is None else ground,
                self._surface_axes,
                ground is not None,
            )
            self._bundle = bundle
        return bundle

    @property
    def nbytes(self) -> int:
        """Memory held by the interpolation grid [bytes]."""
        return int(self._alt_grid.nbytes + self._field_grid.nbytes)

    def __repr__(self) -> str:
        b = self.bounds
        return (
            f"GridAtmosphere({self.source!r}, {b.describe()}, {len(self.levels)} levels, "
            f"{self.ensemble_size} member(s))"
        )
