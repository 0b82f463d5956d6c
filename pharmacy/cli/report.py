"""`pharmacy report monthly|register`: the month-end report and a medicine's register as PDF, XLSX, CSV, JSON."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from pharmacy.cli.context import Cli
from pharmacy.domain.errors import N_, InvalidValue

# Kept here, not imported from reports.export, so building the parser loads no report code.
FORMATS = ("pdf", "xlsx", "csv", "json")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def add_report_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """`pharmacy report monthly --month M --format F --out FILE` and `pharmacy report register MEDICINE …`."""
    from pharmacy.cli.parser import _common

    common = _common()
    rep = sub.add_parser("report", help="print or export a report").add_subparsers(dest="report_action", required=True)
    monthly = rep.add_parser("monthly", parents=[common], help="the month-end report")
    register = rep.add_parser("register", parents=[common], help="one medicine's register for a month")
    register.add_argument("medicine", help="code, GTIN or part of the name")
    for p in (monthly, register):
        p.add_argument("--month", required=True, help="the month, YYYY-MM, in the pharmacy's time zone")
        p.add_argument("--format", dest="report_format", choices=FORMATS, default="pdf")
        p.add_argument("--out", required=True, help="the file to write, or - for stdout")


def _month(month: str) -> str:
    if not MONTH.fullmatch(month):
        raise InvalidValue(field="--month", problem=N_("use a month like 2026-03"))
    return month


def _target(out: str) -> Path | None:
    if out == "-":
        return None
    path = Path(out).expanduser()
    if not path.parent.is_dir():
        raise InvalidValue(field="--out", problem=N_("the folder {folder} does not exist"), folder=str(path.parent))
    if path.is_dir():
        raise InvalidValue(field="--out", problem=N_("{path} is a folder; give a file name"), path=str(path))
    return path


def _write(data: bytes, path: Path | None) -> None:
    if path is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
        return
    try:
        path.write_bytes(data)
    except OSError as exc:
        raise InvalidValue(field="--out", problem=N_("cannot write the file: {reason}"), reason=exc.strerror) from None


def cmd_report(cli: Cli) -> int:
    args, t = cli.args, cli.t
    month, path = _month(args.month), _target(args.out)
    reg = cli.register()
    fmt = args.report_format
    if sys.stderr.isatty():
        print(t("Preparing the report…"), file=sys.stderr, flush=True)
    from pharmacy.reports.export import render_monthly, render_register

    if args.report_action == "monthly":
        from pharmacy.reports.monthly import monthly_report

        data = render_monthly(monthly_report(reg.engine, reg.pharmacy.id, month), fmt, t)
    else:
        from pharmacy.reports.register_report import register_report

        data = render_register(register_report(reg.engine, reg.pharmacy.id, args.medicine, month), fmt, t)
    _write(data, path)
    if path is not None:
        print(t("Written: {path} ({size} bytes)").format(path=path, size=len(data)), file=sys.stderr)
    return 0
