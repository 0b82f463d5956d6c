"""Movements: the immutable entries of the register, their kinds, books and signs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from uuid import UUID

from pharmacy.domain.errors import N_


class MovementKind(StrEnum):
    RECEIPT = "receipt"
    DISPENSE = "dispense"
    PATIENT_RETURN = "patient_return"
    SUPPLIER_RETURN = "supplier_return"
    DESTRUCTION = "destruction"
    LOSS = "loss"
    ADJUSTMENT = "adjustment"
    CORRECTION = "correction"


class Book(StrEnum):
    """Which balance an entry moves. Patient returns never re-enter saleable stock (UK-9; lessons §6)."""

    STOCK = "stock"
    RETURNS = "returns"


# +1 adds to the book, -1 takes from it, 0 either sign (adjustments follow the count, corrections the original).
DIRECTION: dict[MovementKind, int] = {
    MovementKind.RECEIPT: +1,
    MovementKind.DISPENSE: -1,
    MovementKind.PATIENT_RETURN: +1,
    MovementKind.SUPPLIER_RETURN: -1,
    MovementKind.DESTRUCTION: -1,
    MovementKind.LOSS: -1,
    MovementKind.ADJUSTMENT: 0,
    MovementKind.CORRECTION: 0,
}

KIND_LABEL: dict[MovementKind, str] = {
    MovementKind.RECEIPT: N_("receipt"),
    MovementKind.DISPENSE: N_("dispensing"),
    MovementKind.PATIENT_RETURN: N_("patient return"),
    MovementKind.SUPPLIER_RETURN: N_("return to supplier"),
    MovementKind.DESTRUCTION: N_("destruction"),
    MovementKind.LOSS: N_("loss or theft"),
    MovementKind.ADJUSTMENT: N_("count adjustment"),
    MovementKind.CORRECTION: N_("correction"),
}


@dataclass(frozen=True)
class Movement:
    """One line of the register exactly as stored; `hash` seals it and every line before it."""

    id: UUID
    pharmacy_id: int
    seq: int
    kind: MovementKind
    book: Book
    occurred_at: datetime
    recorded_at: datetime
    medicine_id: int
    lot_id: int
    quantity: int
    lot_balance_after: int
    medicine_balance_after: int
    supplier_id: int | None
    prescription_id: UUID | None
    patient_id: int | None
    document: str | None
    entered_by_id: int
    checked_by_id: int | None
    reason: str | None
    reverses_id: UUID | None
    imported: bool
    prev_hash: str
    hash: str
