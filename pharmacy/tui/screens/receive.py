"""Receive: scan (GS1 or trace code) or search the medicine, supplier, document, quantity in packs or base
units, batch and expiry, a second person where the profile asks, a preview of the balance after, then record."""

from __future__ import annotations

import calendar
import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import Footer, Header, Input, Select, Static

from pharmacy.domain.errors import N_, InvalidValue, UnknownMedicine
from pharmacy.domain.movement import MovementKind
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine, Supplier
from pharmacy.reports.counter import LotStock
from pharmacy.schemas.scan import Scan
from pharmacy.services.commands import Credentials, ReceiveCommand
from pharmacy.tui.base import CounterScreen
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import EntryRecorded, Failed, Refused, Resolved
from pharmacy.tui.widgets.form import Field, clear_errors, show_error
from pharmacy.tui.widgets.matches import MedicineMatches, take_match


@dataclass
class Prepared(Message):
    suppliers: list[Supplier]


@dataclass
class LotsLoaded(Message):
    lots: list[LotStock]


def parse_expiry(text: str) -> date:
    """2028-01-31, or 2028-01 meaning the end of that month (packs often print only the month)."""
    value = text.strip()
    try:
        if len(value) == 7:
            year, month = int(value[:4]), int(value[5:7])
            return date(year, month, calendar.monthrange(year, month)[1])
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidValue(field="expiry", problem=N_("use a date like 2028-01-31 or 2028-01")) from None


