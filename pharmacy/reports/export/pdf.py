"""The month-end report and the register as printable PDFs for the pharmacy's file and the inspector.

Month-end (regulations §1.8, §2.6, §3.4): figures per medicine × batch, the daily balance, the prescription
reconciliation, counts, losses with their reporting duties, open problems, and the signature with the sealed
chain head — or a DRAFT banner on every page while the month is not signed.
"""

from __future__ import annotations

from collections.abc import Callable
from zoneinfo import ZoneInfo

from fpdf.enums import TableBordersLayout, TableCellFillMode
from fpdf.fonts import FontFace
from fpdf.table import Table

from pharmacy.domain.errors import N_
from pharmacy.domain.profile import Profile
from pharmacy.i18n import unit_name
from pharmacy.reports.export.monthly_tables import counts_table
from pharmacy.reports.export.pdf_doc import (
    ACCENT,
    GENERATED,
    GROUP_FILL,
    HEAD_FILL,
    MUTED,
    ZEBRA,
    ReportPdf,
    Running,
    draw_table,
)
from pharmacy.reports.export.pdf_parts import (
    PROFILE_LABEL,
    daily_chart,
    losses_block,
    masthead,
    signature_block,
)
from pharmacy.reports.export.register_layout import legal_table
from pharmacy.reports.export.table import local, medicine_name, qty, signed
from pharmacy.reports.monthly_model import MUST_ACKNOWLEDGE, MonthlyLine, MonthlyReport
from pharmacy.reports.register_report import RegisterReport

Translate = Callable[[str], str]

MONTHLY_TITLE = N_("Controlled medicines — month-end report")
REGISTER_TITLE = N_("Controlled medicines — register")
FIGURES = N_("Figures per medicine and batch")
FIGURES_NOTE = N_(
    "Quantities in each medicine's base unit. Opening + receipts − dispensed − returned to supplier − destroyed "
    "− losses ± adjustments ± corrections = closing. Patient returns are a separate record, never stock."
)
STOCK = N_("Stock")
LAST_COUNT = N_("Last count")
RETURNS = N_("Patient returns record")
AWAITING = N_("awaiting destruction")
EXPIRES = N_("exp. {date}")
NOT_TIED = N_("does not tie out")
RECONCILIATION = N_("Prescription reconciliation")
RECONCILED = N_("Prescriptions reconciled: {count}. Problems found: {problems}.")
NO_PROBLEMS = N_("No problems found.")
COUNTS = N_("Counts held in the month")
NO_COUNTS = N_("No count was held in the month.")
OPEN = N_("Open problems")
MUST_ACK = N_("(to be acknowledged by the signer)")

_STOCK_KEYS = ("opening", "receipts", "dispensed", "supplier_returns", "destroyed", "losses")
_SIGNED_KEYS = ("adjustments", "corrections")
# The returns record: opening, received, destroyed, then its corrections and count adjustments (signed), closing.
_RETURN_KEYS = ("returns_opening", "patient_returns", "returns_destroyed")
_FIGURE_LABELS = (
    N_("Batch"),
    N_("Opening"),
    N_("Receipts"),
    N_("Dispensed"),
    N_("To supplier"),
    N_("Destroyed"),
    N_("Losses"),
    N_("Adjust."),
    N_("Correct."),
    N_("Closing"),
    N_("Quantity"),
    N_("Date"),
    N_("Variance"),
    N_("Opening"),
    N_("Received"),
    N_("Destroyed"),
    N_("Other ±"),
    N_("Closing"),
)
_WIDTHS = (26, 14, 14, 14, 14, 14, 14, 14, 14, 14, 14, 18, 14, 14, 14, 14, 14, 14)
_ZERO = FontFace(color=(170, 170, 170))


def monthly_pdf(report: MonthlyReport, translate: Translate) -> bytes:
    t, tz = translate, report.pharmacy.tz
    footer = t(GENERATED).format(at=local(report.generated_at, tz)) + f" · {report.figures_digest[:16]}…"
    running = Running(t(MONTHLY_TITLE), f"{report.pharmacy.name} · {report.month}", footer, report.close is None)
    pdf = ReportPdf(running, t)
    pdf.add_page()
    masthead(pdf, report)
    pdf.section(t(FIGURES), t(FIGURES_NOTE))
    figures_grid(pdf, report)
    daily_chart(pdf, report)
    reconciliation_block(pdf, report)
    pdf.section(t(COUNTS))
    if report.counts:
        draw_table(pdf, counts_table(report))
    else:
        pdf.paragraph(t(NO_COUNTS), size=8.5, color=MUTED)
    losses_block(pdf, report)
    problems_block(pdf, report)
    signature_block(pdf, report)
    return pdf.finish()


def _medicine_heading(line: MonthlyLine, translate: Translate, profile: Profile) -> str:
    med = line.medicine
    parts = [medicine_name(med, profile), med.form]
    parts += [
        med.code,
        line.class_code or "",
        translate(N_("unit: {unit}")).format(unit=unit_name(med.base_unit, translate)),
    ]
    return " · ".join(p for p in parts if p)


