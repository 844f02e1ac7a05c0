"""``strato predict --out map.png``: a map with the coastline, scale bar and north arrow."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.image as mpimg  # noqa: E402
import numpy as np  # noqa: E402
from typer.testing import CliRunner  # noqa: E402

from stratoflight.cli import app  # noqa: E402
from terrain.basemap import LAND_COLOUR, SEA_COLOUR  # noqa: E402


def colour_share(image: np.ndarray, hex_colour: str) -> float:
    rgb = np.array([int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)])
    return float(np.mean(np.all(np.abs(image[..., :3] - rgb) < 0.02, axis=-1)))


def test_predict_writes_a_png_map_with_land_and_sea(tmp_path):
    path = tmp_path / "map.png"
    result = CliRunner().invoke(
        app, ["predict", "--out", str(path), "--out", str(tmp_path / "f.json")]
    )
    assert result.exit_code == 0, result.output
    assert f"wrote {path}" in result.output
    image = mpimg.imread(path)  # a PNG that a PNG reader opens
    assert image.shape[0] > 500 and image.shape[1] > 500
    # the sample launches at Hai Phong: the map shows both land and sea from the coastline
    assert colour_share(image, LAND_COLOUR) > 0.05
    assert colour_share(image, SEA_COLOUR) > 0.05


def test_predict_refuses_an_unknown_map_format_and_names_png(tmp_path):
    result = CliRunner().invoke(app, ["predict", "--out", str(tmp_path / "map.jpg")])
    assert result.exit_code == 2
    assert ".png" in result.output