class ReceiveScreen(CounterScreen[None]):
    CSS_PATH = "receive.tcss"
    BINDINGS = [
        Binding("ctrl+s", "record", N_("Record")),
        Binding("ctrl+k", "clear", N_("Clear form")),
        Binding("escape", "back", N_("Back"), show=False),  # Esc is always back home; the footer keeps the F-keys
    ]

    def __init__(self) -> None:
        super().__init__()
        self.medicine: Medicine | None = None
        self.scan: Scan | None = None
        self.lots: list[LotStock] = []
        self.suppliers: list[Supplier] = []

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with VerticalScroll(id="form"):
            yield Static(t("Receive goods"), classes="screen-title")
            yield Field(t("Scan the pack, or type part of the name (English, 中文 or pinyin initials)"), "scan")
            yield MedicineMatches(id="matches")
            yield Static(t("No medicine chosen yet"), id="medicine")
            with Horizontal(classes="row"):
                yield Field(t("Supplier"), "supplier")
                yield Field(t("Document no. (invoice, delivery note, order form)"), "document")
            with Horizontal(classes="row"):
                yield Field(t("Quantity"), "quantity")
                yield Select(
                    [(t("packs"), "pack"), (t("base units"), "base")], value="pack", allow_blank=False, id="unit"
                )
                yield Static("", id="conversion")
            with Horizontal(classes="row"):
                yield Field(t("Batch"), "batch")
                yield Field(t("Expiry (YYYY-MM-DD)"), "expiry")
            yield Static("", id="preview")
            yield Static("", id="status")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P still opens it; room for F2–F9

    def on_mount(self) -> None:
        self.query_one("#scan", Input).focus()
        self._prepare()

    @work(thread=True, group="prepare")
    def _prepare(self) -> None:
        guarded(self, self.counter.suppliers, Prepared)

    def on_prepared(self, message: Prepared) -> None:
        self.suppliers = message.suppliers
        names = [s.code for s in message.suppliers] + [s.name for s in message.suppliers]
        self.query_one("#supplier", Input).suggester = SuggestFromList(names, case_sensitive=False)

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._resolve(event.value)

    @work(thread=True, exclusive=True, group="resolve")
    def _resolve(self, text: str) -> None:
        guarded(self, lambda: self.counter.resolve(text), lambda found: Resolved(*found))

    def on_resolved(self, message: Resolved) -> None:
        clear_errors(self)
        scan, matches = message.scan, message.matches
        if scan.kind == "trace":
            self.scan = scan
            self.set_status(self.t("Trace code {code} noted; now search the medicine by name.").format(code=scan.raw))
            self.query_one("#scan", Input).value = ""
            return
        if matches:  # the choice reads the scan (its batch and expiry)
            self.scan = scan if scan.kind in ("gs1", "gtin") else None
        take_match(self, message, self._choose, self.t)

    def on_medicine_matches_picked(self, message: MedicineMatches.Picked) -> None:
        medicine = self.counter.medicine(message.medicine_id)
        if medicine is not None:
            self._choose(medicine)

    def _choose(self, medicine: Medicine) -> None:
        self.medicine = medicine
        self.query_one("#matches", MedicineMatches).display = False
        pack_of = self.t("pack of")
        self.query_one("#medicine", Static).update(
            f"{self.heading(medicine)}  · {pack_of} {medicine.pack_size} {self.unit(medicine)}"
        )
        if self.scan and self.scan.batch:
            self.query_one("#batch", Input).value = self.scan.batch
        if self.scan and self.scan.expiry:
            self.query_one("#expiry", Input).value = self.scan.expiry.isoformat()
        self.query_one("#scan", Input).value = ""
        supplier = self.query_one("#supplier", Input)
        (supplier if not supplier.value else self.query_one("#quantity", Input)).focus()
        self._load_lots(medicine.id)
        self._update_preview()

    @work(thread=True, exclusive=True, group="lots")
    def _load_lots(self, medicine_id: int) -> None:
        guarded(self, lambda: self.counter.lots(medicine_id), LotsLoaded)

    def on_lots_loaded(self, message: LotsLoaded) -> None:
        self.lots = message.lots
        self._update_preview()

    @on(Input.Changed, "#quantity, #batch")
    @on(Select.Changed, "#unit")
    def _changed(self) -> None:
        self._update_preview()

    def _base_steps(self) -> int | None:
        if self.medicine is None:
            return None
        try:
            amount = Decimal(self.query_one("#quantity", Input).value.strip())
        except InvalidOperation:
            return None
        if self.query_one("#unit", Select).value == "pack":
            amount *= self.medicine.pack_size
        steps = amount * self.medicine.unit.scale
        return int(steps) if steps == steps.to_integral_value() and steps > 0 else None

    def _update_preview(self) -> None:
        medicine, steps = self.medicine, self._base_steps()
        conversion, preview = self.query_one("#conversion", Static), self.query_one("#preview", Static)
        if medicine is None or steps is None:
            conversion.update("")
            preview.update("")
            return
        conversion.update(f"= {format_quantity(steps, medicine.unit)} {self.unit(medicine)}")
        batch = self.query_one("#batch", Input).value.strip()
        lot_before = next((ls.balance for ls in self.lots if ls.lot.batch == batch), 0)
        total_before = sum(ls.balance for ls in self.lots)
        preview.update(
            self.t("Balance after: batch {batch} {lot} · {medicine} {total} {unit}").format(
                batch=batch or "—",
                lot=format_quantity(lot_before + steps, medicine.unit),
                medicine=self.medicine_name(medicine),
                total=format_quantity(total_before + steps, medicine.unit),
                unit=self.unit(medicine),
            )
        )

    def _supplier_code(self) -> str:
        typed = self.query_one("#supplier", Input).value.strip()
        match = next((s for s in self.suppliers if typed in (s.code, s.name)), None)
        return match.code if match else typed

    def _command(self, witness: Credentials | None) -> ReceiveCommand:
        if self.medicine is None:
            raise UnknownMedicine(key=self.query_one("#scan", Input).value or "—")

        def value(field_id: str) -> str:
            return self.query_one(f"#{field_id}", Input).value

        return ReceiveCommand(
            id=uuid.uuid4(),
            medicine=self.medicine.code,
            batch=value("batch"),
            quantity=value("quantity").strip(),
            unit="pack" if self.query_one("#unit", Select).value == "pack" else "base",
            supplier=self._supplier_code(),
            expiry=parse_expiry(value("expiry")),
            document=value("document"),
            witness=witness,
            gtin=self.scan.gtin if self.scan else None,
        )

    def action_record(self) -> None:
        clear_errors(self)
        try:
            self._command(None)  # refuse what the form can already tell is wrong, before asking a colleague
        except (UnknownMedicine, InvalidValue) as exc:
            show_error(self, exc, exc.render(self.t))
            return
        if not self.counter.needs_second_person(MovementKind.RECEIPT):
            self._record(None)
            return
        self.ask_second_person(MovementKind.RECEIPT, self._record)

    def _record(self, witness: Credentials | None) -> None:
        command = self._command(witness)
        self.set_status(self.t("Recording…"))
        self._send(command)

    @work(thread=True, exclusive=True, group="record")
    def _send(self, command: ReceiveCommand) -> None:
        guarded(self, lambda: self.counter.receive(self.actor, command), EntryRecorded)

    def on_entry_recorded(self, message: EntryRecorded) -> None:
        got, medicine = message.recorded, self.medicine
        assert medicine is not None
        self.set_status(self.recorded_text(got, medicine), ok=True)
        for field_id in ("quantity", "batch", "expiry", "scan"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.scan = None
        self._load_lots(medicine.id)
        self.query_one("#scan", Input).focus()

    def on_refused(self, message: Refused) -> None:
        show_error(self, message.error, message.error.render(self.t))

    def on_failed(self, message: Failed) -> None:
        self.set_status(self.t("Not recorded: an unexpected error; details in {path}").format(path=message.where))

    async def action_back(self) -> None:
        """Esc: close the list of matches, else back home (the form is kept for later)."""
        matches = self.query_one("#matches", MedicineMatches)
        if matches.display:
            matches.display = False
            self.query_one("#scan", Input).focus()
            return
        await self.pharmacy_app.action_mode("home")

    def action_clear(self) -> None:
        for field in self.query(Input):
            field.value = ""
        self.medicine, self.scan, self.lots = None, None, []
        self.query_one("#medicine", Static).update(self.t("No medicine chosen yet"))
        clear_errors(self)
        self.set_status("")
        self.query_one("#scan", Input).focus()
