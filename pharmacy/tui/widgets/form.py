"""Form plumbing: a labelled field with its own error line, and mapping a refusal to the field concerned."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widget import Widget
from textual.widgets import Input, Label, Static

from pharmacy.domain.errors import InvalidValue, RegisterError

# Which field a refused command points at, by its stable code (the rest show in the form's status line).
FIELD_OF_ERROR = {
    "unknown_medicine": "scan",
    "unknown_supplier": "supplier",
    "document_required": "document",
    "invalid_quantity": "quantity",
    "quantity_not_positive": "quantity",
    "quantity_off_step": "quantity",
    "quantity_too_large": "quantity",
    "quantity_zero": "quantity",
    "insufficient_stock": "quantity",
    "exceeds_prescription": "quantity",
    "lot_expired": "batch",
    "lot_expiry_mismatch": "expiry",
    "unknown_lot": "batch",
    "unknown_prescription": "prescription",
    "reason_required": "reason",
}


def field_for(error: RegisterError) -> str | None:
    if isinstance(error, InvalidValue):
        return str(error.params.get("field"))
    return FIELD_OF_ERROR.get(error.code)


class Field(Vertical):
    """Label, input, and the line where this field's error appears."""

    DEFAULT_CSS = "Field { height: auto; } Field > Input { width: 1fr; }"

    def __init__(
        self, label: str, field_id: str, *, value: str = "", placeholder: str = "", password: bool = False
    ) -> None:
        super().__init__(id=f"{field_id}-field")
        self.label, self.field_id = label, field_id
        self.input_value, self.placeholder, self.password = value, placeholder, password

    def compose(self) -> ComposeResult:
        yield Label(self.label)
        yield Input(self.input_value, id=self.field_id, placeholder=self.placeholder, password=self.password)
        yield Static("", id=f"{self.field_id}-error", classes="field-error")


def clear_errors(root: Widget) -> None:
    for line in root.query(".field-error"):
        if isinstance(line, Static):
            line.update("")


def show_error(root: Widget, error: RegisterError, message: str, status_id: str = "status") -> None:
    """Put the message beside the field concerned (and focus it), else in the status line."""
    field = field_for(error)
    targets = list(root.query(f"#{field}-error")) if field else []
    if targets and isinstance(targets[0], Static):
        targets[0].update(message)
        inputs = list(root.query(f"#{field}"))
        if inputs:
            inputs[0].focus()
        return
    status = root.query_one(f"#{status_id}", Static)
    status.update(message)
    status.set_classes("error")
