"""Stock counts: a count asserts what is on the shelf; every variance is explained, never silently reset.

A count takes a snapshot (the chain head) when it starts; each lot is counted later, against the book *at the
moment it is counted*, so entries made during the count are accounted for, not blocked (regulations §7.2,
lessons: stock checks that stop the counter are skipped). Liquids carry manufacturer overage and lose volume in
measuring, so small liquid differences have their own reasons within a tolerance per medicine (§7.2).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from uuid import UUID

from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.domain.movement import Book, MovementKind


class CountScope(StrEnum):
    ALL = "all"
    CLASS = "class"
    MEDICINE = "medicine"


class CountType(StrEnum):
    """A routine balance check, or the US DEA inventories of 21 CFR 1304.11."""

    ROUTINE = "routine"
    INITIAL = "initial"
    BIENNIAL = "biennial"


class TakenAt(StrEnum):
    """21 CFR 1304.11(a): an inventory states whether it was taken at the opening or close of business."""

    OPENING = "opening"
    CLOSE = "close"


class VarianceReason(StrEnum):
    COUNT_ERROR = "count_error"
    BREAKAGE = "breakage"
    LIQUID_OVERAGE = "liquid_overage"
    LIQUID_LOSS = "liquid_loss"
    SUSPECTED_LOSS = "suspected_loss"
    UNEXPLAINED = "unexplained"


VARIANCE_LABEL: dict[VarianceReason, str] = {
    VarianceReason.COUNT_ERROR: N_("count or entry error found"),
    VarianceReason.BREAKAGE: N_("breakage or spillage"),
    VarianceReason.LIQUID_OVERAGE: N_("liquid overage (within tolerance)"),
    VarianceReason.LIQUID_LOSS: N_("liquid measuring loss (within tolerance)"),
    VarianceReason.SUSPECTED_LOSS: N_("suspected loss or theft"),
    VarianceReason.UNEXPLAINED: N_("unexplained"),
}

# The sign of variance each reason can explain: +1 more on the shelf, -1 less, 0 either.
REASON_SIGN: dict[VarianceReason, int] = {
    VarianceReason.COUNT_ERROR: 0,
    VarianceReason.BREAKAGE: -1,
    VarianceReason.LIQUID_OVERAGE: +1,
    VarianceReason.LIQUID_LOSS: -1,
    VarianceReason.SUSPECTED_LOSS: -1,
    VarianceReason.UNEXPLAINED: 0,
}

LIQUID_REASONS = frozenset({VarianceReason.LIQUID_OVERAGE, VarianceReason.LIQUID_LOSS})
LIQUID_UNITS = frozenset({"ml", "mL", "毫升"})


# Above this a "tolerance" would explain away diversion: the catalogue refuses it.
MAX_TOLERANCE_BP = 2000


def tolerance_bp(percent: Decimal | None) -> int | None:
    """A tolerance typed in percent (e.g. 3.5) → exact basis points; None keeps the pharmacy's default."""
    if percent is None:
        return None
    bp = percent * 100
    if bp != bp.to_integral_value() or not 0 < bp <= MAX_TOLERANCE_BP:
        raise InvalidValue(
            field="count_tolerance", problem=N_("give a percentage above 0 and at most 20, in steps of 0.01")
        )
    return int(bp)


def entry_kind_for(reason: VarianceReason, variance: int) -> MovementKind:
    """Less on the shelf than the book with no innocent explanation is a loss, with its reporting duties."""
    if variance < 0 and reason in (VarianceReason.SUSPECTED_LOSS, VarianceReason.UNEXPLAINED):
        return MovementKind.LOSS
    return MovementKind.ADJUSTMENT


def within_tolerance(variance: int, book: int, tolerance_bp: int) -> bool:
    """|variance| ≤ tolerance × book, in integers (no float in a quantity's path)."""
    return abs(variance) * 10_000 <= tolerance_bp * book


@dataclass(frozen=True)
class StockCount:
    id: UUID
    pharmacy_id: int
    scope: CountScope
    scope_value: str | None  # the class code or the medicine code
    count_type: CountType
    taken_at: TakenAt | None
    snapshot_seq: int
    started_at: datetime
    started_by_id: int
    note: str | None = None


@dataclass(frozen=True)
class CountLine:
    """One lot counted: the book when counted, what was found, and how the difference was explained."""

    id: UUID
    count_id: UUID
    pharmacy_id: int
    medicine_id: int
    lot_id: int
    book: Book
    snapshot_balance: int
    book_balance: int  # the snapshot plus what was entered while the count went on
    counted: int
    estimated: bool
    reason: VarianceReason | None
    note: str | None
    refers_to_month: str | None  # a closed month this finding belongs to (ARCHITECTURE §1.7)
    counted_at: datetime
    counted_by_id: int
    witness_id: int | None
    movement_id: UUID | None  # the adjustment or loss entry that records the variance

    @property
    def variance(self) -> int:
        return self.counted - self.book_balance

    @property
    def moved_during_count(self) -> int:
        return self.book_balance - self.snapshot_balance
