"""The gettext catalogues: ``.po`` sources in the package, compiled to ``.mo`` at first use.

The ``.po`` files under ``localization/locale/<lang>/LC_MESSAGES/`` are the only source
of translations. A compiled ``.mo`` is written once per ``.po`` content into the user cache
(``~/.cache/stratoflight/locale``, or ``$STRATO_LOCALE_CACHE``) so a fresh clone, an
editable install and an installed wheel all work without a build step; when the cache is
not writable the catalogue is compiled in memory.
"""

from __future__ import annotations

import gettext
import hashlib
import io
import os
import tempfile
from pathlib import Path

__all__ = ["DOMAIN", "LOCALE_DIR", "compile_po", "load_translations", "po_path"]

#: The gettext domain of every Stratoflight text.
DOMAIN = "stratoflight"

#: Where the ``.po`` sources live (shipped as package data).
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def po_path(language: str) -> Path:
    """Return the ``.po`` source of ``language`` (e.g. ``vi``)."""
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def compile_po(po_bytes: bytes) -> bytes:
    """Compile the text of a ``.po`` file to the bytes of a ``.mo`` file (with Babel).

    Fuzzy entries are left out, as ``msgfmt`` does: a fuzzy translation is a guess.
    """
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    catalog = read_po(io.BytesIO(po_bytes))
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def _cache_dir() -> Path:
    override = os.environ.get("STRATO_LOCALE_CACHE")
    if override:
        return Path(override)
    import platformdirs

    return platformdirs.user_cache_path("stratoflight") / "locale"


def _compiled(language: str) -> bytes | Path:
    """Return the compiled catalogue of ``language``: a cached ``.mo`` path or bytes."""
    source = po_path(language).read_bytes()
    digest = hashlib.sha256(source).hexdigest()[:16]
    try:
        folder = _cache_dir()
        target = folder / f"{DOMAIN}-{language}-{digest}.mo"
        if target.is_file():
            return target
        compiled = compile_po(source)
        folder.mkdir(parents=True, exist_ok=True)
        # Write beside and rename: two processes compiling at once both end with a whole file.
        handle, tmp = tempfile.mkstemp(dir=folder, suffix=".mo.tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(compiled)
        os.replace(tmp, target)
        return target
    except OSError:
        return compile_po(source)


def load_translations(language: str) -> gettext.NullTranslations:
    """Return the translations of ``language``; English (the source texts) needs none."""
    if language == "en" or not po_path(language).is_file():
        return gettext.NullTranslations()
    compiled = _compiled(language)
    if isinstance(compiled, Path):
        with compiled.open("rb") as stream:
            return gettext.GNUTranslations(stream)
    return gettext.GNUTranslations(io.BytesIO(compiled))
