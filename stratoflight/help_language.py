"""``strato --help`` in the people's language.

Help texts are written in English and marked with :func:`localization.N_` where the
commands are declared (Typer reads them when the command modules are imported, before
any language is chosen). They are translated here, on the Click command tree Typer
builds for each run, just before that run parses its arguments: so the chosen language
applies however early ``--help`` comes, and ``strato --lang vi ... --help`` works
although ``--help`` is acted on before the root callback would read ``--lang``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from localization import _, configure

__all__ = ["language_in_argv", "translate_help", "use_language_of"]


def language_in_argv(args: Sequence[str]) -> str | None:
    """Return the value of ``--lang X`` or ``--lang=X`` in ``args`` (``None`` when absent).

    Stops at ``--`` (what follows is not an option). The last ``--lang`` wins, as in Click.
    """
    found = None
    items = list(args)
    for index, item in enumerate(items):
        if item == "--":
            break
        if item == "--lang" and index + 1 < len(items):
            found = items[index + 1]
        elif item.startswith("--lang="):
            found = item.partition("=")[2]
    return found


def use_language_of(args: Sequence[str]) -> None:
    """Choose the language named by ``--lang`` in ``args``, if any and if known.

    An unknown language is left for the root callback, which reports it clearly.
    """
    wanted = language_in_argv(args)
    if wanted is None:
        return
    try:
        configure(wanted)
    except Exception:  # noqa: BLE001 - reported by the root callback with its fix
        return


def _translated(text: str | None, fields: Mapping[str, str]) -> str | None:
    if not text:
        return text
    result = _(text)
    for name, value in fields.items():
        result = result.replace("{" + name + "}", value)
    return result


def translate_help(command: Any, fields: Mapping[str, str] | None = None) -> None:
    """Translate, in place, the help of ``command``, its options and its sub-commands.

    ``command`` is the Click command (group) Typer built for this run.

    ``fields`` fills ``{name}`` places in help texts (e.g. an environment variable's name).
    """
    fields = fields or {}
    command.help = _translated(command.help, fields)
    command.short_help = _translated(command.short_help, fields)
    command.epilog = _translated(command.epilog, fields)
    for param in command.params:
        if getattr(param, "help", None):
            param.help = _translated(param.help, fields)
    for sub in getattr(command, "commands", {}).values():
        translate_help(sub, fields)
