"""Conversions between ORM rows and frozen domain values: no ORM object leaves db/."""

from __future__ import annotations

from dataclasses import fields

from pharmacy.db import rows as r
from pharmacy.domain.movement import Book, Movement, MovementKind
from pharmacy.domain.profile import Profile
from pharmacy.domain.reference import (
    Lot,
    Medicine,
    Patient,
    Pharmacy,
    Prescriber,
    Prescription,
    PrescriptionDetails,
    Supplier,
    User,
)
from pharmacy.domain.roles import Role


def pharmacy(row: r.PharmacyRow) -> Pharmacy:
    return Pharmacy(
        id=row.id,
        code=row.code,
        name=row.name,
        licence_no=row.licence_no,
        address=row.address,
        profile=Profile(row.profile),
        timezone=row.timezone,
        late_entry_days=row.late_entry_days,
        lockout_attempts=row.lockout_attempts,
    )


def user(row: r.UserRow) -> User:
    return User(
        id=row.id,
        pharmacy_id=row.pharmacy_id,
        username=row.username,
        full_name=row.full_name,
        role=Role(row.role),
        registration_no=row.registration_no,
        pin_hash=row.pin_hash,
        active=row.active,
        failed_attempts=row.failed_attempts,
        locked=row.locked,
    )


def medicine(row: r.MedicineRow) -> Medicine:
    return Medicine(
        id=row.id,
        code=row.code,
        generic_en=row.generic_en,
        generic_local=row.generic_local,
        form=row.form,
        strength=row.strength,
        base_unit=row.base_unit,
        scale=row.scale,
        unit_step=row.unit_step,
        pack_size=row.pack_size,
        modified_release=row.modified_release,
        count_tolerance_bp=row.count_tolerance_bp,
    )


def lot(row: r.LotRow) -> Lot:
    return Lot(
        id=row.id,
        pharmacy_id=row.pharmacy_id,
        medicine_id=row.medicine_id,
        batch=row.batch,
        expiry=row.expiry,
        gtin=row.gtin,
        manufacturer=row.manufacturer,
    )


def supplier(row: r.SupplierRow) -> Supplier:
    return Supplier(
        id=row.id,
        pharmacy_id=row.pharmacy_id,
        code=row.code,
        name=row.name,
        address=row.address,
        licence_no=row.licence_no,
        dea_no=row.dea_no,
    )


def prescriber(row: r.PrescriberRow) -> Prescriber:
    return Prescriber(
        id=row.id,
        pharmacy_id=row.pharmacy_id,
        code=row.code,
        name=row.name,
        address=row.address,
        registration_no=row.registration_no,
        dea_no=row.dea_no,
        country=row.country,
    )


def patient(row: r.PatientRow) -> Patient:
    return Patient(
        id=row.id,
        pharmacy_id=row.pharmacy_id,
        code=row.code,
        name=row.name,
        sex=row.sex,
        date_of_birth=row.date_of_birth,
        address=row.address,
        id_doc_type=row.id_doc_type,
        id_doc_no=row.id_doc_no,
    )


def prescription(row: r.PrescriptionRow) -> Prescription:
    details = PrescriptionDetails(**{f.name: getattr(row, f.name) for f in fields(PrescriptionDetails)})
    return Prescription(
        id=row.id, pharmacy_id=row.pharmacy_id, number=row.number, written_on=row.written_on,
        prescriber_id=row.prescriber_id, patient_id=row.patient_id, medicine_id=row.medicine_id,
        quantity=row.quantity, details=details, recorded_at=row.recorded_at,
    )  # fmt: skip


def prescription_values(rx: Prescription) -> dict[str, object]:
    basics = {f.name: getattr(rx, f.name) for f in fields(Prescription) if f.name != "details"}
    return basics | {f.name: getattr(rx.details, f.name) for f in fields(PrescriptionDetails)}


def movement(row: r.MovementRow) -> Movement:
    return Movement(
        id=row.id,
        pharmacy_id=row.pharmacy_id,
        seq=row.seq,
        kind=MovementKind(row.kind),
        book=Book(row.book),
        occurred_at=row.occurred_at,
        recorded_at=row.recorded_at,
        medicine_id=row.medicine_id,
        lot_id=row.lot_id,
        quantity=row.quantity,
        lot_balance_after=row.lot_balance_after,
        medicine_balance_after=row.medicine_balance_after,
        supplier_id=row.supplier_id,
        prescription_id=row.prescription_id,
        patient_id=row.patient_id,
        document=row.document,
        entered_by_id=row.entered_by_id,
        checked_by_id=row.checked_by_id,
        reason=row.reason,
        reverses_id=row.reverses_id,
        imported=row.imported,
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


def movement_values(m: Movement) -> dict[str, object]:
    return {
        "id": m.id,
        "pharmacy_id": m.pharmacy_id,
        "seq": m.seq,
        "kind": m.kind.value,
        "book": m.book.value,
        "occurred_at": m.occurred_at,
        "recorded_at": m.recorded_at,
        "medicine_id": m.medicine_id,
        "lot_id": m.lot_id,
        "quantity": m.quantity,
        "lot_balance_after": m.lot_balance_after,
        "medicine_balance_after": m.medicine_balance_after,
        "supplier_id": m.supplier_id,
        "prescription_id": m.prescription_id,
        "patient_id": m.patient_id,
        "document": m.document,
        "entered_by_id": m.entered_by_id,
        "checked_by_id": m.checked_by_id,
        "reason": m.reason,
        "reverses_id": m.reverses_id,
        "imported": m.imported,
        "prev_hash": m.prev_hash,
        "hash": m.hash,
    }
