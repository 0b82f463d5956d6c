"""`pharmacy reconcile prescriptions`: dispensing against prescriptions for a month, and the retained check."""

from __future__ import annotations

import json
import sys
from typing import TextIO

from pharmacy.cli.context import Cli, qty
from pharmacy.cli.output import Column, emit
from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.reports.reconcile import PrescriptionLine, Reconciliation, reconcile_prescriptions


def read_retained(path: str | None) -> list[str] | None:
    """The scanned numbers: one a line; blank lines and lines starting with # are skipped; `-` is stdin."""
    if path is None:
        return None
    try:
        stream: TextIO = sys.stdin if path == "-" else open(path, encoding="utf-8-sig")  # noqa: SIM115
        with stream:
            lines = stream.read().splitlines()
    except (OSError, UnicodeDecodeError):
        raise InvalidValue(field="--retained", problem=N_("cannot read the file; give one number a line")) from None
    return [n.strip() for n in lines if n.strip() and not n.strip().startswith("#")]


def _problem_rows(cli: Cli, result: Reconciliation) -> list[dict[str, object]]:
    return [
        {"kind": p.kind.value, "number": p.number, "problem": p.render(cli.t), "params": dict(p.params)}
        for p in result.problems
    ]


def _line_row(line: PrescriptionLine) -> dict[str, object]:
    med = line.medicine
    return {
        "id": str(line.id),
        "number": line.number,
        "written_on": line.written_on.isoformat(),
        "patient": line.patient_code,
        "patient_name": line.patient_name,
        "medicine": med.code,
        "unit": med.base_unit,
        "prescribed": qty(line.prescribed, med),
        "allowed": qty(line.allowed, med),
        "supplied": qty(line.supplied, med),
        "supplied_in_month": qty(line.supplied_in_month, med),
        "owing": qty(line.owing, med),
        "valid_until": line.valid_until.isoformat() if line.valid_until else None,
        "keep_until": line.keep_until.isoformat() if line.keep_until else None,
    }


def _json(cli: Cli, result: Reconciliation) -> None:
    doc = {
        "month": result.month,
        "ok": result.ok,
        "problems": _problem_rows(cli, result),
        "prescriptions": [_line_row(line) for line in result.lines],
    }
    json.dump(doc, sys.stdout, ensure_ascii=False, indent=2, default=str)
    sys.stdout.write("\n")


def cmd_reconcile(cli: Cli) -> int:
    reg, t, args = cli.register(), cli.t, cli.args
    result = reconcile_prescriptions(reg.engine, reg.pharmacy.id, args.month, read_retained(args.retained))
    if cli.fmt == "json":
        _json(cli, result)
    elif cli.fmt == "table" and result.ok:
        print(t("No problems: {count} prescriptions reconciled for {month}.").format(
            count=len(result.lines), month=result.month))  # fmt: skip
    else:
        columns = [Column("kind", t("Kind")), Column("number", t("Prescription")), Column("problem", t("Problem"))]
        emit(_problem_rows(cli, result), columns, cli.fmt)
    return 0 if result.ok else 1
