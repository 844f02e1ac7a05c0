"""Cold start: what ``strato predict`` and ``strato --help`` import, and the sample's cache.

The import budget is checked by listing modules in a fresh process (not by timing).
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

#: Never on the ``strato predict --json`` path (the sample atmosphere, one flight).
FORBIDDEN_ON_PREDICT = (
    "dask", "distributed", "matplotlib", "xarray", "pandas", "netCDF4",
    "h5netcdf", "cfgrib", "scipy.linalg", "scipy.interpolate", "scipy.spatial", "scipy.stats",
    "scipy.optimize", "scipy.ndimage", "scipy.signal",
)  # fmt: skip
# (``import numba`` loads the ``scipy`` package itself, ~3 ms; scipy.linalg, which numba's
# BLAS probe would load, is kept off by weather.numba_runtime.)
#: Loaded on that path only because the coastline decides land or sea and the distance to
#: the shore (terrain/): shapely answers from the cached coastline tiles, pyproj measures.
USED_BY_THE_COASTLINE = ("shapely", "pyproj")
#: Never on ``strato --help`` (it must be instant).
FORBIDDEN_ON_HELP = ("numpy", "numba", "scipy", "xarray", "pandas", "dask", "rich.progress")

_PROBE = """
import json, sys
from typer.testing import CliRunner
from stratoflight.cli import app
result = CliRunner().invoke(app, sys.argv[1:])
print(json.dumps({"exit": result.exit_code, "output": result.output[-500:],
                  "modules": sorted(sys.modules)}))
"""


def _modules_after(args, env):
    out = subprocess.run(
        [sys.executable, "-c", _PROBE, *args], capture_output=True, text=True, env=env, check=True
    )
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    assert doc["exit"] == 0, doc["output"]
    return set(doc["modules"])


def _loaded(modules, names):
    return sorted(n for n in names if any(m == n or m.startswith(n + ".") for m in modules))


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    import os

    return dict(os.environ, STRATOFLIGHT_CACHE_DIR=str(tmp_path_factory.mktemp("cache")))


def test_predict_path_imports_nothing_it_does_not_use(env):
    _modules_after(["predict", "--json"], env)  # first run: builds and caches the sample
    modules = _modules_after(["predict", "--json"], env)
    assert "predictor.flight_kernel" in modules  # the probe did run a prediction
    assert _loaded(modules, FORBIDDEN_ON_PREDICT) == []
    if _loaded(modules, USED_BY_THE_COASTLINE):
        assert "terrain.coastline" in modules  # and for no other reason


def test_help_imports_no_engine(env):
    modules = _modules_after(["--help"], env)
    assert _loaded(modules, FORBIDDEN_ON_HELP) == []


def test_cached_sample_equals_the_built_one(tmp_path, monkeypatch):
    from weather import sample_cache
    from weather.grid_atmosphere import GridAtmosphere
    from weather.sample_atmosphere import build_sample_dataset

    monkeypatch.setenv("STRATOFLIGHT_CACHE_DIR", str(tmp_path))
    built = sample_cache.load_or_build_sample()  # builds and stores
    folder = sample_cache.cache_folder()
    assert folder.is_dir() and (folder / "values.json").is_file()
    cached = sample_cache.load_or_build_sample()  # loads
    fresh = GridAtmosphere(build_sample_dataset())
    for a in (built, cached):
        arrays, values = a.state()
        ref_arrays, ref_values = fresh.state()
        assert values == ref_values
        assert arrays.keys() == ref_arrays.keys()
        for k in arrays:
            np.testing.assert_array_equal(arrays[k], ref_arrays[k])
    t = fresh.times[3] + 600.0
    np.testing.assert_array_equal(
        cached.sample(t, fresh.latitudes[5], fresh.longitudes[7], 12000.0).u,
        fresh.sample(t, fresh.latitudes[5], fresh.longitudes[7], 12000.0).u,
    )


def test_cache_key_follows_the_builders_content(tmp_path, monkeypatch):
    """A changed sample builder (e.g. moved to another place) gets a new cache folder."""
    from weather import sample_cache

    key = sample_cache.sample_key()
    root = tmp_path / "root"
    for name in sample_cache._CONTENT_SOURCES:
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes((sample_cache._ROOT / name).read_bytes())
    monkeypatch.setattr(sample_cache, "_ROOT", root)
    assert sample_cache.sample_key() == key  # same content, same key
    builder = root / "weather/sample_atmosphere.py"
    builder.write_text(builder.read_text() + "\n# the sample moved\n")
    assert sample_cache.sample_key() != key


def test_unusable_cache_folder_still_gives_the_sample(tmp_path, monkeypatch):
    from weather import sample_cache

    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("STRATOFLIGHT_CACHE_DIR", str(blocker))
    atm = sample_cache.load_or_build_sample()
    assert atm.synthetic
