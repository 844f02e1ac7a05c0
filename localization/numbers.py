"""Numbers the way the people's language writes them (Babel's CLDR data).

Vietnamese writes a decimal comma and groups thousands with a dot (``12,5 km``,
``1.250 m``); English keeps the plain look Stratoflight always had (``12.5 km``,
``1250 m``). Only for people: machine files never use this.
"""

from __future__ import annotations

import math

from localization.language import _, current_language

__all__ = ["format_latitude", "format_longitude", "format_number", "format_position"]

#: Babel locale of each language, and whether its people group thousands on screen.
_BABEL_LOCALE = {"en": "en_US", "vi": "vi_VN"}
_GROUPING = {"en": False, "vi": True}


def format_number(
    value: float, decimals: int = 0, *, signed: bool = False, grouping: bool | None = None
) -> str:
    """Return ``value`` rounded to ``decimals`` places in the people's number format.

    Parameters
    ----------
    value : float
        The number, already in the unit shown.
    decimals : int
        Digits after the decimal separator (fixed, e.g. ``12,50`` for 2).
    signed : bool
        Write a ``+`` before positive numbers.
    grouping : bool, optional
        Group thousands (``30,000`` / ``30.000``); default: as the language does on screens
        (Vietnamese yes, English no).

    Returns
    -------
    str
        E.g. ``"12,5"`` in Vietnamese, ``"12.5"`` in English; ``"–"`` for NaN.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    number = float(value)
    if math.isinf(number):
        return "∞" if number > 0 else "-∞"
    from babel.numbers import format_decimal

    language = current_language()
    group = _GROUPING.get(language, False) if grouping is None else grouping
    pattern = ("#,##0" if group else "0") + (
        "." + "0" * decimals if decimals > 0 else ""
    )
    text = format_decimal(
        round(number, decimals) + 0.0, format=pattern, locale=_BABEL_LOCALE.get(language, "en_US")
    )
    if signed and number > 0 and not text.startswith("+"):
        text = "+" + text
    return text


def format_latitude(latitude: float, decimals: int = 5) -> str:
    """Return a latitude with its hemisphere letter: ``8.50000 S`` / ``8,50000°N`` (Nam).

    Parameters
    ----------
    latitude : float
        Latitude [deg N]; negative is south.
    decimals : int
        Digits after the decimal separator.
    """
    value = format_number(abs(latitude), decimals)
    return (_("{value} S") if latitude < 0 else _("{value} N")).format(value=value)


def format_longitude(longitude: float, decimals: int = 5) -> str:
    """Return a longitude in -180..180 with its letter: ``8.50000 W`` / ``106,68000°Đ``.

    Parameters
    ----------
    longitude : float
        Longitude [deg E]; negative (or above 180) is west.
    decimals : int
        Digits after the decimal separator.
    """
    lon = (longitude + 180.0) % 360.0 - 180.0 if abs(longitude) > 180.0 else longitude
    value = format_number(abs(lon), decimals)
    return (_("{value} W") if lon < 0 else _("{value} E")).format(value=value)


def format_position(latitude: float, longitude: float, decimals: int = 5) -> str:
    """Return a position for people, with hemisphere letters, never a minus sign.

    ``(20.86, 106.68)`` gives ``20.86000 N 106.68000 E`` in English and
    ``20,86000°B 106,68000°Đ`` in Vietnamese; ``(-8.5, -35.25)`` gives ``8.50000 S 35.25000 W``.

    Parameters
    ----------
    latitude, longitude : float
        Position [deg N, deg E].
    decimals : int
        Digits after the decimal separator.
    """
    return f"{format_latitude(latitude, decimals)} {format_longitude(longitude, decimals)}"
