"""Tables with fixed column widths: the layout does not jump as rows arrive page by page."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from textual.widgets import DataTable


def add_columns(table: DataTable[str], t: Callable[[str], str], columns: Sequence[tuple[str, int]]) -> None:
    """(message id, width in cells) per column; headers in the user's language."""
    for label, width in columns:
        table.add_column(t(label), width=width)
