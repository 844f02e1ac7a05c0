"""Date a flight's times of day continuously: anchored once, then rolled over midnight.

UKHAS, NMEA and Horus carry only the time of day. Each parser dates it alone by the
receive clock (:func:`firmware_bridge.protocol_common.date_time_of_day`: the date that
puts it within 12 h of the receive time). Frame by frame that splits a flight across two
days whenever the payload clock and the receive clock drift more than 12 h apart during
the flight: a replay, a simulated flight at ``--speedup``, a payload clock set wrong.

Within one stream the payload's times of day are continuous, so :class:`FlightDating`
keeps the date of the first good frame (the *anchor*, dated by the receive clock) and
dates every later time of day as the one nearest to the previous frame's time: a time
of day that wraps past midnight moves to the next day, never back to the previous one.
"""

from __future__ import annotations

from datetime import datetime, timedelta

__all__ = ["TIME_OF_DAY_PROTOCOLS", "FlightDating"]

#: Protocols whose ``payload_time`` is a time of day dated on receipt.
TIME_OF_DAY_PROTOCOLS = frozenset({"ukhas", "nmea", "horus"})

_DAY = timedelta(days=1)
_HALF_DAY = timedelta(hours=12)


class FlightDating:
    """Re-date times of day so a flight's times stay continuous across midnight.

    Parameters
    ----------
    anchor : datetime, optional
        The last payload time already known for this flight (tz-aware UTC), e.g. when a
        flight log is resumed; without it the first frame's own dating is the anchor.

    Examples
    --------
    >>> from datetime import UTC, datetime
    >>> dating = FlightDating()
    >>> dating.date(datetime(2026, 12, 6, 23, 59, 50, tzinfo=UTC)).isoformat()
    '2026-12-06T23:59:50+00:00'
    >>> dating.date(datetime(2026, 12, 5, 0, 0, 10, tzinfo=UTC)).isoformat()
    '2026-12-07T00:00:10+00:00'
    """

    def __init__(self, anchor: datetime | None = None) -> None:
        self.last = anchor

    def date(self, payload_time: datetime) -> datetime:
        """Shift ``payload_time`` by whole days to within 12 h of the previous time.

        Parameters
        ----------
        payload_time : datetime
            A time of day already dated by the receive clock (tz-aware UTC).

        Returns
        -------
        datetime
            The same time of day on the date that keeps the flight continuous.
        """
        if self.last is not None:
            days = round((self.last - payload_time) / _DAY)
            payload_time = payload_time + days * _DAY
            if payload_time - self.last > _HALF_DAY:
                payload_time -= _DAY
            elif self.last - payload_time > _HALF_DAY:
                payload_time += _DAY
        self.last = payload_time
        return payload_time
