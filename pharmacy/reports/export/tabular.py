"""Machine exports of the month-end report and the register: CSV (one row per line) and JSON (everything).

Key names are stable for scripts; quantities are exact decimal strings in base units, never floats.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from pharmacy.reports.export.monthly_tables import (
    close_table,
    counts_table,
    figures_table,
    losses_table,
    prescriptions_table,
)
from pharmacy.reports.export.register_layout import register_table
from pharmacy.reports.export.table import Table, machine_value, qty
from pharmacy.reports.monthly_model import MonthlyReport
from pharmacy.reports.register_report import RegisterReport


def table_csv(table: Table) -> bytes:
    """UTF-8 with a BOM, so a spreadsheet opened by double-click shows 吗啡, not mojibake."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([c.key for c in table.columns])
    for row in table.rows:
        writer.writerow(["" if (v := machine_value(row.values.get(c.key))) is None else v for c in table.columns])
    return out.getvalue().encode("utf-8-sig")


def records(table: Table) -> list[dict[str, Any]]:
    return [{c.key: machine_value(row.values.get(c.key)) for c in table.columns} for row in table.rows]


def monthly_csv(report: MonthlyReport) -> bytes:
    return table_csv(figures_table(report))


def monthly_document(report: MonthlyReport, translate: Callable[[str], str]) -> dict[str, Any]:
    """The whole report as one JSON-ready mapping."""
    rec = report.reconciliation
    close = {row["item"]: row["value"] for row in records(close_table(report))}
    return {
        "format": "pharmacy.monthly/1",
        "pharmacy": {
            "code": report.pharmacy.code,
            "name": report.pharmacy.name,
            "licence_no": report.pharmacy.licence_no,
            "address": report.pharmacy.address,
            "profile": report.pharmacy.profile.value,
            "timezone": report.pharmacy.timezone,
        },
        "month": report.month,
        "first_day": report.first_day.isoformat(),
        "last_day": report.last_day.isoformat(),
        "generated_at": report.generated_at.isoformat(),
        "ties_out": report.ties_out,
        "figures": records(figures_table(report)),
        "prescriptions": {
            "count": len(rec.lines),
            "lines": records(prescriptions_table(report)),
            "problems": [
                {"code": p.kind.value, "number": p.number, "params": _params(p.params), "text": p.render(translate)}
                for p in rec.problems
            ],
        },
        "open_problems": [
            {"code": p.kind.value, "params": _params(p.params), "text": p.render(translate)} for p in report.problems
        ],
        "counts": records(counts_table(report)),
        "losses": records(losses_table(report)),
        "close": close,
        "daily_balance": {str(k): list(v) for k, v in report.daily_balance.items()},
    }


def _params(params: Any) -> dict[str, Any]:
    return {k: v if isinstance(v, str | int | bool | None) else str(v) for k, v in dict(params).items()}


def monthly_json(report: MonthlyReport, translate: Callable[[str], str]) -> bytes:
    text = json.dumps(monthly_document(report, translate), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def register_csv(report: RegisterReport) -> bytes:
    return table_csv(register_table(report, machine=True))


def register_json(report: RegisterReport) -> bytes:
    med = report.medicine
    doc = {
        "format": "pharmacy.register/1",
        "pharmacy": {"code": report.pharmacy.code, "name": report.pharmacy.name, "profile": report.pharmacy.profile},
        "medicine": {
            "code": med.code,
            "name": med.display_name,
            "local_name": med.generic_local,
            "form": med.form,
            "strength": med.strength,
            "unit": med.base_unit,
            "class": report.class_code,
            "codes": [{"kind": k, "code": c} for k, c in report.codes],
        },
        "month": report.month,
        "generated_at": report.generated_at.isoformat(),
        "brought_forward": str(qty(report.opening, med)),
        "carried_forward": str(qty(report.closing, med)),
        "entries": records(register_table(report, machine=True)),
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
