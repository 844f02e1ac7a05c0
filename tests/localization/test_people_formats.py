"""People-facing formats: language choice, numbers, and local times naming the zone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

import localization
from localization import (
    _,
    configure,
    current_language,
    format_clock,
    format_number,
    format_time,
    language_from_environment,
)

WHEN = datetime(2025, 6, 21, 1, 41, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C"}, "en"),
        ({"LANG": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "vi_VN"}, "vi"),
        ({"LANG": "C.UTF-8", "LC_MESSAGES": "vi_VN.UTF-8"}, "vi"),
        ({"LANG": "vi_VN.UTF-8", "LC_ALL": "C"}, "en"),  # LC_ALL wins over LANG
        ({"LANG": "C", "LANGUAGE": "fr:vi"}, "vi"),  # LANGUAGE lists preferences
        ({"LANG": "vi_VN.UTF-8", "LANGUAGE": "en_GB"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),  # no German catalogue: English
    ],
)
def test_language_as_gettext_reads_the_environment(environ, expected):
    assert language_from_environment(environ) == expected


def test_lang_option_overrides_the_environment(monkeypatch):
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    configure("en")
    assert current_language() == "en"
    configure("vi_VN")
    assert current_language() == "vi"
    with pytest.raises(ValueError, match="--lang 'xx' không phải là ngôn ngữ"):
        configure("xx")  # said in the language chosen so far
    configure("en")
    with pytest.raises(ValueError, match="--lang 'xx' is not a language Stratoflight speaks"):
        configure("xx")


def test_vietnamese_catalogue_is_used_without_a_system_locale(monkeypatch):
    monkeypatch.setenv("LANG", "vi_VN.UTF-8")  # this machine has no vi_VN C locale
    configure()
    assert _("{option} {text} has no time zone; taken as UTC") != (
        "{option} {text} has no time zone; taken as UTC"
    )
    assert "múi giờ" in _("{option} {text} has no time zone; taken as UTC")


def test_catalogue_compiles_without_a_writable_cache(monkeypatch, tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    monkeypatch.setenv("STRATO_LOCALE_CACHE", str(blocked / "sub"))
    configure("vi")
    assert "múi giờ" in _("{option} {text} has no time zone; taken as UTC")


@pytest.mark.parametrize(
    ("lang", "value", "decimals", "expected"),
    [
        ("vi", 12.5, 1, "12,5"),
        ("vi", 1250, 0, "1.250"),
        ("vi", 30000.4, 0, "30.000"),
        ("vi", -0.125, 2, "-0,12"),  # round half to even, as Python rounds
        ("en", 12.5, 1, "12.5"),
        ("en", 30000.4, 0, "30000"),  # English keeps the plain look it always had
        ("en", float("nan"), 2, "–"),
    ],
)
def test_numbers(lang, value, decimals, expected):
    configure(lang)
    assert format_number(value, decimals) == expected


def test_local_time_names_the_zone():
    configure("en", "Asia/Ho_Chi_Minh")
    assert format_time(WHEN) == "2025-06-21 08:41 +07 (01:41 UTC)"
    assert format_clock(WHEN, seconds=True) == "08:41:30 +07 (01:41:30 UTC)"
    configure("vi", "Asia/Ho_Chi_Minh")
    assert format_time(WHEN) == "21/06/2025 08:41 +07 (01:41 UTC)"


def test_utc_date_shown_when_it_differs():
    configure("en", "Asia/Ho_Chi_Minh")
    late = datetime(2025, 6, 20, 22, 0, tzinfo=UTC)
    assert format_time(late) == "2025-06-21 05:00 +07 (2025-06-20 22:00 UTC)"


def test_tz_environment_and_utc(monkeypatch):
    monkeypatch.setenv("TZ", "Asia/Ho_Chi_Minh")
    configure("en")
    assert format_time(WHEN) == "2025-06-21 08:41 +07 (01:41 UTC)"
    monkeypatch.setenv("TZ", "UTC")
    configure("en")
    assert format_time(WHEN) == "2025-06-21 01:41 UTC"
    monkeypatch.setenv("TZ", "Europe/London")  # summer time: BST named
    configure("en")
    assert format_time(WHEN) == "2025-06-21 02:41 BST (01:41 UTC)"


def test_unknown_zone_is_explained():
    with pytest.raises(ValueError, match="time zone 'Mars/Olympus' is not known"):
        configure("en", "Mars/Olympus")


def test_package_is_cheap_to_import():
    """localization must not pull in the heavy libraries (numba, pandas, xarray, Babel)."""
    import subprocess
    import sys

    code = (
        "import sys, localization; "
        "heavy = [m for m in ('numba', 'pandas', 'xarray', 'numpy', 'babel') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert localization.__all__
