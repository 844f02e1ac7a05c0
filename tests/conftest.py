"""Shared fixtures: where the real data live, and the realdata skip."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
TEST_DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def realdata() -> Path:
    """Path to ../shared/realdata; skips the test with a reason when it is absent."""
    if not REALDATA.is_dir():
        pytest.skip(f"../shared/realdata is not beside the checkout (looked in {REALDATA})")
    return REALDATA


@pytest.fixture(autouse=True)
def english_in_utc(monkeypatch, tmp_path_factory):
    """Every test starts in English and UTC, whatever the developer's locale and zone.

    Tests of Vietnamese or local time set LANG/TZ (or --lang/--tz) themselves. The
    compiled catalogues go to one cache folder per test session.
    """
    for variable in ("LANGUAGE", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("LANG", "C.UTF-8")
    monkeypatch.setenv("TZ", "UTC")
    monkeypatch.setenv("STRATO_LOCALE_CACHE", str(_locale_cache(tmp_path_factory)))
    import localization

    localization.configure()
    yield
    localization.configure()


_LOCALE_CACHE: list[Path] = []


def _locale_cache(factory) -> Path:
    if not _LOCALE_CACHE:
        _LOCALE_CACHE.append(factory.mktemp("locale-cache"))
    return _LOCALE_CACHE[0]
