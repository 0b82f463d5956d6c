"""Finding a medicine the way a pharmacist types: part of the English or Chinese name, pinyin initials
(吗啡 → "mf"), the catalogue code, or a GTIN."""

from __future__ import annotations

from functools import lru_cache

from pharmacy.domain.reference import Medicine


@lru_cache(maxsize=4096)
def pinyin_initials(text: str) -> str:
    from pypinyin import Style, lazy_pinyin  # loads its dictionary: only when someone types a search

    return "".join(p[0] for p in lazy_pinyin(text, style=Style.FIRST_LETTER) if p).lower()


@lru_cache(maxsize=4096)
def pinyin_full(text: str) -> str:
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(text)).lower()


def matches(medicine: Medicine, query: str, gtins: tuple[str, ...] = ()) -> bool:
    q = query.strip().lower()
    if not q:
        return True
    if q.isdigit() and q.zfill(14) in gtins:
        return True
    haystack = (medicine.code, medicine.generic_en.lower(), medicine.generic_local, medicine.strength.lower())
    if any(q in h for h in haystack):
        return True
    return q.isascii() and (q in pinyin_initials(medicine.generic_local) or q in pinyin_full(medicine.generic_local))


def search(medicines: list[Medicine], query: str, gtins: dict[int, tuple[str, ...]] | None = None) -> list[Medicine]:
    codes = gtins or {}
    return [m for m in medicines if matches(m, query, codes.get(m.id, ()))]
