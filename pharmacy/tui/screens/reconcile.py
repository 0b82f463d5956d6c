"""Reconciliation of a month's dispensing against its prescriptions (issue 4 item 5), at the counter.

The pharmacist picks the month (last month by default), scans the paper prescriptions kept for it one after
another, and runs the check: the problems found, then every prescription with what was prescribed, supplied
and is still owing. Read-only: nothing is recorded from here."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Input, Static

from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.domain.quantity import format_quantity
from pharmacy.reports.reconcile import MONTH, PrescriptionLine, ProblemKind, Reconciliation
from pharmacy.tui.base import CounterScreen
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import Failed, Refused
from pharmacy.tui.widgets.columns import add_columns

KIND_LABEL = {
    ProblemKind.NO_PRESCRIPTION: N_("no prescription"),
    ProblemKind.AFTER_EXPIRY: N_("after expiry"),
    ProblemKind.OVER_SUPPLY: N_("over-supply"),
    ProblemKind.OWING_LAPSED: N_("owing lapsed"),
    ProblemKind.DUPLICATE_NUMBER: N_("duplicate number"),
    ProblemKind.NEVER_SUPPLIED: N_("never supplied"),
    ProblemKind.NOT_SCANNED: N_("not scanned"),
    ProblemKind.SCANNED_UNKNOWN: N_("scanned, unknown"),
}
PROBLEM_COLUMNS = ((N_("Kind"), 18), (N_("Prescription"), 14), (N_("Problem"), 76))
PRESCRIPTION_COLUMNS = (
    (N_("Prescription"), 14),
    (N_("Written"), 10),
    (N_("Patient"), 14),
    (N_("Medicine"), 18),
    (N_("Prescribed"), 10),
    (N_("Supplied"), 10),
    (N_("Owing"), 10),
    (N_("Valid until"), 11),
)


@dataclass
class Reconciled(Message):
    result: Reconciliation


def last_month(today: date) -> str:
    """'YYYY-MM' of the month before `today`'s."""
    return (today.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")


class ReconcileScreen(CounterScreen[None]):
    CSS_PATH = "reconcile.tcss"
    BINDINGS = [
        Binding("ctrl+r", "reconcile", N_("Check")),
        Binding("ctrl+n", "clear_scanned", N_("Clear scanned")),
        Binding("escape", "back", N_("Back"), show=False),  # Esc is always back home; the footer keeps the F-keys
    ]

    def __init__(self) -> None:
        super().__init__()
        self.retained: list[str] = []

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Horizontal(id="fields"):
            yield Static(t("Month"), classes="label")
            yield Input(id="month", placeholder="YYYY-MM", max_length=7)
            yield Static(t("Retained prescriptions"), classes="label")
            yield Input(id="scan", placeholder=t("Scan or type a prescription number, then Enter"))
        yield Static("", id="retained")
        yield Static(t("Problems"), classes="pane-title")
        yield DataTable(id="problems", cursor_type="row", zebra_stripes=True)
        yield Static(t("Prescriptions"), classes="pane-title")
        yield DataTable(id="lines", cursor_type="row", zebra_stripes=True)
        yield Static("", id="status")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P still opens it; room for F2–F9

    def on_mount(self) -> None:
        today = self.counter.now().astimezone(self.counter.pharmacy.tz).date()
        self.query_one("#month", Input).value = last_month(today)
        add_columns(self.query_one("#problems", DataTable), self.t, PROBLEM_COLUMNS)
        add_columns(self.query_one("#lines", DataTable), self.t, PRESCRIPTION_COLUMNS)
        self._show_retained()
        self.query_one("#scan", Input).focus()

    @on(Input.Submitted, "#scan")
    def _scanned(self, event: Input.Submitted) -> None:
        number = event.value.strip()
        event.input.value = ""
        if not number:
            return
        if number in self.retained:
            self._status(self.t("Prescription {number} is already in the list.").format(number=number))
            return
        self.retained.append(number)
        self._status("")
        self._show_retained()

    def action_clear_scanned(self) -> None:
        self.retained = []
        self._show_retained()
        self.query_one("#scan", Input).focus()

    def _show_retained(self) -> None:
        if self.retained:
            head = self.t("Scanned: {count}").format(count=len(self.retained))
            text = f"{head}  {'  '.join(self.retained)}"
        else:
            text = self.t("Nothing scanned yet: the paper prescriptions will not be checked.")
        self.query_one("#retained", Static).update(text)

    @on(Input.Submitted, "#month")
    def _month_submitted(self) -> None:
        self.action_reconcile()

    def action_reconcile(self) -> None:
        month = self.query_one("#month", Input).value.strip()
        if not MONTH.fullmatch(month):
            self._status(InvalidValue(field=self.t("Month"), problem=N_("use a month like 2026-03")).render(self.t))
            return
        self._status(self.t("Reconciling…"))
        self._run(month, list(self.retained) or None)

    @work(thread=True, exclusive=True, group="reconcile")
    def _run(self, month: str, retained: list[str] | None) -> None:
        guarded(self, lambda: self.counter.reconcile(month, retained), Reconciled)

    def on_reconciled(self, message: Reconciled) -> None:
        result = message.result
        self._fill_problems(result)
        self._fill_lines(result)
        if result.ok:
            summary = self.t("No problems found: {count} prescriptions reconciled for {month}.")
        else:
            summary = self.t("{problems} problem(s) found in {count} prescriptions for {month}.")
        self._status(summary.format(count=len(result.lines), month=result.month, problems=len(result.problems)))

    def _fill_problems(self, result: Reconciliation) -> None:
        table = self.query_one("#problems", DataTable)
        table.clear()
        for problem in result.problems:
            cells = (self.t(KIND_LABEL[problem.kind]), problem.number or "", problem.render(self.t))
            table.add_row(*cells, height=None)  # long messages wrap within the column
        if result.ok:
            table.add_row("—", "", self.t("no problems found"))

    def _fill_lines(self, result: Reconciliation) -> None:
        table = self.query_one("#lines", DataTable)
        table.clear()
        for line in result.lines:
            table.add_row(*self._cells(line), key=str(line.id))

    def _cells(self, line: PrescriptionLine) -> list[str]:
        med = line.medicine
        unit = self.unit(med)
        return [
            line.number,
            line.written_on.isoformat(),
            f"{line.patient_code} {line.patient_name}".strip(),
            f"{self.medicine_name(med)} {med.strength}",
            f"{format_quantity(line.prescribed, med.unit)} {unit}",
            f"{format_quantity(line.supplied, med.unit)} {unit}",
            f"{format_quantity(line.owing, med.unit)} {unit}",
            line.valid_until.isoformat() if line.valid_until else "—",
        ]

    def on_refused(self, message: Refused) -> None:
        self._status(message.error.render(self.t))

    def on_failed(self, message: Failed) -> None:
        self._status(self.t("Could not load; details in {path}").format(path=message.where))

    def _status(self, text: str) -> None:
        self.query_one("#status", Static).update(text)

    async def action_back(self) -> None:
        await self.pharmacy_app.action_mode("home")
