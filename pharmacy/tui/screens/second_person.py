"""The second person's check, in place: choose the colleague, they type their PIN. Esc cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from pharmacy.domain.errors import N_
from pharmacy.domain.reference import User
from pharmacy.services.commands import Credentials
from pharmacy.tui.base import CounterModal


class SecondPersonScreen(CounterModal[Credentials | None]):
    CSS_PATH = "second_person.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, what: str, checkers: list[User]) -> None:
        super().__init__()
        self.what, self.checkers = what, checkers

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Static(self.t("Second person's check: {what}").format(what=self.what), id="title")
            yield Label(self.t("Checked by"))
            yield OptionList(
                *[Option(f"{u.full_name} ({u.username})", id=u.username) for u in self.checkers], id="checker"
            )
            yield Label(self.t("Their PIN"))
            yield Input(id="checker-pin", password=True)
            yield Static(self.t("Enter: confirm · Esc: back to the form"), classes="muted")

    def on_mount(self) -> None:
        options = self.query_one("#checker", OptionList)
        if options.option_count:
            options.highlighted = 0

    @on(OptionList.OptionSelected, "#checker")
    def _to_pin(self) -> None:
        self.query_one("#checker-pin", Input).focus()

    @on(Input.Submitted, "#checker-pin")
    def _confirm(self) -> None:
        options = self.query_one("#checker", OptionList)
        if options.highlighted is None:
            options.focus()
            return
        username = options.get_option_at_index(options.highlighted).id
        assert username is not None
        self.dismiss(Credentials(username, self.query_one("#checker-pin", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
