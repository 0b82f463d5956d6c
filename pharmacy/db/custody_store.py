"""Repository of custody: stock counts and their lines, lot holds, destruction records and loss duties."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime
from uuid import UUID

from sqlalchemy import select
from sqlalchemy.orm import Session

from pharmacy.db import rows as r
from pharmacy.domain.counts import CountLine, CountScope, CountType, StockCount, TakenAt, VarianceReason
from pharmacy.domain.destruction import DestructionRecord
from pharmacy.domain.duties import Duty, DutyDone
from pharmacy.domain.holds import HoldKind, HoldReason, LotHold
from pharmacy.domain.movement import Book


def _count(row: r.StockCountRow) -> StockCount:
    return StockCount(
        id=row.id,
        pharmacy_id=row.pharmacy_id,
        scope=CountScope(row.scope),
        scope_value=row.scope_value,
        count_type=CountType(row.count_type),
        taken_at=TakenAt(row.taken_at) if row.taken_at else None,
        snapshot_seq=row.snapshot_seq,
        started_at=row.started_at,
        started_by_id=row.started_by_id,
        note=row.note,
    )


def _line(row: r.CountLineRow) -> CountLine:
    values = {c: getattr(row, c) for c in CountLine.__dataclass_fields__}
    values["book"] = Book(row.book)
    values["reason"] = VarianceReason(row.reason) if row.reason else None
    return CountLine(**values)


def _hold(row: r.LotHoldRow) -> LotHold:
    values = {c: getattr(row, c) for c in LotHold.__dataclass_fields__}
    return LotHold(**values | {"kind": HoldKind(row.kind), "reason": HoldReason(row.reason)})


class SqlCustodyStore:
    def __init__(self, session: Session) -> None:
        self.s = session

    def add_count(self, count: StockCount) -> None:
        values = asdict(count)
        values["taken_at"] = count.taken_at.value if count.taken_at else None
        self.s.add(r.StockCountRow(**values))
        self.s.flush()

    def count(self, pharmacy_id: int, count_id: UUID) -> StockCount | None:
        row = self.s.get(r.StockCountRow, count_id)
        return _count(row) if row is not None and row.pharmacy_id == pharmacy_id else None

    def counts(self, pharmacy_id: int, since: datetime | None = None) -> list[StockCount]:
        q = select(r.StockCountRow).where(r.StockCountRow.pharmacy_id == pharmacy_id)
        if since is not None:
            q = q.where(r.StockCountRow.started_at >= since)
        return [_count(row) for row in self.s.scalars(q.order_by(r.StockCountRow.started_at))]

    def add_count_line(self, line: CountLine) -> None:
        values = asdict(line)
        values["book"] = line.book.value
        values["reason"] = line.reason.value if line.reason else None
        self.s.add(r.CountLineRow(**values))
        self.s.flush()

    def count_lines(self, pharmacy_id: int, count_id: UUID) -> list[CountLine]:
        c = r.CountLineRow
        q = select(c).where(c.pharmacy_id == pharmacy_id, c.count_id == count_id).order_by(c.counted_at)
        return [_line(row) for row in self.s.scalars(q)]

    def lines_counted(self, pharmacy_id: int, start: datetime | None, end: datetime) -> list[CountLine]:
        c = r.CountLineRow
        q = select(c).where(c.pharmacy_id == pharmacy_id, c.counted_at < end)
        if start is not None:
            q = q.where(c.counted_at >= start)
        return [_line(row) for row in self.s.scalars(q.order_by(c.counted_at))]

    def add_hold(self, hold: LotHold) -> LotHold:
        values = asdict(hold)
        values.pop("id")
        row = r.LotHoldRow(**values | {"kind": hold.kind.value, "reason": hold.reason.value})
        self.s.add(row)
        self.s.flush()
        return _hold(row)

    def holds(self, pharmacy_id: int, lot_id: int | None = None) -> list[LotHold]:
        q = select(r.LotHoldRow).where(r.LotHoldRow.pharmacy_id == pharmacy_id)
        if lot_id is not None:
            q = q.where(r.LotHoldRow.lot_id == lot_id)
        return [_hold(row) for row in self.s.scalars(q.order_by(r.LotHoldRow.id))]

    def add_destruction(self, record: DestructionRecord) -> None:
        self.s.add(r.DestructionRecordRow(**asdict(record)))
        self.s.flush()

    def destruction(self, movement_id: UUID) -> DestructionRecord | None:
        row = self.s.get(r.DestructionRecordRow, movement_id)
        if row is None:
            return None
        return DestructionRecord(**{c: getattr(row, c) for c in DestructionRecord.__dataclass_fields__})

    def add_duty_done(self, done: DutyDone, recorded_at: datetime) -> None:
        self.s.add(r.LossDutyRow(**asdict(done) | {"duty": done.duty.value, "recorded_at": recorded_at}))
        self.s.flush()

    def duties_done(self, pharmacy_id: int, movement_ids: list[UUID]) -> list[DutyDone]:
        if not movement_ids:
            return []
        d = r.LossDutyRow
        q = select(d).where(d.pharmacy_id == pharmacy_id, d.movement_id.in_(movement_ids)).order_by(d.id)
        return [
            DutyDone(row.pharmacy_id, row.movement_id, Duty(row.duty), row.done_on, row.reference, row.recorded_by_id)
            for row in self.s.scalars(q)
        ]
