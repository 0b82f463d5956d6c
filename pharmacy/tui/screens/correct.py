"""Correct an entry: reason (from a list, plus free text), the second person, then the reversing entry."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from pharmacy.domain.errors import N_
from pharmacy.domain.reference import User
from pharmacy.services.commands import Credentials
from pharmacy.tui.base import CounterModal

REASONS = (
    N_("wrong quantity typed"),
    N_("wrong batch chosen"),
    N_("wrong medicine chosen"),
    N_("entered twice"),
    N_("wrong prescription chosen"),
    N_("other (say below)"),
)


@dataclass(frozen=True)
class CorrectionAnswer:
    reason: str
    checker: Credentials


class CorrectScreen(CounterModal[CorrectionAnswer | None]):
    CSS_PATH = "correct.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, summary: str, checkers: list[User]) -> None:
        super().__init__()
        self.summary, self.checkers = summary, checkers

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="dialog"):
            yield Static(t("Correct entry {summary}").format(summary=self.summary), id="title")
            yield Static(
                t("The entry stays in the register, marked as reversed; a correcting entry is added today."),
                classes="muted",
            )
            yield Label(t("Reason"))
            yield Select([(t(r), r) for r in REASONS], value=REASONS[0], allow_blank=False, id="reason")
            yield Input(id="note", placeholder=t("details (what really happened)"))
            yield Label(t("Checked by"))
            yield OptionList(
                *[Option(f"{u.full_name} ({u.username})", id=u.username) for u in self.checkers], id="checker"
            )
            yield Label(t("Their PIN"))
            yield Input(id="checker-pin", password=True)
            yield Static("", id="problem", classes="error")

    def on_mount(self) -> None:
        options = self.query_one("#checker", OptionList)
        if options.option_count:
            options.highlighted = 0
        self.query_one("#reason", Select).focus()

    @on(Input.Submitted, "#note")
    def _to_checker(self) -> None:
        self.query_one("#checker", OptionList).focus()

    @on(OptionList.OptionSelected, "#checker")
    def _to_pin(self) -> None:
        self.query_one("#checker-pin", Input).focus()

    @on(Input.Submitted, "#checker-pin")
    def _confirm(self) -> None:
        reason = str(self.query_one("#reason", Select).value)
        note = self.query_one("#note", Input).value.strip()
        if reason == REASONS[-1] and not note:
            self.query_one("#problem", Static).update(self.t("Say what happened in the details line."))
            self.query_one("#note", Input).focus()
            return
        options = self.query_one("#checker", OptionList)
        if options.highlighted is None:
            return
        username = options.get_option_at_index(options.highlighted).id or ""
        text = self.t(reason) if reason != REASONS[-1] else ""
        full = "; ".join(x for x in (text, note) if x)
        self.dismiss(CorrectionAnswer(full, Credentials(username, self.query_one("#checker-pin", Input).value)))

    def action_cancel(self) -> None:
        self.dismiss(None)
