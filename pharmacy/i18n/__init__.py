"""Translations: gettext catalogs (en, zh_CN) chosen by --lang, $PHARMACY_LANG or the locale."""

from __future__ import annotations

import gettext
import os
from collections.abc import Callable
from pathlib import Path

from pharmacy.domain.errors import N_

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


# Base units as the catalogue names them, shown in the user's language (片, 支, 贴, 毫升 …).
UNIT_NAMES = {
    "tablet": N_("tablet"), "capsule": N_("capsule"), "ampoule": N_("ampoule"), "patch": N_("patch"),
    "mL": N_("mL"), "vial": N_("vial"), "sachet": N_("sachet"), "suppository": N_("suppository"),
}  # fmt: skip


def unit_name(unit: str, t: Callable[[str], str]) -> str:
    return t(UNIT_NAMES[unit]) if unit in UNIT_NAMES else unit


def translator(language: str) -> Callable[[str], str]:
    catalog = gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[language], fallback=True)
    return catalog.gettext
