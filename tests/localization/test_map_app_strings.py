"""The map app's dictionary (strings.js): every language has every key and its placeholders."""

from __future__ import annotations

import re
from pathlib import Path

STRINGS = Path(__file__).resolve().parents[2] / "stratoflight" / "web" / "static" / "strings.js"


def _languages() -> dict[str, dict[str, str]]:
    text = STRINGS.read_text(encoding="utf-8")
    found = {}
    for code, body in re.findall(r"^  (\w+): \{\n(.*?)^  \},", text, re.M | re.S):
        found[code] = dict(re.findall(r'^    (\w+): "((?:[^"\\]|\\.)*)",', body, re.M))
    return found


def test_vietnamese_has_every_english_string():
    languages = _languages()
    assert set(languages) == {"en", "vi"}
    en, vi = languages["en"], languages["vi"]
    assert len(en) > 50
    assert set(vi) == set(en)
    for key, text in en.items():
        assert sorted(re.findall(r"\{\w+\}", vi[key])) == sorted(re.findall(r"\{\w+\}", text)), key
    untranslated = [k for k in en if vi[k] == en[k] and re.search(r"[a-z]{3}", en[k])]
    assert set(untranslated) <= {"title", "ensemble_zone"}, untranslated  # names, formulas
    assert "ĐẤT LIỀN" in vi["result_surface_land"] and "BIỂN" in vi["result_surface_sea"]
