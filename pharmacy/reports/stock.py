"""Stock on hand: the cached balance of every lot with stock (and returns awaiting destruction)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from pharmacy.db import mapping as to
from pharmacy.db import rows as r
from pharmacy.domain.reference import Medicine


@dataclass(frozen=True)
class StockLine:
    medicine: Medicine
    lot_id: int
    batch: str
    expiry: date
    stock: int
    returns: int


def stock_lines(engine: Engine, pharmacy_id: int, *, include_empty: bool = False) -> list[StockLine]:
    b, lot, med = r.BalanceRow, r.LotRow, r.MedicineRow
    q = (
        select(med, lot.id, lot.batch, lot.expiry, b.book, b.balance)
        .join(lot, lot.id == b.lot_id)
        .join(med, med.id == b.medicine_id)
        .where(b.pharmacy_id == pharmacy_id)
        .order_by(med.code, lot.expiry, lot.batch)
    )
    merged: dict[int, StockLine] = {}
    with Session(engine) as session:
        for medicine_row, lot_id, batch, expiry, book, balance in session.execute(q):
            line = merged.get(lot_id) or StockLine(to.medicine(medicine_row), lot_id, batch, expiry, 0, 0)
            if book == "stock":
                line = StockLine(line.medicine, lot_id, batch, expiry, balance, line.returns)
            else:
                line = StockLine(line.medicine, lot_id, batch, expiry, line.stock, balance)
            merged[lot_id] = line
    return [x for x in merged.values() if include_empty or x.stock or x.returns]


def find_medicines(engine: Engine, text: str) -> list[Medicine]:
    """Medicines whose code, GTIN, English or local name contains the text (case-insensitive)."""
    needle = f"%{text.strip().lower()}%"
    med = r.MedicineRow
    q = (
        select(med)
        .outerjoin(r.MedicineCodeRow, r.MedicineCodeRow.medicine_id == med.id)
        .where(
            med.code.ilike(needle)
            | med.generic_en.ilike(needle)
            | med.generic_local.ilike(needle)
            | (r.MedicineCodeRow.code == text.strip().zfill(14))
        )
        .distinct()
        .order_by(med.code)
    )
    with Session(engine) as session:
        return [to.medicine(row) for row in session.scalars(q)]
