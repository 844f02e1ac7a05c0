"""numba's array-math registry loads without scipy.linalg, and nothing else changes."""

from __future__ import annotations

import json
import subprocess
import sys

_PROBE = """
import json, sys
from weather import numba_runtime
numba_runtime.load()
before = "scipy.linalg" in sys.modules
import numpy as np
from numba import njit
import scipy.linalg  # still importable afterwards

@njit
def dot(a, b):
    return np.dot(a, b)

a = np.arange(3.0)
print(json.dumps({"linalg_before": before, "probe_left": sys.modules.get(
    "scipy.linalg.cython_blas", 0) is None, "dot": dot(a, a),
    "solve": scipy.linalg.solve(np.eye(2), np.ones(2)).tolist()}))
"""


def test_registry_loads_without_scipy_linalg_and_blas_still_works():
    out = subprocess.run(
        [sys.executable, "-c", _PROBE], capture_output=True, text=True, check=True
    )
    doc = json.loads(out.stdout.strip().splitlines()[-1])
    assert doc["linalg_before"] is False
    assert doc["probe_left"] is False  # the import block is removed again
    assert doc["dot"] == 5.0  # np.dot in compiled code (BLAS through scipy) works
    assert doc["solve"] == [1.0, 1.0]
