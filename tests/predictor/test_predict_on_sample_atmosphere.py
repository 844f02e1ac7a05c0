"""On the built-in SYNTHETIC sample (a GridAtmosphere with orography and a land-sea mask)."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np
import pytest

import terrain
from predictor import predict_landings


@pytest.fixture(scope="module")
def sample():
    from weather.sample_atmosphere import open_sample_atmosphere

    return open_sample_atmosphere()


def test_landings_on_ground_and_surface_from_the_coastline(sample):
    """Landings sit on the orography; land/sea follows the high-resolution coastline."""
    rng = np.random.default_rng(3)
    n = 40
    lat = rng.uniform(18.5, 23.5, n)
    lon = rng.uniform(102.0, 110.0, n)
    r = predict_landings(
        sample,
        datetime(2025, 6, 21, 6, tzinfo=UTC),
        lat,
        lon,
        ascent_rate=5.0,
        burst_altitude=rng.uniform(8000, 25000, n),
        descent_rate=6.0,
    )
    ok = r.status == "landed"
    assert ok.sum() > n // 2
    ground = sample.ground_elevation(r.landing.latitude[ok], r.landing.longitude[ok])
    land = terrain.is_land(r.landing.latitude[ok], r.landing.longitude[ok])
    # Landing located to 0.01 s; at ~6 m s-1 near the ground that is < 0.1 m, plus the
    # terrain change over that distance: 0.5 m is generous. At sea (the coastline) the
    # ground is sea level, not the coarse orography (or that orography where it is lower).
    expected = np.where(land, ground, np.minimum(ground, 0.0))
    np.testing.assert_allclose(r.landing.altitude[ok], expected, atol=0.5)
    assert (~land & (ground > 1.0)).any()  # some sea landings below coarse coastal ground
    np.testing.assert_array_equal(r.surface[ok], np.where(land, "land", "sea"))
    assert {"land", "sea"} <= set(r.surface[ok].tolist())
    assert "no_surface_data" not in r.warnings
    assert "synthetic_atmosphere" in r.warnings
    assert np.all(r.launch.altitude == sample.ground_elevation(lat, lon))
