"""Fonts for printed reports: where a CJK and a Latin font are found, and the error when none is.

A register printed for an inspector must show every character it records; a PDF with blank glyphs would be a
silent falsification of names, so a missing font is an error the pharmacist is told how to fix.
"""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from fpdf import FPDF

from pharmacy.domain.errors import N_, RegisterError

CJK_ENV = "PHARMACY_CJK_FONT"

# Searched in order after $PHARMACY_CJK_FONT; each a TrueType/OpenType file or collection (.ttc: face 0).
CJK_CANDIDATES: tuple[str, ...] = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",  # Debian/Ubuntu fonts-wqy-microhei
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",  # Debian/Ubuntu fonts-wqy-zenhei
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",  # Debian/Ubuntu fonts-noto-cjk
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",  # Arch noto-fonts-cjk
    "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",  # Fedora google-noto-cjk-fonts
    "/usr/share/fonts/google-noto-sans-cjk-vf-fonts/NotoSansCJK-VF.ttc",  # Fedora ≥ 39
    "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",  # Fedora wqy-microhei-fonts
    "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",  # Arch wqy-microhei
    "/usr/share/fonts/wenquanyi/wqy-zenhei/wqy-zenhei.ttc",  # Arch wqy-zenhei
    "/System/Library/Fonts/PingFang.ttc",  # macOS
    "/System/Library/Fonts/STHeiti Light.ttc",  # macOS, older
    "/System/Library/Fonts/STHeiti Medium.ttc",
    "C:/Windows/Fonts/msyh.ttc",  # Windows: Microsoft YaHei
    "C:/Windows/Fonts/simsun.ttc",  # Windows: SimSun
)

LATIN_DIRS: tuple[str, ...] = (
    "/usr/share/fonts/truetype/dejavu",  # Debian/Ubuntu fonts-dejavu-core
    "/usr/share/fonts/dejavu-sans-fonts",  # Fedora
    "/usr/share/fonts/TTF",  # Arch ttf-dejavu
    "/usr/share/fonts/dejavu",
    "/Library/Fonts",
    "C:/Windows/Fonts",
)


class MissingCjkFont(RegisterError):
    code = "missing_cjk_font"
    template = N_(
        "The report contains Chinese text but no Chinese font was found. Install one (Debian/Ubuntu: "
        "sudo apt install fonts-wqy-microhei) or set PHARMACY_CJK_FONT to a .ttf, .ttc or .otf file."
    )


class MissingGlyphs(RegisterError):
    code = "missing_glyphs"
    template = N_(
        "The fonts found cannot print these characters: {chars}. Set PHARMACY_CJK_FONT to a font that has "
        "them (a .ttf, .ttc or .otf file)."
    )


class FontNotReadable(RegisterError):
    code = "font_not_readable"
    template = N_("The font {path} cannot be read. Set PHARMACY_CJK_FONT to a .ttf, .ttc or .otf file.")


@dataclass(frozen=True)
class FontFiles:
    """The files a report is set in: a Latin face (regular, bold, mono) when found, and a CJK face."""

    cjk: Path | None
    regular: Path | None
    bold: Path | None
    mono: Path | None


def _first(paths: Iterable[str | Path]) -> Path | None:
    return next((Path(p) for p in paths if Path(p).is_file()), None)


def find_cjk_font(candidates: Sequence[str] = CJK_CANDIDATES) -> Path | None:
    """$PHARMACY_CJK_FONT if set (it must exist), else the first known location present."""
    chosen = os.environ.get(CJK_ENV, "").strip()
    if chosen:
        if not Path(chosen).is_file():
            raise FontNotReadable(path=chosen)
        return Path(chosen)
    return _first(candidates)


def find_fonts() -> FontFiles:
    def latin(name: str) -> Path | None:
        return _first(Path(d) / name for d in LATIN_DIRS)

    return FontFiles(
        cjk=find_cjk_font(),
        regular=latin("DejaVuSans.ttf"),
        bold=latin("DejaVuSans-Bold.ttf"),
        mono=latin("DejaVuSansMono.ttf"),
    )


def is_cjk(char: str) -> bool:
    return unicodedata.east_asian_width(char) in ("W", "F") and char.isprintable()


def install_fonts(pdf: FPDF, files: FontFiles | None = None) -> None:
    """Families `body` (regular, bold), `mono` and — when found — `cjk`, the fallback for Chinese glyphs."""
    files = files or find_fonts()
    if files.cjk is None and files.regular is None:
        raise MissingCjkFont()
    try:
        if files.cjk is not None:
            pdf.add_font("cjk", "", files.cjk, collection_font_number=0)
        body = files.regular or files.cjk
        pdf.add_font("body", "", body)
        pdf.add_font("body", "B", files.bold or body)
        pdf.add_font("mono", "", files.mono or body)
    except (OSError, RuntimeError, KeyError) as exc:
        raise FontNotReadable(path=str(exc)) from None
    if files.cjk is not None:
        pdf.set_fallback_fonts(["cjk"], exact_match=False)


def check_glyphs(pdf: FPDF) -> None:
    """After output: refuse the document if any character had no glyph in any font (never print blanks)."""
    missing: set[str] = set()
    for font in pdf.fonts.values():
        missing.update(chr(code) for code in getattr(font, "missing_glyphs", ()) if chr(code).isprintable())
    missing -= {" "}
    if any(is_cjk(c) for c in missing):
        raise MissingCjkFont()
    if missing:
        raise MissingGlyphs(chars=" ".join(sorted(missing)))
