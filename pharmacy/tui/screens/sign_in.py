"""Sign-in (and the lock screen): username and PIN; wrong PINs count toward lock-out; the form beneath stays.

At start-up it is drawn while the register is still being opened: the pharmacy's name appears when it is open,
a PIN submitted before then waits for it, and if the register cannot be used the card says why (Ctrl+Q quits).
"""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from pharmacy.services.results import Actor  # plain dataclasses: no storage, no SQLAlchemy
from pharmacy.tui.base import CounterModal
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import Failed, Refused, SignedIn


class SignInScreen(CounterModal[Actor]):
    CSS_PATH = "sign_in.tcss"
    BINDINGS = [Binding("escape", "noop", show=False), Binding("ctrl+q", "quit", show=False)]

    def __init__(self, *, locked: bool = False) -> None:
        super().__init__()
        self.locked = locked

    def compose(self) -> ComposeResult:
        t = self.t
        name = self.pharmacy_app.pharmacy_name
        with Vertical(id="card"):
            yield Static(name or t("Opening the register…"), id="pharmacy-name", classes="" if name else "opening")
            yield Static(t("Controlled-medicine register"), id="subtitle")
            if self.locked:
                yield Static(t("Locked. Your work is kept; sign in to go on."), id="locked-note")
            yield Label(t("Username"))
            yield Input(id="username", placeholder=t("username"))
            yield Label(t("PIN"))
            yield Input(id="pin", password=True, placeholder="••••")
            yield Static("", id="error", classes="error")

    def show_register(self) -> None:
        """The register is open (its pharmacy's name), or it cannot be used: why, and that Ctrl+Q quits."""
        name = self.query_one("#pharmacy-name", Static)
        reason = self.pharmacy_app.unusable
        if reason is None:
            name.update(self.pharmacy_app.pharmacy_name or "")
            name.remove_class("opening")
            return
        name.update(self.t("The register cannot be opened"))
        name.set_classes("unusable")
        self.query_one("#error", Static).update(reason + "\n" + self.t("Press Ctrl+Q to quit."))
        for field in self.query(Input):
            field.disabled = True

    def action_noop(self) -> None:
        """Esc does not get past the lock."""

    def action_quit(self) -> None:
        """Ctrl+Q at start-up (the app's own binding stops at this modal); the lock screen keeps the work beneath."""
        if not self.locked:
            self.app.exit()

    @on(Input.Submitted, "#username")
    def _to_pin(self) -> None:
        self.query_one("#pin", Input).focus()

    @on(Input.Submitted, "#pin")
    def _submit(self) -> None:
        username = self.query_one("#username", Input).value.strip()
        pin = self.query_one("#pin", Input).value
        if not username:
            self.query_one("#username", Input).focus()
            return
        self.query_one("#error", Static).update(self.t("Checking…"))
        self._sign_in(username, pin)

    @work(thread=True, exclusive=True, group="sign-in")
    def _sign_in(self, username: str, pin: str) -> None:
        counter = self.pharmacy_app.wait_for_counter()  # still opening at start-up: wait for it
        if counter is not None:  # None: it cannot be used, and show_register has said why
            guarded(self, lambda: counter.sign_in(username, pin), SignedIn)

    def on_signed_in(self, message: SignedIn) -> None:
        self.dismiss(message.actor)

    def on_refused(self, message: Refused) -> None:
        self.query_one("#error", Static).update(message.error.render(self.t))
        pin = self.query_one("#pin", Input)
        pin.value = ""
        pin.focus()

    def on_failed(self, message: Failed) -> None:
        t = self.t
        self.query_one("#error", Static).update(t("Could not sign in; details in {path}").format(path=message.where))
