"""Month end (F9): review a month's figures and open problems, sign the close with the responsible pharmacist's
PIN, and export the report (PDF, XLSX, CSV, JSON).

The close seals the chain head and the digest of the figures shown (ARCHITECTURE §1.5, §1.7); unexplained
variances need the signer's words (GPhC: discrepancies found and never investigated). There is no reopening:
a closed month is shown sealed, and late findings go into the open month with a reference.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Button, DataTable, Footer, Header, Input, Select, Static, TextArea

from pharmacy.domain.errors import N_, UnexplainedNotAcknowledged
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import PeriodClose
from pharmacy.reports.monthly_model import MUST_ACKNOWLEDGE, MonthlyLine, MonthlyReport, OpenProblemKind
from pharmacy.services.commands import Credentials
from pharmacy.tui.base import CounterScreen
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import Failed, Refused
from pharmacy.tui.screens.close_sign import SignCloseScreen
from pharmacy.tui.screens.reconcile import KIND_LABEL as RX_KIND_LABEL
from pharmacy.tui.widgets.columns import add_columns

FORMATS = ("pdf", "xlsx", "csv", "json")
# Short headers, no cell padding: the 14 columns fit 120 cells (numbers right-aligned, a space before each).
FIGURE_COLUMNS = (
    (N_("Medicine"), 18), (N_("Batch"), 8), (N_("Open"), 7), (N_("Recd"), 7), (N_("Disp"), 7), (N_("Pt.ret"), 7),
    (N_("To sup"), 7), (N_("Destr"), 7), (N_("Loss"), 7), (N_("Adj"), 7), (N_("Close"), 7),
    (N_("Last count"), 19), (N_("Var"), 6), ("✓", 2),
)  # fmt: skip
PROBLEM_COLUMNS = ((N_("Kind"), 22), (N_("Problem"), 92))
PROBLEM_LABEL = {
    OpenProblemKind.UNEXPLAINED_VARIANCE: N_("unexplained variance"),
    OpenProblemKind.UNCOUNTED_LOT: N_("not counted"),
    OpenProblemKind.OWING: N_("owing"),
    OpenProblemKind.LOSS_DUTY: N_("loss not reported"),
    OpenProblemKind.AWAITING_DESTRUCTION: N_("awaiting destruction"),
    OpenProblemKind.SUPERVISION_OVERDUE: N_("supervision overdue"),
    OpenProblemKind.FIGURES_DO_NOT_TIE: N_("figures do not tie"),
}
CLOSED_NOTE = N_("Closed — cannot be reopened; record late findings in the open month with a reference")


def default_report_path(pharmacy_code: str, month: str, fmt: str = "pdf") -> str:
    """Where the export goes unless the pharmacist types another path (~ is the user's home)."""
    return str(Path("~") / "pharmacy-reports" / f"{pharmacy_code}-{month}.{fmt}")


@dataclass
class MonthsLoaded(Message):
    months: tuple[list[str], list[str]]


@dataclass
class ReportLoaded(Message):
    report: MonthlyReport


@dataclass
class MonthClosed(Message):
    close: PeriodClose


@dataclass
class Exported(Message):
    path: Path
    size: int


class CloseScreen(CounterScreen[None]):
    CSS_PATH = "close.tcss"
    BINDINGS = [
        Binding("ctrl+s", "sign", N_("Sign the close")),
        Binding("ctrl+e", "export", N_("Export report")),
        Binding("escape", "back", N_("Back"), show=False),  # Esc is always back home; the footer keeps the F-keys
    ]

    def __init__(self) -> None:
        super().__init__()
        self.report: MonthlyReport | None = None
        self.exported: Path | None = None
        self.note = ""  # what to say once the report is (re)loaded, e.g. that the month was just sealed

    def compose(self) -> ComposeResult:
        t = self.t
        yield Header()
        with Horizontal(id="top"):
            yield Static(t("Month"), classes="label")
            yield Select[str]([], prompt=t("Choose a month"), id="month")
            yield Static("", id="state")
        yield Static("", id="figures-title", classes="pane-title")
        yield DataTable(id="figures", cursor_type="row", zebra_stripes=True, cell_padding=0)
        yield Static(t("Open problems"), classes="pane-title")
        yield DataTable(id="problems", cursor_type="row", zebra_stripes=True)
        yield Static("", id="chain")
        with Horizontal(id="ack-area"):
            yield Static(
                t("Your words on the unexplained variances (what was found, done, who was told)"), id="ack-label"
            )
            yield TextArea(id="ack")
        yield Static("", id="ack-error", classes="field-error")
        yield Static(t(CLOSED_NOTE), id="closed-note")
        with Horizontal(id="actions"):
            yield Button(t("Sign the close (Ctrl+S)"), id="sign", variant="warning")
            yield Select([(f.upper(), f) for f in FORMATS], value="pdf", allow_blank=False, id="format")
            yield Input(id="path")
            yield Button(t("Export report (Ctrl+E)"), id="export")
        yield Static("", id="status")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P still opens it; room for F2–F9

    def on_mount(self) -> None:
        super().on_mount()
        add_columns(self.query_one("#figures", DataTable), self.t, FIGURE_COLUMNS)
        add_columns(self.query_one("#problems", DataTable), self.t, PROBLEM_COLUMNS)
        for widget in ("#ack-area", "#ack-error", "#closed-note", "#sign"):
            self.query_one(widget).display = False
        self._load_months()

    @work(thread=True, exclusive=True, group="months")
    def _load_months(self) -> None:
        guarded(self, self.counter.months_to_close, MonthsLoaded)

    def on_months_loaded(self, message: MonthsLoaded) -> None:
        to_sign, closed = message.months
        options = [(self.t("{month} — to sign").format(month=m), m) for m in to_sign]
        options += [(self.t("{month} — closed").format(month=m), m) for m in closed]
        select = self.query_one("#month", Select)
        chosen = select.value if select.value in to_sign + closed else None
        select.set_options(options)
        if not options:
            self.set_status(self.t("No month has ended yet: the first close is due on the 1st of next month."))
            return
        select.value = chosen or options[0][1]

    @on(Select.Changed, "#month")
    def _month_chosen(self, event: Select.Changed) -> None:
        if isinstance(event.value, str):
            month = event.value
            path = self.query_one("#path", Input)
            path.value = default_report_path(self.counter.pharmacy.code, month, str(self._format()))
            self.set_status(self.t("Preparing the review of {month}…").format(month=month))
            self._load_report(month)

    @work(thread=True, exclusive=True, group="report")
    def _load_report(self, month: str) -> None:
        guarded(self, lambda: self.counter.monthly(month), ReportLoaded)

    def on_report_loaded(self, message: ReportLoaded) -> None:
        report = self.report = message.report
        self._fill_figures(report)
        self._fill_problems(report)
        self._show_seal(report)
        self.set_status(self.note, ok=bool(self.note))  # the reloads after a close keep saying it was sealed

    def _fill_figures(self, report: MonthlyReport) -> None:
        table = self.query_one("#figures", DataTable)
        table.clear()
        for line in report.lines:
            table.add_row(*self._figure_cells(line))
        if not report.lines:
            table.add_row(self.t("no entries and no stock this month"))
        mark = self.t("✓ every line ties out") if report.ties_out else self.t("✗ some lines do not tie out")
        title = self.t("Figures per medicine and batch, {first} to {last}").format(
            first=report.first_day.isoformat(), last=report.last_day.isoformat()
        )
        self.query_one("#figures-title", Static).update(f"{title}   {mark}")

    def _figure_cells(self, line: MonthlyLine) -> list[str | Text]:
        f, med = line.figures, line.medicine

        def q(steps: int) -> Text:
            return Text(format_quantity(steps, med.unit) + " ", justify="right")

        count, variance = " —", Text("")
        if line.last_count is not None:
            when = line.last_count.counted_at.astimezone(self.counter.pharmacy.tz).date().isoformat()
            count = f" {format_quantity(line.last_count.counted, med.unit)} {when}"
            variance = q(line.last_count.variance)
        name = f"{self.medicine_name(med)} {med.strength}"
        return [
            name, f" {line.lot.batch}", q(f.opening), q(f.receipts), q(f.dispensed),
            q(f.patient_returns), q(f.supplier_returns), q(f.destroyed), q(f.losses), q(f.adjustments + f.corrections),
            q(f.closing), count, variance, " ✓" if f.ties_out else " ✗",
        ]  # fmt: skip

    def _fill_problems(self, report: MonthlyReport) -> None:
        table = self.query_one("#problems", DataTable)
        table.clear()
        for rx in report.reconciliation.problems:
            table.add_row(self.t(RX_KIND_LABEL[rx.kind]), rx.render(self.t), height=None)
        for problem in report.problems:
            table.add_row(self.t(PROBLEM_LABEL[problem.kind]), problem.render(self.t), height=None)
        if not report.problems and not report.reconciliation.problems:
            table.add_row("—", self.t("no open problems"))

    def _needs_words(self) -> bool:
        return self.report is not None and any(p.kind in MUST_ACKNOWLEDGE for p in self.report.problems)

    def _show_seal(self, report: MonthlyReport) -> None:
        closed = report.close is not None
        seq, head = report.chain_head
        if report.close is not None:
            c = report.close
            at = c.signed_at.astimezone(self.counter.pharmacy.tz).strftime("%Y-%m-%d %H:%M")
            chain = self.t(
                "Sealed: chain head No. {seq} · {hash}… · figures digest {digest}… · signed by {who} on {at}"
            )
            chain = chain.format(
                seq=c.head_seq, hash=c.head_hash[:16], digest=(c.figures_digest or "")[:16], who=c.signed_by, at=at
            )
            state = self.t("Closed")
        else:
            chain = self.t("Not signed yet. Chain head now: No. {seq} · {hash}… · figures digest {digest}…").format(
                seq=seq, hash=head[:16], digest=report.figures_digest[:16]
            )
            state = self.t("To sign")
        self.query_one("#chain", Static).update(chain)
        self.query_one("#state", Static).update(state)
        self.query_one("#sign").display = not closed
        self.query_one("#closed-note").display = closed
        self.query_one("#ack-area").display = not closed and self._needs_words()
        self.query_one("#ack-error").display = not closed and self._needs_words()
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "sign":
            return self.report is not None and self.report.close is None  # False hides it from the footer
        if action == "export":
            return self.report is not None
        return True

    # signing

    @on(Button.Pressed, "#sign")
    def action_sign(self) -> None:
        report = self.report
        if report is None or report.close is not None:
            return
        self.note = ""
        self.query_one("#ack-error", Static).update("")
        if self._needs_words() and not self._words():
            count = sum(1 for p in report.problems if p.kind in MUST_ACKNOWLEDGE)
            self.query_one("#ack-error", Static).update(
                UnexplainedNotAcknowledged(month=report.month, count=count).render(self.t)
            )
            self.query_one("#ack", TextArea).focus()
            return
        self.app.push_screen(SignCloseScreen(report.month, self.actor.username), self._signed)

    def _words(self) -> str:
        return self.query_one("#ack", TextArea).text.strip()

    def _signed(self, signer: Credentials | None) -> None:
        if signer is None or self.report is None:
            return
        self.set_status(self.t("Signing…"))
        self._close(signer, self.report.month, self._words() or None)

    @work(thread=True, exclusive=True, group="close")
    def _close(self, signer: Credentials, month: str, words: str | None) -> None:
        guarded(self, lambda: self.counter.close_month(signer, month, words), MonthClosed)

    def on_month_closed(self, message: MonthClosed) -> None:
        c = message.close
        self._load_months()
        self.note = self.t("{month} is closed and sealed at entry No. {seq}.").format(month=c.month, seq=c.head_seq)
        self._load_report(c.month)

    # exporting

    def _format(self) -> str:
        return str(self.query_one("#format", Select).value)

    @on(Select.Changed, "#format")
    def _format_chosen(self) -> None:
        path = self.query_one("#path", Input)
        if path.value.strip():
            path.value = str(Path(path.value.strip()).with_suffix(f".{self._format()}"))

    @on(Button.Pressed, "#export")
    def action_export(self) -> None:
        if self.report is None:
            return
        typed = self.query_one("#path", Input).value.strip()
        if not typed:
            self.set_status(self.t("Give the file to write, e.g. {path}").format(
                path=default_report_path(self.counter.pharmacy.code, self.report.month, self._format())))  # fmt: skip
            self.query_one("#path", Input).focus()
            return
        self.note = ""
        self.query_one("#export", Button).loading = True
        self.set_status(self.t("Writing the report…"))
        self._export(self.report.month, self._format(), Path(typed).expanduser())

    @work(thread=True, exclusive=True, group="export")
    def _export(self, month: str, fmt: str, path: Path) -> None:
        guarded(self, lambda: Exported(path, self.counter.export_monthly(month, fmt, path, self.t)), lambda e: e)

    def on_exported(self, message: Exported) -> None:
        self.query_one("#export", Button).loading = False
        self.exported = message.path
        self.set_status(
            self.t("Written: {path} ({size} bytes)").format(path=message.path.resolve(), size=message.size), ok=True
        )

    def on_refused(self, message: Refused) -> None:
        self.query_one("#export", Button).loading = False
        if isinstance(message.error, UnexplainedNotAcknowledged):
            self.query_one("#ack-area").display = self.query_one("#ack-error").display = True
            self.query_one("#ack-error", Static).update(message.error.render(self.t))
            self.query_one("#ack", TextArea).focus()
            self.set_status("")
            return
        self.set_status(message.error.render(self.t))

    def on_failed(self, message: Failed) -> None:
        self.query_one("#export", Button).loading = False
        self.set_status(self.t("Could not finish: an unexpected error; details in {path}").format(path=message.where))

    async def action_back(self) -> None:
        await self.pharmacy_app.action_mode("home")
