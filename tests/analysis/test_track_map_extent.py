"""The track map frames a thin (almost due-east) track in a square, equal-distance view."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from analysis.plots import _square_extent  # noqa: E402


def test_due_east_track_gets_a_square_frame():
    """A 75 km east-west track with 2 km of north-south motion: the frame is as tall (in km)
    as it is wide, and contains every point."""
    lon = np.linspace(3.6, 4.5, 50)
    lat = np.full(50, 42.0) + np.linspace(0.0, -0.02, 50)
    fig, ax = plt.subplots()
    try:
        _square_extent(ax, lat, lon)
        (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
        coslat = np.cos(np.deg2rad(0.5 * (lat.min() + lat.max())))
        width_deg_lat = (x1 - x0) * coslat  # east-west span in latitude-degree units
        assert abs((y1 - y0) - width_deg_lat) < 1e-9
        assert x0 < lon.min() and x1 > lon.max() and y0 < lat.min() and y1 > lat.max()
    finally:
        plt.close(fig)


def test_payload_that_never_moved_still_gets_a_frame():
    """All points equal: a frame of at least about 2 km instead of a zero-size axis."""
    fig, ax = plt.subplots()
    try:
        _square_extent(ax, np.full(5, 50.0), np.full(5, 14.0))
        (y0, y1) = ax.get_ylim()
        assert y1 - y0 >= 0.02
    finally:
        plt.close(fig)
