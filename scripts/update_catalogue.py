"""Add the texts marked for translation in the source to the Vietnamese catalogue.

Run: .venv/bin/python scripts/update_catalogue.py
New texts arrive with an empty translation (the completeness test then fails until they
are translated); texts no longer in the source are dropped; translations are kept.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from localization.catalogue import po_path
from localization.extraction import extract_messages

ROOT = Path(__file__).resolve().parent.parent


def main() -> int:
    """Merge the source's texts into the Vietnamese catalogue and count the untranslated.

    Returns
    -------
    int
        Exit code (0).
    """
    path = po_path("vi")
    with path.open("rb") as stream:
        old = read_po(stream)
    template = Catalog(domain="stratoflight")
    for msgid, places in extract_messages(ROOT).items():
        template.add(msgid, locations=places)
    old.update(template, no_fuzzy_matching=True)
    with path.open("wb") as stream:
        write_po(stream, old, width=96, omit_header=False, include_previous=False,
                 ignore_obsolete=True, sort_output=False)
    missing = [m.id for m in old if m.id and not m.string or (
        isinstance(m.string, tuple) and not all(m.string))]
    print(f"{path}: {len(old)} texts, {len(missing)} without a translation")
    return 0


if __name__ == "__main__":
    sys.exit(main())
