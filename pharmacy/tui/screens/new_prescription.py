"""Enter the prescription the patient hands over: number, prescriber, patient, medicine, quantity, form, days.

The dialog closes only when the register has accepted it; a refusal (a rule, an unknown patient …) is shown
beside the field concerned and everything typed stays.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Input, Select, Static

from pharmacy.domain.errors import N_, InvalidValue, UnknownMedicine
from pharmacy.domain.reference import PRESCRIPTION_KINDS, PrescriptionDetails
from pharmacy.services.commands import PrescriptionCommand
from pharmacy.services.results import Created
from pharmacy.tui.base import CounterModal
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import Failed, Refused
from pharmacy.tui.widgets.form import Field, clear_errors, show_error

KIND_LABEL = {
    "normal": N_("ordinary"),
    "emergency": N_("emergency"),
    "paediatric": N_("paediatric"),
    "narcotic_psy1": N_("pale red: narcotic / psychotropic I (麻、精一)"),
    "psy2": N_("white: psychotropic II (精二)"),
}


@dataclass
class PartiesLoaded(Message):
    prescribers: list[tuple[str, str]]
    patients: list[tuple[str, str]]


@dataclass
class PrescriptionAdded(Message):
    created: Created


class NewPrescriptionScreen(CounterModal[str | None]):
    """Returns the new prescription's number, or None when cancelled."""

    CSS_PATH = "new_prescription.tcss"
    BINDINGS = [Binding("ctrl+s", "save", N_("Record prescription")), Binding("escape", "cancel", N_("Cancel"))]

    def compose(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(id="dialog"):
            yield Static(t("New prescription"), id="title")
            with Horizontal(classes="row"):
                yield Field(t("Prescription no."), "number")
                yield Field(t("Written on (YYYY-MM-DD, empty: today)"), "written_on")
            with Horizontal(classes="row"):
                yield Field(t("Prescriber (code)"), "prescriber")
                yield Field(t("Patient (code)"), "patient")
            yield Field(t("Medicine (code or name)"), "medicine")
            with Horizontal(classes="row"):
                yield Field(t("Quantity (base units)"), "quantity")
                yield Field(t("Days' supply"), "days_supply")
            yield Select(
                [(t(KIND_LABEL[k]), k) for k in PRESCRIPTION_KINDS], value="normal", allow_blank=False, id="kind"
            )
            yield Field(t("Dose and directions"), "dose")
            yield Static("", id="status", classes="error")

    def on_mount(self) -> None:
        self.query_one("#number", Input).focus()
        self._parties()

    @work(thread=True, group="parties")
    def _parties(self) -> None:
        guarded(self, self.counter.parties, lambda found: PartiesLoaded(*found))

    def on_parties_loaded(self, message: PartiesLoaded) -> None:
        self.query_one("#prescriber", Input).suggester = SuggestFromList([c for c, _ in message.prescribers])
        self.query_one("#patient", Input).suggester = SuggestFromList([c for c, _ in message.patients])

    def _value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def _command(self) -> PrescriptionCommand:
        matches = self.counter.find_medicines(self._value("medicine"))
        exact = [m for m in matches if m.code == self._value("medicine")]
        if len(exact or matches) != 1:
            raise UnknownMedicine(key=self._value("medicine") or "—")
        try:
            written = date.fromisoformat(self._value("written_on")) if self._value("written_on") else None
            days = int(self._value("days_supply")) if self._value("days_supply") else None
        except ValueError:
            raise InvalidValue(
                field="days_supply" if self._value("days_supply") else "written_on",
                problem=N_("use a date like 2026-03-31 and a whole number of days"),
            ) from None
        today = self.counter.now().astimezone(self.counter.pharmacy.tz).date()
        details = PrescriptionDetails(
            kind=str(self.query_one("#kind", Select).value), days_supply=days, dose=self._value("dose") or None
        )
        return PrescriptionCommand(
            id=uuid.uuid4(),
            number=self._value("number"),
            written_on=written or today,
            prescriber=self._value("prescriber"),
            patient=self._value("patient"),
            medicine=(exact or matches)[0].code,
            quantity=self._value("quantity"),
            details=details,
        )

    def action_save(self) -> None:
        clear_errors(self)
        self.query_one("#status", Static).update("")
        try:
            command = self._command()
        except (UnknownMedicine, InvalidValue) as exc:
            show_error(self, exc, exc.render(self.t))
            return
        self._send(command)

    @work(thread=True, exclusive=True, group="save")
    def _send(self, command: PrescriptionCommand) -> None:
        guarded(self, lambda: self.counter.add_prescription(self.actor, command), PrescriptionAdded)

    def on_prescription_added(self, message: PrescriptionAdded) -> None:
        self.dismiss(message.created.key)

    def on_refused(self, message: Refused) -> None:
        show_error(self, message.error, message.error.render(self.t))

    def on_failed(self, message: Failed) -> None:
        self.query_one("#status", Static).update(
            self.t("Not recorded: an unexpected error; details in {path}").format(path=message.where)
        )

    @on(Input.Submitted)
    def _next(self) -> None:
        self.focus_next()

    def action_cancel(self) -> None:
        self.dismiss(None)
