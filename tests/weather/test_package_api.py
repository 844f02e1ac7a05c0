"""The ``weather`` package's public names: all importable, the heavy ones loaded lazily."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import weather

FETCH_AND_GFS = {
    "Area": "weather.era5_request",
    "build_era5_jobs": "weather.era5_request",
    "download_era5": "weather.cds_download",
    "CdsDownloadError": "weather.cds_download",
    "MissingCdsKeyError": "weather.cds_download",
    "download_gfs": "weather.gfs_forecast",
    "GfsRun": "weather.gfs_forecast",
    "GfsDownloadError": "weather.gfs_forecast",
    "parse_forecast_hours": "weather.gfs_forecast",
    "read_gfs_grib": "weather.read_gfs",
    "is_gfs_grib": "weather.read_gfs",
}


@pytest.mark.parametrize("name", sorted(FETCH_AND_GFS))
def test_fetch_and_gfs_api_is_exported(name):
    import importlib

    assert name in weather.__all__
    assert getattr(weather, name) is getattr(importlib.import_module(FETCH_AND_GFS[name]), name)


def test_every_public_name_resolves():
    missing = [name for name in weather.__all__ if not hasattr(weather, name)]
    assert missing == []
    with pytest.raises(AttributeError, match="no attribute 'no_such_thing'"):
        weather.no_such_thing  # noqa: B018


def test_import_weather_stays_light():
    """A fresh interpreter: ``import weather`` loads no download, GRIB or array stack."""
    code = (
        "import json, sys, weather; "
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('weather', 'xarray', 'numba', 'cdsapi', 'eccodes', 'requests', 'cfgrib'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120
    )
    loaded = set(json.loads(out.stdout))
    assert not loaded & set(FETCH_AND_GFS.values())
    assert not {m for m in loaded if not m.startswith("weather")}
