"""A report table as plain values: columns with stable keys and translatable labels, rows of cells.

Every renderer (PDF, XLSX, CSV, JSON) reads the same tables, so a figure printed for the inspector is the
figure exported for a machine. Quantities are exact `Decimal`s made from `format_quantity`, never floats.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pharmacy.domain.errors import N_, Text, render_message
from pharmacy.domain.profile import Profile
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine


@dataclass(frozen=True)
class Phrase:
    """A translatable sentence with parameters, e.g. "reverses No. {seq}": translated, then formatted."""

    template: Text
    params: Mapping[str, object] = field(default_factory=dict)

    def render(self, translate: Callable[[str], str]) -> str:
        return render_message(self.template, dict(self.params), translate)


# A cell: text (a `Text` is translated when shown), a phrase, an exact number, a whole number, or nothing.
Value = str | Phrase | Decimal | int | bool | None


@dataclass(frozen=True)
class Column:
    key: str  # stable, for machines (CSV header, JSON key)
    label: Text  # for people, translated when rendered
    width: float = 1.0  # relative width on paper
    numeric: bool = False  # right-aligned; a number in a spreadsheet


@dataclass(frozen=True)
class Row:
    values: Mapping[str, Value]
    emphasis: bool = False  # brought/carried forward, a medicine's heading


@dataclass(frozen=True)
class Table:
    key: str
    title: Text
    columns: tuple[Column, ...]
    rows: tuple[Row, ...] = field(default=())


def medicine_name(med: Medicine, profile: Profile) -> str:
    """Chinese registers name the medicine in Chinese first (专用账册); elsewhere the English name suffices."""
    if profile.jurisdiction == "cn" and med.generic_local:
        return f"{med.generic_local}  {med.display_name}"
    return med.display_name


def qty(steps: int, medicine: Medicine) -> Decimal:
    """Steps → the exact decimal of base units, through the same text the register shows."""
    return Decimal(format_quantity(steps, medicine.unit))


def signed(value: Decimal) -> str:
    """+2 / −2 / 0 for signed columns (adjustments, corrections, variances)."""
    return f"+{value}" if value > 0 else ("−" + str(-value) if value < 0 else "0")


def local(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return None if moment is None else moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def cell_text(value: Value, translate: Callable[[str], str]) -> str:
    """A cell as people read it: Text translated, booleans as yes/no, nothing as empty."""
    if value is None:
        return ""
    if isinstance(value, Text):
        return translate(value)
    if isinstance(value, Phrase):
        return value.render(translate)
    if isinstance(value, bool):
        return translate(YES if value else NO)
    return str(value)


def machine_value(value: Value) -> str | int | bool | None:
    """A cell for JSON: exact decimals as strings (never floats), Text as its msgid."""
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Text):
        return str(value)
    if isinstance(value, Phrase):
        return value.render(_identity)
    return value


def _identity(message: str) -> str:
    return message


YES = N_("Yes")
NO = N_("No")
