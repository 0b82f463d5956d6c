"""Dispense: choose the prescription, scan the pack (the earliest-expiring usable batch is suggested), the
quantity (part supplies allowed, the owing shown), rule findings live, a second person, record."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from pharmacy.domain.errors import N_, InvalidValue, UnknownPrescription
from pharmacy.domain.findings import Finding
from pharmacy.domain.movement import MovementKind
from pharmacy.domain.ports import expired_on
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine
from pharmacy.reports.counter import LotStock, OpenPrescription
from pharmacy.schemas.scan import read_scan
from pharmacy.services.commands import Credentials, DispenseCommand
from pharmacy.tui.base import CounterScreen
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import EntryRecorded, Failed, Refused
from pharmacy.tui.screens.new_prescription import NewPrescriptionScreen
from pharmacy.tui.widgets.columns import add_columns
from pharmacy.tui.widgets.findings import FindingsPanel
from pharmacy.tui.widgets.form import Field, clear_errors, show_error


@dataclass
class PrescriptionsLoaded(Message):
    prescriptions: list[OpenPrescription]


@dataclass
class FindingsChecked(Message):
    findings: list[Finding]


@dataclass
class LotsLoaded(Message):
    lots: list[LotStock]


def suggested_lot(lots: list[LotStock], today: date) -> LotStock | None:
    """The earliest-expiring batch that is not expired and holds stock (first expiry, first out)."""
    usable = [ls for ls in lots if ls.balance > 0 and not expired_on(ls.lot, today)]
    return min(usable, key=lambda ls: (ls.lot.expiry, ls.lot.batch)) if usable else None


class DispenseScreen(CounterScreen[None]):
    CSS_PATH = "dispense.tcss"
    BINDINGS = [
        Binding("ctrl+s", "record", N_("Record")),
        Binding("escape", "back", N_("Back"), show=False),  # Esc is always back home; the footer keeps the F-keys
        Binding("ctrl+k", "clear", N_("Clear form")),
        Binding("ctrl+n", "new_prescription", N_("New prescription")),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.prescriptions: list[OpenPrescription] = []
        self.rx: OpenPrescription | None = None
        self.medicine: Medicine | None = None
        self.lots: list[LotStock] = []
        self.pending_number: str | None = None  # a prescription just entered, to choose when the list reloads
        self.codes: list[str] = []  # trace codes / GS1 serials of the packs handed over (CN-TR-1/2)

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Horizontal():
            with Vertical(id="left"):
                yield Static(t("Dispense against a prescription"), classes="screen-title")
                yield Field(t("Prescription no. (or choose below)"), "prescription")
                yield DataTable(id="prescriptions", cursor_type="row")
            with Vertical(id="right"):
                yield Static(t("No prescription chosen yet"), id="rx-summary")
                yield Field(t("Scan each pack (trace code or GS1), then Enter on the empty line"), "scan")
                yield Select([], prompt=t("Batch"), id="batch")
                yield Static("", id="batch-error", classes="field-error")
                yield Static("", id="codes")
                yield Field(t("Quantity"), "quantity")
                yield Static("", id="owing")
                yield Static(t("Rule findings"), classes="pane-title")
                yield FindingsPanel(id="findings")
                yield Field(t("Override reason (a warning needs one, and the second person's check)"), "override")
                yield Static("", id="preview")
                yield Static("", id="status")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P still opens it; room for F2–F9

    def on_mount(self) -> None:
        table = self.query_one("#prescriptions", DataTable)
        t = self.t
        add_columns(table, t, ((N_("No."), 14), (N_("Patient"), 8), (N_("Medicine"), 20), (N_("Owing"), 12)))
        table.focus()
        self.query_one("#findings", FindingsPanel).show([], t)
        self.query_one("#override-field").display = False

    def on_screen_resume(self) -> None:
        self._load_prescriptions()

    @work(thread=True, exclusive=True, group="prescriptions")
    def _load_prescriptions(self) -> None:
        guarded(self, self.counter.open_prescriptions, PrescriptionsLoaded)

    def on_prescriptions_loaded(self, message: PrescriptionsLoaded) -> None:
        self.prescriptions = message.prescriptions
        table = self.query_one("#prescriptions", DataTable)
        table.clear()
        for rx in self.prescriptions:
            med = self.counter.medicine(rx.medicine_id)
            assert med is not None
            owing = f"{format_quantity(rx.owing, med.unit)} {self.unit(med)}"
            table.add_row(rx.number, rx.patient, self.medicine_name(med), owing, key=str(rx.id))
        chosen = next((rx for rx in self.prescriptions if rx.number == self.pending_number), None)
        if chosen is not None:
            self.pending_number = None
            self._choose(chosen)

    @on(DataTable.RowSelected, "#prescriptions")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        chosen = next((rx for rx in self.prescriptions if str(rx.id) == event.row_key.value), None)
        if chosen is not None:
            self._choose(chosen)

    @on(Input.Submitted, "#prescription")
    def _number_typed(self, event: Input.Submitted) -> None:
        number = event.value.strip()
        chosen = next((rx for rx in self.prescriptions if rx.number == number), None)
        if chosen is None:
            show_error(self, UnknownPrescription(key=number), UnknownPrescription(key=number).render(self.t))
            return
        self._choose(chosen)

    def _choose(self, rx: OpenPrescription) -> None:
        clear_errors(self)
        self.rx, self.medicine, self.codes = rx, self.counter.medicine(rx.medicine_id), []
        med = self.medicine
        assert med is not None
        heading = self.heading(med, gap=" ")
        self.query_one("#rx-summary", Static).update(
            f"[b]{rx.number}[/b]  {rx.patient} · {rx.prescriber}\n{heading} · "
            + self.t("prescribed {p}, supplied {s}, owing {o} {unit}").format(
                p=format_quantity(rx.prescribed, med.unit),
                s=format_quantity(rx.supplied, med.unit),
                o=format_quantity(rx.owing, med.unit),
                unit=self.unit(med),
            )
        )
        self.query_one("#scan", Input).focus()
        self._load_lots(med.id)

    @work(thread=True, exclusive=True, group="lots")
    def _load_lots(self, medicine_id: int) -> None:
        guarded(self, lambda: self.counter.lots(medicine_id), LotsLoaded)

    def on_lots_loaded(self, message: LotsLoaded) -> None:
        self.lots = message.lots
        today = self.counter.now().astimezone(self.counter.pharmacy.tz).date()
        select = self.query_one("#batch", Select)
        select.set_options([(self._lot_label(ls, today), ls.lot.batch) for ls in self.lots if ls.balance > 0])
        best = suggested_lot(self.lots, today)
        if best is not None:
            select.value = best.lot.batch
        self._default_quantity()

    def _lot_label(self, ls: LotStock, today: date) -> str:
        held = format_quantity(ls.balance, self.medicine.unit) if self.medicine else str(ls.balance)
        label = self.t("{batch} · exp. {expiry} · holds {held}").format(
            batch=ls.lot.batch, expiry=ls.lot.expiry, held=held
        )
        return label + (" · " + self.t("EXPIRED") if expired_on(ls.lot, today) else "")

    def _lot(self) -> LotStock | None:
        value = self.query_one("#batch", Select).value
        return next((ls for ls in self.lots if ls.lot.batch == value), None)

    def _default_quantity(self) -> None:
        lot, med = self._lot(), self.medicine
        if self.rx is None or med is None:
            return
        steps = min(self.rx.owing, lot.balance) if lot else self.rx.owing
        self.query_one("#quantity", Input).value = format_quantity(steps, med.unit)
        self._update_preview()

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        """Each pack is scanned in turn (its trace code or GS1 string); Enter on an empty line goes on."""
        text = event.value.strip()
        if not text:
            self.query_one("#quantity", Input).focus()
            return
        scan = read_scan(text)
        if scan.gtin and not self._same_medicine(scan.gtin):
            return
        if scan.batch and any(ls.lot.batch == scan.batch for ls in self.lots):
            self.query_one("#batch", Select).value = scan.batch
            self._default_quantity()
        code = scan.raw if scan.kind == "trace" else scan.serial
        if code and code not in self.codes:
            self.codes.append(code)
        self._show_codes()
        event.input.value = ""

    def _same_medicine(self, gtin: str) -> bool:
        pack = self.counter.medicine_by_gtin(gtin)
        if self.medicine is None or (pack is not None and pack.id == self.medicine.id):
            return True
        name = pack.display_name if pack else gtin
        error = InvalidValue(
            field="scan",
            problem=N_("this pack is {pack}, not the prescribed {rx}"),
            pack=name,
            rx=self.medicine.display_name,
        )
        show_error(self, error, error.render(self.t))
        return False

    def _show_codes(self) -> None:
        last = self.codes[-1] if self.codes else "—"
        self.query_one("#codes", Static).update(
            self.t("Pack codes scanned: {count} (last {code})").format(count=len(self.codes), code=last)
        )
        self._update_preview()

    @on(Select.Changed, "#batch")
    def _batch_changed(self) -> None:
        self._update_preview()

    @on(Input.Changed, "#quantity")
    def _quantity_changed(self) -> None:
        self._update_preview()

    @on(Input.Submitted, "#quantity")
    def _quantity_entered(self) -> None:
        self.action_record()

    def _steps(self) -> int | None:
        if self.medicine is None:
            return None
        try:
            scaled = Decimal(self.query_one("#quantity", Input).value.strip()) * self.medicine.unit.scale
        except InvalidOperation:
            return None
        return int(scaled) if scaled == scaled.to_integral_value() else None

    def _update_preview(self) -> None:
        med, rx, lot, steps = self.medicine, self.rx, self._lot(), self._steps()
        if med is None or rx is None or steps is None:
            self.query_one("#preview", Static).update("")
            return
        self.query_one("#owing", Static).update(
            self.t("Owing after this supply: {o} {unit}").format(
                o=format_quantity(rx.owing - steps, med.unit), unit=self.unit(med)
            )
        )
        total = sum(ls.balance for ls in self.lots)
        if lot is not None:
            self.query_one("#preview", Static).update(
                self.t("Balance after: batch {batch} {lot} · {medicine} {total} {unit}").format(
                    batch=lot.lot.batch,
                    lot=format_quantity(lot.balance - steps, med.unit),
                    medicine=self.medicine_name(med),
                    total=format_quantity(total - steps, med.unit),
                    unit=self.unit(med),
                )
            )
        self._check_rules()

    def _check_rules(self) -> None:
        try:
            command = self._command(None)
        except UnknownPrescription:
            return
        self._findings(command)

    @work(thread=True, exclusive=True, group="findings")
    def _findings(self, command: DispenseCommand) -> None:
        guarded(self, lambda: self.counter.dispense_findings(self.actor, command), FindingsChecked)

    def on_findings_checked(self, message: FindingsChecked) -> None:
        self.query_one("#findings", FindingsPanel).show(message.findings, self.t)

    def _command(self, witness: Credentials | None) -> DispenseCommand:
        if self.rx is None or self.medicine is None:
            raise UnknownPrescription(key=self.query_one("#prescription", Input).value or "—")
        return DispenseCommand(
            id=uuid.uuid4(),
            medicine=self.medicine.code,
            batch=str(self.query_one("#batch", Select).value or ""),
            quantity=self.query_one("#quantity", Input).value.strip(),
            prescription=str(self.rx.id),
            witness=witness,
            codes=tuple(self.codes),
            override_reason=self.query_one("#override", Input).value.strip() or None,
        )

    def action_record(self) -> None:
        clear_errors(self)
        try:
            self._command(None)
        except UnknownPrescription as exc:
            show_error(self, exc, exc.render(self.t))
            return
        if not self.counter.needs_second_person(MovementKind.DISPENSE):
            self._send(self._command(None))
            return
        self.ask_second_person(MovementKind.DISPENSE, self._checked)

    def _checked(self, witness: Credentials) -> None:
        self.set_status(self.t("Recording…"))
        self._send(self._command(witness))

    @work(thread=True, exclusive=True, group="record")
    def _send(self, command: DispenseCommand) -> None:
        guarded(self, lambda: self.counter.dispense(self.actor, command), EntryRecorded)

    def on_entry_recorded(self, message: EntryRecorded) -> None:
        got, med = message.recorded, self.medicine
        assert med is not None
        self.set_status(self.recorded_text(got, med), ok=True)
        self._reset(keep_status=True)
        self._load_prescriptions()

    def on_refused(self, message: Refused) -> None:
        if message.error.code == "override_required":
            self.query_one("#override-field").display = True
            self.query_one("#override-error", Static).update(message.error.render(self.t))
            self.query_one("#override", Input).focus()
            return
        show_error(self, message.error, message.error.render(self.t))

    @on(Input.Submitted, "#override")
    def _override_given(self) -> None:
        self.action_record()

    def on_failed(self, message: Failed) -> None:
        self.set_status(self.t("Not recorded: an unexpected error; details in {path}").format(path=message.where))

    def _reset(self, *, keep_status: bool = False) -> None:
        self.rx, self.medicine, self.lots, self.codes = None, None, [], []
        self.query_one("#codes", Static).update("")
        self.query_one("#override-field").display = False
        for field in self.query(Input):
            field.value = ""
        self.query_one("#batch", Select).set_options([])
        self.query_one("#rx-summary", Static).update(self.t("No prescription chosen yet"))
        self.query_one("#owing", Static).update("")
        self.query_one("#preview", Static).update("")
        clear_errors(self)
        if not keep_status:
            self.set_status("")
        self.query_one("#prescriptions", DataTable).focus()

    def action_new_prescription(self) -> None:
        """Enter the prescription in hand; once recorded it is chosen for this supply."""
        self.app.push_screen(NewPrescriptionScreen(), self._prescription_entered)

    def _prescription_entered(self, number: str | None) -> None:
        if number is not None:
            self.pending_number = number
            self._load_prescriptions()

    def action_clear(self) -> None:
        self._reset()

    async def action_back(self) -> None:
        await self.pharmacy_app.action_mode("home")
