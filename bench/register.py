"""The register report of a medicine with 100,000 entries: its first page of 50 lines, in process and as a CLI.

In process, `pharmacy.reports.register.register_page` (SQLAlchemy Core, the report's joins, `RegisterLine`s)
is timed against one indexed `sqlite3` query fetching the same 50 rows on the same file (baseline), with and
without the report's joins. Goal: register_page ≤ 3x the bare query. As a process, `pharmacy register
MEDICINE --limit 50 --db FILE` is timed from process start until its 50th data line is read from its stdout,
against a `python -c` that imports sqlite3 and prints the same 50 rows of the joined query.

    .venv/bin/python -m bench.register [--entries 100000] [--repeat 7] [--inner 200] [--dir DIR]
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path

from bench.common import (
    BIG_MEDICINE,
    PHARMACY,
    TIMEZONE,
    Figures,
    Timing,
    long_register,
    median,
    medicine_code,
    scratch_dir,
    time_runs,
    time_to_line,
)
from pharmacy.db.audit import SqlAuditSource
from pharmacy.db.engine import make_engine
from pharmacy.reports.register import RegisterFilter, register_page
from pharmacy.services.verify import verify

GOAL = 3.0
PAGE = 50

# The rows `register_page` needs, on the index (pharmacy_id, medicine_id, seq): the bare minimum…
BARE_SQL = (
    "SELECT seq, occurred_at, recorded_at, kind, book, lot_id, supplier_id, patient_id, document, quantity, "
    "lot_balance_after, medicine_balance_after, entered_by_id, checked_by_id, reason, reverses_id, imported "
    "FROM movements WHERE pharmacy_id = ? AND medicine_id = ? AND seq > ? ORDER BY seq LIMIT ?"
)
# …and with the joins the report makes (batch, parties, people, the entry reversed and the one reversing).
JOINED_SQL = (
    "SELECT m.seq, m.occurred_at, m.recorded_at, m.kind, m.book, l.batch, l.expiry, s.name, p.name, m.document, "
    "m.quantity, m.lot_balance_after, m.medicine_balance_after, e.full_name, c.full_name, m.reason, o.seq, "
    "r.seq, m.imported "
    "FROM movements m JOIN lots l ON l.id = m.lot_id JOIN users e ON e.id = m.entered_by_id "
    "LEFT JOIN users c ON c.id = m.checked_by_id LEFT JOIN suppliers s ON s.id = m.supplier_id "
    "LEFT JOIN patients p ON p.id = m.patient_id LEFT JOIN movements o ON o.id = m.reverses_id "
    "LEFT JOIN movements r ON r.reverses_id = m.id "
    "WHERE m.pharmacy_id = ? AND m.medicine_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?"
)
# The whole-process baseline: interpreter start, `import sqlite3`, the joined query, 50 lines printed.
RAW_CHILD = (
    "import sqlite3, sys\n"
    "conn = sqlite3.connect(sys.argv[1])\n"
    "for row in conn.execute(sys.argv[2], (int(sys.argv[3]), int(sys.argv[4]), 0, 50)):\n"
    "    print('  '.join('' if v is None else str(v) for v in row), flush=False)\n"
)

Runner = Callable[[], int]


def pharmacy_command() -> list[str]:
    """The installed `pharmacy` console script next to this interpreter (what a user runs)."""
    script = Path(sys.executable).with_name("pharmacy")
    found = str(script) if script.exists() else shutil.which("pharmacy")
    if found is None:
        return [sys.executable, "-c", "import sys; from pharmacy.cli import main; sys.exit(main())"]
    return [found]


def is_data_line(line: str) -> bool:
    """A register line (not the title, the header or the rule): it starts with the entry's number."""
    first = line.split(maxsplit=1)[:1]
    return bool(first) and first[0].isdigit()


def line_counter(lines: int) -> Callable[[str], bool]:
    seen = [0]

    def done(line: str) -> bool:
        if is_data_line(line):
            seen[0] += 1
        return seen[0] >= lines

    return done


# --- in process ------------------------------------------------------------------------------------------


def sqlite_runner(path: Path, sql: str, inner: int) -> Runner:
    conn = sqlite3.connect(path, check_same_thread=False)

    def run() -> int:
        for _ in range(inner):
            rows = conn.execute(sql, (PHARMACY, BIG_MEDICINE, 0, PAGE)).fetchall()
            if len(rows) != PAGE:
                raise RuntimeError(f"expected {PAGE} rows, got {len(rows)}")
        return inner

    return run


