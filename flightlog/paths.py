"""Where the flight log lives by default."""

from __future__ import annotations

from pathlib import Path

import platformdirs

__all__ = ["default_db_path"]


def default_db_path() -> Path:
    """Return the default flight-log database: ``flightlog.sqlite`` in the user's data directory.

    ``STRATOFLIGHT_FLIGHTLOG_DB`` in the environment overrides it (useful for demos and
    tests that must not touch the user's real log).
    """
    import os

    override = os.environ.get("STRATOFLIGHT_FLIGHTLOG_DB")
    if override:
        return Path(override).expanduser()
    return platformdirs.user_data_path("stratoflight", appauthor=False) / "flightlog.sqlite"
