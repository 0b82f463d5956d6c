"""A small form in a modal dialog that records one thing: fields, errors beside them, Ctrl+S, Esc.

The dialog stays open on a refusal with everything typed kept (the error beside the field concerned); on
success it closes with the confirmation the screen below shows. Subclasses give the fields and the call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.widgets import Input, Static

from pharmacy.domain.errors import N_, RegisterError
from pharmacy.tui.base import CounterModal
from pharmacy.tui.errors import guarded
from pharmacy.tui.messages import Failed, Refused
from pharmacy.tui.widgets.form import clear_errors, show_error


@dataclass
class DialogDone(Message):
    result: Any


class FormDialog(CounterModal[str | None]):
    """Subclasses: `title_text`, `body()` (the fields), `prepare()` (the blocking call, or raise), `done()`."""

    CSS_PATH = "dialog.tcss"
    BINDINGS = [Binding("ctrl+s", "submit", N_("Record")), Binding("escape", "cancel", N_("Cancel"))]

    def title_text(self) -> str:
        raise NotImplementedError

    def body(self) -> ComposeResult:
        raise NotImplementedError
        yield  # pragma: no cover

    def prepare(self) -> Callable[[], object]:
        """Read the form (raising what it can already tell is wrong) and return the call to make."""
        raise NotImplementedError

    def done(self, result: Any) -> str:
        raise NotImplementedError

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dialog"):
            yield Static(self.title_text(), id="title")
            yield from self.body()
            yield Static("", id="status")
            yield Static(self.t("Ctrl+S: record · Esc: cancel (nothing is recorded)"), classes="muted")

    def on_mount(self) -> None:
        super().on_mount()
        inputs = list(self.query(Input))
        if inputs:
            inputs[0].focus()

    def value(self, field_id: str) -> str:
        return self.query_one(f"#{field_id}", Input).value.strip()

    def action_submit(self) -> None:
        clear_errors(self)
        self.set_status("")
        try:
            call = self.prepare()
        except RegisterError as exc:
            self.show_refusal(exc)
            return
        self.send(call)

    def send(self, call: Callable[[], object]) -> None:
        self.set_status(self.t("Recording…"))
        self._run(call)

    @work(thread=True, exclusive=True, group="dialog")
    def _run(self, call: Callable[[], object]) -> None:
        guarded(self, call, DialogDone)

    def on_dialog_done(self, message: DialogDone) -> None:
        self.dismiss(self.done(message.result))

    def field_of(self, error: RegisterError) -> str | None:
        """Subclasses point refusals the shared map does not know at their own fields."""
        return None

    def show_refusal(self, error: RegisterError) -> None:
        self.set_status("")
        field = self.field_of(error)
        lines = list(self.query(f"#{field}-error")) if field else []
        if lines and isinstance(lines[0], Static):
            lines[0].update(error.render(self.t))
            self.query_one(f"#{field}", Input).focus()
            return
        show_error(self, error, error.render(self.t))

    def on_refused(self, message: Refused) -> None:
        self.show_refusal(message.error)

    def on_failed(self, message: Failed) -> None:
        self.set_status(self.t("Not recorded: an unexpected error; details in {path}").format(path=message.where))

    def action_cancel(self) -> None:
        self.dismiss(None)
