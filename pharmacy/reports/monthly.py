"""Builds the monthly report: the signed figures, the prescription reconciliation and every open problem.

The figures come from `services.review.month_review`, the same fold the close signs, so a printed report of a
closed month carries the digest stored with its close.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Engine, select

from pharmacy.db import rows as r
from pharmacy.db.uow import SqlUnitOfWork, SqlUnitOfWorkFactory
from pharmacy.domain.clock import SystemClock
from pharmacy.domain.counts import CountLine
from pharmacy.domain.duties import DUTY_LABEL
from pharmacy.domain.errors import UnknownPharmacy
from pharmacy.domain.holds import HoldKind
from pharmacy.domain.monthly import LotFigures
from pharmacy.domain.movement import Book
from pharmacy.domain.ports import expired_on
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Lot, Medicine, Pharmacy
from pharmacy.domain.timing import local_day, month_bounds, parse_month
from pharmacy.reports.monthly_model import (
    CountSummary,
    LastCount,
    LossStatus,
    MonthlyLine,
    MonthlyReport,
    OpenProblem,
    OpenProblemKind,
    SignedClose,
)
from pharmacy.reports.reconcile import PrescriptionLine, reconcile_prescriptions
from pharmacy.rules.facts import resolve_class
from pharmacy.services.counts import count_status
from pharmacy.services.losses import loss_checklists
from pharmacy.services.review import month_review

# 条例 Art.61: the regulator attends within 5 days of the application (CN-14).
SUPERVISION_DAYS = 5


def monthly_report(engine: Engine, pharmacy_id: int, month: str, now: datetime | None = None) -> MonthlyReport:
    month = parse_month(month)
    now = now or SystemClock().now()
    with SqlUnitOfWorkFactory(engine)(write=False) as uow:
        pharmacy = uow.reference.pharmacy(pharmacy_id)
        if pharmacy is None:
            raise UnknownPharmacy(key=str(pharmacy_id))
        start, end = month_bounds(month, pharmacy.tz)
        review = month_review(uow, pharmacy, month)
        lines = _lines(uow, pharmacy, review.figures, end)
        losses = _losses(uow, pharmacy, start, end)
        counts = _counts(uow, pharmacy, start, end)
        close = _close(uow, pharmacy, month)
        head = (close.head_seq, close.head_hash) if close else _head(uow, pharmacy)
        daily = _daily(uow, pharmacy, review.figures, start, end)
        problems = _problems(uow, pharmacy, lines, review.unexplained, losses, (start, end, now))
    reconciliation = reconcile_prescriptions(engine, pharmacy_id, month)
    problems += _owing(reconciliation.lines, (end - timedelta(seconds=1)).astimezone(pharmacy.tz).date())
    last_day = (end - timedelta(seconds=1)).astimezone(pharmacy.tz).date()
    return MonthlyReport(
        pharmacy=pharmacy,
        month=month,
        first_day=start.date(),
        last_day=last_day,
        generated_at=now,
        lines=tuple(lines),
        reconciliation=reconciliation,
        problems=tuple(problems),
        counts=tuple(counts),
        losses=tuple(losses),
        close=close,
        chain_head=head,
        figures_digest=review.digest,
        daily_balance=daily,
    )


def _lines(uow: SqlUnitOfWork, pharmacy: Pharmacy, figures: Sequence[LotFigures], end: datetime) -> list[MonthlyLine]:
    last = _last_counts(uow.custody.lines_counted(pharmacy.id, None, end))
    last_day = (end - timedelta(seconds=1)).astimezone(pharmacy.tz).date()
    held = {h.lot_id for h in uow.custody.holds(pharmacy.id) if h.kind is HoldKind.QUARANTINE and h.on <= last_day}
    out = []
    for f in figures:
        med, lot = _medicine(uow, f.medicine_id), _lot(uow, f.lot_id)
        classes = [(c.jurisdiction, c.class_code, c.effective_from) for c in uow.reference.medicine_classes(med.id)]
        awaiting = f.returns_closing > 0 or (f.closing > 0 and (lot.id in held or expired_on(lot, last_day)))
        out.append(
            MonthlyLine(
                medicine=med,
                lot=lot,
                class_code=resolve_class(classes, pharmacy.profile.jurisdiction, last_day),
                figures=f,
                last_count=last.get(lot.id),
                awaiting_destruction=awaiting,
            )
        )
    return sorted(out, key=lambda x: (x.medicine.code, x.lot.expiry, x.lot.batch))


def _medicine(uow: SqlUnitOfWork, medicine_id: int) -> Medicine:
    med = uow.reference.medicine(medicine_id)
    assert med is not None  # the ledger's foreign key
    return med


def _lot(uow: SqlUnitOfWork, lot_id: int) -> Lot:
    lot = uow.reference.lot(lot_id)
    assert lot is not None
    return lot


def _last_counts(lines: Iterable[CountLine]) -> dict[int, LastCount]:
    """The latest count of each lot's stock (lines come in counted order)."""
    last: dict[int, LastCount] = {}
    for x in lines:
        if x.book is Book.STOCK:
            last[x.lot_id] = LastCount(x.counted, x.counted_at, x.variance, x.reason, x.estimated)
    return last


