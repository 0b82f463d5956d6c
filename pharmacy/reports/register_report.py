"""The register of one medicine for one month, as the values a printed legal register is laid out from.

Read-only: every stock-book entry dated in the month (the pharmacy's local month), in date order, with the
parties the law asks the register to name (supplier, person supplied, prescriber, collector), the balance
brought forward and carried forward. Patient returns are kept in their own record, not in the register
(UK MDR 2001 reg 19 and regulations §3.6; CN 专用账册 is the stock ledger, §1.6).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TypeVar

from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from pharmacy.db import mapping as to
from pharmacy.db import rows as r
from pharmacy.domain.errors import N_, InvalidValue, UnknownMedicine, UnknownPharmacy
from pharmacy.domain.movement import Book, MovementKind
from pharmacy.domain.reference import Medicine, Pharmacy
from pharmacy.domain.timing import month_bounds
from pharmacy.reports.reconcile import MONTH
from pharmacy.reports.stock import find_medicines
from pharmacy.rules.facts import resolve_class

_R = TypeVar("_R", r.SupplierRow, r.PatientRow, r.PrescriberRow, r.UserRow, r.LotRow)


@dataclass(frozen=True)
class Party:
    """A supplier, patient or prescriber as the register names them."""

    code: str
    name: str
    address: str | None = None
    licence_no: str | None = None  # supplier licence, prescriber registration number
    dea_no: str | None = None


@dataclass(frozen=True)
class Collection:
    """Who collected a supply on prescription (UK MDR 2001 reg 19(1)(e)(v)–(vii))."""

    collector_type: str | None  # patient | representative | hcp
    collector_hcp: str | None
    id_requested: bool | None
    id_provided: bool | None
    agent_name: str | None  # CN 代办人


@dataclass(frozen=True)
class RegisterEntry:
    seq: int
    occurred_at: datetime
    kind: MovementKind
    batch: str
    expiry: date
    document: str | None
    quantity: int  # signed steps: + in, − out
    balance: int  # the medicine's running stock balance after this entry
    supplier: Party | None
    patient: Party | None
    prescriber: Party | None
    prescription_number: str | None
    collection: Collection | None
    entered_by: str
    checked_by: str | None
    reason: str | None
    reverses_seq: int | None


@dataclass(frozen=True)
class RegisterReport:
    pharmacy: Pharmacy
    medicine: Medicine
    class_code: str | None
    codes: tuple[tuple[str, str], ...]  # (kind, code): GTINs, NDCs of the product
    month: str
    first_day: date
    last_day: date
    generated_at: datetime
    opening: int  # brought forward
    entries: tuple[RegisterEntry, ...]

    @property
    def closing(self) -> int:
        """Carried forward."""
        return self.opening + sum(e.quantity for e in self.entries)


def _month(month: str) -> None:
    if not MONTH.fullmatch(month):
        raise InvalidValue(field="--month", problem=N_("use a month like 2026-03"))


def find_medicine(session: Session, engine: Engine, key: str) -> Medicine:
    """By exact code or GTIN, else by a unique part of a name."""
    exact = session.scalars(select(r.MedicineRow).where(r.MedicineRow.code == key.strip())).first()
    if exact is None:
        code = select(r.MedicineCodeRow.medicine_id).where(r.MedicineCodeRow.code == key.strip().zfill(14))
        exact = session.scalars(select(r.MedicineRow).where(r.MedicineRow.id.in_(code))).first()
    if exact is not None:
        return to.medicine(exact)
    found = find_medicines(engine, key) if key.strip() else []
    if len(found) == 1:
        return found[0]
    if not found:
        raise UnknownMedicine(key=key)
    names = ", ".join(m.code for m in found[:8])
    raise InvalidValue(field="MEDICINE", problem=N_("matches several medicines: {names}; give its code"), names=names)


def _by_id(session: Session, row: type[_R], ids: Iterable[int | None]) -> dict[int, _R]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {x.id: x for x in session.scalars(select(row).where(row.id.in_(wanted)))}


def _prescriptions(session: Session, ids: Iterable[uuid.UUID | None]) -> dict[uuid.UUID, r.PrescriptionRow]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    rx = r.PrescriptionRow
    return {x.id: x for x in session.scalars(select(rx).where(rx.id.in_(wanted)))}


@dataclass(frozen=True)
class _Related:
    lots: dict[int, r.LotRow]
    suppliers: dict[int, r.SupplierRow]
    patients: dict[int, r.PatientRow]
    prescriptions: dict[uuid.UUID, r.PrescriptionRow]
    prescribers: dict[int, r.PrescriberRow]
    users: dict[int, r.UserRow]
    reversed_seqs: dict[uuid.UUID, int]


def _related(session: Session, rows: list[r.MovementRow]) -> _Related:
    prescriptions = _prescriptions(session, (m.prescription_id for m in rows))
    patient_ids = [m.patient_id for m in rows] + [p.patient_id for p in prescriptions.values()]
    reverses = {m.reverses_id for m in rows if m.reverses_id is not None}
    m = r.MovementRow
    seqs = {i: n for i, n in session.execute(select(m.id, m.seq).where(m.id.in_(reverses)))} if reverses else {}
    return _Related(
        lots=_by_id(session, r.LotRow, (x.lot_id for x in rows)),
        suppliers=_by_id(session, r.SupplierRow, (x.supplier_id for x in rows)),
        patients=_by_id(session, r.PatientRow, patient_ids),
        prescriptions=prescriptions,
        prescribers=_by_id(session, r.PrescriberRow, (p.prescriber_id for p in prescriptions.values())),
        users=_by_id(session, r.UserRow, [x.entered_by_id for x in rows] + [x.checked_by_id for x in rows]),
        reversed_seqs=seqs,
    )


def _supplier(row: r.SupplierRow | None) -> Party | None:
    return None if row is None else Party(row.code, row.name, row.address, row.licence_no, row.dea_no)


def _patient(row: r.PatientRow | None) -> Party | None:
    return None if row is None else Party(row.code, row.name, row.address, row.id_doc_no)


def _prescriber(row: r.PrescriberRow | None) -> Party | None:
    return None if row is None else Party(row.code, row.name, row.address, row.registration_no, row.dea_no)


def _collection(rx: r.PrescriptionRow | None) -> Collection | None:
    if rx is None:
        return None
    return Collection(rx.collector_type, rx.collector_hcp, rx.id_requested, rx.id_provided, rx.agent_name)


def _entry(row: r.MovementRow, balance: int, rel: _Related) -> RegisterEntry:
    lot = rel.lots[row.lot_id]
    rx = rel.prescriptions.get(row.prescription_id) if row.prescription_id else None
    patient_id = row.patient_id if row.patient_id is not None else (rx.patient_id if rx else None)
    checker = rel.users.get(row.checked_by_id) if row.checked_by_id is not None else None
    return RegisterEntry(
        seq=row.seq,
        occurred_at=row.occurred_at,
        kind=MovementKind(row.kind),
        batch=lot.batch,
        expiry=lot.expiry,
        document=row.document,
        quantity=row.quantity,
        balance=balance,
        supplier=_supplier(rel.suppliers.get(row.supplier_id) if row.supplier_id else None),
        patient=_patient(rel.patients.get(patient_id) if patient_id is not None else None),
        prescriber=_prescriber(rel.prescribers.get(rx.prescriber_id) if rx else None),
        prescription_number=rx.number if rx else None,
        collection=_collection(rx),
        entered_by=rel.users[row.entered_by_id].full_name,
        checked_by=checker.full_name if checker else None,
        reason=row.reason,
        reverses_seq=rel.reversed_seqs.get(row.reverses_id) if row.reverses_id else None,
    )


def _class_code(session: Session, medicine_id: int, jurisdiction: str, on: date) -> str | None:
    c = r.MedicineClassRow
    q = select(c.jurisdiction, c.class_code, c.effective_from).where(c.medicine_id == medicine_id)
    return resolve_class([(w, code, since) for w, code, since in session.execute(q)], jurisdiction, on)


def _codes(session: Session, medicine_id: int) -> tuple[tuple[str, str], ...]:
    c = r.MedicineCodeRow
    q = select(c.kind, c.code).where(c.medicine_id == medicine_id).order_by(c.kind, c.code)
    return tuple((kind, code) for kind, code in session.execute(q))


def register_report(
    engine: Engine, pharmacy_id: int, medicine_key: str, month: str, now: datetime | None = None
) -> RegisterReport:
    """The stock-book entries of one medicine dated in one 'YYYY-MM' month, with the balances either side."""
    _month(month)
    with Session(engine) as session:
        row = session.get(r.PharmacyRow, pharmacy_id)
        if row is None:
            raise UnknownPharmacy(key=str(pharmacy_id))
        pharmacy = to.pharmacy(row)
        medicine = find_medicine(session, engine, medicine_key)
        start, end = month_bounds(month, pharmacy.tz)
        m = r.MovementRow
        mine = (m.pharmacy_id == pharmacy_id, m.medicine_id == medicine.id, m.book == Book.STOCK.value)
        opening = session.scalar(select(func.coalesce(func.sum(m.quantity), 0)).where(*mine, m.occurred_at < start))
        q = select(m).where(*mine, m.occurred_at >= start, m.occurred_at < end).order_by(m.occurred_at, m.seq)
        rows = list(session.scalars(q))
        rel = _related(session, rows)
        balance, entries = int(opening or 0), []
        for x in rows:
            balance += x.quantity
            entries.append(_entry(x, balance, rel))
        last_day = end.date() - timedelta(days=1)
        return RegisterReport(
            pharmacy=pharmacy,
            medicine=medicine,
            class_code=_class_code(session, medicine.id, pharmacy.profile.jurisdiction, last_day),
            codes=_codes(session, medicine.id),
            month=month,
            first_day=start.date(),
            last_day=last_day,
            generated_at=now or datetime.now(tz=pharmacy.tz),
            opening=int(opening or 0),
            entries=tuple(entries),
        )