def report_runner(path: Path, inner: int) -> Runner:
    engine = make_engine(str(path))
    f = RegisterFilter(pharmacy_id=PHARMACY, medicine_id=BIG_MEDICINE)

    def run() -> int:
        for _ in range(inner):
            lines = register_page(engine, f, limit=PAGE)
            if len(lines) != PAGE or lines[-1].seq != PAGE:
                raise RuntimeError(f"expected entries 1..{PAGE}, got {len(lines)} ending at {lines[-1].seq}")
        return inner

    return run


def interleaved(runners: dict[str, Runner], repeat: int) -> dict[str, Timing]:
    """Time each runner `repeat` times, alternating between them so drift hits all alike."""
    found: dict[str, list[float]] = {name: [] for name in runners}
    work: dict[str, int] = {}
    for _ in range(repeat):
        for name, run in runners.items():
            timing = time_runs(run, 1)
            found[name].append(timing.seconds[0])
            work[name] = timing.work
    return {name: Timing(work[name], tuple(seconds)) for name, seconds in found.items()}


def in_process(figures: Figures, path: Path, args: argparse.Namespace) -> None:
    runners = {
        "sqlite3 bare query (baseline)": sqlite_runner(path, BARE_SQL, args.inner),
        "sqlite3 query with the report's joins": sqlite_runner(path, JOINED_SQL, args.inner),
        "register_page (in process)": report_runner(path, args.inner),
    }
    for run in runners.values():  # warm-up: page cache, statement caches, SQLAlchemy's compiled cache
        run()
    found = interleaved(runners, args.repeat)
    baseline = found["sqlite3 bare query (baseline)"]
    figures.add_time("sqlite3 bare query (baseline)", baseline, baseline)
    joined = figures.add_time(
        "sqlite3 query with the report's joins", found["sqlite3 query with the report's joins"], baseline
    )
    ratio = figures.add_time("register_page (in process)", found["register_page (in process)"], baseline)
    assert ratio is not None and joined is not None
    figures.facts["in_process_ratio"] = round(ratio, 3)
    figures.facts["in_process_ratio_to_joined_query"] = round(ratio / joined, 3)
    figures.facts["goal"] = f"register_page <= {GOAL}x the bare query"
    figures.facts["goal_met"] = ratio <= GOAL


# --- whole process ---------------------------------------------------------------------------------------


def whole_process(figures: Figures, path: Path, args: argparse.Namespace) -> None:
    cli = [*pharmacy_command(), "register", medicine_code(BIG_MEDICINE), "--limit", str(PAGE), "--db", str(path)]
    raw = [sys.executable, "-c", RAW_CHILD, str(path), JOINED_SQL, str(PHARMACY), str(BIG_MEDICINE)]
    imports = [sys.executable, "-c", "import pharmacy.cli, pharmacy.cli.read; print('imported')"]

    def first_page() -> Callable[[str], bool]:
        return line_counter(PAGE)

    def imported() -> Callable[[str], bool]:
        return lambda line: line.startswith("imported")

    commands = {
        "process: python + sqlite3 query, 50 lines (baseline)": (raw, first_page),
        "process: import pharmacy.cli.read only": (imports, imported),
        "process: pharmacy register --limit 50": (cli, first_page),
    }
    for command, until in commands.values():  # warm-up: byte-code caches, page cache
        time_to_line(command, until())
    seconds: dict[str, list[float]] = {name: [] for name in commands}
    for _ in range(args.repeat):
        for name, (command, until) in commands.items():
            seconds[name].append(time_to_line(command, until()) * 1000)
    baseline = seconds["process: python + sqlite3 query, 50 lines (baseline)"]
    for name, values in seconds.items():
        ratio = figures.add(name, values, "ms", baseline)
        if name == "process: pharmacy register --limit 50" and ratio is not None:
            figures.facts["process_ms"] = round(median(values), 1)
            figures.facts["process_ratio"] = round(ratio, 3)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=100_000, help="entries of the medicine (default 100,000)")
    parser.add_argument("--repeat", type=int, default=7, help="timed runs of each measurement (default 7)")
    parser.add_argument("--inner", type=int, default=200, help="pages fetched per in-process run (default 200)")
    parser.add_argument("--dir", default=None, help="where the SQLite file goes (default: the system temp dir)")
    args = parser.parse_args(argv)
    figures = Figures("register")
    with scratch_dir(args.dir) as where:
        path = where / "register.sqlite"
        started = time.perf_counter()
        long_register(path, args.entries)
        figures.facts["generated_in_s"] = round(time.perf_counter() - started, 1)
        figures.facts["entries"] = args.entries
        engine = make_engine(str(path))
        verdict = verify(SqlAuditSource(engine), {PHARMACY: TIMEZONE})
        engine.dispose()
        if not verdict.ok:
            raise SystemExit("generator bug: the generated register does not verify")
        in_process(figures, path, args)
        whole_process(figures, path, args)
    figures.print()


if __name__ == "__main__":
    main()
