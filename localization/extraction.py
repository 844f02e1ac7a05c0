"""Find every text marked for translation in the source (Babel's extractor).

Used by ``scripts/update_catalogue.py`` (to add new texts to the ``.po`` files) and by the
catalogue-completeness test (which fails when a marked text has no translation).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

__all__ = ["KEYWORDS", "SOURCE_PACKAGES", "extract_messages"]

#: The packages whose texts people read.
SOURCE_PACKAGES = (
    "weather",
    "predictor",
    "firmware_bridge",
    "flightlog",
    "analysis",
    "terrain",
    "stratoflight",
    "localization",
)

#: Marker functions: ``_(text)``, ``N_(text)``, ``ngettext(singular, plural, n)``.
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract_messages(root: Path, packages: Iterable[str] = SOURCE_PACKAGES) -> dict:
    """Return ``{msgid: [(file, line), ...]}`` of the marked texts under ``root``.

    ``msgid`` is a string, or a ``(singular, plural)`` tuple for ``ngettext``.
    """
    from babel.messages.extract import extract_from_dir

    found: dict = {}
    for package in packages:
        folder = Path(root) / package
        if not folder.is_dir():
            continue
        for filename, lineno, message, _comments, _context in extract_from_dir(
            str(folder), method_map=[("**.py", "python")], keywords=KEYWORDS
        ):
            found.setdefault(message, []).append((f"{package}/{filename}", lineno))
    return found