def _losses(uow: SqlUnitOfWork, pharmacy: Pharmacy, start: datetime, end: datetime) -> list[LossStatus]:
    out = []
    for m, duties in loss_checklists(uow, pharmacy, start, end):
        lot = _lot(uow, m.lot_id)
        day = local_day(m.occurred_at, pharmacy.tz)
        out.append(LossStatus(m.seq, day, _medicine(uow, m.medicine_id), lot.batch, -m.quantity, tuple(duties)))
    return out


def _counts(uow: SqlUnitOfWork, pharmacy: Pharmacy, start: datetime, end: datetime) -> list[CountSummary]:
    out = []
    for count in uow.custody.counts(pharmacy.id, start):
        if count.started_at >= end:
            continue
        status = count_status(uow, pharmacy, count)
        who = uow.reference.user(count.started_by_id)
        out.append(
            CountSummary(
                started_at=count.started_at,
                started_by=who.full_name if who else "?",
                scope=count.scope_value or count.scope.value,
                count_type=count.count_type,
                lots_expected=len(status.expected),
                lots_counted=len(status.lines),
                variances=sum(1 for x in status.lines if x.variance and not x.estimated),
                unexplained=status.unexplained,
            )
        )
    return out


def _close(uow: SqlUnitOfWork, pharmacy: Pharmacy, month: str) -> SignedClose | None:
    for c in uow.ledger.closes(pharmacy.id):
        if c.month == month:
            signer = uow.reference.user(c.signed_by_id)
            name = signer.full_name if signer else "?"
            if signer and signer.registration_no:
                name = f"{name} ({signer.registration_no})"
            return SignedClose(month, c.head_seq, c.head_hash, name, c.signed_at, c.figures_digest, c.acknowledgement)
    return None


def _head(uow: SqlUnitOfWork, pharmacy: Pharmacy) -> tuple[int, str]:
    q = select(r.ChainHeadRow.last_seq, r.ChainHeadRow.last_hash).where(r.ChainHeadRow.pharmacy_id == pharmacy.id)
    seq, last = uow.session.execute(q).one()
    return int(seq), str(last)


def _daily(
    uow: SqlUnitOfWork, pharmacy: Pharmacy, figures: Sequence[LotFigures], start: datetime, end: datetime
) -> dict[int, tuple[int, ...]]:
    """The stock balance of each medicine at the end of each day of the month (for the chart)."""
    first = local_day(start, pharmacy.tz)
    days = (local_day(end, pharmacy.tz) - first).days
    # Each local midnight after the first, in UTC: an entry's day is how many of them it is past (a bisection,
    # not a time-zone conversion per entry).
    midnights = [datetime.combine(first + timedelta(days=i), time(0), tzinfo=pharmacy.tz) for i in range(1, days)]
    moved: dict[int, list[int]] = defaultdict(lambda: [0] * days)
    m = r.MovementRow
    q = select(m.medicine_id, m.occurred_at, m.quantity).where(
        m.pharmacy_id == pharmacy.id, m.book == Book.STOCK.value, m.occurred_at >= start, m.occurred_at < end
    )
    for medicine_id, at, quantity in uow.session.execute(q):
        moved[medicine_id][bisect_right(midnights, _aware(at))] += quantity
    opening: dict[int, int] = defaultdict(int)
    for f in figures:
        opening[f.medicine_id] += f.opening
        moved[f.medicine_id]  # every medicine in the figures gets a line, moved or not
    return {mid: _running(opening[mid], steps) for mid, steps in moved.items()}


def _aware(at: datetime) -> datetime:
    """SQLite hands back naive UTC from a Core select; PostgreSQL aware."""
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _running(opening: int, steps: list[int]) -> tuple[int, ...]:
    out, balance = [], opening
    for step in steps:
        balance += step
        out.append(balance)
    return tuple(out)


