"""Catalogue completeness: every text marked for translation has a Vietnamese translation.

Extracts the marked texts from the source with Babel (as ``scripts/update_catalogue.py``
does) and compares them with ``localization/locale/vi/LC_MESSAGES/stratoflight.po``.
A new ``_("...")`` without a translation fails here: run the script and translate it.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from localization.catalogue import compile_po, po_path
from localization.extraction import extract_messages

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
#: Rich style tags ([bold red]...[/]); unit brackets such as [m] or [degree] may be translated.
STYLE = r"(?:bold|italic|dim|underline|red|yellow|green|blue|cyan)"
MARKUP = re.compile(r"\[/?(?:" + STYLE + r"\b ?)+\]|\[/\]")


def _catalogue():
    with po_path("vi").open("rb") as stream:
        return read_po(stream)


def problems(messages: dict, catalogue) -> list[str]:
    """Say what is wrong: missing, empty, fuzzy, or placeholders/markup not kept."""
    found = []
    for msgid, places in messages.items():
        where = f"{places[0][0]}:{places[0][1]}"
        entry = catalogue.get(msgid)
        if entry is None:
            found.append(f"{where}: not in the catalogue: {msgid!r}")
            continue
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        ids = msgid if isinstance(msgid, tuple) else (msgid,)
        if entry.fuzzy or not all(strings):
            found.append(f"{where}: no Vietnamese translation: {msgid!r}")
            continue
        for source in ids[:1]:
            for text in strings:
                if sorted(PLACEHOLDER.findall(source)) != sorted(PLACEHOLDER.findall(text)):
                    found.append(f"{where}: placeholders differ in {text!r}")
                if sorted(MARKUP.findall(source)) != sorted(MARKUP.findall(text)):
                    found.append(f"{where}: Rich markup differs in {text!r}")
    return found


def test_every_marked_text_has_a_vietnamese_translation():
    messages = extract_messages(ROOT)
    assert len(messages) > 100  # the extractor really found the source's texts
    found = problems(messages, _catalogue())
    assert not found, "run scripts/update_catalogue.py and translate:\n" + "\n".join(found)


def _translations_inside_fstrings(root: Path) -> list[str]:
    """Literal texts in _() / N_() inside an f-string: Babel's extractor cannot see them."""
    import ast

    from localization.extraction import SOURCE_PACKAGES

    found = []
    for package in SOURCE_PACKAGES:
        for path in sorted((root / package).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.JoinedStr):
                    continue
                for inner in ast.walk(node):
                    if (
                        isinstance(inner, ast.Call)
                        and isinstance(inner.func, ast.Name)
                        and inner.func.id in ("_", "N_", "ngettext")
                        and inner.args
                        and isinstance(inner.args[0], ast.Constant)  # a literal to extract
                    ):
                        found.append(f"{path.relative_to(root)}:{inner.lineno}")
    return found


def test_no_translation_hidden_inside_an_fstring(tmp_path):
    """f"{_('text')}" escapes extraction (so the completeness test): write it outside."""
    assert _translations_inside_fstrings(ROOT) == []
    (tmp_path / "stratoflight").mkdir()
    (tmp_path / "stratoflight" / "bad.py").write_text(
        "from localization import _\nprint(f\"{_('hidden')}\")\n", encoding="utf-8"
    )
    assert _translations_inside_fstrings(tmp_path) == ["stratoflight/bad.py:2"]


def test_a_new_untranslated_text_is_caught(tmp_path):
    """The check above fails for a marked text the catalogue does not have."""
    package = tmp_path / "stratoflight"
    package.mkdir()
    (package / "new.py").write_text(
        'from localization import _\nprint(_("a brand-new text {n}").format(n=1))\n'
        'print(_("landing"))\n',
        encoding="utf-8",
    )
    messages = extract_messages(tmp_path)
    assert set(messages) == {"a brand-new text {n}", "landing"}
    found = problems(messages, _catalogue())
    assert len(found) == 1 and "a brand-new text" in found[0]


def test_catalogue_compiles_and_keeps_diacritics():
    compiled = compile_po(po_path("vi").read_bytes())
    assert "hạ cánh".encode() in compiled


@pytest.mark.parametrize("package_data", ["locale/*/LC_MESSAGES/*.po"])
def test_catalogues_ship_as_package_data(package_data):
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"localization" = ["{package_data}"]' in text
    assert list((ROOT / "localization").glob(package_data))
