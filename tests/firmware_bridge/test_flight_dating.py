"""Times of day are dated continuously within a stream, whatever the receive clock says."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from firmware_bridge import StreamDecoder
from firmware_bridge.flight_dating import FlightDating
from firmware_bridge.ukhas import encode_ukhas


def _sentence(i: int, when: datetime) -> bytes:
    return encode_ukhas(
        {
            "callsign": "TEST",
            "sentence_id": i,
            "payload_time": when,
            "latitude": 21.0,
            "longitude": 106.7,
            "altitude": 100.0 + i,
        }
    )


def test_rolls_over_midnight_forwards_only():
    dating = FlightDating()
    day = datetime(2026, 12, 6, tzinfo=UTC)
    first = dating.date(day.replace(hour=23, minute=59, second=50))
    assert first.date() == day.date()
    # the parser dated 00:00:10 by the receive clock (could be any day): continuous here
    for wrong_day in (-3, 0, 5):
        dating = FlightDating(first)
        after = dating.date(day.replace(minute=0, second=10) + timedelta(days=wrong_day))
        assert after == datetime(2026, 12, 7, 0, 0, 10, tzinfo=UTC)


def test_a_resumed_flight_continues_from_its_anchor():
    anchor = datetime(2026, 12, 6, 14, 0, tzinfo=UTC)
    dating = FlightDating(anchor)
    assert dating.date(datetime(2026, 12, 5, 14, 0, 5, tzinfo=UTC)) == anchor + timedelta(seconds=5)


def test_decoder_keeps_a_flight_on_one_timeline_when_the_clocks_disagree():
    """Payload 12:00 onwards heard at 01:00 receive time: the old dating split at 13:00."""
    payload_start = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)
    received = datetime(2026, 12, 6, 1, 0, tzinfo=UTC)
    decoder = StreamDecoder("ukhas")
    times = []
    for i in range(0, 4 * 3600, 600):  # four hours of payload time, one frame per 10 min
        frames = decoder.feed(
            _sentence(i, payload_start + timedelta(seconds=i)),
            received_at=received + timedelta(seconds=i / 20),  # --speedup 20
        )
        times += [f.fields["payload_time"] for f in frames if f.ok]
    assert len(times) == 24
    assert times[0] == payload_start
    assert all(b - a == timedelta(minutes=10) for a, b in zip(times, times[1:], strict=False))
