"""`pharmacy verify` throughput: movements re-hashed and re-folded per second on SQLite.

The register is generated straight into a migrated SQLite file with `sqlite3.executemany` (the services would
take hours for a million entries): correct hashes from `pharmacy.domain.chain`, correct running balances,
and the pharmacy, users, catalogue, lots, parties, chain head and cached balances they reference. Then
`pharmacy.services.verify.verify(SqlAuditSource(engine), …)` is timed against a baseline measured on the
same file: a bare `SELECT … FROM movements ORDER BY seq` fetch loop in `sqlite3`. Goal: ≥ 200,000 movements/s.
The verdict must be ok — that checks the generator, not the clock.

    .venv/bin/python -m bench.verify [--count 1000000] [--repeat 3] [--profile]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

from bench.common import (
    MOVEMENT_COLUMNS,
    PHARMACY,
    TIMEZONE,
    Report,
    Timing,
    generate,
    migrated_sqlite,
    scratch_dir,
    time_runs,
)
from pharmacy.db.audit import SqlAuditSource
from pharmacy.domain.chain import link_hash
from pharmacy.domain.ledger import RecordRow
from pharmacy.services.verify import Verdict, verify

GOAL = 200_000


# --- the measurements ------------------------------------------------------------------------------------


def fetch_baseline(path: Path) -> int:
    """The floor: read every movement in sequence order with the bare driver and do nothing with it."""
    conn = sqlite3.connect(path)
    try:
        cur = conn.execute(f"SELECT {MOVEMENT_COLUMNS} FROM movements WHERE pharmacy_id = ? ORDER BY seq", (PHARMACY,))  # noqa: S608
        n = 0
        while part := cur.fetchmany(20_000):
            n += len(part)
        return n
    finally:
        conn.close()


def fetch_and_hash(path: Path) -> int:
    """The floor plus the one unavoidable cost of verifying: re-hashing each row (`chain.link_hash`)."""
    conn = sqlite3.connect(path)
    try:
        cur = conn.execute(f"SELECT {MOVEMENT_COLUMNS} FROM movements WHERE pharmacy_id = ? ORDER BY seq", (PHARMACY,))  # noqa: S608
        n = 0
        while part := cur.fetchmany(20_000):
            for row in part:
                link_hash(row[21], list(row[:21]))
            n += len(part)
        return n
    finally:
        conn.close()


class ReferenceOnlySource(SqlAuditSource):
    """No fast path: every row through `chain_rows` and `link_hash` (the warm-up, and the check of link_hash)."""

    def record_batches(self, pharmacy_id: int) -> Iterator[list[RecordRow]] | None:
        return None


def run_verify(source: SqlAuditSource, expected: int) -> int:
    verdict: Verdict = verify(source, {PHARMACY: TIMEZONE})
    if not verdict.ok or verdict.entries != expected:
        problems = [p.render() for pv in verdict.pharmacies for p in pv.problems]
        raise SystemExit(
            f"generator bug: verdict not ok ({verdict.entries} entries): {problems[:3]} {verdict.missing_triggers}"
        )
    return verdict.entries


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=1_000_000, help="movements to generate (default 1,000,000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs of each measurement (default 3)")
    parser.add_argument("--dir", default=None, help="where the SQLite file goes (default: the system temp dir)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one more verify run")
    args = parser.parse_args(argv)
    report = Report("verify", "movements/s")
    with scratch_dir(args.dir) as where:
        path = where / "register.sqlite"
        engine = migrated_sqlite(path)
        started = time.perf_counter()
        generate(path, args.count)
        report.facts["generated_in_s"] = round(time.perf_counter() - started, 1)
        report.facts["file_mb"] = round(path.stat().st_size / 1e6, 1)
        source = SqlAuditSource(engine)
        # warm-up: the file into the page cache, and the correctness check — through link_hash itself, as the
        # fast path hashes SQLite's serialisation of the rows instead
        run_verify(ReferenceOnlySource(engine), args.count)
        baseline = time_runs(lambda: fetch_baseline(path), args.repeat)
        hashed = time_runs(lambda: fetch_and_hash(path), args.repeat)
        verified = time_runs(lambda: run_verify(source, args.count), args.repeat)
        report.add("sqlite3 fetch (baseline)", baseline, baseline)
        report.add("sqlite3 fetch + link_hash", hashed, baseline)
        ratio = report.add("pharmacy verify", verified, baseline)
        report.facts["verify_ratio"] = None if ratio is None else round(ratio, 3)
        report.facts["goal"] = f">= {GOAL:,} movements/s"
        report.facts["goal_met"] = verified.median_rate >= GOAL
        report.facts["verdict"] = "ok"
        if args.profile:
            print(_profile(source, args.count))
        engine.dispose()
    report.print()


def _profile(source: SqlAuditSource, expected: int, top: int = 25) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run_verify(source, expected)
    profiler.disable()
    out = io.StringIO()
    pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
    return out.getvalue()


__all__ = ["Timing", "generate", "main"]

if __name__ == "__main__":
    main()