def _problems(
    uow: SqlUnitOfWork,
    pharmacy: Pharmacy,
    lines: Sequence[MonthlyLine],
    unexplained: Sequence[CountLine],
    losses: Sequence[LossStatus],
    when: tuple[datetime, datetime, datetime],
) -> list[OpenProblem]:
    start, end, now = when
    today = local_day(now, pharmacy.tz)
    by_lot = {x.lot.id: x for x in lines}
    problems = [_unexplained(uow, pharmacy, x, by_lot) for x in unexplained]
    for line in lines:
        problems += _line_problems(line, pharmacy, start, end)
    for loss in losses:
        problems += [
            OpenProblem(
                OpenProblemKind.LOSS_DUTY,
                {
                    "duty": DUTY_LABEL[d.duty],
                    "medicine": loss.medicine.display_name,
                    "batch": loss.batch,
                    "due": d.due_on.isoformat(),
                },
            )
            for d in loss.duties
            if d.overdue(today)
        ]
    last_day = (end - timedelta(seconds=1)).astimezone(pharmacy.tz).date()
    return problems + _supervision_overdue(uow, pharmacy, lines, min(today, last_day))


def _unexplained(uow: SqlUnitOfWork, pharmacy: Pharmacy, x: CountLine, by_lot: dict[int, MonthlyLine]) -> OpenProblem:
    med = by_lot[x.lot_id].medicine if x.lot_id in by_lot else _medicine(uow, x.medicine_id)
    lot = by_lot[x.lot_id].lot if x.lot_id in by_lot else _lot(uow, x.lot_id)
    return OpenProblem(
        OpenProblemKind.UNEXPLAINED_VARIANCE,
        {
            "variance": ("+" if x.variance > 0 else "") + format_quantity(x.variance, med.unit),
            "unit": med.base_unit,
            "medicine": med.display_name,
            "batch": lot.batch,
            "day": local_day(x.counted_at, pharmacy.tz).isoformat(),
        },
    )


def _line_problems(line: MonthlyLine, pharmacy: Pharmacy, start: datetime, end: datetime) -> list[OpenProblem]:
    med, lot, f = line.medicine, line.lot, line.figures
    subject = {"medicine": med.display_name, "batch": lot.batch}
    out = []
    if not f.ties_out:
        out.append(OpenProblem(OpenProblemKind.FIGURES_DO_NOT_TIE, subject))
    if f.closing > 0 and (line.last_count is None or line.last_count.counted_at < start):
        out.append(OpenProblem(OpenProblemKind.UNCOUNTED_LOT, subject))
    if line.awaiting_destruction:
        held = f.closing + f.returns_closing
        shown = {"quantity": format_quantity(held, med.unit), "unit": med.base_unit}
        out.append(OpenProblem(OpenProblemKind.AWAITING_DESTRUCTION, subject | shown))
    return out


def _supervision_overdue(
    uow: SqlUnitOfWork, pharmacy: Pharmacy, lines: Sequence[MonthlyLine], as_of: date
) -> list[OpenProblem]:
    """CN-14: destruction applied for, no supervised destruction 5 days later, the stock still held."""
    if pharmacy.profile.jurisdiction != "cn":
        return []
    held = {x.lot.id: x for x in lines if x.figures.closing > 0}
    out = []
    for h in uow.custody.holds(pharmacy.id):
        line = held.get(h.lot_id)
        if (
            h.kind is not HoldKind.DESTRUCTION_APPLIED
            or line is None
            or as_of <= h.on + timedelta(days=SUPERVISION_DAYS)
        ):
            continue
        subject = {"medicine": line.medicine.display_name, "batch": line.lot.batch, "applied": h.on.isoformat()}
        out.append(OpenProblem(OpenProblemKind.SUPERVISION_OVERDUE, subject))
    return out


def _owing(lines: Iterable[PrescriptionLine], last_day: date) -> list[OpenProblem]:
    """Part supplies still owed and still suppliable at the month's end (regulations §7.2: owings drift the
    balance). An owing that lapsed with its prescription is the reconciliation's problem, not an open one."""
    return [
        OpenProblem(
            OpenProblemKind.OWING,
            {
                "owing": format_quantity(line.owing, line.medicine.unit),
                "unit": line.medicine.base_unit,
                "medicine": line.medicine.display_name,
                "number": line.number,
            },
        )
        for line in lines
        if line.owing > 0 and (line.valid_until is None or line.valid_until > last_day)
    ]
