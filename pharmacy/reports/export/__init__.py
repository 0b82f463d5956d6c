"""Renderers of the month-end report and the register: PDF for people, XLSX for spreadsheets, CSV and JSON."""

from __future__ import annotations

from collections.abc import Callable

from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.reports.monthly_model import MonthlyReport
from pharmacy.reports.register_report import RegisterReport

FORMATS = ("pdf", "xlsx", "csv", "json")
Translate = Callable[[str], str]


def _unknown(fmt: str) -> InvalidValue:
    return InvalidValue(field="--format", problem=N_("use pdf, xlsx, csv or json"), given=fmt)


def render_monthly(report: MonthlyReport, fmt: str, translate: Translate) -> bytes:
    """The month-end report as the bytes of a file in `fmt` (pdf | xlsx | csv | json)."""
    # fpdf2 and openpyxl are loaded only when a format needs them
    if fmt == "pdf":
        from pharmacy.reports.export.pdf import monthly_pdf

        return monthly_pdf(report, translate)
    if fmt == "xlsx":
        from pharmacy.reports.export.xlsx import monthly_xlsx

        return monthly_xlsx(report, translate)
    from pharmacy.reports.export.tabular import monthly_csv, monthly_json

    if fmt == "csv":
        return monthly_csv(report)
    if fmt == "json":
        return monthly_json(report, translate)
    raise _unknown(fmt)


def render_register(report: RegisterReport, fmt: str, translate: Translate) -> bytes:
    """The register of one medicine for one month as the bytes of a file in `fmt`."""
    if fmt == "pdf":
        from pharmacy.reports.export.pdf import register_pdf

        return register_pdf(report, translate)
    if fmt == "xlsx":
        from pharmacy.reports.export.xlsx import register_xlsx

        return register_xlsx(report, translate)
    from pharmacy.reports.export.tabular import register_csv, register_json

    if fmt == "csv":
        return register_csv(report)
    if fmt == "json":
        return register_json(report)
    raise _unknown(fmt)
