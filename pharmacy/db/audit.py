"""Read-only audit source for `verify`: streams raw movement rows in the chain's canonical forms.

On SQLite the stored text already is the canonical form (see domain/chain.py), so rows are hashed as read;
on PostgreSQL UUIDs and timestamps are converted. Rows are fetched in batches, never all at once.

SQLite also has a fast path (`record_batches`): its own `json_array` serialises each row as `link_hash` does
(same compact form, same escapes, UTF-8 as stored), in C, so only SHA-256 and the fold are left to Python. It
is only ever trusted when it hashes to the stored hash; any row where it does not, or that it cannot serialise,
sends `verify` back to the reference path (`chain_rows` + `link_hash`), which names the problem.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, cast
from uuid import UUID

from sqlalchemy import Connection, Engine, select, text

from pharmacy.db import rows as r
from pharmacy.db.ledger_store import kind_totals_of, kind_totals_query
from pharmacy.db.types import UTCDateTime
from pharmacy.domain.chain import CHAIN_VERSION, HASHED_FIELDS, canonical_time
from pharmacy.domain.ledger import RecordRow
from pharmacy.domain.monthly import KindTotal
from pharmacy.domain.ports import RecordsUnavailable
from pharmacy.domain.reference import PeriodClose

_COLUMNS = (
    "pharmacy_id, seq, id, kind, book, occurred_at, recorded_at, medicine_id, lot_id, quantity, "
    "lot_balance_after, medicine_balance_after, supplier_id, prescription_id, patient_id, document, "
    "entered_by_id, checked_by_id, reason, reverses_id, imported, prev_hash, hash"
)
_RECORD_COLUMNS = (
    f"CAST(json_array({CHAIN_VERSION}, prev_hash, {', '.join(HASHED_FIELDS)}) AS BLOB), seq, prev_hash, hash, "
    "lot_id, medicine_id, book, quantity, lot_balance_after, medicine_balance_after"
)
_BATCH = 20_000
EXPECTED_TRIGGERS = {
    "sqlite": [f"{t}_append_only_{op}" for t in r.APPEND_ONLY_TABLES for op in ("update", "delete")],
    "postgresql": [f"{t}_append_only_{op}" for t in r.APPEND_ONLY_TABLES for op in ("row", "truncate")],
}


def _pg_values(row: tuple[Any, ...]) -> list[Any]:
    values: list[Any] = list(row[:21])
    for i in (2, 13, 19):
        value = values[i]
        if isinstance(value, UUID):
            values[i] = value.hex
    for i in (5, 6):
        moment = values[i]
        if isinstance(moment, datetime):
            values[i] = canonical_time(moment)
    values[20] = 1 if values[20] else 0
    return values


def _sqlite_chain_rows(conn: Connection, sql: str, pharmacy_id: int) -> Iterator[tuple[list[Any], str, str]]:
    """The driver's own tuples, in batches: stored text is already canonical, so nothing is converted."""
    cursor = cast(sqlite3.Connection, conn.connection.driver_connection).cursor()
    try:
        cursor.execute(sql, {"p": pharmacy_id})
        while part := cursor.fetchmany(_BATCH):
            for row in part:
                yield list(row[:21]), row[21], row[22]
    finally:
        cursor.close()


def _sqlite_record_batches(conn: Connection, pharmacy_id: int) -> Iterator[list[RecordRow]]:
    sql = f"SELECT {_RECORD_COLUMNS} FROM movements WHERE pharmacy_id = ? ORDER BY seq"  # noqa: S608
    cursor = cast(sqlite3.Connection, conn.connection.driver_connection).cursor()
    try:
        cursor.execute(sql, (pharmacy_id,))
        while part := cursor.fetchmany(_BATCH):
            yield part
    except sqlite3.OperationalError as exc:  # a BLOB in a column, no JSON functions: the reference path decides
        raise RecordsUnavailable(str(exc)) from exc
    finally:
        cursor.close()