def _figure_cells(line: MonthlyLine, t: Translate, tz: ZoneInfo) -> list[tuple[str, FontFace | None]]:
    med, f, count = line.medicine, line.figures, line.last_count
    batch = line.lot.batch + "\n" + t(EXPIRES).format(date=line.lot.expiry.isoformat())
    if line.awaiting_destruction:
        batch += "\n⚠ " + t(AWAITING)
    if not f.ties_out:
        batch += "\n✗ " + t(NOT_TIED)
    red = FontFace(color=(176, 32, 32), emphasis="BOLD")
    cells: list[tuple[str, FontFace | None]] = [(batch, red if line.awaiting_destruction or not f.ties_out else None)]
    cells += [_num(str(qty(getattr(f, k), med))) for k in _STOCK_KEYS]
    cells += [_num(signed(qty(getattr(f, k), med))) for k in _SIGNED_KEYS]
    cells.append((str(qty(f.closing, med)), FontFace(emphasis="BOLD")))
    if count is None:
        cells += [("—", _ZERO)] * 3
    else:
        when = count.counted_at.astimezone(tz).date().isoformat()
        cells += [(str(qty(count.counted, med)), None), (when, None), _num(signed(qty(count.variance, med)))]
    cells += [_num(str(qty(getattr(f, k), med))) for k in _RETURN_KEYS]
    cells += [_num(signed(qty(f.returns_other, med))), _num(str(qty(f.returns_closing, med)))]
    return cells


def _num(text: str) -> tuple[str, FontFace | None]:
    return (text, _ZERO if text == "0" else None)


def _figure_headings(pdf: ReportPdf, out: Table) -> None:
    t = pdf.t
    top = out.row()
    top.cell("")
    top.cell(t(STOCK), colspan=9, align="CENTER")
    top.cell(t(LAST_COUNT), colspan=3, align="CENTER")
    top.cell(t(RETURNS), colspan=5, align="CENTER")
    labels = out.row()
    for i, label in enumerate(_FIGURE_LABELS):
        labels.cell(t(label), align="LEFT" if i == 0 else "RIGHT")


def figures_grid(pdf: ReportPdf, report: MonthlyReport) -> None:
    """Medicine heading rows spanning the page, one row per batch; headings repeat on each page."""
    pdf.set_font("body", "", 7.5)
    pdf.set_draw_color(*HEAD_FILL)
    with pdf.table(
        col_widths=_WIDTHS,
        text_align=("LEFT", *("RIGHT",) * 17),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL, color=ACCENT, size_pt=6.5),
        num_heading_rows=2,
        cell_fill_color=ZEBRA,
        cell_fill_mode=TableCellFillMode.ROWS,
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        line_height=3.6,
        padding=(0.8, 0.6),
        v_align="MIDDLE",
    ) as out:
        _figure_headings(pdf, out)
        current = None
        for line in report.lines:
            if line.medicine.id != current:
                current = line.medicine.id
                group = out.row(style=FontFace(emphasis="BOLD", fill_color=GROUP_FILL, color=ACCENT))
                group.cell(_medicine_heading(line, pdf.t, report.pharmacy.profile), colspan=18, align="LEFT")
            row = out.row()
            for text, style in _figure_cells(line, pdf.t, report.pharmacy.tz):
                row.cell(text, style=style)
    pdf.ln(1)


def reconciliation_block(pdf: ReportPdf, report: MonthlyReport) -> None:
    t, rec = pdf.t, report.reconciliation
    pdf.section(t(RECONCILIATION))
    pdf.paragraph(t(RECONCILED).format(count=len(rec.lines), problems=len(rec.problems)), size=9, bold=True)
    if rec.problems:
        pdf.bullets([p.render(t) for p in rec.problems], color=(176, 32, 32))
    else:
        pdf.paragraph(t(NO_PROBLEMS), size=8.5, color=MUTED)


def problems_block(pdf: ReportPdf, report: MonthlyReport) -> None:
    t = pdf.t
    pdf.section(t(OPEN))
    if not report.problems:
        pdf.paragraph(t(NO_PROBLEMS), size=8.5, color=MUTED)
        return
    items = [p.render(t) + (" " + t(MUST_ACK) if p.kind in MUST_ACKNOWLEDGE else "") for p in report.problems]
    pdf.bullets(items, color=(176, 32, 32))


def register_pdf(report: RegisterReport, translate: Translate) -> bytes:
    t, tz, med = translate, report.pharmacy.tz, report.medicine
    footer = t(GENERATED).format(at=local(report.generated_at, tz))
    name = medicine_name(med, report.pharmacy.profile)
    running = Running(t(REGISTER_TITLE), f"{report.pharmacy.name} · {name} · {report.month}", footer, False)
    pdf = ReportPdf(running, t)
    pdf.add_page()
    table = legal_table(report)
    pdf.set_font("body", "B", 15)
    pdf.set_text_color(*ACCENT)
    pdf.cell(0, 8, t(table.title), new_x="LMARGIN", new_y="NEXT")
    pdf.paragraph(f"{report.pharmacy.name} · {report.pharmacy.licence_no} · {report.pharmacy.address}", size=9)
    pdf.paragraph(t(PROFILE_LABEL[report.pharmacy.profile.value]), size=8, color=MUTED)
    details = [name, med.form, report.class_code or "", med.code]
    details += [f"{k.upper()} {c}" for k, c in report.codes]
    pdf.paragraph(" · ".join(d for d in details if d), size=10, bold=True)
    period = t(N_("Period: {first} to {last} ({zone}); quantities in {unit}")).format(
        first=report.first_day.isoformat(), last=report.last_day.isoformat(), zone=report.pharmacy.timezone,
        unit=unit_name(med.base_unit, t))  # fmt: skip
    pdf.paragraph(period, size=8.5, color=MUTED)
    pdf.ln(2)
    draw_table(pdf, table)
    return pdf.finish()
