"""The built-in SYNTHETIC sample atmosphere, built once and kept in the user's cache folder.

Building the sample (formulas over a 62 MB grid, then the GridAtmosphere's conversions)
costs most of a cold ``strato predict``. The first run stores the finished atmosphere's
arrays (:meth:`weather.grid_atmosphere.GridAtmosphere.state`) as ``.npy`` files in
``platformdirs.user_cache_dir("stratoflight")/sample-<key>/``; later runs load them.

The key is a hash of the source files that decide the content (the sample's builder,
the grid atmosphere and the conversions it uses) plus :data:`FORMAT_VERSION`: when the
sample changes (e.g. it moves), the key changes and the cache is rebuilt. Set
``STRATOFLIGHT_CACHE_DIR`` to use another folder, or ``STRATOFLIGHT_NO_CACHE=1`` to always
build. A cache that cannot be written or read is ignored (the sample is then built).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from weather.grid_atmosphere import GridAtmosphere

__all__ = ["FORMAT_VERSION", "cache_folder", "load_or_build_sample", "sample_key"]

#: Bump when the stored layout changes.
FORMAT_VERSION = 1
#: Source files whose content decides the sample atmosphere (relative to the package root).
_CONTENT_SOURCES = (
    "weather/sample_atmosphere.py",
    "weather/grid_atmosphere.py",
    "weather/geopotential.py",
    "weather/canonical.py",
    "weather/standard_atmosphere.py",
    "weather/constants.py",
    "weather/sample_land_fraction.json",
)
_ROOT = Path(__file__).resolve().parent.parent


def sample_key() -> str:
    """Hash of the sample's builder and the code turning it into an atmosphere (16 hex)."""
    h = hashlib.sha256(f"format {FORMAT_VERSION}; numpy {np.__version__}".encode())
    for name in _CONTENT_SOURCES:
        h.update(name.encode())
        h.update((_ROOT / name).read_bytes())
    return h.hexdigest()[:16]


def cache_folder() -> Path | None:
    """Return the folder the sample is cached in (None when caching is switched off)."""
    if os.environ.get("STRATOFLIGHT_NO_CACHE"):
        return None
    base = os.environ.get("STRATOFLIGHT_CACHE_DIR")
    if not base:
        from platformdirs import user_cache_dir

        base = user_cache_dir("stratoflight")
    return Path(base) / f"sample-{sample_key()}"


def _load(folder: Path) -> GridAtmosphere | None:
    from weather.grid_atmosphere import GridAtmosphere

    try:
        values = json.loads((folder / "values.json").read_text())
        arrays = {name: np.load(folder / f"{name}.npy") for name in values.pop("_arrays")}
        return GridAtmosphere.from_state(arrays, values)
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _store(atmosphere: GridAtmosphere, folder: Path) -> None:
    arrays, values = atmosphere.state()
    values = {**values, "_arrays": sorted(arrays)}
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".sample-", dir=folder.parent))
    try:
        for name, arr in arrays.items():
            np.save(tmp / f"{name}.npy", arr, allow_pickle=False)
        (tmp / "values.json").write_text(json.dumps(values, default=_plain))
        os.replace(tmp, folder)  # atomic: readers see all of it or nothing
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)  # another process won, or no space: fine


def _plain(value: object) -> object:
    """Numpy scalars (e.g. ``np.bool_``) as plain Python values for JSON."""
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(f"cannot store {type(value).__name__} in the sample cache")


def load_or_build_sample() -> GridAtmosphere:
    """Return the SYNTHETIC sample atmosphere: from the cache, else built (and cached)."""
    from weather.grid_atmosphere import GridAtmosphere
    from weather.sample_atmosphere import build_sample_dataset

    try:
        folder = cache_folder()
    except OSError:
        folder = None
    if folder is not None and folder.is_dir():
        atmosphere = _load(folder)
        if atmosphere is not None:
            return atmosphere
    atmosphere = GridAtmosphere(build_sample_dataset())
    if folder is not None:
        try:
            _store(atmosphere, folder)
        except OSError:
            pass
    return atmosphere