class SqlAuditSource:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.dialect = engine.dialect.name
        self._conn: Connection | None = None

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """One read transaction for the whole audit: a consistent view, and no lock that holds a counter up."""
        options = {} if self.dialect == "sqlite" else {"isolation_level": "REPEATABLE READ"}
        with self.engine.connect().execution_options(**options) as conn, conn.begin():
            self._conn = conn
            try:
                yield
            finally:
                self._conn = None

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        if self._conn is not None:
            yield self._conn
            return
        with self.engine.connect() as conn:
            yield conn

    def pharmacy_ids(self) -> list[int]:
        with self._connect() as conn:
            return list(conn.scalars(select(r.PharmacyRow.id).order_by(r.PharmacyRow.id)))

    def chain_rows(self, pharmacy_id: int) -> Iterator[tuple[list[Any], str, str]]:
        sql = f"SELECT {_COLUMNS} FROM movements WHERE pharmacy_id = :p ORDER BY seq"  # noqa: S608
        with self._connect() as conn:
            if self.dialect == "sqlite":
                yield from _sqlite_chain_rows(conn, sql, pharmacy_id)
                return
            result = conn.execution_options(stream_results=True, yield_per=_BATCH).execute(
                text(sql), {"p": pharmacy_id}
            )
            for part in result.partitions(_BATCH):
                for row in part:
                    yield _pg_values(tuple(row)), row[21], row[22]

    def record_batches(self, pharmacy_id: int) -> Iterator[list[RecordRow]] | None:
        """SQLite only: batches of rows serialised by SQLite itself (see the module docstring)."""
        if self.dialect != "sqlite":
            return None
        return self._record_batches(pharmacy_id)

    def _record_batches(self, pharmacy_id: int) -> Iterator[list[RecordRow]]:
        with self._connect() as conn:
            yield from _sqlite_record_batches(conn, pharmacy_id)

    def stored_balances(self, pharmacy_id: int) -> dict[tuple[int, str], int]:
        q = select(r.BalanceRow.lot_id, r.BalanceRow.book, r.BalanceRow.balance).where(
            r.BalanceRow.pharmacy_id == pharmacy_id
        )
        with self._connect() as conn:
            return {(lot, book): bal for lot, book, bal in conn.execute(q)}

    def stored_head(self, pharmacy_id: int) -> tuple[int, str]:
        q = select(r.ChainHeadRow.last_seq, r.ChainHeadRow.last_hash).where(r.ChainHeadRow.pharmacy_id == pharmacy_id)
        with self._connect() as conn:
            seq, last = conn.execute(q).one()
        return int(seq), str(last)

    def closes(self, pharmacy_id: int) -> list[PeriodClose]:
        q = select(r.PeriodCloseRow).where(r.PeriodCloseRow.pharmacy_id == pharmacy_id)
        with self._connect() as conn:
            rows = conn.execute(q.order_by(r.PeriodCloseRow.month)).mappings()
            return [
                PeriodClose(
                    x["pharmacy_id"],
                    x["month"],
                    x["head_seq"],
                    x["head_hash"],
                    x["signed_by_id"],
                    UTCDateTime().process_result_value(x["signed_at"], self.engine.dialect) or x["signed_at"],
                    x["figures_digest"],
                    x["acknowledgement"],
                )
                for x in rows
            ]

    def hash_at(self, pharmacy_id: int, seq: int) -> str | None:
        q = select(r.MovementRow.hash).where(r.MovementRow.pharmacy_id == pharmacy_id, r.MovementRow.seq == seq)
        with self._connect() as conn:
            return conn.scalar(q)

    def first_entry_dated_before(self, pharmacy_id: int, after_seq: int, before: datetime) -> int | None:
        m = r.MovementRow
        q = select(m.seq).where(m.pharmacy_id == pharmacy_id, m.seq > after_seq, m.occurred_at < before)
        with self._connect() as conn:
            return conn.scalar(q.order_by(m.seq).limit(1))

    def kind_totals(self, pharmacy_id: int, start: datetime | None, end: datetime) -> list[KindTotal]:
        with self._connect() as conn:
            return kind_totals_of(conn.execute(kind_totals_query(pharmacy_id, start, end)))

    def missing_triggers(self) -> list[str]:
        if self.dialect == "sqlite":
            sql = "SELECT name FROM sqlite_master WHERE type = 'trigger'"
        else:
            sql = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgenabled <> 'D'"
        with self._connect() as conn:
            present = set(conn.scalars(text(sql)))
        return [name for name in EXPECTED_TRIGGERS.get(self.dialect, []) if name not in present]
