"""One home for what people read: their language, their numbers and their local time.

Everything a person reads (terminal output, the HTML report, the map app) goes through
this package; files and machine interfaces (JSON, CSV, NetCDF, KML, GPX, the HTTP API)
stay UTC, English keys and SI units and never pass through it.

- :func:`_` / :func:`ngettext` translate a text (gettext catalogues, ``.po`` sources in
  ``localization/locale``, compiled at first use); :func:`N_` marks a text for
  translation where it is defined and leaves the translating to where it is shown.
- :func:`configure` picks the language (``strato --lang``, else ``LANGUAGE``, ``LC_ALL``,
  ``LC_MESSAGES``, ``LANG`` as gettext reads them) and the people's time zone
  (``strato --tz``, else ``TZ``, else the system zone).
- :func:`format_number` writes numbers the local way (Vietnamese: ``12,5 km``).
- :func:`format_time` writes a time in the people's zone, always naming the zone
  (``21/06/2025 08:41 +07 (01:41 UTC)``).
- :func:`parse_time` is THE parser for times people type (ISO 8601 with a zone, a naive
  time taken as UTC and said so, ``now``).

Depends on nothing of ours and stays cheap to import (Babel is loaded only when a number
or date is formatted or a catalogue compiled).
"""

from __future__ import annotations

from localization.language import (
    N_,
    SUPPORTED_LANGUAGES,
    _,
    current_language,
    language_from_environment,
    ngettext,
)
from localization.numbers import (
    format_latitude,
    format_longitude,
    format_number,
    format_position,
)
from localization.people_time import (
    format_clock,
    format_time,
    people_zone,
    people_zone_name,
)
from localization.settings import configure
from localization.time_parser import ParsedTime, TimeFormatError, parse_time

__all__ = [
    "N_",
    "SUPPORTED_LANGUAGES",
    "ParsedTime",
    "TimeFormatError",
    "_",
    "configure",
    "current_language",
    "format_clock",
    "format_latitude",
    "format_longitude",
    "format_number",
    "format_position",
    "format_time",
    "language_from_environment",
    "ngettext",
    "parse_time",
    "people_zone",
    "people_zone_name",
]
