"""Repository of the ledger: the chain-head lock, movements, cached balances, closes and command ids.

The hot path uses Core statements: one dispense is a handful of indexed statements in one transaction.
They are built once at import with bound parameters, so each call only executes a cached compiled form
(building a statement costs more than running it on SQLite; see bench/dispense.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import (
    Connection,
    CursorResult,
    Select,
    Table,
    bindparam,
    func,
    insert,
    select,
    update,
)
from sqlalchemy.orm import Session

from pharmacy.db import mapping as to
from pharmacy.db import rows as r
from pharmacy.db.types import UTCDateTime
from pharmacy.domain.findings import KeptFinding
from pharmacy.domain.monthly import KindTotal
from pharmacy.domain.movement import Book, Movement, MovementKind
from pharmacy.domain.reference import ChainHead, CommandRecord, PeriodClose

_UTC = UTCDateTime()
_HEADS = cast(Table, r.ChainHeadRow.__table__)
_BALANCES = cast(Table, r.BalanceRow.__table__)
_MOVEMENTS = cast(Table, r.MovementRow.__table__)
_COMMANDS = cast(Table, r.CommandRow.__table__)

_LOCK_HEAD = select(_HEADS).where(_HEADS.c.pharmacy_id == bindparam("p")).with_for_update()
_SAVE_HEAD = (
    update(_HEADS)
    .where(_HEADS.c.pharmacy_id == bindparam("p"))
    .values(last_seq=bindparam("seq"), last_hash=bindparam("hash"), latest_occurred=bindparam("latest"))
)
_BALANCE = select(_BALANCES.c.balance).where(_BALANCES.c.lot_id == bindparam("lot"), _BALANCES.c.book == bindparam("b"))
_MEDICINE_BALANCE = select(func.coalesce(func.sum(_BALANCES.c.balance), 0)).where(
    _BALANCES.c.pharmacy_id == bindparam("p"),
    _BALANCES.c.medicine_id == bindparam("m"),
    _BALANCES.c.book == bindparam("b"),
)
# The lot's balance and the medicine-wide one in one round trip: both are needed for every movement.
_BALANCES_OF = select(
    _BALANCE.scalar_subquery(),
    _MEDICINE_BALANCE.scalar_subquery(),
)
_SET_BALANCE = (
    update(_BALANCES)
    .where(_BALANCES.c.lot_id == bindparam("lot"), _BALANCES.c.book == bindparam("b"))
    .values(balance=bindparam("balance"))
)
_ADD_MOVEMENT = insert(_MOVEMENTS)
# The kinds are rendered as constants, not an "expanding" IN parameter, so the compiled SQL is cached whole;
# every column read is in ix_movements_prescription_supplied (migration 0003), so no table row is visited.
_COMMAND = select(
    _COMMANDS.c.id,
    _COMMANDS.c.pharmacy_id,
    _COMMANDS.c.type,
    _COMMANDS.c.digest,
    _COMMANDS.c.outcome,
    _COMMANDS.c.recorded_at,
).where(_COMMANDS.c.pharmacy_id == bindparam("p"), _COMMANDS.c.id == bindparam("id"))
_ADD_COMMAND = insert(_COMMANDS)
_FINDINGS = cast(Table, r.MovementFindingRow.__table__)
_CODES = cast(Table, r.MovementCodeRow.__table__)
_REVERSAL = _MOVEMENTS.alias("reversal")
_STANDING_DISPENSE = (_MOVEMENTS.c.kind == "dispense") & ~(
    select(_REVERSAL.c.id).where(_REVERSAL.c.reverses_id == _MOVEMENTS.c.id).exists()
)
_CODES_DISPENSED = (
    select(_CODES.c.code)
    .join(_MOVEMENTS, _MOVEMENTS.c.id == _CODES.c.movement_id)
    .where(_CODES.c.pharmacy_id == bindparam("p"), _CODES.c.code.in_(bindparam("codes", expanding=True)))
    .where(_STANDING_DISPENSE)
)
_FILLS = (
    select(_MOVEMENTS.c.occurred_at, -_MOVEMENTS.c.quantity)
    .where(_MOVEMENTS.c.pharmacy_id == bindparam("p"), _MOVEMENTS.c.prescription_id == bindparam("rx"))
    .where(_STANDING_DISPENSE)
    .order_by(_MOVEMENTS.c.seq)
)
_CLOSES = cast(Table, r.PeriodCloseRow.__table__)
# Months are "YYYY-MM", so the greatest is the latest; the (pharmacy_id, month) unique index answers it.
_CLOSED_THROUGH = select(func.max(_CLOSES.c.month)).where(_CLOSES.c.pharmacy_id == bindparam("p"))
_CLOSES_OF = (
    select(
        _CLOSES.c.pharmacy_id,
        _CLOSES.c.month,
        _CLOSES.c.head_seq,
        _CLOSES.c.head_hash,
        _CLOSES.c.signed_by_id,
        _CLOSES.c.signed_at,
        _CLOSES.c.figures_digest,
        _CLOSES.c.acknowledgement,
    )
    .where(_CLOSES.c.pharmacy_id == bindparam("p"))
    .order_by(_CLOSES.c.month)
)


class SqlLedgerStore:
    def __init__(self, session: Session, connection: Connection | None = None) -> None:
        self.s = session
        # Core statements go straight to the transaction's connection: the Session adds nothing to them.
        self._connection = connection or session.connection()

    @property
    def _conn(self) -> Connection:
        """The transaction's connection; after a commit, the Session's next one (as `Session.execute` would)."""
        if self._connection.closed:
            self._connection = self.s.connection()
        return self._connection

    def lock_head(self, pharmacy_id: int) -> ChainHead:
        # FOR UPDATE serialises writers of one pharmacy on PostgreSQL; on SQLite, BEGIN IMMEDIATE already has.
        row = self._conn.execute(_LOCK_HEAD, {"p": pharmacy_id}).one()
        return ChainHead(pharmacy_id, row.last_seq, row.last_hash, row.latest_occurred)

    def save_head(self, head: ChainHead) -> None:
        self._conn.execute(
            _SAVE_HEAD,
            {"p": head.pharmacy_id, "seq": head.last_seq, "hash": head.last_hash, "latest": head.latest_occurred},
        )

    def balance(self, lot_id: int, book: str) -> int:
        return self._conn.scalar(_BALANCE, {"lot": lot_id, "b": book}) or 0

    def medicine_balance(self, pharmacy_id: int, medicine_id: int, book: str) -> int:
        return int(self._conn.scalar(_MEDICINE_BALANCE, {"p": pharmacy_id, "m": medicine_id, "b": book}) or 0)

    def balances(self, pharmacy_id: int, medicine_id: int, lot_id: int, book: str) -> tuple[int, int]:
        params = {"lot": lot_id, "b": book, "p": pharmacy_id, "m": medicine_id}
        lot_balance, medicine_balance = self._conn.execute(_BALANCES_OF, params).one()
        return int(lot_balance or 0), int(medicine_balance or 0)

    def save_balance(self, pharmacy_id: int, medicine_id: int, lot_id: int, book: str, balance: int) -> None:
        table = _BALANCES
        done = self._conn.execute(_SET_BALANCE, {"lot": lot_id, "b": book, "balance": balance})
        if cast(CursorResult[Any], done).rowcount == 0:
            self._conn.execute(
                insert(table).values(
                    lot_id=lot_id,
                    book=book,
                    pharmacy_id=pharmacy_id,
                    medicine_id=medicine_id,
                    balance=balance,
                )
            )

    def add_movement(self, movement: Movement) -> None:
        self._conn.execute(_ADD_MOVEMENT, to.movement_values(movement))

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

    def closes(self, pharmacy_id: int) -> list[PeriodClose]:
        return [PeriodClose(*x) for x in self._conn.execute(_CLOSES_OF, {"p": pharmacy_id})]

    def closed_through(self, pharmacy_id: int) -> str | None:
        month: str | None = self._conn.scalar(_CLOSED_THROUGH, {"p": pharmacy_id})
        return month

    def add_close(self, close: PeriodClose) -> None:
        self.s.add(r.PeriodCloseRow(**vars(close)))
        self.s.flush()

    def command(self, pharmacy_id: int, command_id: UUID) -> CommandRecord | None:
        # A Core read, not Session.get: the row is only looked at, so it need not enter the identity map.
        row = self._conn.execute(_COMMAND, {"p": pharmacy_id, "id": command_id}).first()
        if row is None:
            return None
        return CommandRecord(row.id, row.pharmacy_id, row.type, row.digest, row.outcome, row.recorded_at)

    def add_command(self, record: CommandRecord) -> None:
        self._conn.execute(_ADD_COMMAND, vars(record))

    def add_findings(self, pharmacy_id: int, movement_id: UUID, findings: list[KeptFinding]) -> None:
        rows = [
            {
                "pharmacy_id": pharmacy_id,
                "movement_id": movement_id,
                "rule_id": k.finding.rule_id,
                "severity": k.finding.severity.value,
                "message": k.finding.message,
                "params": json.dumps(k.finding.params, ensure_ascii=False, sort_keys=True, default=str),
                "override_reason": k.override_reason,
                "overridden_by_id": k.overridden_by_id,
            }
            for k in findings
        ]
        if rows:
            self._conn.execute(insert(_FINDINGS), rows)

    def add_codes(self, pharmacy_id: int, movement_id: UUID, kind: str, codes: tuple[str, ...]) -> None:
        rows = [{"pharmacy_id": pharmacy_id, "movement_id": movement_id, "kind": kind, "code": c} for c in codes]
        if rows:
            self._conn.execute(insert(_CODES), rows)

    def codes_dispensed(self, pharmacy_id: int, codes: tuple[str, ...]) -> frozenset[str]:
        if not codes:
            return frozenset()
        return frozenset(self._conn.scalars(_CODES_DISPENSED, {"p": pharmacy_id, "codes": list(codes)}))

    def fills(self, pharmacy_id: int, prescription_id: UUID) -> list[tuple[datetime, int]]:
        found = self._conn.execute(_FILLS, {"p": pharmacy_id, "rx": prescription_id})
        return [(_UTC.process_result_value(at, self.s.get_bind().dialect) or at, int(q)) for at, q in found]

    def kind_totals(self, pharmacy_id: int, start: datetime | None, end: datetime) -> list[KindTotal]:
        return kind_totals_of(self.s.execute(kind_totals_query(pharmacy_id, start, end)))

    def movements_of_kind(self, pharmacy_id: int, kind: MovementKind, start: datetime, end: datetime) -> list[Movement]:
        m = r.MovementRow
        q = select(m).where(m.pharmacy_id == pharmacy_id, m.kind == kind.value, m.occurred_at >= start)
        return [to.movement(row) for row in self.s.scalars(q.where(m.occurred_at < end).order_by(m.seq))]

    def balances_at(self, pharmacy_id: int, seq: int, lot_id: int | None = None) -> dict[tuple[int, int, str], int]:
        m = r.MovementRow
        latest = select(func.max(m.seq).label("seq")).where(m.pharmacy_id == pharmacy_id, m.seq <= seq)
        if lot_id is not None:
            latest = latest.where(m.lot_id == lot_id)
        last = latest.group_by(m.lot_id, m.book).subquery()
        q = select(m.medicine_id, m.lot_id, m.book, m.lot_balance_after).where(
            m.pharmacy_id == pharmacy_id, m.seq.in_(select(last.c.seq))
        )
        return {(med, lot, book): int(balance) for med, lot, book, balance in self.s.execute(q)}


def kind_totals_query(pharmacy_id: int, start: datetime | None, end: datetime) -> Select[int, int, str, str, int]:
    """Signed sums per medicine, lot, book and kind of the entries dated in [start, end): the month's fold."""
    m = r.MovementRow
    q = (
        select(m.medicine_id, m.lot_id, m.book, m.kind, func.sum(m.quantity))
        .where(m.pharmacy_id == pharmacy_id, m.occurred_at < end)
        .group_by(m.medicine_id, m.lot_id, m.book, m.kind)
    )
    return q if start is None else q.where(m.occurred_at >= start)


def kind_totals_of(rows: Iterable[Any]) -> list[KindTotal]:
    return [KindTotal(med, lot, Book(book), MovementKind(kind), int(total)) for med, lot, book, kind, total in rows]
