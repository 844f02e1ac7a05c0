"""THE time parser for what people type: one rule (zones converted, naive = UTC, now)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from localization import TimeFormatError, parse_time


@pytest.mark.parametrize(
    ("text", "expected", "naive"),
    [
        ("2025-06-21T01:41:00Z", datetime(2025, 6, 21, 1, 41, tzinfo=UTC), False),
        ("2025-06-21T01:41z", datetime(2025, 6, 21, 1, 41, tzinfo=UTC), False),
        # Hai Phong local time (UTC+7) converted to UTC
        ("2025-06-21T08:41+07:00", datetime(2025, 6, 21, 1, 41, tzinfo=UTC), False),
        ("2025-06-21T08:41 Asia/Ho_Chi_Minh", datetime(2025, 6, 21, 1, 41, tzinfo=UTC), False),
        # local 05:00 on the 21st is 22:00 UTC on the 20th
        ("2025-06-21T05:00+07:00", datetime(2025, 6, 20, 22, 0, tzinfo=UTC), False),
        ("2025-06-21T06:00", datetime(2025, 6, 21, 6, 0, tzinfo=UTC), True),
        ("2025-06-21", datetime(2025, 6, 21, tzinfo=UTC), True),
        ("  2025-06-21 06:00:00  ", datetime(2025, 6, 21, 6, 0, tzinfo=UTC), True),
    ],
)
def test_one_rule(text, expected, naive):
    parsed = parse_time(text, "--time")
    assert parsed.utc == expected
    assert parsed.utc.tzinfo is UTC
    assert parsed.naive is naive
    assert (parsed.note("--time") is not None) is naive


def test_naive_note_says_utc():
    note = parse_time("2025-06-21T06:00", "--time").note("--time")
    assert note == "--time 2025-06-21T06:00 has no time zone; taken as UTC"


def test_now_is_the_clock():
    fixed = datetime(2026, 1, 2, 3, 4, 5, 678, tzinfo=UTC)
    for word in ("now", "NOW", " now "):
        parsed = parse_time(word, "--time", now=fixed)
        assert parsed.utc == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
        assert not parsed.naive
    before = datetime.now(UTC).replace(microsecond=0)
    assert parse_time("now").utc >= before


def test_datetimes_pass_through_as_utc():
    aware = datetime(2025, 6, 21, 8, 41, tzinfo=UTC).astimezone()
    assert parse_time(aware).utc == datetime(2025, 6, 21, 8, 41, tzinfo=UTC)
    assert parse_time(datetime(2025, 6, 21, 8, 41)).naive


@pytest.mark.parametrize(
    "text", ["yesterday", "", "2025-13-01T00Z", "21/06/2025", "2025-06-21T08:41+07:00 Asia/Tokyo"]
)
def test_bad_times_are_explained(text):
    with pytest.raises(TimeFormatError, match=r"--time .* is not a time; write an ISO 8601"):
        parse_time(text, "--time")
    assert issubclass(TimeFormatError, ValueError)  # the CLI's error funnel catches it


def test_error_in_vietnamese(monkeypatch):
    import localization

    monkeypatch.setenv("LANG", "vi_VN.UTF-8")
    localization.configure()
    with pytest.raises(TimeFormatError, match="không phải là một thời điểm"):
        parse_time("yesterday", "--time")
    note = parse_time("2025-06-21T06:00", "--time").note("--time")
    assert note == "--time 2025-06-21T06:00 không ghi múi giờ; được hiểu là giờ UTC"
