"""Home: controlled medicines on hand (expandable to batches, with expiry and a 30-day trend), today's entries,
and alerts — batches expiring within 90 days, expired stock still held, months not yet closed, and custody alerts
(stock awaiting destruction, loss reports due, a count in progress, balances not checked: reports.home_alerts)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static, Tree

from pharmacy.domain.errors import N_
from pharmacy.domain.movement import KIND_LABEL, MovementKind
from pharmacy.domain.quantity import format_quantity
from pharmacy.services.results import Actor
from pharmacy.tui.base import CounterScreen
from pharmacy.tui.errors import guarded
from pharmacy.tui.gateway import HomeData
from pharmacy.tui.messages import Failed, Refused
from pharmacy.tui.widgets.columns import add_columns
from pharmacy.tui.widgets.spark import sparkline


@dataclass
class HomeLoaded(Message):
    data: HomeData


ALERT_LABEL = {
    "expiring": N_("expires soon"),
    "expired": N_("EXPIRED, still in stock"),
    "month_open": N_("month not closed"),
    "quarantined": N_("quarantined"),
    "returns_held": N_("returns held"),
    "supervision_overdue": N_("destruction late"),  # 条例 Art.61: supervised within 5 days of applying (CN-14)
    "loss_duty_due": N_("loss report due"),
    "loss_duty_overdue": N_("LOSS REPORT LATE"),
    "count_open": N_("count underway"),
    "balance_unchecked": N_("check balance"),  # UK-10
}


class HomeScreen(CounterScreen[None]):
    CSS_PATH = "home.tcss"
    BINDINGS = [Binding("r", "refresh", N_("Refresh"))]

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            with Vertical(id="stock-pane"):
                yield Static(self.t("On hand"), classes="pane-title")
                yield Tree(self.t("Controlled medicines"), id="stock")
            with Vertical(id="side"):
                yield Static(self.t("Alerts"), classes="pane-title")
                yield DataTable(id="alerts", cursor_type="row")
                yield Static(self.t("Today's entries"), classes="pane-title")
                yield DataTable(id="today", cursor_type="row")
        yield Footer(compact=True, show_command_palette=False)  # Ctrl+P still opens it; room for F2–F9

    def on_mount(self) -> None:
        # Signing in may finish after this screen resumed under the sign-in dialog: load when someone signs in.
        self.watch(self.pharmacy_app, "actor", self._signed_in, init=False)

    def _signed_in(self, actor: Actor | None) -> None:
        if actor is not None:
            self.action_refresh()

    def on_screen_resume(self) -> None:
        if self.pharmacy_app.actor is not None:
            self.action_refresh()

    def action_refresh(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="home")
    def _load(self) -> None:
        guarded(self, self.counter.home, HomeLoaded)

    def on_home_loaded(self, message: HomeLoaded) -> None:
        self._fill_stock(message.data)
        self._fill_alerts(message.data)
        self._fill_today(message.data)

    def _fill_stock(self, data: HomeData) -> None:
        tree = self.query_one("#stock", Tree)
        tree.clear()
        tree.root.expand()
        by_medicine: dict[int, list[int]] = {}
        for index, line in enumerate(data.stock):
            by_medicine.setdefault(line.medicine.id, []).append(index)
        for medicine_id, indexes in by_medicine.items():
            med = data.medicines[medicine_id]
            total = sum(data.stock[i].stock for i in indexes)
            trend = sparkline(data.trends.get(medicine_id, []))
            amount = f"{format_quantity(total, med.unit):>7} {self.unit(med):<8}"
            node = tree.root.add(
                f"[cyan]{trend:<15}[/] {amount} [b]{self.medicine_name(med)}[/b] {med.strength}"
                + (f"  [dim]{med.generic_en}[/]" if self.jurisdiction == "cn" else "")
            )
            for i in indexes:
                s = data.stock[i]
                returns_word = self.t("returns")
                returns = f"  (+{format_quantity(s.returns, med.unit)} {returns_word})" if s.returns else ""
                batch_word, exp_word = self.t("batch"), self.t("exp.")
                node.add_leaf(
                    f"{batch_word} {s.batch}  {exp_word} {s.expiry}  {format_quantity(s.stock, med.unit)}{returns}"
                )

    def _fill_alerts(self, data: HomeData) -> None:
        table = self.query_one("#alerts", DataTable)
        table.clear(columns=True)
        add_columns(table, self.t, ((N_("Alert"), 16), (N_("What"), 34), (N_("When"), 10)))
        for alert in data.alerts:
            what = f"{alert.subject} · {self.t(alert.what)}" if alert.what else alert.subject
            table.add_row(self.t(ALERT_LABEL[alert.kind]), what, alert.detail)
        if not data.alerts:
            table.add_row("—", self.t("nothing needs attention"), "")

    def _fill_today(self, data: HomeData) -> None:
        table = self.query_one("#today", DataTable)
        table.clear(columns=True)
        add_columns(
            table,
            self.t,
            ((N_("No."), 5), (N_("Time"), 5), (N_("Entry"), 14), (N_("Medicine"), 18), (N_("Qty"), 7), (N_("By"), 10)),
        )
        tz = self.counter.pharmacy.tz
        for e in data.today:
            med = data.medicines[e.medicine_id]
            table.add_row(
                str(e.seq),
                e.recorded_at.astimezone(tz).strftime("%H:%M"),
                self.t(KIND_LABEL[MovementKind(e.kind)]),
                self.medicine_name(med),
                format_quantity(e.quantity, med.unit),
                e.entered_by,
            )

    def on_refused(self, message: Refused) -> None:
        self.notify(message.error.render(self.t), severity="error")

    def on_failed(self, message: Failed) -> None:
        self.notify(self.t("Could not load; details in {path}").format(path=message.where), severity="error")
