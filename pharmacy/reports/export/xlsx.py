"""The month-end report and the register as an XLSX workbook: one sheet per table, numbers as numbers.

Quantities are written as exact Decimals made from the register's own text (never floats computed from
floats); headings are bold and frozen, columns sized to their content.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pharmacy.reports.export.monthly_tables import (
    close_table,
    counts_table,
    figures_table,
    losses_table,
    prescriptions_table,
    problems_table,
)
from pharmacy.reports.export.register_layout import legal_table
from pharmacy.reports.export.table import Phrase, Table, Value, cell_text
from pharmacy.reports.monthly_model import MonthlyReport
from pharmacy.reports.register_report import RegisterReport

Translate = Callable[[str], str]
SHEETS = ("Figures", "Prescriptions", "Problems", "Counts", "Losses", "Close")
_HEAD_FILL = PatternFill("solid", fgColor="DEE7EE")
_QTY_FORMAT = "#,##0.###"


def _cell(value: Value, translate: Translate) -> Any:
    if isinstance(value, bool | str | Phrase):
        return cell_text(value, translate)
    return value  # Decimal, int or None: a number in the sheet


def _width(values: Iterable[object]) -> float:
    longest = max((sum(2 if ord(ch) > 0x2E80 else 1 for ch in str(v)) for v in values if v is not None), default=4)
    return min(max(longest + 2, 6), 60)


def write_sheet(book: Any, name: str, table: Table, translate: Translate, *, first: bool = False) -> None:
    sheet = book.active if first else book.create_sheet()
    sheet.title = name
    heads = [translate(c.label) for c in table.columns]
    sheet.append(heads)
    for row in table.rows:
        sheet.append([_cell(row.values.get(c.key), translate) for c in table.columns])
        if row.emphasis:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = "A2"
    for index, column in enumerate(table.columns, start=1):
        letter = get_column_letter(index)
        cells = [sheet.cell(row=r, column=index).value for r in range(2, sheet.max_row + 1)]
        sheet.column_dimensions[letter].width = max(_width(cells), min(_width([heads[index - 1]]), 24))
        if column.numeric:
            for r in range(2, sheet.max_row + 1):
                if isinstance(sheet.cell(row=r, column=index).value, Decimal):
                    sheet.cell(row=r, column=index).number_format = _QTY_FORMAT
    sheet.auto_filter.ref = sheet.dimensions


def _save(book: Any) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def monthly_xlsx(report: MonthlyReport, translate: Translate) -> bytes:
    tables = (
        figures_table(report),
        prescriptions_table(report),
        problems_table(report, translate),
        counts_table(report),
        losses_table(report),
        close_table(report),
    )
    book = Workbook()
    for i, (name, table) in enumerate(zip(SHEETS, tables, strict=True)):
        write_sheet(book, name, table, translate, first=i == 0)
    return _save(book)


def register_xlsx(report: RegisterReport, translate: Translate) -> bytes:
    book = Workbook()
    write_sheet(book, "Register", legal_table(report), translate, first=True)
    return _save(book)
