"""The counter app: wiring only. Screens own their flows; this file connects them, the keys and the lock."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from textual import events
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from pharmacy.domain.errors import N_
from pharmacy.domain.roles import ROLE_LABEL
from pharmacy.i18n import choose_language, translator
from pharmacy.services.results import Actor
from pharmacy.tui.base import translate_bindings
from pharmacy.tui.gateway import Counter
from pharmacy.tui.screens.dispense import DispenseScreen
from pharmacy.tui.screens.home import HomeScreen
from pharmacy.tui.screens.receive import ReceiveScreen
from pharmacy.tui.screens.register import RegisterScreen
from pharmacy.tui.screens.sign_in import SignInScreen

IDLE_LOCK_SECONDS = 300


class PharmacyApp(App[int]):
    CSS_PATH = "app.tcss"
    MODES = {"home": HomeScreen, "receive": ReceiveScreen, "dispense": DispenseScreen, "register": RegisterScreen}
    BINDINGS = [
        Binding("f2", "mode('home')", N_("Home")),
        Binding("f3", "mode('receive')", N_("Receive")),
        Binding("f4", "mode('dispense')", N_("Dispense")),
        Binding("f5", "mode('register')", N_("Register")),
        Binding("f12", "switch_user", N_("Switch user")),
        Binding("ctrl+l", "lock", N_("Lock"), show=False),
        Binding("ctrl+q", "quit", N_("Quit")),
    ]
    actor: reactive[Actor | None] = reactive(None)

    def __init__(self, counter: Counter, t: Callable[[str], str], *, idle_seconds: float = IDLE_LOCK_SECONDS) -> None:
        super().__init__()
        self.counter, self.t, self.idle_seconds = counter, t, idle_seconds
        self.last_activity = time.monotonic()
        self.title = counter.pharmacy.name

    def get_default_screen(self) -> Screen[Any]:
        return HomeScreen()

    def on_mount(self) -> None:
        translate_bindings(self, self.t)
        self.switch_mode("home")
        self.push_screen(SignInScreen(), self._signed_in)
        self.set_interval(5, self._check_idle)

    def _signed_in(self, actor: Actor | None) -> None:
        if actor is not None:
            self.actor = actor
            self.sub_title = f"{actor.full_name} · {self.t(ROLE_LABEL[actor.role])}"
            self.last_activity = time.monotonic()

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
        ):
            yield SystemCommand(self.t(label), self.t(help_text), lambda m=mode: self.run_action(f"mode('{m}')"))
        yield SystemCommand(self.t("Switch user"), self.t("Sign in as someone else"), self.action_switch_user)
        yield SystemCommand(self.t("Lock"), self.t("Lock the screen now"), self.action_lock)


def run(target: str, pharmacy_code: str | None, lang: str | None, *, delay: float = 0.0) -> int:
    from pharmacy.wiring import open_register

    register = open_register(target, pharmacy_code)
    app = PharmacyApp(Counter(register, delay=delay), translator(choose_language(lang)))
    app.run()
    register.engine.dispose()
    return 0
