"""The count sheet as a table: each lot expected (or found on the shelf), its book at the start and now, what was
counted, the variance and its reason. Movements made during the count show beside the book ("90 (−10)")."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import DataTable

from pharmacy.domain.counts import VARIANCE_LABEL
from pharmacy.domain.errors import N_
from pharmacy.domain.movement import Book
from pharmacy.domain.quantity import format_quantity
from pharmacy.i18n import unit_name
from pharmacy.reports.count_sheet import CountSheet, SheetLine
from pharmacy.tui.base import jurisdiction_of
from pharmacy.tui.widgets.columns import add_columns

COLUMNS = (
    (N_("Medicine"), 19),
    (N_("Local name"), 11),
    (N_("Batch"), 9),
    (N_("Expiry"), 10),
    (N_("At start"), 8),
    (N_("Book now"), 10),
    (N_("Counted"), 7),
    (N_("Variance"), 8),
    (N_("Reason"), 14),
)


def signed(steps: int, line: SheetLine) -> str:
    """A difference with its sign, the minus a real one: −3, +0.5."""
    text = format_quantity(abs(steps), line.medicine.unit)
    return ("+" if steps > 0 else "−" if steps < 0 else "") + text


def line_key(line: SheetLine) -> str:
    return f"{line.lot.id}:{line.book.value}"


class CountTable(DataTable[str]):
    """Rows keyed "lot id:book"; the screen reads the chosen line back with `line_of`."""

    def __init__(self, t: Callable[[str], str], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="row", zebra_stripes=True)
        self.t = t
        self.lines: dict[str, SheetLine] = {}

    def on_mount(self) -> None:
        add_columns(self, self.t, COLUMNS)

    def show(self, sheet: CountSheet | None, extra: list[SheetLine] | None = None) -> None:
        """Fill with the sheet (and lots found on the shelf not yet counted), keeping the cursor's row."""
        keep = self.cursor_row
        self.clear()
        self.lines = {}
        for line in [*(sheet.lines if sheet else ()), *(extra or [])]:
            key = line_key(line)
            if key not in self.lines:
                self.lines[key] = line
                self.add_row(*self._cells(line), key=key)
        if self.row_count:
            self.move_cursor(row=min(keep, self.row_count - 1))

    def _cells(self, x: SheetLine) -> list[str]:
        t, spec = self.t, x.medicine.unit
        name = x.medicine.display_name + (" · " + t("returns") if x.book is Book.RETURNS else "")
        moved = f" ({signed(x.moved, x)})" if x.expected and x.moved else ""
        counted = variance = reason = ""
        if x.line is not None:
            counted = format_quantity(x.line.counted, spec) + ("~" if x.line.estimated else "")
            variance = signed(x.line.variance, x) if x.line.variance else "✓"
            reason = t(VARIANCE_LABEL[x.line.reason]) if x.line.reason else ""
        elif not x.expected:
            reason = t("found on the shelf")
        return [
            name,
            x.medicine.name_in(jurisdiction_of(self)),
            x.lot.batch,
            x.lot.expiry.isoformat(),
            format_quantity(x.snapshot, spec) if x.expected else "—",
            format_quantity(x.book_now, spec) + moved,
            counted,
            variance,
            reason,
        ]

    def line_of(self, key: str) -> SheetLine | None:
        return self.lines.get(key)

    def current(self) -> SheetLine | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return self.lines.get(key or "")

    def next_uncounted(self) -> None:
        """Move the cursor to the first lot not yet counted (from the cursor on, then from the top)."""
        keys = list(self.lines)
        order = keys[self.cursor_row :] + keys[: self.cursor_row]
        for key in order:
            if self.lines[key].line is None:
                self.move_cursor(row=keys.index(key))
                return

    def unit_of(self, line: SheetLine) -> str:
        return unit_name(line.medicine.base_unit, self.t)
