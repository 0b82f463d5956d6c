"""Who is acting at the command line: --as USER (or $PHARMACY_USER), PIN from $PHARMACY_PIN or a prompt."""

from __future__ import annotations

import getpass
import os
import sys

from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.services.commands import Credentials


def read_pin(prompt: str, env: str = "PHARMACY_PIN", *, confirm: bool = False) -> str:
    """A PIN from the environment (for scripts) or typed without echo (never an argument: argv is visible)."""
    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise InvalidValue(field="PIN", problem=N_("set {env} or run this in a terminal to type it"), env=env)
    pin = getpass.getpass(prompt)
    if confirm and getpass.getpass("Again: ") != pin:
        raise InvalidValue(field="PIN", problem=N_("the two PINs differ"))
    return pin


def acting(username: str | None) -> Credentials:
    name = username or os.environ.get("PHARMACY_USER")
    if not name:
        raise InvalidValue(field="--as", problem=N_("say who is acting: --as USERNAME or $PHARMACY_USER"))
    return Credentials(name, read_pin(f"PIN for {name}: "))
