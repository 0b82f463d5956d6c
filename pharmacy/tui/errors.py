"""Running blocking work in a thread without ever letting a traceback reach the screen."""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

from pharmacy.domain.errors import RegisterError
from pharmacy.tui.messages import Failed, Refused

T = TypeVar("T")


def guarded(target: MessagePump, call: Callable[[], T], done: Callable[[T], Message]) -> None:
    """Run `call` (in a worker thread); post `done(result)`, `Refused` or `Failed` back to `target`."""
    try:
        result = call()
    except RegisterError as exc:
        target.post_message(Refused(exc))
        return
    except Exception:  # last line of defence in a worker: log it, tell the pharmacist, keep the app alive
        from pharmacy.cli.crash import report_crash

        target.post_message(Failed(report_crash(traceback.format_exc())))
        return
    target.post_message(done(result))
