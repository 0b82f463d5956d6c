"""The small dialogs of Returns & destruction: quarantine a batch, record the application to destroy it (CN),
return it to the supplier with the document number, and mark a loss's reporting duty done."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.suggester import SuggestFromList
from textual.widgets import Input, Label, Select, Static

from pharmacy.domain.duties import DUTY_LABEL, Duty
from pharmacy.domain.errors import N_, InvalidValue, RegisterError
from pharmacy.domain.holds import HOLD_REASON_LABEL, HoldKind, HoldReason
from pharmacy.domain.movement import MovementKind
from pharmacy.domain.quantity import format_quantity
from pharmacy.reports.disposal import HeldLot
from pharmacy.reports.monthly import SUPERVISION_DAYS
from pharmacy.services.commands import Credentials, DutyDoneCommand, HoldCommand, SupplierReturnCommand
from pharmacy.services.results import Recorded
from pharmacy.tui.screens.dialog import FormDialog
from pharmacy.tui.widgets.form import Field, clear_errors


def parse_day(text: str, field: str) -> date | None:
    """'' → None (today); else an ISO date, or a refusal naming the field."""
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(field=field, problem=N_("use a date like 2026-03-31")) from None


class _LotDialog(FormDialog):
    def __init__(self, held: HeldLot) -> None:
        super().__init__()
        self.held = held

    def lot_text(self) -> str:
        med = self.held.medicine
        return f"{self.medicine_name(med)} {med.strength} · {self.t('batch')} {self.held.batch}"


class QuarantineScreen(_LotDialog):
    """Quarantine: the batch stays in the balance, refused at the counter until destroyed (regulations §7.2)."""

    def title_text(self) -> str:
        return self.t("Quarantine {lot}").format(lot=self.lot_text())

    def body(self) -> ComposeResult:
        reasons = [(self.t(label), reason.value) for reason, label in HOLD_REASON_LABEL.items()]
        first = HoldReason.EXPIRED if self.held.expired else HoldReason.DAMAGED
        yield Label(self.t("Reason"))
        yield Select(reasons, value=first.value, allow_blank=False, id="reason")
        yield Field(self.t("Note (optional)"), "note")
        yield Static(
            self.t("The batch stays in the balance and cannot be dispensed until it is destroyed."), classes="note"
        )

    def prepare(self) -> Callable[[], object]:
        command = HoldCommand(
            medicine=self.held.medicine.code,
            batch=self.held.batch,
            reason=HoldReason(str(self.query_one("#reason", Select).value)),
            note=self.value("note") or None,
        )
        return lambda: self.counter.hold(self.actor, command)

    def done(self, result: Any) -> str:
        return self.t("{lot} is quarantined: it awaits destruction.").format(lot=self.lot_text())


class ApplicationScreen(_LotDialog):
    """CN: the application to the regulator to destroy the batch; the supervised destruction follows within
    5 days (条例 Art.61, CN-14)."""

    def title_text(self) -> str:
        return self.t("Application to destroy {lot}").format(lot=self.lot_text())

    def body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Field(self.t("Application reference"), "reference")
            yield Field(self.t("Applied on (YYYY-MM-DD, empty: today)"), "on")
        yield Static(
            self.t("条例 Art.61: the regulator supervises the destruction within 5 days of the application."),
            classes="note",
        )

    def prepare(self) -> Callable[[], object]:
        if not self.value("reference"):
            raise InvalidValue(field="reference", problem=N_("give the application's reference"))
        command = HoldCommand(
            medicine=self.held.medicine.code,
            batch=self.held.batch,
            kind=HoldKind.DESTRUCTION_APPLIED,
            reference=self.value("reference"),
            on=parse_day(self.value("on"), "on"),
        )
        return lambda: self.counter.hold(self.actor, command)

    def done(self, result: Any) -> str:
        return self.t("Application {reference} recorded; the supervised destruction is due by {due}.").format(
            reference=result.reference, due=(result.on + timedelta(days=SUPERVISION_DAYS)).isoformat()
        )


class SupplierReturnScreen(_LotDialog):
    """Goods back to the supplier, with the supplier's document number (a second person where the law asks)."""

    def __init__(self, held: HeldLot, suppliers: list[str]) -> None:
        super().__init__(held)
        self.suppliers = suppliers

    def title_text(self) -> str:
        return self.t("Return {lot} to the supplier").format(lot=self.lot_text())

    def body(self) -> ComposeResult:
        med = self.held.medicine
        with Horizontal(classes="row"):
            yield Field(self.t("Quantity ({unit})").format(unit=self.unit(med)), "quantity",
                        value=format_quantity(self.held.stock, med.unit))  # fmt: skip
            yield Field(self.t("Supplier"), "supplier")
        with Horizontal(classes="row"):
            yield Field(self.t("Document no. (returns note, credit note)"), "document")
            yield Field(self.t("Reason"), "reason")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#supplier", Input).suggester = SuggestFromList(self.suppliers, case_sensitive=False)

    def _command(self, witness: Credentials | None) -> SupplierReturnCommand:
        if not self.value("document"):
            raise InvalidValue(field="document", problem=N_("give the supplier's document number"))
        return SupplierReturnCommand(
            id=uuid.uuid4(),
            medicine=self.held.medicine.code,
            batch=self.held.batch,
            quantity=self.value("quantity"),
            supplier=self.value("supplier"),
            document=self.value("document"),
            reason=self.value("reason") or None,
            witness=witness,
        )

    def action_submit(self) -> None:
        clear_errors(self)
        try:
            self._command(None)
        except RegisterError as exc:
            self.show_refusal(exc)
            return
        if self.counter.needs_second_person(MovementKind.SUPPLIER_RETURN):
            self.ask_second_person(MovementKind.SUPPLIER_RETURN, self._send)
        else:
            self._send(None)

    def _send(self, witness: Credentials | None) -> None:
        command = self._command(witness)
        self.send(lambda: self.counter.return_to_supplier(self.actor, command))

    def done(self, result: Any) -> str:
        assert isinstance(result, Recorded)
        return self.t("Returned to the supplier: No. {seq}. The batch now holds {balance} {unit}.").format(
            seq=result.seq,
            balance=format_quantity(result.lot_balance_after, self.held.medicine.unit),
            unit=self.unit(self.held.medicine),
        )


class DutyDoneScreen(FormDialog):
    """A loss's reporting duty marked done, with the authority's reference (US-12, CN-15)."""

    def __init__(self, seq: int, duty: Duty) -> None:
        super().__init__()
        self.seq, self.duty = seq, duty

    def title_text(self) -> str:
        return self.t("Loss No. {seq}: {duty}").format(seq=self.seq, duty=self.t(DUTY_LABEL[self.duty]))

    def body(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Field(self.t("The authority's reference (crime number, receipt …)"), "reference")
            yield Field(self.t("Done on (YYYY-MM-DD, empty: today)"), "on")

    def prepare(self) -> Callable[[], object]:
        command = DutyDoneCommand(
            entry=str(self.seq), duty=self.duty, done_on=parse_day(self.value("on"), "on"),
            reference=self.value("reference") or None,
        )  # fmt: skip
        return lambda: self.counter.record_duty(self.actor, command)

    def done(self, result: Any) -> str:
        return self.t("Recorded: {duty} done on {day}.").format(
            duty=self.t(DUTY_LABEL[self.duty]), day=result.done_on.isoformat()
        )
