"""The register page of one medicine: every entry in sequence with its running balances, paged by keyset.

Each page is one indexed query (pharmacy, medicine, seq); a medicine with 100,000 entries opens at its first
page without reading the rest. Corrections show the entry they reverse and originals the entry reversing them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from uuid import UUID

from sqlalchemy import Connection, Engine, Select, bindparam, select
from sqlalchemy.orm import aliased

from pharmacy.db import rows as r
from pharmacy.db.types import UTCDateTime


@dataclass(frozen=True)
class RegisterLine:
    seq: int
    occurred_at: datetime
    recorded_at: datetime
    kind: str
    book: str
    batch: str
    expiry: date
    counterparty: str | None
    document: str | None
    quantity: int
    lot_balance_after: int
    medicine_balance_after: int
    entered_by: str
    checked_by: str | None
    reason: str | None
    reverses_seq: int | None
    reversed_by_seq: int | None
    imported: bool
    movement_id: UUID | None = None
    findings: tuple[KeptNote, ...] = ()
    codes: tuple[str, ...] = ()  # trace codes / GS1 serials of the packs the entry moved (CN-TR)


@dataclass(frozen=True)
class KeptNote:
    """A rule finding kept with an entry: an overridden warning shows its reason (issue 4 §3)."""

    rule_id: str
    severity: str
    override_reason: str | None


@dataclass(frozen=True)
class RegisterFilter:
    pharmacy_id: int
    medicine_id: int
    lot_id: int | None = None
    start: datetime | None = None  # occurred_at ≥ start
    end: datetime | None = None  # occurred_at < end


_M = r.MovementRow
_ORIG, _REV = aliased(r.MovementRow), aliased(r.MovementRow)
_ENTERER, _CHECKER = aliased(r.UserRow), aliased(r.UserRow)


@lru_cache(maxsize=16)
def _select(lot: bool, start: bool, end: bool, backwards: bool) -> Select[*tuple[Any, ...]]:
    """The page query, built once per shape with bound parameters (building it costs more than running it)."""
    m = _M
    q = (
        select(
            m.seq,
            m.occurred_at,
            m.recorded_at,
            m.kind,
            m.book,
            r.LotRow.batch,
            r.LotRow.expiry,
            r.SupplierRow.name.label("supplier"),
            r.PatientRow.name.label("patient"),
            m.document,
            m.quantity,
            m.lot_balance_after,
            m.medicine_balance_after,
            _ENTERER.full_name.label("entered_by"),
            _CHECKER.full_name.label("checked_by"),
            m.reason,
            _ORIG.seq.label("reverses_seq"),
            _REV.seq.label("reversed_by_seq"),
            m.imported,
            m.id.label("movement_id"),
        )
        .join(r.LotRow, r.LotRow.id == m.lot_id)
        .join(_ENTERER, _ENTERER.id == m.entered_by_id)
        .outerjoin(_CHECKER, _CHECKER.id == m.checked_by_id)
        .outerjoin(r.SupplierRow, r.SupplierRow.id == m.supplier_id)
        .outerjoin(r.PatientRow, r.PatientRow.id == m.patient_id)
        .outerjoin(_ORIG, _ORIG.id == m.reverses_id)
        .outerjoin(_REV, _REV.reverses_id == m.id)
        .where(m.pharmacy_id == bindparam("pharmacy_id"), m.medicine_id == bindparam("medicine_id"))
    )
    if lot:
        q = q.where(m.lot_id == bindparam("lot_id"))
    if start:
        q = q.where(m.occurred_at >= bindparam("start", type_=UTCDateTime()))
    if end:
        q = q.where(m.occurred_at < bindparam("end", type_=UTCDateTime()))
    if backwards:
        return q.where(m.seq < bindparam("seq")).order_by(m.seq.desc()).limit(bindparam("limit"))
    return q.where(m.seq > bindparam("seq")).order_by(m.seq).limit(bindparam("limit"))


def _run(engine: Engine, f: RegisterFilter, seq: int, limit: int, *, backwards: bool) -> list[RegisterLine]:
    q = _select(f.lot_id is not None, f.start is not None, f.end is not None, backwards)
    params = {
        "pharmacy_id": f.pharmacy_id,
        "medicine_id": f.medicine_id,
        "lot_id": f.lot_id,
        "start": f.start,
        "end": f.end,
        "seq": seq,
        "limit": limit,
    }
    with engine.connect() as conn:
        lines = [_line(row._mapping) for row in conn.execute(q, params)]
        ids = [line.movement_id for line in lines if line.movement_id]
        notes, codes = _notes(conn, ids), _codes(conn, ids)
    return [
        replace(line, findings=notes.get(line.movement_id, ()), codes=codes.get(line.movement_id, ())) for line in lines
    ]


_CODES = (
    select(r.MovementCodeRow.movement_id, r.MovementCodeRow.code)
    .where(r.MovementCodeRow.movement_id.in_(bindparam("ids", expanding=True)))
    .order_by(r.MovementCodeRow.id)
)


def _codes(conn: Connection, ids: list[UUID]) -> dict[UUID | None, tuple[str, ...]]:
    found: dict[UUID | None, tuple[str, ...]] = {}
    if ids:
        for movement_id, code in conn.execute(_CODES, {"ids": ids}):
            found[movement_id] = (*found.get(movement_id, ()), code)
    return found


_FINDINGS = (
    select(
        r.MovementFindingRow.movement_id,
        r.MovementFindingRow.rule_id,
        r.MovementFindingRow.severity,
        r.MovementFindingRow.override_reason,
    )
    .where(r.MovementFindingRow.movement_id.in_(bindparam("ids", expanding=True)))
    .order_by(r.MovementFindingRow.id)
)


def _notes(conn: Connection, ids: list[UUID]) -> dict[UUID | None, tuple[KeptNote, ...]]:
    """The findings kept with a page's entries, in one query."""
    found: dict[UUID | None, tuple[KeptNote, ...]] = {}
    if not ids:
        return found
    for movement_id, rule_id, severity, reason in conn.execute(_FINDINGS, {"ids": ids}):
        found[movement_id] = (*found.get(movement_id, ()), KeptNote(rule_id, severity, reason))
    return found


