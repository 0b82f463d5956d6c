"""The count's entry panel: scan or batch, what is on the shelf, and — when it differs from the book — the variance,
a reason that can explain its sign, a note, and the reporting duties a loss sets off. Posts `Scanned` and `Ready`
up; the screen resolves scans and records."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Input, Label, Select, Static

from pharmacy.domain.counts import (
    LIQUID_REASONS,
    LIQUID_UNITS,
    REASON_SIGN,
    VARIANCE_LABEL,
    VarianceReason,
    entry_kind_for,
)
from pharmacy.domain.duties import DUTY_LABEL, checklist
from pharmacy.domain.movement import Book, MovementKind
from pharmacy.domain.profile import Profile
from pharmacy.domain.quantity import format_quantity
from pharmacy.i18n import unit_name
from pharmacy.reports.count_sheet import SheetLine
from pharmacy.tui.base import jurisdiction_of
from pharmacy.tui.widgets.count_table import signed
from pharmacy.tui.widgets.form import Field, clear_errors


def fitting_reasons(variance: int, base_unit: str) -> list[VarianceReason]:
    """The reasons whose sign fits the variance (REASON_SIGN); the liquid ones only for medicines in mL."""
    liquid = base_unit in LIQUID_UNITS
    sign = 1 if variance > 0 else -1
    return [r for r in VarianceReason if REASON_SIGN[r] in (0, sign) and (liquid or r not in LIQUID_REASONS)]


def _typed(text: str) -> tuple[str, bool]:
    """The count as typed, and whether it is an estimate: "~95" (or "≈95") in a US inventory."""
    value = text.strip()
    estimated = value[:1] in ("~", "≈")
    return (value[1:].strip() if estimated else value), estimated


class CountEntry(Vertical):
    @dataclass
    class Scanned(Message):
        text: str

    @dataclass
    class Ready(Message):
        """The lot's count is typed: agreeing (`reason` None), or a variance with its reason chosen."""

        line: SheetLine
        counted: str
        reason: VarianceReason | None
        variance: int
        note: str | None
        estimated: bool = False  # typed as "~95": a DEA inventory's estimate (21 CFR 1304.11(e)(3))
        refers_to: str | None = None  # a closed month the finding belongs to

    def __init__(self, t: Callable[[str], str], profile: Profile, today: Callable[[], date], *, id: str) -> None:
        super().__init__(id=id)
        self.t, self.profile, self.today = t, profile, today
        self.chosen: SheetLine | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="entry"):
            yield Field(t("Scan a pack, or type a batch"), "scan")
            yield Field(t("Counted on the shelf"), "counted")
            with Vertical(id="reason-field"):
                yield Label(t("Reason for the variance"))
                yield Select([], prompt=t("Reason"), id="reason")
                yield Static("", id="reason-error", classes="field-error")
            yield Field(t("Note"), "note")
            yield Field(t("Re closed month"), "refers", placeholder="YYYY-MM")
        yield Static("", id="chosen")

    def on_mount(self) -> None:
        self._explaining(False)

    def _explaining(self, shown: bool) -> None:
        self.query_one("#reason-field").display = shown
        self.query_one("#note-field").display = shown
        self.query_one("#refers-field").display = shown

    def choose(self, line: SheetLine | None) -> None:
        """Count this lot next (None: nothing chosen); the count typed before is cleared."""
        clear_errors(self)
        self.chosen = line
        for field_id in ("counted", "note", "refers"):
            self.query_one(f"#{field_id}", Input).value = ""
        self._explaining(False)
        self._describe(None)
        if line is not None:
            self.query_one("#counted", Input).focus()

    def refuse(self, field_id: str, message: str) -> None:
        """The message beside the field concerned, the cursor there; what was typed stays."""
        if field_id == "reason":
            self._explaining(True)
        self.query_one(f"#{field_id}-error", Static).update(message)
        self.query_one(f"#{field_id}").focus()

    def variance(self) -> int | None:
        """Counted minus the book, in steps; None while the count typed is not a quantity."""
        x = self.chosen
        if x is None:
            return None
        try:
            steps = Decimal(_typed(self.query_one("#counted", Input).value)[0]) * x.medicine.unit.scale
        except InvalidOperation:
            return None
        return int(steps) - x.book_now if steps == steps.to_integral_value() and steps >= 0 else None

    def _describe(self, variance: int | None) -> None:
        """What is being counted, its book, and the variance the typed count makes."""
        x = self.chosen
        if x is None:
            self.query_one("#chosen", Static).update("")
            return
        unit = unit_name(x.medicine.base_unit, self.t)
        book = self.t("book {book} {unit}").format(book=format_quantity(x.book_now, x.medicine.unit), unit=unit)
        if x.expected and x.moved:
            book += " " + self.t("({moved} during the count)").format(moved=signed(x.moved, x))
        batch = self.t("batch {batch}").format(batch=x.lot.batch)
        bold, rest = x.medicine.heading_in(jurisdiction_of(self))
        text = f"[b]{bold}[/b] {rest} · {batch} · {book}"
        if x.book is Book.RETURNS:
            text += " · " + self.t("patient returns (kept apart, awaiting destruction)")
        if variance:
            shown = self.t("Variance {variance} {unit}").format(variance=signed(variance, x), unit=unit)
            text += f"\n[b $warning]{shown}[/]" + self._loss_note(variance)
        elif variance == 0:
            text += "\n[$success]" + self.t("Agrees with the book: Enter records it.") + "[/]"
        self.query_one("#chosen", Static).update(text)

    def _loss_note(self, variance: int) -> str:
        """A shortfall left unexplained or suspected is a loss, with reporting duties (US-12, CN-15, UK CDAO)."""
        reason = self.query_one("#reason", Select).value
        if not isinstance(reason, str) or entry_kind_for(VarianceReason(reason), variance) is not MovementKind.LOSS:
            return ""
        by = self.t("by {day}")
        duties = [
            f"  • {self.t(DUTY_LABEL[d.duty])} — {by.format(day=d.due_on)}"
            for d in checklist(self.profile, self.today(), {})
        ]
        return "\n[$error]" + self.t("This becomes a loss entry, with reporting duties:") + "[/]\n" + "\n".join(duties)

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.Scanned(event.value))
            event.input.value = ""

    @on(Input.Changed, "#counted")
    def _counted_changed(self) -> None:
        self._explaining(False)
        self._describe(self.variance())

    @on(Input.Submitted, "#counted")
    @on(Input.Submitted, "#note")
    @on(Input.Submitted, "#refers")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.submit()

    def submit(self) -> None:
        """Enter: an agreeing count goes up at once; a variance first asks its reason (then the screen a witness)."""
        clear_errors(self)
        x = self.chosen
        if x is None:
            self.refuse("scan", self.t("Choose the lot first: scan the pack, or Enter on its row."))
            return
        variance, reason = self.variance(), self.query_one("#reason", Select).value
        counted, estimated = _typed(self.query_one("#counted", Input).value)
        explaining = self.query_one("#reason-field").display
        if variance and not estimated and not (explaining and isinstance(reason, str)):
            self._ask_reason(variance, x)
            return
        chosen = VarianceReason(reason) if variance and not estimated and isinstance(reason, str) else None
        note = self.query_one("#note", Input).value.strip() or None
        refers = self.query_one("#refers", Input).value.strip() or None
        self.post_message(self.Ready(x, counted, chosen, variance or 0, note, estimated, refers))

    def _ask_reason(self, variance: int, x: SheetLine) -> None:
        select = self.query_one("#reason", Select)
        select.set_options(
            (self.t(VARIANCE_LABEL[r]), r.value) for r in fitting_reasons(variance, x.medicine.base_unit)
        )
        self._explaining(True)
        select.focus()

    @on(Select.Changed, "#reason")
    def _reason_changed(self, event: Select.Changed) -> None:
        event.stop()
        self._describe(self.variance())
        if isinstance(event.value, str):
            self.query_one("#note", Input).focus()
