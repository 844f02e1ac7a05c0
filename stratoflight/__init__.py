"""Stratoflight's command line (``strato``) and what it needs at run time."""

from stratoflight.runtime_dirs import ensure_numba_cache_dir

ensure_numba_cache_dir()  # before any command imports numba (a read-only HOME must not stop it)
