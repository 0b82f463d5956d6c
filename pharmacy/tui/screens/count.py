"""Count: start a stock count (a snapshot), then count each lot — scan the pack or pick the row, type what is on
the shelf, Enter. A count that agrees is recorded at once; a variance needs a reason that fits its sign and a
witness, and is written as an adjustment or a loss (services.counts). The history tab resumes an open count.

Counts are assertions, never resets, and the counter keeps working meanwhile (regulations §1.8, §2.6, §3.4,
§7.2; lessons: stocktakes collide with live dispensing).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Label, Select, Static, TabbedContent, TabPane

from pharmacy.domain.counts import CountLine, CountScope, CountType, StockCount, TakenAt, VarianceReason, entry_kind_for
from pharmacy.domain.errors import N_, RegisterError
from pharmacy.domain.movement import KIND_LABEL, Book, MovementKind
from pharmacy.domain.profile import Profile
from pharmacy.domain.quantity import format_quantity
from pharmacy.i18n import unit_name
from pharmacy.reports.count_sheet import CountRecord, CountSheet, FoundLot, SheetLine
from pharmacy.schemas.scan import read_scan
from pharmacy.services.commands import CountLotCommand, Credentials, StartCountCommand
from pharmacy.tui.base import CounterScreen
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import Failed, Refused
from pharmacy.tui.screens.count_labels import HISTORY_COLUMNS, TYPE_LABEL, class_label, scope_text
from pharmacy.tui.widgets.columns import add_columns
from pharmacy.tui.widgets.count_entry import CountEntry
from pharmacy.tui.widgets.count_table import CountTable, line_key

# The field a refused count points at (the others show in the status line).
FIELD_OF_ERROR = {
    "count_negative": "counted",
    "invalid_quantity": "counted",
    "quantity_off_step": "counted",
    "quantity_too_large": "counted",
    "rule_blocked": "counted",
    "variance_reason_required": "reason",
    "refers_to_open_month": "refers",
    "reason_does_not_fit": "reason",
    "not_a_liquid": "reason",
    "tolerance_exceeded": "reason",
    "already_counted": "scan",
    "lot_outside_count": "scan",
    "unknown_lot": "scan",
    "unknown_medicine": "scan",
}


@dataclass
class Prepared(Message):
    history: list[CountRecord]
    classes: list[str]


@dataclass
class SheetLoaded(Message):
    sheet: CountSheet


@dataclass
class CountStarted(Message):
    count: StockCount


@dataclass
class LotCounted(Message):
    line: CountLine


@dataclass
class LotsFound(Message):
    batch: str
    found: list[FoundLot]


class CountScreen(CounterScreen[None]):
    CSS_PATH = "count.tcss"
    BINDINGS = [
        Binding("ctrl+s", "start", N_("Start count")),
        Binding("ctrl+n", "new_count", N_("New count")),
        Binding("ctrl+o", "history", N_("Counts")),
        Binding("escape", "back", N_("Back"), show=False),  # Esc is always back home; the footer keeps the F-keys
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sheet: CountSheet | None = None
        self.found: list[SheetLine] = []  # lots found on the shelf, not expected, not counted yet
        self.pending: CountEntry.Ready | None = None  # a variance waiting for its witness
        self.advance = False  # after a count: move the cursor to the next lot once the sheet reloads
        self.from_scan = False  # where the lot was chosen: focus goes back there once it is counted
        self.history: list[CountRecord] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with TabbedContent(initial="count-tab"):
            with TabPane(self.t("Count"), id="count-tab"):
                yield from self._setup()
                yield Static("", id="progress")
                yield CountTable(self.t, id="sheet")
                yield CountEntry(self.t, self.counter.pharmacy.profile, self._today, id="count-entry")
                yield Static("", id="status")
            with TabPane(self.t("Counts"), id="history-tab"):
                yield DataTable(id="history", cursor_type="row")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P still opens it; room for F2–F9

    def _setup(self) -> ComposeResult:
        t = self.t
        with Horizontal(id="setup"):
            with Vertical(classes="choice"):
                yield Label(t("Count"))
                scopes = [
                    (t("all controlled medicines"), "all"),
                    (t("one class"), "class"),
                    (t("one medicine"), "medicine"),
                ]
                yield Select(scopes, value="all", allow_blank=False, id="scope")
            with Vertical(classes="choice", id="class-box"):
                yield Label(t("Class"))
                yield Select([], prompt=t("Class"), id="scope-class")
            with Vertical(classes="choice", id="medicine-box"):
                yield Label(t("Medicine"))
                yield Select([], prompt=t("Medicine"), id="scope-medicine")
            with Vertical(classes="choice us-only"):
                yield Label(t("Type (21 CFR 1304.11)"))
                yield Select([(t(label), v.value) for v, label in TYPE_LABEL.items()], value="routine",
                             allow_blank=False, id="count-type")  # fmt: skip
            with Vertical(classes="choice us-only"):
                yield Label(t("Taken at"))
                taken = [(t("opening of business"), "opening"), (t("close of business"), "close")]
                yield Select(taken, prompt=t("Taken at"), id="taken-at")
            yield Static(t("Ctrl+S: start the count (a snapshot of the register)"), id="setup-hint")

    def _today(self) -> date:
        return self.counter.now().astimezone(self.counter.pharmacy.tz).date()

    def on_mount(self) -> None:
        super().on_mount()
        add_columns(self.query_one("#history", DataTable), self.t, HISTORY_COLUMNS)
        us = self.counter.pharmacy.profile is Profile.US
        for box in self.query(".us-only"):
            box.display = us
        meds = sorted(self.counter.medicines(), key=lambda m: m.display_name)
        self.query_one("#scope-medicine", Select).set_options((m.display_name, m.code) for m in meds)
        self._scope_changed()
        self._show_entry(False)
        self._prepare()

    def on_screen_resume(self) -> None:
        """Back on the screen: the books may have moved meanwhile (the counter keeps working during a count)."""
        if self.sheet is not None:
            self._load_sheet(self.sheet.count.id)

    @work(thread=True, exclusive=True, group="prepare")
    def _prepare(self) -> None:
        guarded(self, lambda: Prepared(self.counter.count_history(), self.counter.count_classes()), lambda m: m)

    def on_prepared(self, message: Prepared) -> None:
        self.query_one("#scope-class", Select).set_options((self.t(class_label(c)), c) for c in message.classes)
        self._fill_history(message.history)
        latest = message.history[0] if message.history else None
        if self.sheet is None and latest is not None and not latest.finished:
            self._load_sheet(latest.id)  # an unfinished count is resumed where it was left
        elif self.sheet is None:
            self.query_one("#scope", Select).focus()

    # setup -------------------------------------------------------------------------------------------------

    @on(Select.Changed, "#scope")
    def _scope_changed(self) -> None:
        scope = self.query_one("#scope", Select).value
        self.query_one("#class-box").display = scope == "class"
        self.query_one("#medicine-box").display = scope == "medicine"

    def action_start(self) -> None:
        """Ctrl+S: start a count from the setup row; during a count, record the lot being counted."""
        if self.sheet is not None:
            self.query_one(CountEntry).submit()
            return
        scope = CountScope(str(self.query_one("#scope", Select).value))
        chosen = {CountScope.CLASS: "#scope-class", CountScope.MEDICINE: "#scope-medicine"}.get(scope)
        value = self.query_one(chosen, Select).value if chosen else None
        taken = self.query_one("#taken-at", Select).value
        command = StartCountCommand(
            id=uuid.uuid4(),
            scope=scope,
            scope_value=str(value) if isinstance(value, str) else None,
            count_type=CountType(str(self.query_one("#count-type", Select).value)),
            taken_at=TakenAt(taken) if isinstance(taken, str) else None,
        )
        self.set_status(self.t("Taking the snapshot…"))
        self._start(command)

    @work(thread=True, exclusive=True, group="record")
    def _start(self, command: StartCountCommand) -> None:
        guarded(self, lambda: self.counter.start_count(self.actor, command), CountStarted)

    def on_count_started(self, message: CountStarted) -> None:
        self.set_status(
            self.t("Count started. Scan a pack or choose a lot, type what is on the shelf, Enter."), ok=True
        )
        self._load_sheet(message.count.id)
        self._prepare()

    def action_new_count(self) -> None:
        self.sheet, self.found, self.pending = None, [], None
        self.query_one("#setup").display = True
        self.query_one("#sheet", CountTable).show(None)
        self._show_entry(False)
        self.query_one("#progress", Static).update("")
        self.set_status("")
        self.query_one(TabbedContent).active = "count-tab"
        self.query_one("#scope", Select).focus()

    # the sheet ---------------------------------------------------------------------------------------------

    @work(thread=True, exclusive=True, group="sheet")
    def _load_sheet(self, count_id: uuid.UUID) -> None:
        guarded(self, lambda: self.counter.count_sheet(count_id), SheetLoaded)

    def on_sheet_loaded(self, message: SheetLoaded) -> None:
        first = self.sheet is None or self.sheet.count.id != message.sheet.count.id
        self.sheet = message.sheet
        done = {line_key(x) for x in message.sheet.lines}
        self.found = [x for x in self.found if line_key(x) not in done]
        self.query_one("#setup").display = False
        table = self.query_one("#sheet", CountTable)
        table.show(message.sheet, self.found)
        self._show_progress()
        if first:
            self._show_entry(True)
            table.focus()
        if first or self.advance:
            self.advance = False
            table.next_uncounted()

    def _show_progress(self) -> None:
        sheet = self.sheet
        assert sheet is not None
        c, tz = sheet.count, self.counter.pharmacy.tz
        parts = [
            scope_text(c, self.t, self.counter.medicines()),
            self.t("started {at} by {who}").format(
                at=c.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"), who=sheet.started_by
            ),
            self.t("{counted} of {expected} counted").format(counted=sheet.counted, expected=sheet.expected),
            self.t("variances: {n}").format(n=sheet.variances),
        ]
        if sheet.expected and sheet.counted >= sheet.expected:
            parts.append(self.t("every lot expected is counted"))
        self.query_one("#progress", Static).update("[b]" + parts[0] + "[/b] · " + " · ".join(parts[1:]))

    def _show_entry(self, shown: bool) -> None:
        entry = self.query_one(CountEntry)
        entry.display = shown
        entry.choose(None)

    @on(DataTable.RowSelected, "#sheet")
    def _row_chosen(self, event: DataTable.RowSelected) -> None:
        line = self.query_one("#sheet", CountTable).line_of(event.row_key.value or "")
        if line is not None:
            self._choose(line, from_scan=False)

    def _choose(self, line: SheetLine, *, from_scan: bool) -> None:
        self.from_scan = from_scan
        self.set_status("")
        self.query_one(CountEntry).choose(line)

    # scanning ----------------------------------------------------------------------------------------------

    def on_count_entry_scanned(self, message: CountEntry.Scanned) -> None:
        """A GS1 pack (its GTIN and batch) or a typed batch picks the lot; one not on the sheet is looked up."""
        scan = read_scan(message.text)
        batch = scan.batch or (scan.raw if scan.kind == "text" else "")
        if not batch:
            self._refuse_in("scan", self.t("Scan the pack's GS1 code (with its batch), or type the batch number."))
            return
        med = self.counter.medicine_by_gtin(scan.gtin) if scan.gtin else None
        lines = self.query_one("#sheet", CountTable).lines.values()
        match = [x for x in lines if x.lot.batch.lower() == batch.lower() and (med is None or x.medicine.id == med.id)]
        if match:
            self._choose(min(match, key=lambda x: (x.line is not None, x.book is not Book.STOCK)), from_scan=True)
            return
        self._find(batch, med.id if med else None)

    @work(thread=True, exclusive=True, group="find")
    def _find(self, batch: str, medicine_id: int | None) -> None:
        guarded(self, lambda: LotsFound(batch, self.counter.lots_by_batch(batch, medicine_id)), lambda m: m)

    def on_lots_found(self, message: LotsFound) -> None:
        """A lot found on the shelf that the count did not expect (e.g. received since the snapshot)."""
        if not message.found:
            unknown = self.t("No batch “{batch}” is recorded in this pharmacy.").format(batch=message.batch)
            self._refuse_in("scan", unknown)
            return
        f = message.found[0]
        line = SheetLine(f.medicine, f.lot, Book.STOCK, 0, f.stock, expected=False, line=None)
        self.found.append(line)
        self.query_one("#sheet", CountTable).show(self.sheet, self.found)
        self._choose(line, from_scan=True)
        note = self.t("Batch {batch} was not expected in this count; count what is on the shelf.")
        self.set_status(note.format(batch=f.lot.batch))

    # recording ---------------------------------------------------------------------------------------------

    def on_count_entry_ready(self, message: CountEntry.Ready) -> None:
        if message.reason is None:  # agrees with the book (or is not a quantity: the service says why)
            self._send(self._command(message, None))
            return
        self.pending = message
        kind = entry_kind_for(message.reason, message.variance)
        # The service checks the witness's role for an adjustment, whichever entry the variance becomes.
        self.ask_second_person(MovementKind.ADJUSTMENT, self._witnessed, what=self.t(KIND_LABEL[kind]))

    def _witnessed(self, witness: Credentials) -> None:
        if self.pending is not None:
            self._send(self._command(self.pending, witness))

    def _command(self, ready: CountEntry.Ready, witness: Credentials | None) -> CountLotCommand:
        assert self.sheet is not None
        return CountLotCommand(
            id=uuid.uuid4(),
            count=self.sheet.count.id,
            medicine=ready.line.medicine.code,
            batch=ready.line.lot.batch,
            counted=ready.counted,
            book=ready.line.book,
            reason=ready.reason,
            note=ready.note,
            estimated=ready.estimated,
            refers_to_month=ready.refers_to,
            witness=witness,
        )

    @work(thread=True, exclusive=True, group="record")
    def _send(self, command: CountLotCommand) -> None:
        self.app.call_from_thread(self.set_status, self.t("Recording…"))
        guarded(self, lambda: self.counter.count_lot(self.actor, command), LotCounted)

    def on_lot_counted(self, message: LotCounted) -> None:
        entry, got = self.query_one(CountEntry), message.line
        x = entry.chosen
        assert x is not None and self.sheet is not None
        unit = unit_name(x.medicine.base_unit, self.t)
        shown = {"batch": x.lot.batch, "counted": format_quantity(got.counted, x.medicine.unit), "unit": unit}
        if got.movement_id is None:
            self.set_status(
                self.t("Batch {batch}: {counted} {unit} counted, agrees with the book.").format(**shown), ok=True
            )
        else:
            kind = KIND_LABEL[entry_kind_for(got.reason or VarianceReason.COUNT_ERROR, got.variance)]
            done = self.t("Batch {batch}: {counted} {unit} counted; the variance is recorded as a {kind}.")
            self.set_status(done.format(kind=self.t(kind), **shown), ok=True)
        self.pending = None
        entry.choose(None)
        self.query_one("#scan" if self.from_scan else "#sheet").focus()
        self.advance = True
        self._load_sheet(self.sheet.count.id)

    # refusals ----------------------------------------------------------------------------------------------

    def _refuse_in(self, field_id: str, message: str) -> None:
        self.query_one(CountEntry).refuse(field_id, message)

    def on_refused(self, message: Refused) -> None:
        error: RegisterError = message.error
        field_id = FIELD_OF_ERROR.get(error.code)
        if error.code == "invalid_value" and error.params.get("field") == "month":
            field_id = "refers"  # the closed month a late finding belongs to
        if field_id is not None and (self.query_one(CountEntry).chosen is not None or field_id == "scan"):
            self.set_status("")
            self._refuse_in(field_id, error.render(self.t))
            return
        self.set_status(error.render(self.t))

    def on_failed(self, message: Failed) -> None:
        self.set_status(self.t("Not recorded: an unexpected error; details in {path}").format(path=message.where))

    # history -----------------------------------------------------------------------------------------------

    def _fill_history(self, records: list[CountRecord]) -> None:
        self.history = records
        table, tz = self.query_one("#history", DataTable), self.counter.pharmacy.tz
        table.clear()
        meds = self.counter.medicines()
        for c in records:
            table.add_row(
                c.started_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                c.started_by,
                scope_text(c, self.t, meds),
                self.t(TYPE_LABEL[c.count_type]),
                f"{c.counted}/{c.expected}",
                str(c.variances),
                str(c.unexplained),
                self.t("finished") if c.finished else self.t("open"),
                key=str(c.id),
            )

    def action_history(self) -> None:
        self.query_one(TabbedContent).active = "history-tab"
        self.query_one("#history", DataTable).focus()

    @on(DataTable.RowSelected, "#history")
    def _resume(self, event: DataTable.RowSelected) -> None:
        """Enter on a count: open its sheet (an unfinished count goes on from where it was left)."""
        self.found, self.pending = [], None
        self.sheet = None
        self.query_one(TabbedContent).active = "count-tab"
        self._load_sheet(uuid.UUID(event.row_key.value))

    async def action_back(self) -> None:
        tabs = self.query_one(TabbedContent)
        if tabs.active == "history-tab":
            tabs.active = "count-tab"
            return
        await self.pharmacy_app.action_mode("home")
