"""The register of one medicine: chosen by name (English, 中文, pinyin initials) or a scan; entries in
sequence with running balances; corrections linked to what they reverse; filter by batch and dates.
Rows are paged from the database as the cursor goes down: the whole history is never loaded at once."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Select, Static

from pharmacy.domain.errors import N_, InvalidValue, UnknownMedicine
from pharmacy.domain.movement import KIND_LABEL, MovementKind
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine
from pharmacy.reports.counter import LotStock
from pharmacy.reports.register import RegisterFilter, RegisterLine
from pharmacy.schemas.scan import read_scan
from pharmacy.services.commands import CorrectCommand
from pharmacy.tui.base import CounterScreen
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import EntryRecorded, Failed, Refused
from pharmacy.tui.screens.correct import CorrectionAnswer, CorrectScreen
from pharmacy.tui.widgets.columns import add_columns
from pharmacy.tui.widgets.matches import MedicineMatches

PAGE = 50
REGISTER_COLUMNS = (
    (N_("No."), 6),
    (N_("Date"), 16),
    (N_("Entry"), 14),
    (N_("Batch"), 10),
    (N_("From / to"), 16),
    (N_("Document"), 14),
    (N_("In"), 7),
    (N_("Out"), 7),
    (N_("Batch bal."), 10),
    (N_("Balance"), 9),
    (N_("Entered by"), 10),
    (N_("Checked by"), 10),
    (N_("Note"), 40),
)


@dataclass
class Found(Message):
    medicines: list[Medicine]


@dataclass
class PageLoaded(Message):
    lines: list[RegisterLine]
    fresh: bool


@dataclass
class LotsLoaded(Message):
    lots: list[LotStock]


class RegisterScreen(CounterScreen[None]):
    CSS_PATH = "register.tcss"
    BINDINGS = [
        Binding("c", "correct", N_("Correct entry")),
        Binding("slash", "find", N_("Find")),
        Binding("escape", "back", N_("Back"), show=False),  # Esc is always back home; the footer keeps the F-keys
    ]

    def __init__(self) -> None:
        super().__init__()
        self.medicine: Medicine | None = None
        self.lines: list[RegisterLine] = []
        self.exhausted = False
        self.loading = False

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        yield Input(id="find", placeholder=t("Medicine: name, 中文, pinyin initials (e.g. mf), code, or scan"))
        yield MedicineMatches(id="matches")
        yield Static(t("Choose a medicine to read its register."), id="title")
        with Horizontal(id="filters"):
            yield Select([], prompt=t("All batches"), id="lot")
            yield Input(id="from", placeholder=t("from YYYY-MM-DD"))
            yield Input(id="to", placeholder=t("to YYYY-MM-DD"))
        yield DataTable(id="entries", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P still opens it; room for F2–F9

    def on_mount(self) -> None:
        t = self.t
        add_columns(self.query_one("#entries", DataTable), t, REGISTER_COLUMNS)
        self.query_one("#find", Input).focus()

    def action_find(self) -> None:
        self.query_one("#find", Input).focus()

    @on(Input.Submitted, "#find")
    def _search(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self._find(event.value)

    @work(thread=True, exclusive=True, group="find")
    def _find(self, text: str) -> None:
        def lookup() -> Found:
            scan = read_scan(text)
            if scan.gtin:
                found = self.counter.medicine_by_gtin(scan.gtin)
                return Found([found] if found else [])
            return Found(self.counter.find_medicines(text))

        guarded(self, lookup, lambda found: found)

    def on_found(self, message: Found) -> None:
        if not message.medicines:
            key = self.query_one("#find", Input).value
            self._status(UnknownMedicine(key=key).render(self.t))
            return
        if len(message.medicines) == 1:
            self.open(message.medicines[0])
            return
        self.query_one("#matches", MedicineMatches).show(message.medicines)

    def on_medicine_matches_picked(self, message: MedicineMatches.Picked) -> None:
        medicine = self.counter.medicine(message.medicine_id)
        if medicine is not None:
            self.open(medicine)

    def open(self, medicine: Medicine) -> None:
        self.medicine = medicine
        self.query_one("#matches", MedicineMatches).display = False
        self.query_one("#title", Static).update(f"{self.heading(medicine)} · {medicine.form} · {self.unit(medicine)}")
        self._lots(medicine.id)
        self.reload()
        self.query_one("#entries", DataTable).focus()

    @work(thread=True, exclusive=True, group="lots")
    def _lots(self, medicine_id: int) -> None:
        guarded(self, lambda: self.counter.lots(medicine_id), LotsLoaded)

    def on_lots_loaded(self, message: LotsLoaded) -> None:
        select = self.query_one("#lot", Select)
        with select.prevent(Select.Changed):
            select.set_options([(f"{ls.lot.batch} · {ls.lot.expiry}", ls.lot.id) for ls in message.lots])

    def _filter(self) -> RegisterFilter:
        assert self.medicine is not None
        tz = self.counter.pharmacy.tz
        lot = self.query_one("#lot", Select).value
        start, end = (self._day(field_id) for field_id in ("from", "to"))
        return RegisterFilter(
            pharmacy_id=self.counter.pharmacy.id,
            medicine_id=self.medicine.id,
            lot_id=lot if isinstance(lot, int) else None,
            start=datetime.combine(start, time(0), tzinfo=tz) if start else None,
            end=datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz) if end else None,
        )

    def _day(self, field_id: str) -> date | None:
        text = self.query_one(f"#{field_id}", Input).value.strip()
        if not text:
            return None
        try:
            return date.fromisoformat(text)
        except ValueError:
            raise InvalidValue(field=field_id, problem=N_("use a date like 2026-03-31")) from None

    @on(Select.Changed, "#lot")
    @on(Input.Submitted, "#from, #to")
    def _filters_changed(self) -> None:
        self.reload()

    def reload(self, *, keep_status: bool = False) -> None:
        if self.medicine is None:
            return
        try:
            f = self._filter()
        except InvalidValue as exc:
            self._status(exc.render(self.t))
            return
        self.lines, self.exhausted = [], False
        self.query_one("#entries", DataTable).clear()
        if not keep_status:
            self._status("")
        self._page(f, 0, fresh=True)

    @work(thread=True, exclusive=True, group="page")
    def _page(self, f: RegisterFilter, after_seq: int, *, fresh: bool) -> None:
        guarded(self, lambda: self.counter.register_page(f, after_seq, PAGE), lambda lines: PageLoaded(lines, fresh))

    def on_page_loaded(self, message: PageLoaded) -> None:
        self.loading = False
        self.exhausted = len(message.lines) < PAGE
        table = self.query_one("#entries", DataTable)
        if message.fresh:
            table.clear()
            self.lines = []
        self.lines.extend(message.lines)
        for line in message.lines:
            table.add_row(*self._cells(line), key=str(line.seq))
        if not self.lines:
            self._status(self.t("No entries match."))

    def _cells(self, line: RegisterLine) -> list[str]:
        med, t, tz = self.medicine, self.t, self.counter.pharmacy.tz
        assert med is not None
        notes = [line.reason or ""]
        if line.reverses_seq:
            notes.append(t("reverses No. {seq}").format(seq=line.reverses_seq))
        if line.reversed_by_seq:
            notes.append("⟲ " + t("reversed by No. {seq}").format(seq=line.reversed_by_seq))
        notes += [
            t("override {rule}: {reason}").format(rule=n.rule_id, reason=n.override_reason)
            for n in line.findings
            if n.override_reason
        ]
        if line.codes:
            notes.append(t("codes: {codes}").format(codes=", ".join(line.codes)))
        kind = t(KIND_LABEL[MovementKind(line.kind)])
        q = line.quantity
        return [
            str(line.seq),
            line.occurred_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            f"[strike]{kind}[/]" if line.reversed_by_seq else kind,
            line.batch,
            line.counterparty or "",
            line.document or "",
            format_quantity(q, med.unit) if q > 0 else "",
            format_quantity(-q, med.unit) if q < 0 else "",
            format_quantity(line.lot_balance_after, med.unit),
            format_quantity(line.medicine_balance_after, med.unit),
            line.entered_by,
            line.checked_by or "",
            "; ".join(n for n in notes if n),
        ]

    @on(DataTable.RowHighlighted, "#entries")
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        table = self.query_one("#entries", DataTable)
        if not self.exhausted and not self.loading and self.lines and event.cursor_row >= table.row_count - 10:
            self.loading = True
            self._page(self._filter(), self.lines[-1].seq, fresh=False)

    def _selected(self) -> RegisterLine | None:
        table = self.query_one("#entries", DataTable)
        if not self.lines or table.cursor_row >= len(self.lines):
            return None
        return self.lines[table.cursor_row]

    def action_correct(self) -> None:
        line = self._selected()
        if line is None or self.medicine is None:
            return
        if line.reversed_by_seq or line.kind == MovementKind.CORRECTION:
            self._status(
                self.t("Entry {seq} cannot be corrected again; record a new entry instead.").format(seq=line.seq)
            )
            return
        self._ask(line)

    @work(thread=True, group="checkers")
    def _ask(self, line: RegisterLine) -> None:
        checkers = self.counter.checkers(MovementKind.CORRECTION, self.actor)
        summary = f"No. {line.seq} · {self.t(KIND_LABEL[MovementKind(line.kind)])} · {line.batch}"
        screen = CorrectScreen(summary, checkers)
        self.app.call_from_thread(self.app.push_screen, screen, lambda answer: self._answered(line, answer))

    def _answered(self, line: RegisterLine, answer: CorrectionAnswer | None) -> None:
        if answer is None:
            return
        command = CorrectCommand(id=uuid.uuid4(), reverses=str(line.seq), reason=answer.reason, witness=answer.checker)
        self._status(self.t("Recording…"))
        self._send(command)

    @work(thread=True, exclusive=True, group="record")
    def _send(self, command: CorrectCommand) -> None:
        guarded(self, lambda: self.counter.correct(self.actor, command), EntryRecorded)

    def on_entry_recorded(self, message: EntryRecorded) -> None:
        self._status(
            self.t("Correction recorded as No. {seq}. If a right entry is needed, record it now.").format(
                seq=message.recorded.seq
            )
        )
        self.reload(keep_status=True)

    def on_refused(self, message: Refused) -> None:
        self._status(message.error.render(self.t))

    def on_failed(self, message: Failed) -> None:
        self._status(self.t("Not recorded: an unexpected error; details in {path}").format(path=message.where))

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    async def action_back(self) -> None:
        await self.pharmacy_app.action_mode("home")
