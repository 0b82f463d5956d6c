"""Resolving what a command names (codes, GTINs, batches, numbers) to records, with specific errors."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pharmacy.domain.errors import (
    N_,
    AmbiguousPrescription,
    InvalidValue,
    LotExpired,
    UnknownLot,
    UnknownMedicine,
    UnknownPatient,
    UnknownPrescriber,
    UnknownPrescription,
    UnknownSupplier,
)
from pharmacy.domain.ports import UnitOfWork, expired_on
from pharmacy.domain.quantity import packs_to_base, parse_quantity
from pharmacy.domain.reference import Lot, Medicine, Patient, Pharmacy, Prescriber, Prescription, Supplier
from pharmacy.domain.timing import local_day
from pharmacy.services.commands import QuantityUnit


def text(value: str | None, field: str, *, required: bool = True, limit: int = 200) -> str | None:
    """Trimmed text without control characters; None when optional and empty."""
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise InvalidValue(field=field, problem=N_("must not be empty"))
        return None
    if len(cleaned) > limit:
        raise InvalidValue(field=field, problem=N_("is too long (at most {limit} characters)"), limit=limit)
    if any(ord(ch) < 32 for ch in cleaned):
        raise InvalidValue(field=field, problem=N_("contains control characters; retype it"))
    return cleaned


def required(value: str | None, field: str, limit: int = 200) -> str:
    result = text(value, field, limit=limit)
    assert result is not None
    return result


def medicine(uow: UnitOfWork, key: str) -> Medicine:
    key = key.strip()
    found = uow.reference.medicine_by_code(key)
    if found is None and key.isdigit():
        found = uow.reference.medicine_by_gtin(key.zfill(14))
    if found is None:
        raise UnknownMedicine(key=key)
    return found


def lot(uow: UnitOfWork, pharmacy: Pharmacy, med: Medicine, batch: str) -> Lot:
    found = uow.reference.lot_by_batch(pharmacy.id, med.id, batch.strip())
    if found is None:
        raise UnknownLot(key=batch, medicine=med.display_name)
    return found


def usable_lot(lot_: Lot, when: datetime, pharmacy: Pharmacy) -> Lot:
    """CN-13 and good practice everywhere: an expired batch is never supplied."""
    if expired_on(lot_, local_day(when, pharmacy.tz)):
        raise LotExpired(batch=lot_.batch, expiry=lot_.expiry.isoformat())
    return lot_


def supplier(uow: UnitOfWork, pharmacy: Pharmacy, code: str) -> Supplier:
    found = uow.reference.supplier_by_code(pharmacy.id, code.strip())
    if found is None:
        raise UnknownSupplier(key=code)
    return found


def prescriber(uow: UnitOfWork, pharmacy: Pharmacy, code: str) -> Prescriber:
    found = uow.reference.prescriber_by_code(pharmacy.id, code.strip())
    if found is None:
        raise UnknownPrescriber(key=code)
    return found


def patient(uow: UnitOfWork, pharmacy: Pharmacy, code: str) -> Patient:
    found = uow.reference.patient_by_code(pharmacy.id, code.strip())
    if found is None:
        raise UnknownPatient(key=code)
    return found


def prescription(uow: UnitOfWork, pharmacy: Pharmacy, key: str) -> Prescription:
    key = key.strip()
    try:
        by_id = uow.reference.prescription(pharmacy.id, UUID(key))
    except ValueError:
        by_id = None
    if by_id is not None:
        return by_id
    matches = uow.reference.prescriptions_by_number(pharmacy.id, key)
    if not matches:
        raise UnknownPrescription(key=key)
    if len(matches) > 1:
        raise AmbiguousPrescription(key=key, count=len(matches))
    return matches[0]


def quantity_base(med: Medicine, value: Decimal | str, unit: QuantityUnit) -> Decimal | str:
    """A quantity in base units, from base units or whole packs as typed."""
    return packs_to_base(value, med.pack_size) if unit == "pack" else value


def quantity(med: Medicine, value: Decimal | str, unit: QuantityUnit, *, signed: bool = False) -> int:
    return parse_quantity(quantity_base(med, value, unit), med.unit, signed=signed)
