"""Folders the programme needs at run time, chosen so that a read-only HOME never stops it.

Numba keeps compiled kernels in ``__pycache__`` beside the code or in ``~/.cache``; when
neither can be written (an installed package run by a user whose HOME is read-only or
missing, a kiosk account, a service) every ``@njit(cache=True)`` raises at import and
``strato log`` could not even start. :func:`ensure_numba_cache_dir` points
``NUMBA_CACHE_DIR`` at a private folder in the temporary folder in that case; it must run
before numba is imported.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["ensure_numba_cache_dir"]


def _can_create(folder: Path) -> bool:
    """Return True when ``folder`` exists writable, or its nearest existing parent is."""
    for candidate in (folder, *folder.parents):
        if candidate.exists():
            if not (candidate.is_dir() and os.access(candidate, os.W_OK)):
                return False
            try:  # os.access ignores read-only mounts: ask the file system
                return not os.statvfs(candidate).f_flag & os.ST_RDONLY
            except OSError:
                return False
    return False


def ensure_numba_cache_dir() -> Path | None:
    """Give numba a writable cache folder when the user's cache folder cannot be written.

    Returns
    -------
    Path or None
        The folder now in ``NUMBA_CACHE_DIR`` (None when the user's cache is fine or the
        variable was already set). When no folder can be made at all, numba is left as it is.
    """
    if os.environ.get("NUMBA_CACHE_DIR"):
        return None
    try:
        user_cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    except RuntimeError:  # no HOME and no passwd entry
        user_cache = Path("/nonexistent")
    if _can_create(user_cache):
        return None
    fallback = Path(tempfile.gettempdir()) / f"stratoflight-numba-{os.getuid()}"
    try:
        fallback.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return None
    if not _can_create(fallback):
        return None
    os.environ["NUMBA_CACHE_DIR"] = str(fallback)
    return fallback
