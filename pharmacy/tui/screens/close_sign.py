"""The responsible pharmacist's signature on a month-end close: their username and PIN. Esc cancels."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from pharmacy.domain.errors import N_
from pharmacy.services.commands import Credentials
from pharmacy.tui.base import CounterModal


class SignCloseScreen(CounterModal[Credentials | None]):
    CSS_PATH = "close_sign.tcss"
    BINDINGS = [Binding("escape", "cancel", N_("Cancel"))]

    def __init__(self, month: str, username: str) -> None:
        super().__init__()
        self.month, self.username = month, username

    def compose(self) -> ComposeResult:
        t = self.t
        with Vertical(id="dialog"):
            yield Static(t("Sign the close of {month}").format(month=self.month), id="title")
            yield Static(
                t("Signing seals the register up to now: nothing can be dated inside {month} afterwards.").format(
                    month=self.month
                ),
                classes="muted",
            )
            yield Label(t("Responsible pharmacist (username)"))
            yield Input(self.username, id="signer")
            yield Label(t("PIN"))
            yield Input(id="signer-pin", password=True)
            yield Static(t("Enter: sign · Esc: back, nothing is signed"), classes="muted")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#signer-pin", Input).focus()

    @on(Input.Submitted, "#signer")
    def _to_pin(self) -> None:
        self.query_one("#signer-pin", Input).focus()

    @on(Input.Submitted, "#signer-pin")
    def _sign(self) -> None:
        username = self.query_one("#signer", Input).value.strip()
        if not username:
            self.query_one("#signer", Input).focus()
            return
        self.dismiss(Credentials(username, self.query_one("#signer-pin", Input).value))

    def action_cancel(self) -> None:
        self.dismiss(None)
