"""Choose, once per command, the people's language and time zone."""

from __future__ import annotations

from localization.language import configure_language
from localization.people_time import configure_zone

__all__ = ["configure"]


def configure(language: str | None = None, zone: str | None = None) -> tuple[str, str]:
    """Choose the language (``--lang``, else the environment) and zone (``--tz``, else TZ).

    Call it at the start of each command so that a changed environment is read again.

    Returns
    -------
    (str, str)
        The language code and the zone's name.

    Raises
    ------
    ValueError
        When the language or the zone is not known; the message lists what works.
    """
    chosen_language = configure_language(language)
    chosen_zone = configure_zone(zone)
    return chosen_language, str(getattr(chosen_zone, "key", chosen_zone))
