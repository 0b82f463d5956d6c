"""The count screen's read models: one count's sheet (every lot expected or found, its book at the snapshot and
now, what was counted) and the history of counts with their outcome.

A lot's book "now" is what a count line is judged against (services.counts): entries made during the count are
shown beside the snapshot, never blocked (regulations §7.2; lessons: stocktakes collide with live dispensing).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pharmacy.db import mapping as to
from pharmacy.db import rows as r
from pharmacy.domain.counts import CountLine, CountScope, CountType, StockCount, TakenAt, VarianceReason
from pharmacy.domain.errors import UnknownCount, UnknownPharmacy
from pharmacy.domain.movement import Book
from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.reference import Lot, Medicine, Pharmacy
from pharmacy.services.counts import CountStatus, count_status


@dataclass(frozen=True)
class SheetLine:
    medicine: Medicine
    lot: Lot
    book: Book
    snapshot: int  # the lot's book when the count started (0 for a lot found that was not expected)
    book_now: int  # the book it was counted against, or its balance now if not counted yet
    expected: bool  # held at the snapshot and in scope
    line: CountLine | None  # the count of this lot, once made

    @property
    def moved(self) -> int:
        """What was entered against the lot while the count went on."""
        return self.book_now - self.snapshot


@dataclass(frozen=True)
class CountSheet:
    count: StockCount
    started_by: str
    lines: tuple[SheetLine, ...]

    @property
    def expected(self) -> int:
        return sum(1 for x in self.lines if x.expected)

    @property
    def counted(self) -> int:
        return sum(1 for x in self.lines if x.expected and x.line is not None)

    @property
    def variances(self) -> int:
        return sum(1 for x in self.lines if x.line is not None and x.line.variance and not x.line.estimated)


@dataclass(frozen=True)
class CountRecord:
    """One count in the history: how far it got and how its variances were explained."""

    id: UUID
    started_at: datetime
    started_by: str
    scope: CountScope
    scope_value: str | None
    count_type: CountType
    taken_at: TakenAt | None
    expected: int
    counted: int
    variances: int
    unexplained: int

    @property
    def finished(self) -> bool:
        return self.counted >= self.expected


@dataclass(frozen=True)
class FoundLot:
    """A lot found on the shelf by its batch number, with its books now."""

    medicine: Medicine
    lot: Lot
    stock: int
    returns: int


def _pharmacy(uow: UnitOfWork, pharmacy_id: int) -> Pharmacy:
    pharmacy = uow.reference.pharmacy(pharmacy_id)
    if pharmacy is None:
        raise UnknownPharmacy(key=str(pharmacy_id))
    return pharmacy


def _who(uow: UnitOfWork, user_id: int) -> str:
    user = uow.reference.user(user_id)
    return user.full_name if user else "?"


def count_sheet(uow: UnitOfWork, pharmacy_id: int, count_id: UUID) -> CountSheet:
    pharmacy = _pharmacy(uow, pharmacy_id)
    count = uow.custody.count(pharmacy.id, count_id)
    if count is None:
        raise UnknownCount(key=str(count_id))
    status = count_status(uow, pharmacy, count)
    done = {(x.lot_id, x.book): x for x in status.lines}
    expected = {(e.lot_id, e.book): e.snapshot_balance for e in status.expected}
    keys = list(expected) + [k for k in done if k not in expected]
    out = []
    for lot_id, book in keys:
        lot = uow.reference.lot(lot_id)
        med = uow.reference.medicine(lot.medicine_id) if lot else None
        assert lot is not None and med is not None  # the ledger's foreign keys
        line = done.get((lot_id, book))
        snapshot = expected.get((lot_id, book), line.snapshot_balance if line else 0)
        now = line.book_balance if line else uow.ledger.balance(lot_id, book.value)
        out.append(SheetLine(med, lot, book, snapshot, now, (lot_id, book) in expected, line))
    out.sort(key=lambda x: (x.medicine.code, x.book.value != "stock", x.lot.expiry, x.lot.batch))
    return CountSheet(count, _who(uow, count.started_by_id), tuple(out))


def _record(uow: UnitOfWork, status: CountStatus) -> CountRecord:
    c, counted = status.count, {(x.lot_id, x.book) for x in status.lines}
    return CountRecord(
        id=c.id,
        started_at=c.started_at,
        started_by=_who(uow, c.started_by_id),
        scope=c.scope,
        scope_value=c.scope_value,
        count_type=c.count_type,
        taken_at=c.taken_at,
        expected=len(status.expected),
        counted=sum(1 for e in status.expected if (e.lot_id, e.book) in counted),
        variances=sum(1 for x in status.lines if x.variance and not x.estimated),
        unexplained=sum(1 for x in status.lines if x.reason is VarianceReason.UNEXPLAINED),
    )


def count_history(uow: UnitOfWork, pharmacy_id: int, limit: int = 30) -> list[CountRecord]:
    """The latest counts, newest first."""
    pharmacy = _pharmacy(uow, pharmacy_id)
    counts = uow.custody.counts(pharmacy.id)[-limit:]
    return [_record(uow, count_status(uow, pharmacy, c)) for c in reversed(counts)]


def class_codes(engine: Engine, jurisdiction: str) -> list[str]:
    """The classes medicines hold in the jurisdiction (CN narcotic…, US CII…, UK 2…), for a count by class."""
    c = r.MedicineClassRow
    q = select(c.class_code).where(c.jurisdiction == jurisdiction).distinct().order_by(c.class_code)
    with Session(engine) as session:
        return list(session.scalars(q))


def lots_by_batch(engine: Engine, pharmacy_id: int, batch: str, medicine_id: int | None = None) -> list[FoundLot]:
    """Lots of the pharmacy with this batch number (of one medicine when the pack was scanned)."""
    lot, med, b = r.LotRow, r.MedicineRow, r.BalanceRow
    stock = select(b.balance).where(b.lot_id == lot.id, b.book == Book.STOCK.value).scalar_subquery()
    returns = select(b.balance).where(b.lot_id == lot.id, b.book == Book.RETURNS.value).scalar_subquery()
    q = (
        select(med, lot, func.coalesce(stock, 0), func.coalesce(returns, 0))
        .join(med, med.id == lot.medicine_id)
        .where(lot.pharmacy_id == pharmacy_id, func.lower(lot.batch) == batch.strip().lower())
        .order_by(med.code)
    )
    if medicine_id is not None:
        q = q.where(lot.medicine_id == medicine_id)
    with Session(engine) as session:
        return [FoundLot(to.medicine(m), to.lot(x), int(s), int(rt)) for m, x, s, rt in session.execute(q)]
