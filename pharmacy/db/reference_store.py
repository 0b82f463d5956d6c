"""Repository of reference data (pharmacies, users, catalogue, lots, parties, prescriptions) on a Session.

The reads a movement makes (pharmacy, user, lot, prescription by key) are Core statements built once at
import, like the ledger's (an ORM `Session.get` costs several times a Core read). Catalogue medicines are
immutable rows, so the unit-of-work factory keeps them per process in a `Catalogue`; everything else is read
in the transaction that uses it.
"""

from __future__ import annotations

from typing import Any, TypeVar, cast
from uuid import UUID

from sqlalchemy import Connection, Row, Table, bindparam, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from pharmacy.db import mapping as to
from pharmacy.db import rows as r
from pharmacy.domain.chain import GENESIS_HASH
from pharmacy.domain.reference import (
    Lot,
    Medicine,
    MedicineClass,
    Patient,
    Pharmacy,
    Prescriber,
    Prescription,
    Supplier,
    User,
)


def _table(row_class: type[r.Base]) -> Table:
    return cast(Table, row_class.__table__)


_PHARMACIES, _USERS, _MEDICINES = _table(r.PharmacyRow), _table(r.UserRow), _table(r.MedicineRow)
_LOTS, _PRESCRIPTIONS = _table(r.LotRow), _table(r.PrescriptionRow)
_PHARMACY = select(_PHARMACIES).where(_PHARMACIES.c.id == bindparam("id"))
_USER = select(_USERS).where(_USERS.c.id == bindparam("id"))
_MEDICINE = select(_MEDICINES).where(_MEDICINES.c.id == bindparam("id"))
_MEDICINE_BY_CODE = select(_MEDICINES).where(_MEDICINES.c.code == bindparam("code"))
_LOT_BY_BATCH = select(_LOTS).where(
    _LOTS.c.pharmacy_id == bindparam("p"), _LOTS.c.medicine_id == bindparam("m"), _LOTS.c.batch == bindparam("b")
)
_PRESCRIPTION = select(_PRESCRIPTIONS).where(
    _PRESCRIPTIONS.c.id == bindparam("id"), _PRESCRIPTIONS.c.pharmacy_id == bindparam("p")
)
_PRESCRIPTIONS_BY_NUMBER = select(_PRESCRIPTIONS).where(
    _PRESCRIPTIONS.c.pharmacy_id == bindparam("p"), _PRESCRIPTIONS.c.number == bindparam("n")
)


def _fields(value: object, *, drop: tuple[str, ...] = ("id",)) -> dict[str, object]:
    return {k: v for k, v in vars(value).items() if k not in drop}


_R = TypeVar("_R")


def _as(row_class: type[_R], row: Row[Any]) -> _R:
    """A Core row has the ORM row's attribute names and types, which is all `mapping` reads."""
    return cast(_R, row)


class Catalogue:
    """Medicines by code and by id, shared by the units of work of one engine (one process).

    A medicine row is never updated or deleted, so a committed one may be kept for good. A unit of work only
    adds what it read before writing the catalogue itself: until then it can only have seen committed rows,
    while a medicine it inserted could still be rolled back.
    """

    def __init__(self) -> None:
        self.by_code: dict[str, Medicine] = {}
        self.by_id: dict[int, Medicine] = {}

    def keep(self, medicine: Medicine) -> None:
        self.by_id[medicine.id] = medicine
        self.by_code[medicine.code] = medicine


