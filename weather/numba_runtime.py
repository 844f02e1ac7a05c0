"""Load numba's array-math registry without its BLAS probe importing ``scipy.linalg``.

numba's ``numba.np.arraymath`` checks at import whether ``scipy.linalg.cython_blas`` can be
imported, to pick a BLAS inner product for ``np.cov``-like functions; with scipy 1.17 and
numpy 2 that import costs ~0.15 s CPU (scipy's array-API layer loads ``numpy.f2py``,
``numpy.testing``, ...) on every cold ``strato predict``, although no Stratoflight kernel
uses BLAS. :func:`load` imports that registry once with the probe answered "no BLAS".

Effect: inside numba-compiled code, that inner product uses numba's plain loop.
``np.dot`` / ``np.linalg`` in compiled code are unaffected (they import scipy themselves
when compiled), and Python code using scipy is unaffected (scipy stays importable).
"""

from __future__ import annotations

import sys

__all__ = ["load"]

_PROBED = "scipy.linalg.cython_blas"


def load() -> None:
    """Import ``numba.np.arraymath`` without importing scipy.linalg (idempotent)."""
    if "numba.np.arraymath" in sys.modules or _PROBED in sys.modules:
        return  # loaded already, or scipy.linalg is there anyway: nothing to save
    sys.modules[_PROBED] = None  # makes ``import scipy.linalg.cython_blas`` fail fast
    try:
        import numba.np.arraymath  # noqa: F401
    finally:
        if sys.modules.get(_PROBED, 0) is None:
            del sys.modules[_PROBED]
