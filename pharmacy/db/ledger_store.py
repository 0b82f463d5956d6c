"""Repository of the ledger: the chain-head lock, movements, cached balances, closes and command ids.

The hot path uses Core statements: one dispense is a handful of indexed statements in one transaction.
"""

from __future__ import annotations

from typing import Any, cast
from uuid import UUID

from sqlalchemy import CursorResult, Table, func, insert, select, update
from sqlalchemy.orm import Session

from pharmacy.db import mapping as to
from pharmacy.db import rows as r
from pharmacy.domain.movement import Movement, MovementKind
from pharmacy.domain.reference import ChainHead, CommandRecord, PeriodClose

_HEADS = cast(Table, r.ChainHeadRow.__table__)
_BALANCES = cast(Table, r.BalanceRow.__table__)
_MOVEMENTS = cast(Table, r.MovementRow.__table__)
_COMMANDS = cast(Table, r.CommandRow.__table__)


class SqlLedgerStore:
    def __init__(self, session: Session) -> None:
        self.s = session

    def lock_head(self, pharmacy_id: int) -> ChainHead:
        # FOR UPDATE serialises writers of one pharmacy on PostgreSQL; on SQLite, BEGIN IMMEDIATE already has.
        q = select(_HEADS).where(r.ChainHeadRow.pharmacy_id == pharmacy_id).with_for_update()
        row = self.s.execute(q).one()
        return ChainHead(pharmacy_id, row.last_seq, row.last_hash, row.latest_occurred)

    def save_head(self, head: ChainHead) -> None:
        self.s.execute(
            update(_HEADS)
            .where(r.ChainHeadRow.pharmacy_id == head.pharmacy_id)
            .values(last_seq=head.last_seq, last_hash=head.last_hash, latest_occurred=head.latest_occurred)
        )

    def balance(self, lot_id: int, book: str) -> int:
        q = select(r.BalanceRow.balance).where(r.BalanceRow.lot_id == lot_id, r.BalanceRow.book == book)
        return self.s.scalar(q) or 0

    def medicine_balance(self, pharmacy_id: int, medicine_id: int, book: str) -> int:
        q = select(func.coalesce(func.sum(r.BalanceRow.balance), 0)).where(
            r.BalanceRow.pharmacy_id == pharmacy_id,
            r.BalanceRow.medicine_id == medicine_id,
            r.BalanceRow.book == book,
        )
        return int(self.s.scalar(q) or 0)

    def save_balance(self, pharmacy_id: int, medicine_id: int, lot_id: int, book: str, balance: int) -> None:
        table = _BALANCES
        done = self.s.execute(
            update(table).where(table.c.lot_id == lot_id, table.c.book == book).values(balance=balance)
        )
        if cast(CursorResult[Any], done).rowcount == 0:
            self.s.execute(
                insert(table).values(
                    lot_id=lot_id,
                    book=book,
                    pharmacy_id=pharmacy_id,
                    medicine_id=medicine_id,
                    balance=balance,
                )
            )

    def add_movement(self, movement: Movement) -> None:
        self.s.execute(insert(_MOVEMENTS).values(**to.movement_values(movement)))

    def movement(self, pharmacy_id: int, movement_id: UUID) -> Movement | None:
        row = self.s.get(r.MovementRow, movement_id)
        return to.movement(row) if row and row.pharmacy_id == pharmacy_id else None

    def movement_by_seq(self, pharmacy_id: int, seq: int) -> Movement | None:
        q = select(r.MovementRow).where(r.MovementRow.pharmacy_id == pharmacy_id, r.MovementRow.seq == seq)
        row = self.s.scalar(q)
        return to.movement(row) if row else None

    def reversal_of(self, pharmacy_id: int, movement_id: UUID) -> Movement | None:
        q = select(r.MovementRow).where(
            r.MovementRow.pharmacy_id == pharmacy_id, r.MovementRow.reverses_id == movement_id
        )
        row = self.s.scalar(q)
        return to.movement(row) if row else None

    def supplied_on_prescription(self, pharmacy_id: int, prescription_id: UUID) -> int:
        """Net quantity supplied: dispenses minus their corrections (both carry the prescription id)."""
        m = r.MovementRow
        q = select(func.coalesce(func.sum(m.quantity), 0)).where(
            m.pharmacy_id == pharmacy_id,
            m.prescription_id == prescription_id,
            m.kind.in_([MovementKind.DISPENSE.value, MovementKind.CORRECTION.value]),
            m.book == "stock",
        )
        return -int(self.s.scalar(q) or 0)

    def closes(self, pharmacy_id: int) -> list[PeriodClose]:
        q = select(r.PeriodCloseRow).where(r.PeriodCloseRow.pharmacy_id == pharmacy_id)
        return [
            PeriodClose(x.pharmacy_id, x.month, x.head_seq, x.head_hash, x.signed_by_id, x.signed_at)
            for x in self.s.scalars(q.order_by(r.PeriodCloseRow.month))
        ]

    def add_close(self, close: PeriodClose) -> None:
        self.s.add(r.PeriodCloseRow(**vars(close)))
        self.s.flush()

    def command(self, pharmacy_id: int, command_id: UUID) -> CommandRecord | None:
        row = self.s.get(r.CommandRow, (pharmacy_id, command_id))
        if row is None:
            return None
        return CommandRecord(row.id, row.pharmacy_id, row.type, row.digest, row.outcome, row.recorded_at)

    def add_command(self, record: CommandRecord) -> None:
        self.s.execute(insert(_COMMANDS).values(**vars(record)))
