"""A SYNTHETIC gridded atmosphere from analytic formulas, for kernel-versus-oracle tests.

Smooth winds varying with time, latitude, longitude and height, hydrostatic geopotential,
optional data ensemble members (member m adds 1.5 m/s * m to u) and a coast: land (with
gentle hills) west of 107.0 deg E, sea east of it. Labelled SYNTHETIC.
"""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import xarray as xr

T0 = datetime(2025, 6, 21, 0, tzinfo=UTC)
LEVELS_HPA = np.array([1000, 925, 850, 700, 500, 300, 200, 100, 50, 20, 10, 5], dtype=float)
COAST_LON = 107.0
R_DRY = 287.05
G0 = 9.80665


def analytic_dataset(
    members: int | None = None, hours: int = 30, linear: bool = False
) -> xr.Dataset:
    """Canonical dataset over 19..23 N, 104..110 E, ``hours`` hourly steps from T0.

    ``linear``: winds linear in time, latitude and longitude and the same at every level,
    so that the grid's interpolation reproduces them exactly (a smooth right-hand side,
    for measuring the solver's order).
    """
    lat = np.arange(19.0, 23.0 + 1e-9, 0.25)
    lon = np.arange(104.0, 110.0 + 1e-9, 0.25)
    h = np.arange(hours + 1, dtype=float)
    p = LEVELS_HPA * 100.0
    td = h[:, None, None, None] / 24.0
    la = lat[None, None, :, None]
    lo = lon[None, None, None, :]
    t_col = np.clip(288.15 - 6.5 * 7.0 * np.log(1000.0 / LEVELS_HPA), 216.65, None)
    shape = (h.size, p.size, lat.size, lon.size)
    t = np.broadcast_to(t_col[None, :, None, None] + 0.3 * (la - 21.0), shape)
    z = np.empty(t.shape)
    z[:, 0] = G0 * (100.0 + 30.0 * np.sin(lo[:, 0] - 4 * td[:, 0]))
    for k in range(1, p.size):
        z[:, k] = z[:, k - 1] + R_DRY * 0.5 * (t[:, k - 1] + t[:, k]) * np.log(p[k - 1] / p[k])
    hk = z / G0 / 1000.0
    u = (
        6.0
        + 10.0 * np.exp(-(((hk - 12.0) / 4.0) ** 2)) * np.cos(0.7 * (la - 21.0))
        + 2.0 * np.sin(2 * np.pi * td)
        - 0.15 * hk * np.sin(0.5 * (lo - 107.0))
    )
    v = 3.0 * np.sin(0.8 * (lo - 106.0) + td) * np.exp(-hk / 20.0) + 0.5 * (la - 21.0)
    if linear:
        u = 10.0 + 8.0 * (lo - 107.0) + 3.0 * (la - 21.0) + 12.0 * td + 0.0 * hk
        v = 2.0 + 4.0 * (lo - 107.0) - 6.0 * td + 0.0 * hk
    dims = ("time", "level", "latitude", "longitude")
    fields = {"z": z, "u": u, "v": v, "t": t}
    data = {}
    for name, values in fields.items():
        values = np.broadcast_to(values, t.shape).astype(np.float32)
        if members:
            stack = np.stack([values + (1.5 * m if name == "u" else 0.0) for m in range(members)])
            data[name] = (("member",) + dims, stack.astype(np.float32))
        else:
            data[name] = (dims, values)
    land = (lon[None, :] < COAST_LON).astype(float) * np.ones((lat.size, 1))
    elevation = np.where(land > 0.5, 50.0 + 40.0 * np.sin(lat[:, None]) ** 2, 0.0)
    data["land_sea_mask"] = (("latitude", "longitude"), land)
    data["surface_geopotential"] = (("latitude", "longitude"), G0 * elevation)
    coords = {
        "time": np.datetime64("2025-06-21T00:00", "ns") + h.astype("timedelta64[h]"),
        "level": ("level", p, {"units": "Pa"}),
        "latitude": ("latitude", lat, {"units": "degree_north"}),
        "longitude": ("longitude", lon, {"units": "degree_east"}),
    }
    if members:
        coords["member"] = np.arange(members)
    units = {"z": "m2 s-2", "u": "m s-1", "v": "m s-1", "t": "K", "land_sea_mask": "1"}
    units["surface_geopotential"] = "m2 s-2"
    data = {name: (*value, {"units": units[name]}) for name, value in data.items()}
    return xr.Dataset(
        data, coords=coords, attrs={"source": "SYNTHETIC analytic grid", "synthetic": "yes"}
    )


def analytic_atmosphere(members: int | None = None, linear: bool = False):
    """The analytic dataset as a GridAtmosphere."""
    from weather.grid_atmosphere import GridAtmosphere

    return GridAtmosphere(analytic_dataset(members, linear=linear))
