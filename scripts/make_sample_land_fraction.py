"""Regenerate weather/sample_land_fraction.json from the GSHHG coastline.

The SYNTHETIC sample atmosphere's land-sea mask is the one real field in it: the share of
each 0.25-degree cell (centred on a grid point, like ERA5's land-sea mask) covered by land
in GSHHG full resolution (terrain.land_geometry). Run after changing SAMPLE_AREA:

    .venv/bin/python scripts/make_sample_land_fraction.py
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import shapely

import terrain
from weather.sample_atmosphere import SAMPLE_AREA, SAMPLE_GRID_STEP

OUT = Path(__file__).resolve().parent.parent / "weather" / "sample_land_fraction.json"


def main() -> None:
    """Write the land fraction of every sample grid cell to ``OUT``."""
    north, west, south, east = SAMPLE_AREA
    h = SAMPLE_GRID_STEP / 2
    lat = np.arange(south, north + h, SAMPLE_GRID_STEP)
    lon = np.arange(west, east + h, SAMPLE_GRID_STEP)
    land = terrain.land_geometry(south - h, west - h, north + h, east + h)
    shapely.prepare(land)
    cells = shapely.box(lon[None, :] - h, lat[:, None] - h, lon[None, :] + h, lat[:, None] + h)
    frac = shapely.area(shapely.intersection(land, cells)) / (SAMPLE_GRID_STEP**2)
    percent = np.clip(np.round(frac * 100), 0, 100).astype(int)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(
        json.dumps(
            {
                "description": "Land fraction [percent] of 0.25-degree cells centred on the "
                "SYNTHETIC sample's grid points, from the GSHHG full-resolution coastline "
                "(scripts/make_sample_land_fraction.py). Rows south to north, columns west "
                "to east.",
                "source": terrain.coastline_description(),
                "area_north_west_south_east_deg": list(SAMPLE_AREA),
                "grid_step_deg": SAMPLE_GRID_STEP,
                "land_percent": percent.tolist(),
            },
            separators=(",", ":"),
        )
        + "\n"
    )
    print(f"wrote {OUT} ({percent.shape[0]} x {percent.shape[1]})")


if __name__ == "__main__":
    main()
