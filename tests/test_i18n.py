"""Every user-facing message has a complete Simplified Chinese translation, with the same placeholders."""

from __future__ import annotations

import gettext
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from pharmacy.i18n import LOCALE_DIR, choose_language

PO = LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / "pharmacy.po"
MO = PO.with_suffix(".mo")
ROOT = Path(__file__).resolve().parent.parent


def _placeholders(text: str) -> set[str]:
    return set(re.findall(r"\{(\w+)\}", text))


def test_every_message_in_the_code_is_translated(tmp_path: Path) -> None:
    pot = tmp_path / "pharmacy.pot"
    babel = str(Path(sys.executable).parent / "pybabel")
    subprocess.run([babel, "extract", "-k", "N_", "-k", "t", "-k", "_", "--no-location", "-o", str(pot), "pharmacy"],
                   cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    with pot.open("rb") as f:
        wanted = {m.id for m in read_po(f) if m.id}
    with PO.open("rb") as f:
        catalog = {m.id: m.string for m in read_po(f) if m.id}
    missing = sorted(str(w) for w in wanted if not catalog.get(w))
    assert not missing, f"untranslated (run tools/i18n.py and translate): {missing}"


def test_translations_keep_the_placeholders() -> None:
    with PO.open("rb") as f:
        translated = [m for m in read_po(f) if m.id and m.string]  # untranslated ones: the test above
        wrong = [m.id for m in translated if _placeholders(str(m.id)) != _placeholders(str(m.string))]
    assert not wrong


def test_compiled_catalog_is_current() -> None:
    with PO.open("rb") as f:
        source = {str(m.id): str(m.string) for m in read_po(f) if m.id and m.string}
    with MO.open("rb") as f:
        compiled = gettext.GNUTranslations(f)
    stale = [k for k, v in source.items() if compiled.gettext(k) != v]
    assert not stale, "pharmacy.mo is older than pharmacy.po: run tools/i18n.py"


def test_language_choice(monkeypatch: pytest.MonkeyPatch) -> None:
    mp = monkeypatch
    for var in ("PHARMACY_LANG", "LC_ALL", "LC_MESSAGES", "LANG"):
        mp.delenv(var, raising=False)
    assert choose_language(None) == "en"
    mp.setenv("LANG", "zh_CN.UTF-8")
    assert choose_language(None) == "zh_CN"
    mp.setenv("PHARMACY_LANG", "en")
    assert choose_language(None) == "en"
    assert choose_language("zh_CN") == "zh_CN"
