"""Typed access from screens to the app's counter gateway, translator and signed-in user.

Imported by the sign-in screen, which is drawn before the register is opened: the gateway, the services and
SQLAlchemy are only named here for the type checker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar, cast

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from pharmacy.domain.movement import KIND_LABEL, MovementKind
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine
from pharmacy.i18n import unit_name

if TYPE_CHECKING:
    from pharmacy.services.commands import Credentials
    from pharmacy.services.results import Actor, Recorded
    from pharmacy.tui.app import PharmacyApp
    from pharmacy.tui.gateway import Counter

ResultT = TypeVar("ResultT")


def translate_bindings(node: DOMNode, t: Callable[[str], str]) -> None:
    """Footer labels in the user's language (descriptions in BINDINGS are message ids)."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [replace(b, description=t(b.description)) if b.description else b for b in bindings]


def jurisdiction_of(node: DOMNode) -> str:
    """For widgets: the jurisdiction of the pharmacy the app serves (names, units and laws follow it)."""
    return cast("PharmacyApp", node.app).counter.pharmacy.profile.jurisdiction


class _Uses:
    @property
    def pharmacy_app(self) -> PharmacyApp:
        return cast("PharmacyApp", cast(Screen[object], self).app)

    @property
    def counter(self) -> Counter:
        return self.pharmacy_app.counter

    def t(self, message: str) -> str:
        return self.pharmacy_app.t(message)

    def recorded_text(self, got: Recorded, medicine: Medicine) -> str:
        """The confirmation every entry form shows: the register number and the balances after it."""
        return self.t("Recorded as No. {seq}. Batch balance {lot}, {medicine} balance {total} {unit}.").format(
            seq=got.seq,
            lot=format_quantity(got.lot_balance_after, medicine.unit),
            medicine=self.medicine_name(medicine),
            total=format_quantity(got.medicine_balance_after, medicine.unit),
            unit=self.unit(medicine),
        )

    def set_status(self, text: str, *, ok: bool = False) -> None:
        """The form's status line: green when something was recorded, red when it was not."""
        status = cast(Screen[object], self).query_one("#status", Static)
        status.update(text)
        status.set_classes("ok" if ok else "error" if text else "")

    @property
    def jurisdiction(self) -> str:
        return self.counter.pharmacy.profile.jurisdiction

    def medicine_name(self, medicine: Medicine) -> str:
        """The medicine as this pharmacy's register names it (Chinese in China, English elsewhere)."""
        return medicine.name_in(self.jurisdiction)

    def heading(self, medicine: Medicine, gap: str = "  ") -> str:
        bold, rest = medicine.heading_in(self.jurisdiction)
        return f"[b]{bold}[/b]{gap}{rest}"

    def unit(self, medicine: Medicine) -> str:
        """The medicine's base unit in the user's language."""
        return unit_name(medicine.base_unit, self.t)

    @property
    def actor(self) -> Actor:
        actor = self.pharmacy_app.actor
        assert actor is not None, "screens that act are only reachable after sign-in"
        return actor

    def ask_second_person(
        self,
        kind: MovementKind,
        then: Callable[[Credentials], None],
        *,
        what: str | None = None,
        excluding: tuple[str, ...] = (),
    ) -> None:
        """Ask who checks an entry of `kind` (the users who may, read in a worker) and go on with their PIN;
        Esc in the dialog goes back to the form, which keeps everything typed."""
        from pharmacy.tui.screens.second_person import SecondPersonScreen  # it builds on this module

        app = self.pharmacy_app

        def answered(witness: Credentials | None) -> None:
            if witness is not None:
                then(witness)

        def ask() -> None:
            checkers = [u for u in self.counter.checkers(kind, self.actor) if u.username not in excluding]
            screen = SecondPersonScreen(what or self.t(KIND_LABEL[kind]), checkers)
            app.call_from_thread(app.push_screen, screen, answered)

        cast(Screen[object], self).run_worker(ask, thread=True, group="checkers")


class CounterScreen(_Uses, Screen[ResultT]):
    def on_mount(self) -> None:
        translate_bindings(self, self.t)


class CounterModal(_Uses, ModalScreen[ResultT]):
    def on_mount(self) -> None:
        translate_bindings(self, self.t)
