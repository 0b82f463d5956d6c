"""The counter's screens, one per mode, built (and their modules imported) when first shown.

Their modules import the reports and the services, hence SQLAlchemy: the sign-in screen is drawn without them,
and the worker that opens the register imports them afterwards (`load_screens`), so the F-keys answer at once.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

SCREEN_MODULES = ("home", "receive", "dispense", "register", "reconcile", "count", "disposal", "close")


def home() -> Screen[Any]:
    from pharmacy.tui.screens.home import HomeScreen

    return HomeScreen()


def receive() -> Screen[Any]:
    from pharmacy.tui.screens.receive import ReceiveScreen

    return ReceiveScreen()


def dispense() -> Screen[Any]:
    from pharmacy.tui.screens.dispense import DispenseScreen

    return DispenseScreen()


def register() -> Screen[Any]:
    from pharmacy.tui.screens.register import RegisterScreen

    return RegisterScreen()


def reconcile() -> Screen[Any]:
    from pharmacy.tui.screens.reconcile import ReconcileScreen

    return ReconcileScreen()


def count() -> Screen[Any]:
    from pharmacy.tui.screens.count import CountScreen

    return CountScreen()


def disposal() -> Screen[Any]:
    from pharmacy.tui.screens.disposal import DisposalScreen

    return DisposalScreen()


def close() -> Screen[Any]:
    from pharmacy.tui.screens.close import CloseScreen

    return CloseScreen()


MODES: dict[str, str | Callable[[], Screen[Any]]] = {
    "home": home,
    "receive": receive,
    "dispense": dispense,
    "register": register,
    "reconcile": reconcile,
    "count": count,
    "disposal": disposal,
    "close": close,
}


def load_screens() -> None:
    """Import every mode's screen module (from a worker thread, after the first paint)."""
    for name in SCREEN_MODULES:
        importlib.import_module(f"pharmacy.tui.screens.{name}")
