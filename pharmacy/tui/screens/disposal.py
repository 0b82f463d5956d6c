"""Returns & destruction (F8): patient returns into their separate record, what awaits destruction and its
actions (quarantine, the CN application, witnessed destruction, return to supplier), and the losses' reports.

A patient's return never goes back into stock (UK-9, regulations §3.6); expired and quarantined stock stays in
the balance until its witnessed destruction (regulations §7.2). The forms live in their dialogs (destroy.py,
disposal_dialogs.py); this screen lists, picks and shows what was recorded.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.suggester import SuggestFromList
from textual.widgets import DataTable, Footer, Header, Input, Static, TabbedContent, TabPane

from pharmacy.domain.duties import Duty
from pharmacy.domain.errors import N_, RegisterError, UnknownMedicine
from pharmacy.domain.movement import MovementKind
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine
from pharmacy.reports.counter import LotStock
from pharmacy.reports.disposal import HeldLot
from pharmacy.reports.monthly_model import LossStatus
from pharmacy.schemas.scan import Scan
from pharmacy.services.commands import Credentials, PatientReturnCommand
from pharmacy.tui.base import CounterScreen
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import EntryRecorded, Failed, Refused, Resolved
from pharmacy.tui.screens.destroy import DestroyScreen
from pharmacy.tui.screens.disposal_dialogs import (
    ApplicationScreen,
    DutyDoneScreen,
    QuarantineScreen,
    SupplierReturnScreen,
)
from pharmacy.tui.screens.disposal_rows import duty_rows, held_cells
from pharmacy.tui.widgets.columns import add_columns
from pharmacy.tui.widgets.form import Field, clear_errors, show_error
from pharmacy.tui.widgets.matches import MedicineMatches, take_match

HELD_COLUMNS = ((N_("Medicine"), 18), (N_("Batch"), 8), (N_("Expiry"), 10), (N_("Stock"), 9),
                (N_("Returns"), 9), (N_("Status"), 27), (N_("Application (CN)"), 22))  # fmt: skip
LOSS_COLUMNS = ((N_("No."), 6), (N_("Found"), 10), (N_("Medicine"), 20), (N_("Batch"), 8), (N_("Lost"), 8),
                (N_("Duty"), 34), (N_("Due"), 10), (N_("Done"), 18))  # fmt: skip
LOT_ACTIONS = frozenset({"quarantine", "apply", "destroy", "supplier_return", "every_batch"})


@dataclass
class LotsLoaded(Message):
    lots: list[LotStock]


@dataclass
class HeldLoaded(Message):
    held: list[HeldLot]


@dataclass
class LossesLoaded(Message):
    losses: list[LossStatus]


class DisposalScreen(CounterScreen[None]):
    CSS_PATH = "disposal.tcss"
    BINDINGS = [
        Binding("ctrl+s", "record_return", N_("Record return")),
        Binding("d", "destroy", N_("Destroy")),
        Binding("q", "quarantine", N_("Quarantine")),
        Binding("p", "apply", N_("Application")),
        Binding("s", "supplier_return", N_("To supplier")),
        Binding("a", "every_batch", N_("All batches")),
        Binding("r", "duty_done", N_("Mark reported")),
        Binding("ctrl+t", "next_tab", N_("Next tab")),
        Binding("escape", "back", N_("Back"), show=False),  # Esc is always back home; the footer keeps the F-keys
    ]

    def __init__(self) -> None:
        super().__init__()
        self.medicine: Medicine | None = None
        self.scan: Scan | None = None
        self.held: dict[str, HeldLot] = {}
        self.duties: dict[str, tuple[int, Duty]] = {}
        self.every_batch = False

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with TabbedContent(id="tabs"):
            with TabPane(t("Patient return"), id="return"):
                yield from self._return_form()
            with TabPane(t("Awaiting destruction"), id="awaiting"):
                yield Static("", id="held-title", classes="pane-title")
                yield DataTable(id="held", cursor_type="row", zebra_stripes=True)
            with TabPane(t("Loss reports"), id="losses"):
                yield Static(
                    t("Losses of the last three months and the reports each one calls for"), classes="pane-title"
                )
                yield DataTable(id="loss-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P still opens it; room for F2–F9

    def _return_form(self) -> ComposeResult:
        t = self.t
        with VerticalScroll(id="form"):
            yield Static(
                t("A patient's return goes to the separate patient-returns record, never back into stock. "
                  "It waits there for destruction before a second member of staff."),
                classes="note",
            )  # fmt: skip
            yield Field(t("Scan the pack, or type part of the name (English, 中文 or pinyin initials)"), "scan")
            yield MedicineMatches(id="matches")
            yield Static(t("No medicine chosen yet"), id="medicine")
            with Horizontal(classes="row"):
                yield Field(t("Batch"), "batch")
                yield Field(t("Quantity (base units)"), "quantity")
            with Horizontal(classes="row"):
                yield Field(t("Patient (code)"), "patient")
                yield Field(t("or prescription no."), "prescription")
            yield Field(t("Reason (e.g. unused after the patient died, dose changed)"), "reason")

    def on_mount(self) -> None:
        super().on_mount()
        add_columns(self.query_one("#held", DataTable), self.t, HELD_COLUMNS)
        add_columns(self.query_one("#loss-table", DataTable), self.t, LOSS_COLUMNS)
        self.query_one("#scan", Input).focus()
        self.reload()

    def reload(self) -> None:
        self._load_held(self.every_batch)
        self._load_losses()

    @work(thread=True, exclusive=True, group="held")
    def _load_held(self, every_batch: bool) -> None:
        guarded(self, lambda: self.counter.held_lots(every_batch=every_batch), HeldLoaded)

    @work(thread=True, exclusive=True, group="losses")
    def _load_losses(self) -> None:
        guarded(self, self.counter.recent_losses, LossesLoaded)

    # the tabs and which keys apply where

    @property
    def tab(self) -> str:
        return self.query_one("#tabs", TabbedContent).active

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Only the keys of the tab shown appear in the footer (False hides; None would only dim)."""
        if action == "record_return":
            return self.tab == "return"
        if action == "apply" and self.counter.pharmacy.profile.jurisdiction != "cn":
            return False
        if action in LOT_ACTIONS:
            return self.tab == "awaiting"
        if action == "duty_done":
            return self.tab == "losses"
        return True

    @on(TabbedContent.TabActivated)
    def _tab_changed(self) -> None:
        self.refresh_bindings()
        table = {"awaiting": "#held", "losses": "#loss-table"}.get(self.tab)
        if table:
            self.query_one(table, DataTable).focus()

    def action_next_tab(self) -> None:
        order = ["return", "awaiting", "losses"]
        self.query_one("#tabs", TabbedContent).active = order[(order.index(self.tab) + 1) % len(order)]

    # awaiting destruction

    def on_held_loaded(self, message: HeldLoaded) -> None:
        table = self.query_one("#held", DataTable)
        table.clear()
        self.held = {str(h.lot_id): h for h in message.held}
        today = self.counter.now().astimezone(self.counter.pharmacy.tz).date()
        for h in message.held:
            table.add_row(*held_cells(h, self.t, self.unit(h.medicine), today, self.jurisdiction), key=str(h.lot_id))
        if not message.held:
            table.add_row("—", "", "", "", "", self.t("nothing awaits destruction"), "")
        title = (
            N_("Every batch in stock (a: only those awaiting destruction)")
            if self.every_batch
            else N_("Expired and quarantined stock, and patient returns, awaiting destruction (a: every batch)")
        )
        self.query_one("#held-title", Static).update(self.t(title))

    def _selected(self) -> HeldLot | None:
        table = self.query_one("#held", DataTable)
        if table.row_count == 0 or table.cursor_row < 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        held = self.held.get(str(key))
        if held is None:
            self.set_status(self.t("Nothing to act on: choose a batch in the list first."))
        return held

    def action_every_batch(self) -> None:
        self.every_batch = not self.every_batch
        self._load_held(self.every_batch)

    def action_destroy(self) -> None:
        held = self._selected()
        if held is not None:
            self.app.push_screen(DestroyScreen(held, self.counter.pharmacy.profile), self._dialog_closed)

    def action_quarantine(self) -> None:
        held = self._selected()
        if held is not None:
            self.app.push_screen(QuarantineScreen(held), self._dialog_closed)

    def action_apply(self) -> None:
        held = self._selected()
        if held is not None:
            self.app.push_screen(ApplicationScreen(held), self._dialog_closed)

    def action_supplier_return(self) -> None:
        held = self._selected()
        if held is not None and held.stock:
            self._open_supplier_return(held)
        elif held is not None:
            self.set_status(self.t("Batch {batch} holds no stock to return.").format(batch=held.batch))

    @work(thread=True, group="suppliers")
    def _open_supplier_return(self, held: HeldLot) -> None:
        names = [s.code for s in self.counter.suppliers()]
        self.app.call_from_thread(self.app.push_screen, SupplierReturnScreen(held, names), self._dialog_closed)

    def _dialog_closed(self, said: str | None) -> None:
        if said:
            self.set_status(said, ok=True)
            self.reload()

    # loss reports

    def on_losses_loaded(self, message: LossesLoaded) -> None:
        table = self.query_one("#loss-table", DataTable)
        table.clear()
        self.duties = {}
        today = self.counter.now().astimezone(self.counter.pharmacy.tz).date()
        for key, seq, duty, cells in duty_rows(message.losses, self.t, today, self.jurisdiction):
            self.duties[key] = (seq, duty)
            table.add_row(*cells, key=key)
        if not message.losses:
            table.add_row("—", "", "", "", "", self.t("no losses recorded"), "", "")

    def action_duty_done(self) -> None:
        table = self.query_one("#loss-table", DataTable)
        if table.row_count == 0:
            return
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        if str(key) in self.duties:
            seq, duty = self.duties[str(key)]
            self.app.push_screen(DutyDoneScreen(seq, duty), self._dialog_closed)

    # the patient return form

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._resolve(event.value)

    @work(thread=True, exclusive=True, group="resolve")
    def _resolve(self, text: str) -> None:
        guarded(self, lambda: self.counter.resolve(text), lambda found: Resolved(*found))

    def on_resolved(self, message: Resolved) -> None:
        if message.matches:  # the choice reads the scan (its batch)
            self.scan = message.scan if message.scan.kind in ("gs1", "gtin") else None
        take_match(self, message, self._choose, self.t)

    def on_medicine_matches_picked(self, message: MedicineMatches.Picked) -> None:
        medicine = self.counter.medicine(message.medicine_id)
        if medicine is not None:
            self._choose(medicine)

    def _choose(self, medicine: Medicine) -> None:
        self.medicine = medicine
        self.query_one("#medicine", Static).update(self.heading(medicine))
        self.query_one("#scan", Input).value = ""
        if self.scan and self.scan.batch:
            self.query_one("#batch", Input).value = self.scan.batch
        self.query_one("#quantity" if self.scan and self.scan.batch else "#batch", Input).focus()
        self._load_lots(medicine.id)

    @work(thread=True, exclusive=True, group="lots")
    def _load_lots(self, medicine_id: int) -> None:
        guarded(self, lambda: self.counter.lots(medicine_id), LotsLoaded)

    def on_lots_loaded(self, message: LotsLoaded) -> None:
        batches = [ls.lot.batch for ls in message.lots]
        batch = self.query_one("#batch", Input)
        batch.suggester = SuggestFromList(batches, case_sensitive=False)
        if not batch.value and len(batches) == 1:
            batch.value = batches[0]

    def _return_command(self, witness: Credentials | None) -> PatientReturnCommand:
        if self.medicine is None:
            raise UnknownMedicine(key=self.query_one("#scan", Input).value or "—")

        def value(field_id: str) -> str:
            return self.query_one(f"#{field_id}", Input).value.strip()

        return PatientReturnCommand(
            id=uuid.uuid4(),
            medicine=self.medicine.code,
            batch=value("batch"),
            quantity=value("quantity"),
            patient=value("patient") or None,
            prescription=value("prescription") or None,
            reason=value("reason") or None,
            witness=witness,
        )

    def action_record_return(self) -> None:
        clear_errors(self)
        try:
            self._return_command(None)
        except RegisterError as exc:
            show_error(self, exc, exc.render(self.t))
            return
        if self.counter.needs_second_person(MovementKind.PATIENT_RETURN):
            self.ask_second_person(MovementKind.PATIENT_RETURN, self._send_return)
        else:
            self._send_return(None)

    def _send_return(self, witness: Credentials | None) -> None:
        command = self._return_command(witness)
        self.set_status(self.t("Recording…"))
        self._take_back(command)

    @work(thread=True, exclusive=True, group="record")
    def _take_back(self, command: PatientReturnCommand) -> None:
        guarded(self, lambda: self.counter.take_back(self.actor, command), EntryRecorded)

    def on_entry_recorded(self, message: EntryRecorded) -> None:
        got, med = message.recorded, self.medicine
        assert med is not None
        self.set_status(
            self.t("Recorded as No. {seq} in the patient-returns record (not stock): {balance} {unit} of batch "
                   "{batch} await destruction.").format(
                seq=got.seq, balance=format_quantity(got.lot_balance_after, med.unit), unit=self.unit(med),
                batch=self.query_one("#batch", Input).value.strip(),
            ),
            ok=True,
        )  # fmt: skip
        for field_id in ("quantity", "batch", "patient", "prescription", "reason", "scan"):
            self.query_one(f"#{field_id}", Input).value = ""
        self.scan = None
        self.query_one("#scan", Input).focus()
        self._load_held(self.every_batch)

    def on_refused(self, message: Refused) -> None:
        self.set_status("")
        show_error(self, message.error, message.error.render(self.t))

    def on_failed(self, message: Failed) -> None:
        self.set_status(self.t("Not recorded: an unexpected error; details in {path}").format(path=message.where))

    async def action_back(self) -> None:
        matches = self.query_one("#matches", MedicineMatches)
        if matches.display:
            matches.display = False
            self.query_one("#scan", Input).focus()
            return
        await self.pharmacy_app.action_mode("home")
