"""The one basemap: extent, coastline drawn from terrain, scale bar and north arrow."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from terrain import geodesy  # noqa: E402
from terrain.basemap import (  # noqa: E402
    add_scale_bar,
    draw_basemap,
    land_geojson,
    map_extent,
    nice_length,
)


def test_thin_due_east_track_gets_a_frame_at_least_three_quarters_as_tall_as_wide():
    lon = np.linspace(106.6, 107.4, 50)
    lat = np.full(50, 20.85) + np.linspace(0.0, -0.02, 50)
    west, east, south, north = map_extent(lat, lon)
    coslat = np.cos(np.deg2rad(0.5 * (south + north)))
    assert (north - south) >= 0.75 * (east - west) * coslat - 1e-12
    assert west < lon.min() and east > lon.max() and south < lat.min() and north > lat.max()


def test_a_payload_that_never_moved_still_gets_a_frame_and_nan_is_ignored():
    west, east, south, north = map_extent([50.0, np.nan, 50.0], [14.0, 3.0, 14.0])
    assert north - south >= 0.02 and east > 14.0 > west
    with pytest.raises(ValueError, match="no finite positions"):
        map_extent([np.nan], [np.nan])


@pytest.mark.parametrize(
    ("metres", "nice"), [(1.0, 1.0), (17_300.0, 10_000.0), (4_999.0, 2_000.0), (5_000.0, 5_000.0)]
)
def test_scale_lengths_are_round(metres, nice):
    assert nice_length(metres) == nice


def test_basemap_draws_hai_phong_land_a_true_scale_bar_and_a_north_arrow():
    extent = (106.5, 107.5, 20.4, 21.2)  # Hai Phong, Cat Ba and Ha Long Bay
    fig, ax = plt.subplots()
    try:
        assert draw_basemap(ax, extent) is True
        patches = [p for p in ax.patches if p.get_facecolor()[:3] != (1.0, 1.0, 1.0)]
        assert len(patches) > 20  # the mainland and many islands
        assert ax.get_xlim() == (106.5, 107.5) and ax.get_ylim() == (20.4, 21.2)
        bar = [line for line in ax.lines if line.get_linewidth() == 3][0]
        (x0, x1), (y, _) = bar.get_xdata(), bar.get_ydata()
        length, _ = geodesy.inverse(y, x0, y, x1)
        label = [t.get_text() for t in ax.texts if t.get_text().endswith("km")][0]
        assert float(label.split()[0]) * 1000 == pytest.approx(float(length), rel=0.01)
        arrows = [t for t in ax.texts if t.get_text() == "N"]
        assert len(arrows) == 1 and arrows[0].arrow_patch is not None
    finally:
        plt.close(fig)


def test_open_sea_has_no_land_but_still_a_scale_bar():
    fig, ax = plt.subplots()
    try:
        assert draw_basemap(ax, (112.0, 112.5, 17.5, 18.0)) is False
        assert add_scale_bar(ax, (112.0, 112.5, 17.5, 18.0)) == 10_000.0
    finally:
        plt.close(fig)


def test_land_geojson_is_small_valid_geojson_of_the_box():
    document = land_geojson(20.4, 106.5, 21.2, 107.5)
    assert document["type"] == "FeatureCollection"
    assert document["features"]
    for feature in document["features"]:
        assert feature["geometry"]["type"] == "Polygon"
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]
        lon, lat = np.array(ring).T
        assert lon.min() >= 106.5 - 1e-9 and lat.max() <= 21.2 + 1e-9
    assert "GSHHG" in document["properties"]["source"]
