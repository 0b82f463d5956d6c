"""The month fold as a property: any ledger, cut at any month boundaries, ties out and carries forward.

Random entries of every kind on a few lots and both books (receipts, dispenses, adjustments and corrections of
either sign, patient returns and their destruction) with random times, cut into consecutive periods at random
boundaries. `fold_month` of each period ties out, its closing is the plain sum of everything dated before the
period's end, and each closing is the next period's opening; a lot is left out only when nothing is held and
nothing moved. Pure domain: no database.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from itertools import pairwise

from hypothesis import given, settings
from hypothesis import strategies as st

from pharmacy.domain.monthly import KindTotal, LotFigures, fold_month
from pharmacy.domain.movement import Book, MovementKind

LOTS = {1: 10, 2: 10, 3: 20, 4: 30}  # lot → medicine

# The sign each kind is stored with on each book (0: either sign).
STOCK_SIGNS = {
    MovementKind.RECEIPT: +1,
    MovementKind.DISPENSE: -1,
    MovementKind.SUPPLIER_RETURN: -1,
    MovementKind.DESTRUCTION: -1,
    MovementKind.LOSS: -1,
    MovementKind.ADJUSTMENT: 0,
    MovementKind.CORRECTION: 0,
}
RETURNS_SIGNS = {
    MovementKind.PATIENT_RETURN: +1,
    MovementKind.DESTRUCTION: -1,
    MovementKind.CORRECTION: 0,
    MovementKind.ADJUSTMENT: 0,
    MovementKind.LOSS: -1,
}


@dataclass(frozen=True)
class Entry:
    at: int
    lot_id: int
    book: Book
    kind: MovementKind
    quantity: int


@st.composite
def entries(draw: st.DrawFn) -> Entry:
    book = draw(st.sampled_from(Book))
    signs = STOCK_SIGNS if book is Book.STOCK else RETURNS_SIGNS
    kind = draw(st.sampled_from(sorted(signs)))
    size = draw(st.integers(1, 5_000))
    sign = signs[kind] or draw(st.sampled_from((-1, 1)))
    return Entry(draw(st.integers(0, 999)), draw(st.sampled_from(sorted(LOTS))), book, kind, sign * size)


def totals(ledger: list[Entry], start: int | None, end: int) -> list[KindTotal]:
    """What GROUP BY medicine, lot, book, kind returns for entries dated in [start, end)."""
    sums: Counter[tuple[int, Book, MovementKind]] = Counter()
    for e in ledger:
        if (start is None or e.at >= start) and e.at < end:
            sums[(e.lot_id, e.book, e.kind)] += e.quantity
    return [KindTotal(LOTS[lot], lot, book, kind, q) for (lot, book, kind), q in sums.items()]


def held(ledger: list[Entry], lot: int, book: Book, end: int) -> int:
    return sum(e.quantity for e in ledger if e.lot_id == lot and e.book is book and e.at < end)


def zero(lot: int) -> LotFigures:
    return LotFigures(LOTS[lot], lot)


@settings(max_examples=100, deadline=None)
@given(
    ledger=st.lists(entries(), max_size=60),
    cuts=st.lists(st.integers(1, 999), min_size=1, max_size=6, unique=True).map(sorted),
)
def test_month_figures_tie_out_and_carry_forward(ledger: list[Entry], cuts: list[int]) -> None:
    bounds = [0, *cuts, 1000]
    previous: dict[int, LotFigures] = {}
    for start, end in pairwise(bounds):
        folded = fold_month(totals(ledger, None, start), totals(ledger, start, end))
        by_lot = {f.lot_id: f for f in folded}
        assert len(by_lot) == len(folded) and [f.lot_id for f in folded] == sorted(by_lot)
        for lot, medicine in LOTS.items():
            f = by_lot.get(lot, zero(lot))
            assert f.ties_out
            assert f.medicine_id == medicine
            assert (f.closing, f.returns_closing) == (
                held(ledger, lot, Book.STOCK, end),
                held(ledger, lot, Book.RETURNS, end),
            )
            before = previous.get(lot, zero(lot))
            assert (f.opening, f.returns_opening) == (before.closing, before.returns_closing)
            if lot not in by_lot:  # left out: nothing held at either end (and, below, no column of the month moved)
                assert not (f.opening or f.returns_opening or f.closing or f.returns_closing)
            else:
                assert f != zero(lot)
            _check_columns(f, ledger, lot, start, end)
        previous = by_lot


def _check_columns(f: LotFigures, ledger: list[Entry], lot: int, start: int, end: int) -> None:
    """Every entry of the period lands in exactly one column; outflows are printed positive."""

    def total(book: Book, *of: MovementKind) -> int:
        return sum(
            e.quantity for e in ledger if e.lot_id == lot and e.book is book and start <= e.at < end and e.kind in of
        )

    s, r = Book.STOCK, Book.RETURNS
    assert f.receipts == total(s, MovementKind.RECEIPT)
    assert f.dispensed == -total(s, MovementKind.DISPENSE)
    assert f.supplier_returns == -total(s, MovementKind.SUPPLIER_RETURN)
    assert f.destroyed == -total(s, MovementKind.DESTRUCTION)
    assert f.losses == -total(s, MovementKind.LOSS)
    assert f.adjustments == total(s, MovementKind.ADJUSTMENT)
    assert f.corrections == total(s, MovementKind.CORRECTION)
    assert f.patient_returns == total(r, MovementKind.PATIENT_RETURN)
    assert f.returns_destroyed == -total(r, MovementKind.DESTRUCTION)
    assert f.returns_other == total(r, MovementKind.CORRECTION, MovementKind.ADJUSTMENT, MovementKind.LOSS)