class SqlReferenceStore:
    def __init__(
        self, session: Session, catalogue: Catalogue | None = None, connection: Connection | None = None
    ) -> None:
        self.s = session
        self._connection = connection or session.connection()  # Core reads skip the Session
        self._catalogue = catalogue or Catalogue()
        self._wrote_catalogue = False

    @property
    def _conn(self) -> Connection:
        """The transaction's connection; after a commit, the Session's next one (as `Session.execute` would)."""
        if self._connection.closed:
            self._connection = self.s.connection()
        return self._connection

    def _one(self, statement: Any, params: dict[str, Any]) -> Row[Any] | None:
        return self._conn.execute(statement, params).first()

    def _kept(self, medicine: Medicine) -> Medicine:
        if not self._wrote_catalogue:
            self._catalogue.keep(medicine)
        return medicine

    def pharmacy(self, pharmacy_id: int) -> Pharmacy | None:
        row = self._one(_PHARMACY, {"id": pharmacy_id})
        return to.pharmacy(_as(r.PharmacyRow, row)) if row else None

    def pharmacy_by_code(self, code: str) -> Pharmacy | None:
        row = self.s.scalar(select(r.PharmacyRow).where(r.PharmacyRow.code == code))
        return to.pharmacy(row) if row else None

    def pharmacies(self) -> list[Pharmacy]:
        return [to.pharmacy(x) for x in self.s.scalars(select(r.PharmacyRow).order_by(r.PharmacyRow.id))]

    def add_pharmacy(self, pharmacy: Pharmacy) -> Pharmacy:
        values = _fields(pharmacy)
        values["profile"] = pharmacy.profile.value
        row = r.PharmacyRow(**values)
        self.s.add(row)
        self.s.flush()
        self.s.add(r.ChainHeadRow(pharmacy_id=row.id, last_seq=0, last_hash=GENESIS_HASH, latest_occurred=None))
        self.s.flush()
        return to.pharmacy(row)

    def user(self, user_id: int) -> User | None:
        row = self._one(_USER, {"id": user_id})
        return to.user(_as(r.UserRow, row)) if row else None

    def user_by_name(self, pharmacy_id: int, username: str) -> User | None:
        q = select(r.UserRow).where(r.UserRow.pharmacy_id == pharmacy_id, r.UserRow.username == username)
        row = self.s.scalar(q)
        return to.user(row) if row else None

    def users(self, pharmacy_id: int) -> list[User]:
        q = select(r.UserRow).where(r.UserRow.pharmacy_id == pharmacy_id).order_by(r.UserRow.username)
        return [to.user(x) for x in self.s.scalars(q)]

    def add_user(self, user: User) -> User:
        values = _fields(user)
        values["role"] = user.role.value
        row = r.UserRow(**values)
        self.s.add(row)
        self.s.flush()
        return to.user(row)

    def set_user_state(self, user_id: int, *, active: bool, failed_attempts: int, locked: bool) -> None:
        self.s.execute(
            update(r.UserRow)
            .where(r.UserRow.id == user_id)
            .values(active=active, failed_attempts=failed_attempts, locked=locked)
        )

    def medicine(self, medicine_id: int) -> Medicine | None:
        kept = self._catalogue.by_id.get(medicine_id)
        if kept is not None:
            return kept
        row = self._one(_MEDICINE, {"id": medicine_id})
        return self._kept(to.medicine(_as(r.MedicineRow, row))) if row else None

    def medicine_by_code(self, code: str) -> Medicine | None:
        kept = self._catalogue.by_code.get(code)
        if kept is not None:
            return kept
        row = self._one(_MEDICINE_BY_CODE, {"code": code})
        return self._kept(to.medicine(_as(r.MedicineRow, row))) if row else None

    def medicine_by_gtin(self, gtin: str) -> Medicine | None:
        q = select(r.MedicineRow).join(r.MedicineCodeRow).where(r.MedicineCodeRow.code == gtin)
        row = self.s.scalar(q)
        return to.medicine(row) if row else None

    def medicines(self) -> list[Medicine]:
        return [to.medicine(x) for x in self.s.scalars(select(r.MedicineRow).order_by(r.MedicineRow.code))]

    def add_medicine(self, medicine: Medicine, gtins: tuple[str, ...]) -> tuple[Medicine, bool]:
        """Insert unless the code exists (a concurrent pharmacy may add the same product); say which."""
        insert = sqlite_insert if self.s.get_bind().dialect.name == "sqlite" else pg_insert
        statement = insert(r.MedicineRow).values(**_fields(medicine)).on_conflict_do_nothing(index_elements=["code"])
        # RETURNING says whether the row went in: a conflict returns none. (Not `rowcount`: on PostgreSQL the
        # dialect adds RETURNING for the new id, and psycopg then reports -1.)
        created = self.s.execute(statement.returning(r.MedicineRow.id)).first() is not None
        self._wrote_catalogue = self._wrote_catalogue or created
        saved = self.medicine_by_code(medicine.code)
        assert saved is not None
        if created:
            for code in gtins:
                self.s.add(r.MedicineCodeRow(medicine_id=saved.id, kind="gtin", code=code))
            self.s.flush()
        return saved, created

    def gtins(self, medicine_id: int) -> tuple[str, ...]:
        q = select(r.MedicineCodeRow.code).where(r.MedicineCodeRow.medicine_id == medicine_id)
        return tuple(self.s.scalars(q.order_by(r.MedicineCodeRow.code)))

    def add_medicine_class(self, entry: MedicineClass) -> None:
        self.s.add(r.MedicineClassRow(**_fields(entry, drop=())))
        self.s.flush()

    def medicine_classes(self, medicine_id: int) -> list[MedicineClass]:
        q = select(r.MedicineClassRow).where(r.MedicineClassRow.medicine_id == medicine_id)
        return [
            MedicineClass(x.medicine_id, x.jurisdiction, x.class_code, x.effective_from)
            for x in self.s.scalars(q.order_by(r.MedicineClassRow.effective_from))
        ]

    def lot(self, lot_id: int) -> Lot | None:
        row = self.s.get(r.LotRow, lot_id)
        return to.lot(row) if row else None

    def lot_by_batch(self, pharmacy_id: int, medicine_id: int, batch: str) -> Lot | None:
        row = self._one(_LOT_BY_BATCH, {"p": pharmacy_id, "m": medicine_id, "b": batch})
        return to.lot(_as(r.LotRow, row)) if row else None

    def add_lot(self, lot: Lot) -> Lot:
        row = r.LotRow(**_fields(lot))
        self.s.add(row)
        self.s.flush()
        return to.lot(row)

    def supplier_by_code(self, pharmacy_id: int, code: str) -> Supplier | None:
        q = select(r.SupplierRow).where(r.SupplierRow.pharmacy_id == pharmacy_id, r.SupplierRow.code == code)
        row = self.s.scalar(q)
        return to.supplier(row) if row else None

    def add_supplier(self, supplier: Supplier) -> Supplier:
        row = r.SupplierRow(**_fields(supplier))
        self.s.add(row)
        self.s.flush()
        return to.supplier(row)

    def prescriber_by_id(self, prescriber_id: int) -> Prescriber | None:
        row = self.s.get(r.PrescriberRow, prescriber_id)
        return to.prescriber(row) if row else None

    def patient_by_id(self, patient_id: int) -> Patient | None:
        row = self.s.get(r.PatientRow, patient_id)
        return to.patient(row) if row else None

    def prescriber_by_code(self, pharmacy_id: int, code: str) -> Prescriber | None:
        q = select(r.PrescriberRow).where(r.PrescriberRow.pharmacy_id == pharmacy_id, r.PrescriberRow.code == code)
        row = self.s.scalar(q)
        return to.prescriber(row) if row else None

    def add_prescriber(self, prescriber: Prescriber) -> Prescriber:
        row = r.PrescriberRow(**_fields(prescriber))
        self.s.add(row)
        self.s.flush()
        return to.prescriber(row)

    def patient_by_code(self, pharmacy_id: int, code: str) -> Patient | None:
        q = select(r.PatientRow).where(r.PatientRow.pharmacy_id == pharmacy_id, r.PatientRow.code == code)
        row = self.s.scalar(q)
        return to.patient(row) if row else None

    def add_patient(self, patient: Patient) -> Patient:
        row = r.PatientRow(**_fields(patient))
        self.s.add(row)
        self.s.flush()
        return to.patient(row)

    def prescription(self, pharmacy_id: int, prescription_id: UUID) -> Prescription | None:
        row = self._one(_PRESCRIPTION, {"id": prescription_id, "p": pharmacy_id})
        return to.prescription(_as(r.PrescriptionRow, row)) if row else None

    def prescriptions_by_number(self, pharmacy_id: int, number: str) -> list[Prescription]:
        found = self._conn.execute(_PRESCRIPTIONS_BY_NUMBER, {"p": pharmacy_id, "n": number})
        return [to.prescription(_as(r.PrescriptionRow, x)) for x in found]

    def add_prescription(self, prescription: Prescription) -> Prescription:
        row = r.PrescriptionRow(**to.prescription_values(prescription))
        self.s.add(row)
        self.s.flush()
        return to.prescription(row)
