"""Month figures: per lot, opening + what came in − what went out = closing, folded from the ledger's totals.

The figures the responsible pharmacist signs (regulations §1.8: opening, receipts, dispensed, returns, destroyed,
losses, closing, by product × batch). They are a fold of the register, never stored truth; the close keeps a
digest of them, so a report printed later can be shown to carry the figures that were signed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, fields, replace

from pharmacy.domain.movement import Book, MovementKind


@dataclass(frozen=True)
class KindTotal:
    """The signed sum of one kind of entry on one lot and book (a row of GROUP BY medicine, lot, book, kind)."""

    medicine_id: int
    lot_id: int
    book: Book
    kind: MovementKind
    quantity: int


@dataclass(frozen=True)
class LotFigures:
    """One lot over one month, in steps of the medicine's unit. Outflows are shown as positive numbers."""

    medicine_id: int
    lot_id: int
    opening: int = 0
    receipts: int = 0
    dispensed: int = 0
    supplier_returns: int = 0
    destroyed: int = 0
    losses: int = 0
    adjustments: int = 0  # signed: a count found more (+) or less (−) than the book
    corrections: int = 0  # signed: reversing entries made this month
    closing: int = 0
    returns_opening: int = 0  # the separate patient-returns record (UK-9), never saleable stock
    patient_returns: int = 0
    returns_destroyed: int = 0
    returns_other: int = 0  # signed: corrections and count adjustments of the returns record
    returns_closing: int = 0

    @property
    def ties_out(self) -> bool:
        stock = (
            self.opening
            + self.receipts
            - self.dispensed
            - self.supplier_returns
            - self.destroyed
            - self.losses
            + self.adjustments
            + self.corrections
        )
        returns = self.returns_opening + self.patient_returns - self.returns_destroyed + self.returns_other
        return stock == self.closing and returns == self.returns_closing

    @property
    def quiet(self) -> bool:
        """Nothing held and nothing moved: left out of the report."""
        return not any(getattr(self, f.name) for f in fields(self) if f.name not in ("medicine_id", "lot_id"))


# Which column a month's entry of a kind adds to, and with which sign (outflows are stored negative).
_STOCK_COLUMN: dict[MovementKind, tuple[str, int]] = {
    MovementKind.RECEIPT: ("receipts", +1),
    MovementKind.DISPENSE: ("dispensed", -1),
    MovementKind.SUPPLIER_RETURN: ("supplier_returns", -1),
    MovementKind.DESTRUCTION: ("destroyed", -1),
    MovementKind.LOSS: ("losses", -1),
    MovementKind.ADJUSTMENT: ("adjustments", +1),
    MovementKind.CORRECTION: ("corrections", +1),
    MovementKind.PATIENT_RETURN: ("corrections", +1),  # never on the stock book; kept for a total fold
}
_RETURNS_COLUMN: dict[MovementKind, tuple[str, int]] = {
    MovementKind.PATIENT_RETURN: ("patient_returns", +1),
    MovementKind.DESTRUCTION: ("returns_destroyed", -1),
}


def fold_month(before: Iterable[KindTotal], within: Iterable[KindTotal]) -> list[LotFigures]:
    """Figures per lot from the totals dated before the month and those dated inside it; ordered by lot."""
    opening: dict[tuple[int, int], dict[str, int]] = {}
    for t in before:
        column = "opening" if t.book is Book.STOCK else "returns_opening"
        _add(opening, t, column, t.quantity)
    for t in within:
        column, sign = (_STOCK_COLUMN if t.book is Book.STOCK else _RETURNS_COLUMN).get(t.kind, ("returns_other", 1))
        _add(opening, t, column, sign * t.quantity)
    figures = []
    for (medicine_id, lot_id), values in sorted(opening.items(), key=lambda item: item[0][1]):
        lot = LotFigures(medicine_id, lot_id, **values)
        figures.append(replace(lot, closing=_stock_closing(lot), returns_closing=_returns_closing(lot)))
    return [f for f in figures if not f.quiet]


def _add(into: dict[tuple[int, int], dict[str, int]], t: KindTotal, column: str, amount: int) -> None:
    values = into.setdefault((t.medicine_id, t.lot_id), {})
    values[column] = values.get(column, 0) + amount


def _stock_closing(f: LotFigures) -> int:
    return (
        f.opening
        + f.receipts
        - f.dispensed
        - f.supplier_returns
        - f.destroyed
        - f.losses
        + f.adjustments
        + f.corrections
    )


def _returns_closing(f: LotFigures) -> int:
    return f.returns_opening + f.patient_returns - f.returns_destroyed + f.returns_other


def figures_digest(figures: Iterable[LotFigures]) -> str:
    """SHA-256 over the figures in lot order: stored with the close, shown on every printed report."""
    rows = [[getattr(f, field.name) for field in fields(f)] for f in sorted(figures, key=lambda f: f.lot_id)]
    return hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()
