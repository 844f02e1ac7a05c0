"""Which language people read, and the ``_()`` that translates into it.

The language is chosen once per command (:func:`configure`): ``strato --lang`` when given,
else the environment as gettext reads it (the first set of ``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``; ``LANGUAGE`` may list several, ``C``/``POSIX`` mean English).
No C locale is needed: ``LANG=vi_VN.UTF-8`` works on a system without that locale.
"""

from __future__ import annotations

import gettext
import os
from collections.abc import Mapping

from localization.catalogue import load_translations

__all__ = [
    "N_",
    "SUPPORTED_LANGUAGES",
    "_",
    "configure_language",
    "current_language",
    "language_from_environment",
    "ngettext",
    "normalize_language",
]

#: Languages with a catalogue; English is the source language of every text.
SUPPORTED_LANGUAGES = ("en", "vi")

#: The environment variables gettext reads, in its order.
_GETTEXT_VARIABLES = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")

_state: dict[str, object] = {"language": None, "translations": None}


def normalize_language(text: str) -> str | None:
    """Return the supported language code of a locale name, or None.

    ``vi``, ``vi_VN``, ``vi_VN.UTF-8``, ``vi-VN`` and ``VI`` all give ``vi``; ``C``,
    ``POSIX`` and ``en_GB.UTF-8`` give ``en``.
    """
    name = text.strip().split(".")[0].split("@")[0].replace("-", "_").lower()
    if name in ("c", "posix"):
        return "en"
    code = name.split("_")[0]
    return code if code in SUPPORTED_LANGUAGES else None


def language_from_environment(environ: Mapping[str, str] | None = None) -> str:
    """Return the language the environment asks for, as gettext reads it; English otherwise."""
    env = os.environ if environ is None else environ
    for variable in _GETTEXT_VARIABLES:
        value = env.get(variable)
        if not value:
            continue
        for part in value.split(":"):
            found = normalize_language(part) if part else None
            if found is not None:
                return found
        return "en"
    return "en"


def configure_language(language: str | None = None) -> str:
    """Choose the language: ``language`` (e.g. from ``--lang``) or the environment's.

    Raises
    ------
    ValueError
        When ``language`` is not one Stratoflight speaks (the message lists them).
    """
    if language:
        chosen = normalize_language(language)
        if chosen is None:
            raise ValueError(
                _(
                    "--lang {language!r} is not a language Stratoflight speaks; "
                    "choose one of {choices}"
                ).format(language=language, choices=", ".join(SUPPORTED_LANGUAGES))
            )
    else:
        chosen = language_from_environment()
    _state["language"] = chosen
    _state["translations"] = None
    return chosen


def current_language() -> str:
    """Return the chosen language code (``en`` or ``vi``), reading the environment if unset."""
    language = _state["language"]
    if language is None:
        language = configure_language()
    return str(language)


def _translations() -> gettext.NullTranslations:
    translations = _state["translations"]
    if translations is None:
        translations = load_translations(current_language())
        _state["translations"] = translations
    assert isinstance(translations, gettext.NullTranslations)
    return translations


def _(message: str) -> str:
    """Translate ``message`` into the people's language (the English text when none)."""
    return _translations().gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a text whose form depends on the count ``n`` (Vietnamese has one form)."""
    return _translations().ngettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark ``message`` for translation where it is defined; ``_()`` translates it when shown."""
    return message
