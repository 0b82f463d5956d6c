"""The counter app: wiring only. Screens own their flows; this file connects them, the keys and the lock.

Start-up draws the sign-in screen first: `run` gives the app an opener instead of an open register, a thread
worker opens it after the first paint (see opening.py), and the counter's screens are imported only then
(modes.py). Signing in waits for the register; if it cannot be used the sign-in screen says why.
"""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from pharmacy.domain.errors import N_
from pharmacy.domain.roles import ROLE_LABEL
from pharmacy.i18n import choose_language, translator
from pharmacy.tui.base import translate_bindings
from pharmacy.tui.modes import MODES
from pharmacy.tui.opening import Opener, RegisterOpened, RegisterUnusable, open_in_worker, opener
from pharmacy.tui.screens.sign_in import SignInScreen

if TYPE_CHECKING:
    from pharmacy.services.results import Actor
    from pharmacy.tui.gateway import Counter

IDLE_LOCK_SECONDS = 300


class PharmacyApp(App[int]):
    CSS_PATH = "app.tcss"
    MODES = MODES
    BINDINGS = [
        Binding("f2", "mode('home')", N_("Home")),
        Binding("f3", "mode('receive')", N_("Receive")),
        Binding("f4", "mode('dispense')", N_("Dispense")),
        Binding("f5", "mode('register')", N_("Register")),
        Binding("f6", "mode('reconcile')", N_("Reconcile")),
        Binding("f7", "mode('count')", N_("Count")),
        Binding("f8", "mode('disposal')", N_("Disposal")),
        Binding("f9", "mode('close')", N_("Month end")),
        Binding("f12", "switch_user", N_("Switch user")),
        Binding("ctrl+l", "lock", N_("Lock"), show=False),
        Binding("ctrl+q", "quit", N_("Quit"), show=False),  # in the palette; the footer is for the F-keys
    ]
    actor: reactive[Actor | None] = reactive(None)

    def __init__(
        self,
        counter: Counter | None,
        t: Callable[[str], str],
        *,
        open_counter: Opener | None = None,
        idle_seconds: float = IDLE_LOCK_SECONDS,
    ) -> None:
        """Either an open register's `counter`, or `open_counter` to open it once the sign-in screen is drawn."""
        super().__init__()
        assert (counter is None) != (open_counter is None), "give an open register or the way to open one"
        self.t, self.idle_seconds, self._open_counter = t, idle_seconds, open_counter
        self._counter: Counter | None = None
        self._settled = threading.Event()  # set once the register is open, or known to be unusable
        self.unusable: str | None = None  # why the register cannot be used, in the user's language
        self.last_activity = time.monotonic()
        if counter is not None:
            self._opened(counter)

    @property
    def counter(self) -> Counter:
        if self._counter is None:
            raise RuntimeError("the register is not open yet")  # screens that use it come after sign-in
        return self._counter

    @property
    def pharmacy_name(self) -> str | None:
        return None if self._counter is None else self._counter.pharmacy.name

    def wait_for_counter(self) -> Counter | None:
        """From a worker thread: the gateway once the register is open; None if it cannot be used."""
        self._settled.wait()
        return self._counter

    def _opened(self, counter: Counter) -> None:
        self._counter = counter
        self.title = counter.pharmacy.name
        self._settled.set()

    def on_mount(self) -> None:
        translate_bindings(self, self.t)
        self.push_screen(SignInScreen(), self._signed_in)
        self.set_interval(5, self._check_idle)
        if self._open_counter is not None:
            self.call_after_refresh(self._open_register)  # after the sign-in screen is drawn

    @work(thread=True, exclusive=True, group="open-register")
    def _open_register(self) -> None:
        assert self._open_counter is not None
        open_in_worker(self, self._open_counter, self.t)

    def on_register_opened(self, message: RegisterOpened) -> None:
        self._opened(message.counter)
        self._tell_sign_in()

    def on_register_unusable(self, message: RegisterUnusable) -> None:
        self.unusable = message.reason
        self._settled.set()
        self._tell_sign_in()

    def _tell_sign_in(self) -> None:
        if isinstance(self.screen, SignInScreen) and self.screen.is_mounted:
            self.screen.show_register()

    def on_unmount(self) -> None:
        self._settled.set()  # a sign-in still waiting for the register must not outlive the app

    def _signed_in(self, actor: Actor | None) -> None:
        if actor is not None:
            self.actor = actor
            self.sub_title = f"{actor.full_name} · {self.t(ROLE_LABEL[actor.role])}"
            self.last_activity = time.monotonic()
            if self.current_mode == self.DEFAULT_MODE:  # the first sign-in: the counter's screens start at home
                self.switch_mode("home")

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self.last_activity = time.monotonic()
        await super().on_event(event)

    def _locked(self) -> bool:
        return isinstance(self.screen, SignInScreen)

    def _check_idle(self) -> None:
        if self.actor is not None and not self._locked() and time.monotonic() - self.last_activity > self.idle_seconds:
            self.action_lock()

    def action_lock(self) -> None:
        """Back to sign-in without leaving the screen: a half-filled form stays under the lock."""
        if not self._locked():
            self.push_screen(SignInScreen(locked=True), self._signed_in)

    def action_switch_user(self) -> None:
        self.action_lock()

    async def action_mode(self, mode: str) -> None:
        if not self._locked():
            await self.switch_mode(mode)

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for mode, label, help_text in (
            ("home", N_("Home"), N_("Stock on hand, today's entries, alerts")),
            ("receive", N_("Receive"), N_("Record goods in from a supplier")),
            ("dispense", N_("Dispense"), N_("Supply against a prescription")),
            ("register", N_("Register"), N_("Read a medicine's register; correct an entry")),
            ("reconcile", N_("Reconcile"), N_("Check a month's dispensing against its prescriptions")),
            ("count", N_("Count"), N_("Count the stock against the register; explain every variance")),
            ("disposal", N_("Returns & destruction"), N_("Patient returns, quarantine, witnessed destruction, losses")),
            ("close", N_("Month end"), N_("Review, sign and export a month")),
        ):
            yield SystemCommand(self.t(label), self.t(help_text), lambda m=mode: self.run_action(f"mode('{m}')"))
        yield SystemCommand(self.t("Switch user"), self.t("Sign in as someone else"), self.action_switch_user)
        yield SystemCommand(self.t("Lock"), self.t("Lock the screen now"), self.action_lock)

    def close_register(self) -> None:
        if self._counter is not None:
            self._counter.register.engine.dispose()


def run(target: str, pharmacy_code: str | None, lang: str | None, *, delay: float = 0.0) -> int:
    """`pharmacy tui`: exit code 3 when the register could not be used (as the CLI's), else 0."""
    t = translator(choose_language(lang))
    app = PharmacyApp(None, t, open_counter=opener(target, pharmacy_code, delay=delay))
    app.run()
    app.close_register()
    if app.unusable is not None:
        print(t("error: ") + app.unusable, file=sys.stderr)
        return 3
    return 0
