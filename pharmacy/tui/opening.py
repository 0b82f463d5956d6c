"""Opening the register behind the sign-in screen: the screen is drawn first, the database opened afterwards.

`opener` returns the call that opens it (SQLAlchemy, the schema check, the pharmacy); `open_in_worker` runs that
call in a thread worker and posts `RegisterOpened`, or `RegisterUnusable` with the reason in the user's language
(unreachable, schema missing, older or newer; an unexpected failure is logged to a file) — never a traceback.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message
from textual.message_pump import MessagePump

from pharmacy.domain.errors import RegisterError
from pharmacy.tui.modes import load_screens

if TYPE_CHECKING:
    from pharmacy.tui.gateway import Counter

Opener = Callable[[], "Counter"]


@dataclass
class RegisterOpened(Message):
    counter: Counter


@dataclass
class RegisterUnusable(Message):
    """The register cannot be used; `reason` is already in the user's language."""

    reason: str


def opener(target: str, pharmacy_code: str | None, *, delay: float = 0.0) -> Opener:
    """The call that opens the register at `target` and wraps it in the counter's gateway."""

    def open_counter() -> Counter:
        from pharmacy.tui.gateway import Counter
        from pharmacy.wiring import open_register

        return Counter(open_register(target, pharmacy_code), delay=delay)

    return open_counter


def open_in_worker(target: MessagePump, open_counter: Opener, t: Callable[[str], str]) -> None:
    """Run in a thread worker: open the register, import the screens, post what came of it to `target`."""
    try:
        counter = open_counter()
        load_screens()
    except RegisterError as exc:
        target.post_message(RegisterUnusable(exc.render(t)))
    except Exception:  # last line of defence: log it, tell the pharmacist where, let them quit
        from pharmacy.cli.crash import report_crash

        where = report_crash(traceback.format_exc())
        target.post_message(RegisterUnusable(t("Could not open the register; details in {path}").format(path=where)))
    else:
        target.post_message(RegisterOpened(counter))
