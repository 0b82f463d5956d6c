"""Blocks of the printed month-end report: masthead, daily balance chart, losses checklist, signature and seal.

The seal shows the chain head the close recorded (ARCHITECTURE §1.5) in full, so a reader can compare it with
`pharmacy verify`, and the digest of the figures, so a later print can be shown to carry the signed figures.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date

from fpdf.fonts import FontFace

from pharmacy.domain.duties import DUTY_LABEL
from pharmacy.domain.errors import N_
from pharmacy.domain.profile import Profile
from pharmacy.domain.reference import Medicine
from pharmacy.i18n import unit_name
from pharmacy.reports.export.monthly_tables import duty_status
from pharmacy.reports.export.pdf_doc import ACCENT, GREEN, HEAD_FILL, INK, MUTED, RED, ZEBRA, ReportPdf
from pharmacy.reports.export.table import local, medicine_name, qty
from pharmacy.reports.monthly_model import MonthlyReport

PROFILE_LABEL = {
    "cn_hospital": N_("China — medical institution pharmacy (麻醉药品和精神药品管理条例)"),
    "cn_retail": N_("China — retail pharmacy (麻醉药品和精神药品管理条例)"),
    "us": N_("United States — DEA registrant (21 CFR 1304)"),
    "uk": N_("United Kingdom — Misuse of Drugs Regulations 2001"),
}
PERIOD = N_("Period: {first} to {last} ({zone})")
LICENCE = N_("Licence No. {licence}")
SIGNED_BADGE = N_("SIGNED")
DRAFT_BADGE = N_("DRAFT — not signed")
CHART = N_("Daily closing balance")
CHART_SCALE = N_("highest {top} · at month end {last} {unit}")
CHART_NOTE = N_("Stock held at the end of each day of the month, per medicine.")
LOSSES = N_("Losses and their reporting duties")
NO_LOSSES = N_("No loss was recorded in the month.")
DONE_ON = N_("done {date}")
OVERDUE = N_("OVERDUE")
DUE = N_("due")
SIGNATURE = N_("Signature and seal")
SIGNED_BY = N_("Signed by")
SIGNED_AT = N_("Signed at")
ACKNOWLEDGED = N_("Acknowledgement")
SEALED_HEAD = N_("Sealed chain head: entry No. {seq}")
DRAFT_HEAD = N_("Chain head when this draft was made: entry No. {seq}")
DIGEST = N_("Figures digest (SHA-256)")
DRAFT_TEXT = N_(
    "DRAFT — not signed. The responsible pharmacist has not signed this month; its figures may still change."
)
DIGEST_DIFFERS = N_(
    "The figures differ from those signed (signed digest {digest}): the register changed after the close. "
    "Run `pharmacy verify`."
)


def masthead(pdf: ReportPdf, report: MonthlyReport) -> None:
    t, ph = pdf.t, report.pharmacy
    top = pdf.get_y()
    pdf.set_font("body", "B", 16)
    pdf.set_text_color(*ACCENT)
    pdf.cell(pdf.epw - 60, 8, t(N_("Controlled medicines — month-end report")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*INK)
    pdf.paragraph(ph.name, size=12, bold=True)
    pdf.paragraph(f"{t(LICENCE).format(licence=ph.licence_no)} · {ph.address}", size=9)
    pdf.paragraph(t(PROFILE_LABEL[ph.profile.value]), size=8.5, color=MUTED)
    period = t(PERIOD).format(first=report.first_day.isoformat(), last=report.last_day.isoformat(), zone=ph.timezone)
    pdf.paragraph(f"{report.month} · {period}", size=10, bold=True)
    _badge(pdf, top, signed=report.close is not None)


def _badge(pdf: ReportPdf, top: float, *, signed: bool) -> None:
    y = pdf.get_y()
    color = GREEN if signed else RED
    pdf.set_draw_color(*color)
    pdf.set_text_color(*color)
    pdf.set_line_width(0.6)
    pdf.set_font("body", "B", 10)
    x = pdf.w - pdf.r_margin - 56
    pdf.rect(x, top + 1, 56, 10, round_corners=True, corner_radius=2)
    pdf.set_xy(x, top + 1)
    pdf.cell(56, 10, pdf.t(SIGNED_BADGE if signed else DRAFT_BADGE), align="C")
    pdf.set_line_width(0.2)
    pdf.set_text_color(*INK)
    pdf.set_xy(pdf.l_margin, y)


def _medicines(report: MonthlyReport) -> dict[int, Medicine]:
    return {line.medicine.id: line.medicine for line in report.lines}


def daily_chart(pdf: ReportPdf, report: MonthlyReport) -> None:
    """Small bar charts, four to a row, drawn with plain rectangles (no plotting library)."""
    series = [(m, report.daily_balance[m.id]) for m in _medicines(report).values() if report.daily_balance.get(m.id)]
    if not series:
        return
    pdf.section(pdf.t(CHART), pdf.t(CHART_NOTE))
    gap, height = 5.0, 30.0
    width = (pdf.epw - 3 * gap) / 4
    for start in range(0, len(series), 4):
        if pdf.get_y() + height > pdf.h - 16:
            pdf.add_page()
        y = pdf.get_y()
        for i, (medicine, values) in enumerate(series[start : start + 4]):
            x = pdf.l_margin + i * (width + gap)
            _panel(pdf, x, y, (width, height), medicine, values, report.pharmacy.profile)
        pdf.set_y(y + height + 3)


def _fit(pdf: ReportPdf, text: str, width: float) -> str:
    """Cut a title to the panel with an ellipsis rather than letting it run into the next one."""
    if pdf.get_string_width(text) <= width:
        return text
    while text and pdf.get_string_width(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def _panel(
    pdf: ReportPdf,
    x: float,
    y: float,
    size: tuple[float, float],
    med: Medicine,
    values: Sequence[int],
    profile: Profile,
) -> None:
    w, h = size
    pdf.set_fill_color(*ZEBRA)
    pdf.rect(x, y, w, h, style="F", round_corners=True, corner_radius=1.5)
    pdf.set_font("body", "B", 7.5)
    pdf.set_text_color(*ACCENT)
    pdf.set_xy(x + 2, y + 1.2)
    pdf.cell(w - 4, 3.5, _fit(pdf, medicine_name(med, profile), w - 4))
    top, peak = max(values), values[-1]
    pdf.set_font("body", "", 6.5)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(x + 2, y + 5)
    scale = pdf.t(CHART_SCALE).format(top=qty(top, med), last=qty(peak, med), unit=unit_name(med.base_unit, pdf.t))
    pdf.cell(w - 4, 3, scale, align="L")
    base, area = y + h - 5, h - 13
    bar = (w - 4) / len(values)
    pdf.set_fill_color(*ACCENT)
    for day, value in enumerate(values):
        if value > 0 and top > 0:
            tall = area * value / top
            pdf.rect(x + 2 + day * bar + bar * 0.15, base - tall, bar * 0.7, tall, style="F")
    pdf.set_draw_color(*MUTED)
    pdf.line(x + 2, base, x + w - 2, base)
    pdf.set_xy(x + 2, base + 0.5)
    pdf.cell((w - 4) / 2, 3, "1")
    pdf.cell((w - 4) / 2, 3, str(len(values)), align="R")
    pdf.set_text_color(*INK)
    pdf.set_fill_color(255, 255, 255)


def losses_block(pdf: ReportPdf, report: MonthlyReport) -> None:
    """Each loss with its checklist (US-12: DEA notice 1 business day, Form 106 45 days; CN-15: at once)."""
    t = pdf.t
    pdf.section(t(LOSSES))
    if not report.losses:
        pdf.paragraph(t(NO_LOSSES), size=8.5, color=MUTED)
        return
    today = report.generated_at.astimezone(report.pharmacy.tz).date()
    pdf.set_font("body", "", 7.5)
    pdf.set_draw_color(*HEAD_FILL)
    heads = (N_("No."), N_("Date"), N_("Medicine"), N_("Batch"), N_("Quantity"), N_("Report to"), N_("Due"))
    with pdf.table(
        col_widths=(10, 20, 60, 22, 20, 90, 20, 31),
        text_align=("RIGHT", "LEFT", "LEFT", "LEFT", "RIGHT", "LEFT", "LEFT", "LEFT"),
        headings_style=FontFace(emphasis="BOLD", fill_color=HEAD_FILL, color=ACCENT),
        cell_fill_color=ZEBRA,
        cell_fill_mode="ROWS",
        borders_layout="HORIZONTAL_LINES",
        line_height=3.6,
        padding=(0.8, 1.0),
    ) as out:
        head = out.row()
        for label in (*heads, N_("Status")):
            head.cell(t(label))
        for loss in report.losses:
            med = loss.medicine
            for i, due in enumerate(loss.duties):
                row = out.row()
                first = i == 0
                row.cell(str(loss.seq) if first else "")
                row.cell(loss.occurred_on.isoformat() if first else "")
                row.cell(medicine_name(med, report.pharmacy.profile) if first else "")
                row.cell(loss.batch if first else "")
                row.cell(f"{qty(loss.quantity, med)} {unit_name(med.base_unit, pdf.t)}" if first else "")
                row.cell(t(DUTY_LABEL[due.duty]))
                row.cell(due.due_on.isoformat())
                text, style = _status(t, duty_status(due.due_on, due.done_on, today), due.done_on, due.reference)
                row.cell(text, style=style)
    pdf.ln(2)


def _status(t: Callable[[str], str], status: str, done_on: date | None, ref: str | None) -> tuple[str, FontFace]:
    if status == "done":
        text = t(DONE_ON).format(date=done_on.isoformat() if done_on else "") + (f" ({ref})" if ref else "")
        return text, FontFace(color=GREEN)
    if status == "overdue":
        return t(OVERDUE), FontFace(color=RED, emphasis="BOLD")
    return t(DUE), FontFace(color=INK)


def _seal_lines(pdf: ReportPdf, label: str, digest: str) -> None:
    """A SHA-256 in full, monospace, broken in two halves so it never runs off the page."""
    pdf.set_font("body", "B", 8)
    pdf.cell(0, 4.5, label, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("mono", "", 8.5)
    for half in (digest[:32], digest[32:]):
        pdf.set_x(pdf.l_margin + 4)
        pdf.cell(0, 4.2, " ".join(half[i : i + 8] for i in range(0, len(half), 8)), new_x="LMARGIN", new_y="NEXT")


def _field(pdf: ReportPdf, label: str, value: str) -> None:
    pdf.set_font("body", "B", 8.5)
    pdf.cell(40, 5, label)
    pdf.set_font("body", "", 9)
    pdf.multi_cell(0, 5, value or "—", new_x="LMARGIN", new_y="NEXT")


def signature_block(pdf: ReportPdf, report: MonthlyReport) -> None:
    """Who signed and when (in the pharmacy's zone), the acknowledgement, the sealed head and the digest."""
    t, c = pdf.t, report.close
    if pdf.get_y() > pdf.h - 80:
        pdf.add_page()
    pdf.section(t(SIGNATURE))
    if c is None:
        pdf.set_fill_color(251, 234, 234)
        pdf.set_text_color(*RED)
        pdf.set_font("body", "B", 10)
        pdf.multi_cell(0, 7, t(DRAFT_TEXT), fill=True, new_x="LMARGIN", new_y="NEXT", padding=(1, 3))
        pdf.set_text_color(*INK)
        pdf.ln(2)
        seq, head = report.chain_head
        _seal_lines(pdf, t(DRAFT_HEAD).format(seq=seq), head)
    else:
        _field(pdf, t(SIGNED_BY), c.signed_by)
        _field(pdf, t(SIGNED_AT), local(c.signed_at, report.pharmacy.tz) or "")
        _field(pdf, t(ACKNOWLEDGED), c.acknowledgement or "")
        pdf.ln(1)
        _seal_lines(pdf, t(SEALED_HEAD).format(seq=c.head_seq), c.head_hash)
    pdf.ln(1)
    _seal_lines(pdf, t(DIGEST), report.figures_digest)
    if c is not None and c.figures_digest and c.figures_digest != report.figures_digest:
        pdf.ln(1)
        pdf.paragraph(t(DIGEST_DIFFERS).format(digest=c.figures_digest), size=9, color=RED, bold=True)
