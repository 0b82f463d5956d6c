"""The rows of the Returns & destruction lists: batches awaiting destruction and the losses' reporting duties.

Red marks what is late: a CN application whose 5 days have passed with the stock still held (条例 Art.61,
CN-14), and a loss report past its deadline (21 CFR 1301.76(b), 条例 Art.64).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date

from rich.text import Text

from pharmacy.domain.duties import DUTY_LABEL, Duty
from pharmacy.domain.holds import HOLD_REASON_LABEL
from pharmacy.domain.quantity import format_quantity
from pharmacy.reports.disposal import HeldLot
from pharmacy.reports.monthly_model import LossStatus

Translate = Callable[[str], str]


def held_cells(h: HeldLot, t: Translate, unit: str, today: date, jurisdiction: str) -> list[str | Text]:
    med = h.medicine
    if h.quarantine is not None:
        reason = t(HOLD_REASON_LABEL[h.quarantine.reason])
        status = t("quarantined ({reason}) {day}").format(reason=reason, day=h.quarantine.on.isoformat())
    else:
        status = t("expired") if h.expired else t("patient returns") if h.returns else "—"
    applied: str | Text = ""
    if h.application is not None and h.supervise_by is not None:
        applied = t("{ref}, due {due}").format(ref=h.application.reference or "", due=h.supervise_by.isoformat())
        if h.stock and today > h.supervise_by:
            applied = Text(applied, style="bold red")  # 条例 Art.61: 5 days passed, nothing destroyed

    def qty(steps: int) -> str:
        return f"{format_quantity(steps, med.unit)} {unit}"

    name = f"{med.name_in(jurisdiction)} {med.strength}"
    return [name, h.batch, h.expiry.isoformat(), qty(h.stock), qty(h.returns), status, applied]


def duty_rows(
    losses: list[LossStatus], t: Translate, today: date, jurisdiction: str
) -> Iterator[tuple[str, int, Duty, list[Text]]]:
    """(row key, loss entry No., duty, cells) for each duty of each loss; overdue ones in red."""
    for loss in losses:
        med = loss.medicine
        for due in loss.duties:
            done = f"{due.done_on.isoformat()} {due.reference or ''}".strip() if due.done_on else ""
            late = due.overdue(today)
            cells = (str(loss.seq), loss.occurred_on.isoformat(), f"{med.name_in(jurisdiction)} {med.strength}",
                     loss.batch, format_quantity(loss.quantity, med.unit), t(DUTY_LABEL[due.duty]),
                     due.due_on.isoformat(), t("overdue") if late else done)  # fmt: skip
            style = "bold red" if late else ""
            yield f"{loss.seq}:{due.duty.value}", loss.seq, due.duty, [Text(c, style=style) for c in cells]
