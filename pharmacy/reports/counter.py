"""Read models for the counter: lots of a medicine with balances, open prescriptions with what is owing,
suppliers and colleagues to choose from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pharmacy.db import mapping as to
from pharmacy.db import rows as r
from pharmacy.domain.reference import Lot, Supplier


@dataclass(frozen=True)
class LotStock:
    lot: Lot
    balance: int


@dataclass(frozen=True)
class OpenPrescription:
    id: UUID
    number: str
    written_on: date
    patient: str
    prescriber: str
    medicine_id: int
    prescribed: int
    supplied: int

    @property
    def owing(self) -> int:
        return self.prescribed - self.supplied


def lots_with_stock(engine: Engine, pharmacy_id: int, medicine_id: int) -> list[LotStock]:
    q = (
        select(r.LotRow, func.coalesce(r.BalanceRow.balance, 0))
        .outerjoin(r.BalanceRow, (r.BalanceRow.lot_id == r.LotRow.id) & (r.BalanceRow.book == "stock"))
        .where(r.LotRow.pharmacy_id == pharmacy_id, r.LotRow.medicine_id == medicine_id)
        .order_by(r.LotRow.expiry, r.LotRow.batch)
    )
    with Session(engine) as session:
        return [LotStock(to.lot(lot), int(balance)) for lot, balance in session.execute(q)]


def open_prescriptions(engine: Engine, pharmacy_id: int, limit: int = 200) -> list[OpenPrescription]:
    """Prescriptions with something left to supply, newest first."""
    m, rx = r.MovementRow, r.PrescriptionRow
    supplied = (
        select(m.prescription_id, (-func.sum(m.quantity)).label("supplied"))
        .where(
            m.pharmacy_id == pharmacy_id,
            m.prescription_id.is_not(None),
            m.book == "stock",
            m.kind.in_(("dispense", "correction")),
        )
        .group_by(m.prescription_id)
        .subquery()
    )
    q = (
        select(
            rx.id,
            rx.number,
            rx.written_on,
            r.PatientRow.name,
            r.PrescriberRow.name,
            rx.medicine_id,
            rx.quantity,
            func.coalesce(supplied.c.supplied, 0),
        )
        .join(r.PatientRow, r.PatientRow.id == rx.patient_id)
        .join(r.PrescriberRow, r.PrescriberRow.id == rx.prescriber_id)
        .outerjoin(supplied, supplied.c.prescription_id == rx.id)
        .where(rx.pharmacy_id == pharmacy_id, rx.quantity > func.coalesce(supplied.c.supplied, 0))
        .order_by(rx.written_on.desc(), rx.number.desc())
        .limit(limit)
    )
    with engine.connect() as conn:
        return [
            OpenPrescription(rx_id, number, written, patient, prescriber, medicine_id, int(prescribed), int(done))
            for rx_id, number, written, patient, prescriber, medicine_id, prescribed, done in conn.execute(q)
        ]


def suppliers(engine: Engine, pharmacy_id: int) -> list[Supplier]:
    q = select(r.SupplierRow).where(r.SupplierRow.pharmacy_id == pharmacy_id).order_by(r.SupplierRow.name)
    with Session(engine) as session:
        return [to.supplier(x) for x in session.scalars(q)]


def party_codes(engine: Engine, pharmacy_id: int) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(code, name) of the pharmacy's prescribers and patients, for suggestions as a prescription is typed."""
    with engine.connect() as conn:
        prescribers = [
            (c, n)
            for c, n in conn.execute(
                select(r.PrescriberRow.code, r.PrescriberRow.name).where(r.PrescriberRow.pharmacy_id == pharmacy_id)
            )
        ]
        patients = [
            (c, n)
            for c, n in conn.execute(
                select(r.PatientRow.code, r.PatientRow.name).where(r.PatientRow.pharmacy_id == pharmacy_id)
            )
        ]
    return prescribers, patients
