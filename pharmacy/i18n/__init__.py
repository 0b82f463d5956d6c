"""Translations: gettext catalogs (en, zh_CN) chosen by --lang, $PHARMACY_LANG or the locale."""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable
from pathlib import Path

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "pharmacy"
SUPPORTED = ("en", "zh_CN")


def choose_language(explicit: str | None = None) -> str:
    """--lang, then PHARMACY_LANG, then LC_ALL / LC_MESSAGES / LANG; zh* → zh_CN, otherwise en."""
    for candidate in (
        explicit,
        os.environ.get("PHARMACY_LANG"),
        os.environ.get("LC_ALL"),
        os.environ.get("LC_MESSAGES"),
        os.environ.get("LANG"),
    ):
        if candidate:
            return "zh_CN" if candidate.lower().startswith("zh") else "en"
    return "en"


def translator(language: str) -> Callable[[str], str]:
    catalog = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)
    return catalog.gettext
