"""Typed access from screens to the app's counter gateway, translator and signed-in user."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, TypeVar, cast

from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen

from pharmacy.domain.reference import Medicine
from pharmacy.i18n import unit_name
from pharmacy.services.results import Actor
from pharmacy.tui.gateway import Counter

if TYPE_CHECKING:
    from pharmacy.tui.app import PharmacyApp

ResultT = TypeVar("ResultT")


def translate_bindings(node: DOMNode, t: Callable[[str], str]) -> None:
    """Footer labels in the user's language (descriptions in BINDINGS are message ids)."""
    table = node._bindings.key_to_bindings
    for key, bindings in table.items():
        table[key] = [replace(b, description=t(b.description)) if b.description else b for b in bindings]


class _Uses:
    @property
    def pharmacy_app(self) -> PharmacyApp:
        return cast("PharmacyApp", cast(Screen[object], self).app)

    @property
    def counter(self) -> Counter:
        return self.pharmacy_app.counter

    def t(self, message: str) -> str:
        return self.pharmacy_app.t(message)

    def unit(self, medicine: Medicine) -> str:
        """The medicine's base unit in the user's language."""
        return unit_name(medicine.base_unit, self.t)

    @property
    def actor(self) -> Actor:
        actor = self.pharmacy_app.actor
        assert actor is not None, "screens that act are only reachable after sign-in"
        return actor


class CounterScreen(_Uses, Screen[ResultT]):
    def on_mount(self) -> None:
        translate_bindings(self, self.t)


class CounterModal(_Uses, ModalScreen[ResultT]):
    def on_mount(self) -> None:
        translate_bindings(self, self.t)