def register_page(engine: Engine, f: RegisterFilter, *, after_seq: int = 0, limit: int = 50) -> list[RegisterLine]:
    return _run(engine, f, after_seq, limit, backwards=False)


def register_page_before(engine: Engine, f: RegisterFilter, *, before_seq: int, limit: int = 50) -> list[RegisterLine]:
    """The page ending just before `before_seq` (paging backwards, newest last)."""
    return list(reversed(_run(engine, f, before_seq, limit, backwards=True)))


def register_lines(engine: Engine, f: RegisterFilter, page: int = 500) -> Iterator[RegisterLine]:
    after = 0
    while True:
        lines = register_page(engine, f, after_seq=after, limit=page)
        yield from lines
        if len(lines) < page:
            return
        after = lines[-1].seq


def _line(row: Any) -> RegisterLine:
    return RegisterLine(
        seq=row["seq"],
        occurred_at=row["occurred_at"],
        recorded_at=row["recorded_at"],
        kind=row["kind"],
        book=row["book"],
        batch=row["batch"],
        expiry=row["expiry"],
        counterparty=row["supplier"] or row["patient"],
        document=row["document"],
        quantity=row["quantity"],
        lot_balance_after=row["lot_balance_after"],
        medicine_balance_after=row["medicine_balance_after"],
        entered_by=row["entered_by"],
        checked_by=row["checked_by"],
        reason=row["reason"],
        reverses_seq=row["reverses_seq"],
        reversed_by_seq=row["reversed_by_seq"],
        imported=bool(row["imported"]),
        movement_id=row["movement_id"],
    )


def last_entry(engine: Engine, pharmacy_id: int, medicine_id: int) -> datetime | None:
    """When the latest entry of a medicine's register happened (UK retention runs from it: reg 23)."""
    m = r.MovementRow
    q = select(m.occurred_at).where(m.pharmacy_id == pharmacy_id, m.medicine_id == medicine_id)
    with engine.connect() as conn:
        found: datetime | None = conn.scalar(q.order_by(m.seq.desc()).limit(1))
    return found
