"""The printed page every report shares: A4 landscape, running header, draft watermark, page X of Y, tables.

Tables repeat their headings on each page, right-align numbers and shade every other row, so an inspector can
follow a line across a wide page; a document with a character no font can print is refused (fonts.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fpdf import FPDF
from fpdf.enums import TableBordersLayout, TableCellFillMode
from fpdf.fonts import FontFace

from pharmacy.domain.errors import N_
from pharmacy.reports.export.fonts import check_glyphs, install_fonts
from pharmacy.reports.export.table import Table, cell_text

INK = (33, 37, 41)
MUTED = (108, 117, 125)
ACCENT = (22, 78, 99)
ZEBRA = (243, 246, 249)
HEAD_FILL = (222, 231, 238)
GROUP_FILL = (234, 240, 245)
RED = (176, 32, 32)
GREEN = (25, 110, 60)

PAGE_OF = N_("Page {page} of {pages}")
GENERATED = N_("Generated {at}")
DRAFT_WATERMARK = N_("DRAFT — NOT SIGNED")


@dataclass(frozen=True)
class Running:
    """What every page repeats: the title line at the top, the generated-at line at the bottom."""

    title: str
    subtitle: str
    footer: str
    draft: bool


class ReportPdf(FPDF):
    def __init__(self, running: Running, translate: Callable[[str], str]) -> None:
        super().__init__(orientation="L", unit="mm", format="A4")
        self.running, self.t = running, translate
        self.set_margins(12, 16, 12)
        self.set_auto_page_break(auto=True, margin=14)
        self.set_title(running.title)
        self.set_creator("pharmacy")
        install_fonts(self)
        self.set_text_color(*INK)

    def header(self) -> None:
        if self.running.draft:
            self._watermark()
        self.set_font("body", "", 7.5)
        self.set_text_color(*MUTED)
        self.set_xy(self.l_margin, 7)
        self.cell(self.epw / 2, 4, self.running.title, align="L")
        self.cell(self.epw / 2, 4, self.running.subtitle, align="R")
        self.set_draw_color(*HEAD_FILL)
        self.line(self.l_margin, 12, self.w - self.r_margin, 12)
        self.set_text_color(*INK)
        self.set_y(16)

    def _watermark(self) -> None:
        self.set_font("body", "B", 60)
        self.set_text_color(238, 214, 214)
        with self.rotation(25, self.w / 2, self.h / 2):
            text = self.t(DRAFT_WATERMARK)
            self.text(self.w / 2 - self.get_string_width(text) / 2, self.h / 2 + 10, text)

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("body", "", 7)
        self.set_text_color(*MUTED)
        self.cell(self.epw * 0.75, 4, self.running.footer, align="L")
        page = self.t(PAGE_OF).format(page=self.page_no(), pages=self.alias_nb_pages_text())
        self.cell(self.epw * 0.25, 4, page, align="R")

    def alias_nb_pages_text(self) -> str:
        return str(self.str_alias_nb_pages)

    def section(self, title: str, note: str | None = None) -> None:
        """A section heading; starts a new page when fewer than 30 mm are left."""
        if self.get_y() > self.h - 44:
            self.add_page()
        self.ln(3)
        self.set_font("body", "B", 11)
        self.set_text_color(*ACCENT)
        self.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        self.set_draw_color(*ACCENT)
        self.line(self.l_margin, self.get_y(), self.l_margin + 40, self.get_y())
        self.set_text_color(*INK)
        self.ln(1.5)
        if note:
            self.paragraph(note, size=8, color=MUTED)

    def paragraph(self, text: str, *, size: float = 9, color: tuple[int, int, int] = INK, bold: bool = False) -> None:
        self.set_font("body", "B" if bold else "", size)
        self.set_text_color(*color)
        self.multi_cell(0, size * 0.5, text, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def bullets(self, items: Sequence[str], *, color: tuple[int, int, int] = INK) -> None:
        self.set_font("body", "", 8.5)
        for item in items:
            self.set_text_color(*color)
            self.cell(5, 4.4, "•")
            self.multi_cell(0, 4.4, item, new_x="LMARGIN", new_y="NEXT")
        self.set_text_color(*INK)

    def finish(self) -> bytes:
        logging.getLogger("fpdf.output").setLevel(logging.ERROR)  # missing glyphs are refused below instead
        data = bytes(self.output())
        check_glyphs(self)
        return data


def draw_table(pdf: ReportPdf, table: Table, *, size: float = 7.5, widths: Sequence[float] | None = None) -> None:
    """A whole table: bold shaded headings repeated on each page, numbers right-aligned, zebra rows."""
    t = pdf.t
    pdf.set_font("body", "", size)
    pdf.set_draw_color(*HEAD_FILL)
    aligns = tuple("RIGHT" if c.numeric else "LEFT" for c in table.columns)
    heading = FontFace(emphasis="BOLD", fill_color=HEAD_FILL, color=ACCENT)
    with pdf.table(
        col_widths=tuple(widths or (c.width for c in table.columns)),
        text_align=aligns,
        headings_style=heading,
        cell_fill_color=ZEBRA,
        cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=size * 0.5,
        padding=(0.8, 1.0),
        repeat_headings=1,
        v_align="MIDDLE",
    ) as out:
        head = out.row()
        for c in table.columns:
            head.cell(t(c.label), align="CENTER" if c.numeric else "LEFT")
        for row in table.rows:
            style = FontFace(emphasis="BOLD", fill_color=GROUP_FILL) if row.emphasis else None
            cells = out.row(style=style)
            for c in table.columns:
                cells.cell(cell_text(row.values.get(c.key), t))
    pdf.ln(2)
