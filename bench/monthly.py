"""The monthly report of a month with 100,000 entries: the review the responsible pharmacist signs, and its PDF.

`pharmacy.reports.monthly.monthly_report` (the figures per lot, the prescription reconciliation, counts, losses,
open problems, the daily balance chart) is timed against the fold it cannot do without: two bare `sqlite3`
GROUP BY queries summing the entries dated before the month and inside it per lot, book and kind (baseline).
The PDF render of that report is timed on its own. No goal is set by the issue; the ratio shows what the rest
of the report costs on top of the figures.

    .venv/bin/python -m bench.monthly [--entries 100000] [--repeat 5] [--dir DIR]
"""

from __future__ import annotations

import argparse
import sqlite3
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.common import PHARMACY, START, TIMEZONE, Figures, Timing, long_register, scratch_dir, time_runs
from pharmacy.db.engine import make_engine
from pharmacy.domain.timing import month_bounds
from pharmacy.reports.export import render_monthly
from pharmacy.reports.monthly import monthly_report
from pharmacy.reports.monthly_model import MonthlyReport

FOLD_SQL = (
    "SELECT medicine_id, lot_id, book, kind, SUM(quantity) FROM movements "
    "WHERE pharmacy_id = ? AND occurred_at >= ? AND occurred_at < ? GROUP BY medicine_id, lot_id, book, kind"
)


def month_of_the_register() -> tuple[str, str, str]:
    """The month the generated entries fall in, and its bounds as SQLite stores times (UTC text)."""
    month = START.astimezone(ZoneInfo(TIMEZONE)).strftime("%Y-%m")
    start, end = month_bounds(month, ZoneInfo(TIMEZONE))
    return month, _stored(start), _stored(end)


def _stored(moment: datetime) -> str:
    return moment.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%d %H:%M:%S.%f")


def fold_runner(path: Path) -> Timing:
    conn = sqlite3.connect(path)
    _, start, end = month_of_the_register()

    def run() -> int:
        before = conn.execute(FOLD_SQL, (PHARMACY, "0000", start)).fetchall()
        within = conn.execute(FOLD_SQL, (PHARMACY, start, end)).fetchall()
        return 1 if within or before else 0

    return time_runs(run, 1)


def _renders(report: MonthlyReport) -> Callable[[], int]:
    return lambda: len(render_monthly(report, "pdf", str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--dir")
    args = parser.parse_args()
    figures = Figures("monthly report")
    with scratch_dir(args.dir) as tmp:
        path = tmp / "register.sqlite"
        long_register(path, args.entries)
        engine = make_engine(str(path))
        month, _, _ = month_of_the_register()
        folds, reports, pdfs = [], [], []
        for _ in range(args.repeat):  # interleaved, so drift hits all alike
            folds.append(fold_runner(path).seconds[0])
            report = time_runs(lambda: len(monthly_report(engine, PHARMACY, month).lines), 1)
            reports.append(report.seconds[0])
            built = monthly_report(engine, PHARMACY, month)
            pdfs.append(time_runs(_renders(built), 1).seconds[0])
        figures.add("bare fold: two GROUP BY queries (baseline)", [s * 1000 for s in folds], "ms")
        figures.add("monthly_report", [s * 1000 for s in reports], "ms", [s * 1000 for s in folds])
        figures.add("render the PDF", [s * 1000 for s in pdfs], "ms", [s * 1000 for s in folds])
        figures.facts.update(entries=args.entries, month=month, lines=len(built.lines))
        engine.dispose()
    figures.print()


if __name__ == "__main__":
    main()
