"""Committed dispenses per second through the service layer, against plain drivers doing the same unit of work.

The service path is `pharmacy.services.movements.dispense` (profile US: no witness, so no PIN hashing per
entry). The baseline is the bare minimum a hash-chained register must do per entry, written straight on the
driver with an equivalent minimal schema: take the write lock (BEGIN IMMEDIATE on SQLite, SELECT … FOR
UPDATE of the chain head on PostgreSQL), read the batch balance, hash the canonical record with the previous
hash, insert the movement, update the balance and the head, commit. Both run with the same durability
settings (SQLite: WAL, synchronous=FULL). Goal: the service reaches at least 0.5x the baseline.

    .venv/bin/python -m bench.dispense [--count 500] [--repeat 5] [--profile] [--no-pg]
"""

from __future__ import annotations

import argparse
import cProfile
import hashlib
import io
import json
import pstats
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import Engine

from bench.common import (
    Report,
    Timing,
    libpq_url,
    migrated_pg,
    migrated_sqlite,
    pg_url,
    scratch_dir,
    scratch_pg_database,
    time_runs,
)
from pharmacy.db.engine import SQLITE_BUSY_TIMEOUT_MS
from pharmacy.demo_data import valid_dea
from pharmacy.domain.profile import Profile
from pharmacy.domain.reference import PrescriptionDetails
from pharmacy.services import reference
from pharmacy.services.commands import DispenseCommand, PatientCommand, PrescriberCommand, PrescriptionCommand
from pharmacy.services.movements import dispense
from tests.world import World, build_world

GOAL = 0.5
MEDICINE = "morphine-tab-10"
BATCH = "B1"
STOCK = 1_000_000  # one entry may record at most 1,000,000 base units; enough for long runs
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

Runner = Callable[[], int]


# --- the service path ------------------------------------------------------------------------------------


def lawful_us_prescription(world: World) -> str:
    """A CII prescription the US pack accepts for many part fills: a prescriber with a checksummed DEA number
    and a patient with an address (US-9), part fills for a long-term-care patient (US-6, 21 CFR 1306.13(b))."""
    rp = world.people["zhou.rp"]
    reference.add_prescriber(
        world.ctx,
        rp,
        PrescriberCommand(
            id=uuid.uuid4(),
            code="DEA1",
            name="Dr. Susan Lee",
            address="410 W 10th Ave, Columbus, OH",
            dea_no=valid_dea("BL1234560"),
            country="US",
        ),
    )
    reference.add_patient(
        world.ctx,
        rp,
        PatientCommand(id=uuid.uuid4(), code="PA1", name="Margaret Wilson", address="14 Park Lane, Columbus, OH"),
    )
    number = "RX-BENCH"
    reference.add_prescription(
        world.ctx,
        world.pharmacist,
        PrescriptionCommand(
            id=uuid.uuid4(),
            number=number,
            written_on=world.clock.now().astimezone(ZoneInfo("America/New_York")).date(),
            prescriber="DEA1",
            patient="PA1",
            medicine=MEDICINE,
            quantity=str(STOCK),
            details=PrescriptionDetails(days_supply=30, partial_kind="ltcf_terminal"),
        ),
    )
    return number


@dataclass
class ServiceBench:
    world: World
    prescription: str

    @classmethod
    def on(cls, engine: Engine) -> ServiceBench:
        world = build_world(engine, profile=Profile.US, timezone="America/New_York")
        world.tick(12 * 60)  # the test world starts at 01:00 UTC, still yesterday in New York
        world.receive(quantity=str(STOCK), batch=BATCH, medicine=MEDICINE)
        return cls(world, lawful_us_prescription(world))

    def runner(self, count: int) -> Runner:
        world, rx = self.world, self.prescription

        def run() -> int:
            for _ in range(count):
                world.clock.advance(timedelta(seconds=1))
                command = DispenseCommand(
                    id=uuid.uuid4(), medicine=MEDICINE, batch=BATCH, quantity="1", prescription=rx
                )
                dispense(world.ctx, world.pharmacist, command)
            return count

        return run


# --- the plain-driver baseline ---------------------------------------------------------------------------

_MOVEMENT_COLUMNS = (
    "pharmacy_id, seq, id, kind, book, occurred_at, recorded_at, medicine_id, lot_id, quantity, "
    "lot_balance_after, medicine_balance_after, supplier_id, prescription_id, patient_id, document, "
    "entered_by_id, checked_by_id, reason, reverses_id, imported, prev_hash, hash"
)
_SCHEMA = (
    "CREATE TABLE chain_heads (pharmacy_id INTEGER PRIMARY KEY, last_seq BIGINT NOT NULL, last_hash TEXT NOT NULL)",
    "CREATE TABLE balances (lot_id INTEGER NOT NULL, book TEXT NOT NULL, balance BIGINT NOT NULL, "
    "PRIMARY KEY (lot_id, book))",
    "CREATE TABLE movements (pharmacy_id INTEGER NOT NULL, seq BIGINT NOT NULL, id CHAR(32) PRIMARY KEY, "
    "kind TEXT NOT NULL, book TEXT NOT NULL, occurred_at TEXT NOT NULL, recorded_at TEXT NOT NULL, "
    "medicine_id INTEGER NOT NULL, lot_id INTEGER NOT NULL, quantity BIGINT NOT NULL, "
    "lot_balance_after BIGINT NOT NULL, medicine_balance_after BIGINT NOT NULL, supplier_id INTEGER, "
    "prescription_id CHAR(32), patient_id INTEGER, document TEXT, entered_by_id INTEGER NOT NULL, "
    "checked_by_id INTEGER, reason TEXT, reverses_id CHAR(32), imported INTEGER NOT NULL, "
    "prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE, UNIQUE (pharmacy_id, seq))",
)
_PHARMACY, _LOT, _MED, _PATIENT, _USER = 1, 1, 1, 1, 1  # as seeded by `_seed`, with STOCK units


class Cursor(Protocol):
    def execute(self, query: Any, params: Any = ..., /) -> Any: ...
    def fetchone(self) -> Any: ...


def _dispense_row(seq: int, prev_hash: str, balance: int, rx: str, now: datetime) -> list[Any]:
    """The values of one dispense of 1 unit, in `chain.HASHED_FIELDS` order, plus prev_hash and hash."""
    stamp = now.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    values: list[Any] = [
        _PHARMACY,
        seq,
        uuid.uuid4().hex,
        "dispense",
        "stock",
        stamp,
        stamp,
        _MED,
        _LOT,
        -1,
        balance,
        balance,
        None,
        rx,
        _PATIENT,
        "RX-1",
        _USER,
        None,
        None,
        None,
        0,
    ]
    digest = hashlib.sha256(_dumps([1, prev_hash, *values]).encode()).hexdigest()
    return [*values, prev_hash, digest]


# Written with sqlite3's "?" placeholders; `_for_psycopg` swaps in "%s" and locks the head row.
_PLAIN_SQL = (
    "SELECT last_seq, last_hash FROM chain_heads WHERE pharmacy_id = ?",
    "SELECT balance FROM balances WHERE lot_id = ? AND book = 'stock'",
    "INSERT INTO movements (" + _MOVEMENT_COLUMNS + ") VALUES (" + ", ".join(["?"] * 23) + ")",  # noqa: S608
    "UPDATE balances SET balance = ? WHERE lot_id = ? AND book = 'stock'",
    "UPDATE chain_heads SET last_seq = ?, last_hash = ? WHERE pharmacy_id = ?",
)


def _for_psycopg(sql: tuple[str, ...]) -> tuple[str, ...]:
    converted = tuple(statement.replace("?", "%s") for statement in sql)
    return (converted[0] + " FOR UPDATE", *converted[1:])


def _plain_unit_of_work(cur: Cursor, sql: tuple[str, ...], rx: str, now: datetime) -> None:
    """Everything after the transaction began and before it commits."""
    lock_head, read_balance, add_movement, save_balance, save_head = sql
    seq, prev_hash = cur.execute(lock_head, (_PHARMACY,)).fetchone()
    (balance,) = cur.execute(read_balance, (_LOT,)).fetchone()
    if balance < 1:
        raise RuntimeError("baseline ran out of stock")
    row = _dispense_row(seq + 1, prev_hash, balance - 1, rx, now)
    cur.execute(add_movement, row)
    cur.execute(save_balance, (balance - 1, _LOT))
    cur.execute(save_head, (row[1], row[-1], _PHARMACY))


def _seed(cur: Cursor) -> None:
    cur.execute("INSERT INTO chain_heads VALUES (1, 0, '" + "0" * 64 + "')")
    cur.execute("INSERT INTO balances VALUES (1, 'stock', 1000000)")


def plain_sqlite(path: Path, count: int) -> Runner:
    conn = sqlite3.connect(path, isolation_level=None, timeout=SQLITE_BUSY_TIMEOUT_MS / 1000)
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"):
        conn.execute(f"PRAGMA {pragma}")
    for ddl in _SCHEMA:
        conn.execute(ddl)
    _seed(conn.cursor())
    rx = uuid.uuid4().hex
    clock = [datetime(2026, 3, 2, 14, 0, tzinfo=UTC)]
    sql = _PLAIN_SQL

    def run() -> int:
        cur = conn.cursor()
        for _ in range(count):
            clock[0] += timedelta(seconds=1)
            cur.execute("BEGIN IMMEDIATE")
            try:
                _plain_unit_of_work(cur, sql, rx, clock[0])
                cur.execute("COMMIT")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
        return count

    return run


def plain_psycopg(url: str, count: int) -> Runner:
    import psycopg

    conn = psycopg.connect(libpq_url(url))
    with conn.cursor() as cur:
        for ddl in _SCHEMA:
            cur.execute(ddl)
        _seed(cur)
    conn.commit()
    rx = uuid.uuid4().hex
    clock = [datetime(2026, 3, 2, 14, 0, tzinfo=UTC)]
    sql = _for_psycopg(_PLAIN_SQL)

    def run() -> int:
        for _ in range(count):
            clock[0] += timedelta(seconds=1)
            with conn.transaction(), conn.cursor() as cur:
                _plain_unit_of_work(cur, sql, rx, clock[0])
        return count

    return run


# --- running and reporting -------------------------------------------------------------------------------


def interleaved(runners: dict[str, Runner], repeat: int) -> dict[str, Timing]:
    """Time each runner `repeat` times, alternating between them so drift (disk, cache) hits both alike."""
    found: dict[str, list[Timing]] = {name: [] for name in runners}
    for _ in range(repeat):
        for name, run in runners.items():
            found[name].append(time_runs(run, 1))
    return {name: Timing(ts[0].work, tuple(t.seconds[0] for t in ts)) for name, ts in found.items()}


def profile_run(run: Runner, top: int = 30) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    run()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)
    return out.getvalue()


def bench_sqlite(report: Report, args: argparse.Namespace) -> None:
    with scratch_dir(args.dir) as where:
        engine = migrated_sqlite(where / "service.sqlite")
        service = ServiceBench.on(engine)
        runners = {
            "sqlite service dispense": service.runner(args.count),
            "sqlite plain sqlite3": plain_sqlite(where / "plain.sqlite", args.count),
        }
        for run in runners.values():  # warm-up: caches, prepared statements, first WAL growth
            run()
        found = interleaved(runners, args.repeat)
        baseline = found["sqlite plain sqlite3"]
        report.add("sqlite plain sqlite3", baseline, baseline)
        ratio = report.add("sqlite service dispense", found["sqlite service dispense"], baseline)
        report.facts["sqlite_ratio"] = None if ratio is None else round(ratio, 3)
        report.facts["sqlite_service_rounds"] = [
            round(args.count / s, 1) for s in found["sqlite service dispense"].seconds
        ]
        if args.profile:
            print(profile_run(service.runner(args.count)))
        engine.dispose()


def bench_pg(report: Report, args: argparse.Namespace, server: str) -> None:
    with scratch_pg_database(server) as service_url, scratch_pg_database(server) as plain_url:
        engine = migrated_pg(service_url)
        service = ServiceBench.on(engine)
        runners = {
            "postgresql service dispense": service.runner(args.count),
            "postgresql plain psycopg": plain_psycopg(plain_url, args.count),
        }
        for run in runners.values():
            run()
        found = interleaved(runners, args.repeat)
        baseline = found["postgresql plain psycopg"]
        report.add("postgresql plain psycopg", baseline, baseline)
        ratio = report.add("postgresql service dispense", found["postgresql service dispense"], baseline)
        report.facts["postgresql_ratio"] = None if ratio is None else round(ratio, 3)
        if args.profile:
            print(profile_run(service.runner(args.count)))
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500, help="dispenses per timed round (default 500)")
    parser.add_argument("--repeat", type=int, default=5, help="timed rounds per path (default 5; median reported)")
    parser.add_argument("--dir", default=None, help="where the SQLite files go (default: the system temp dir)")
    parser.add_argument("--profile", action="store_true", help="print a cProfile of one more service round")
    parser.add_argument("--no-pg", action="store_true", help="skip PostgreSQL even if a URL is set")
    args = parser.parse_args(argv)
    report = Report("dispense", "dispenses/s")
    report.facts["goal"] = f"service >= {GOAL}x baseline"
    bench_sqlite(report, args)
    server = None if args.no_pg else pg_url()
    if server:
        bench_pg(report, args, server)
    else:
        report.facts["postgresql"] = "skipped (set PHARMACY_BENCH_PG_URL or PHARMACY_TEST_PG_URL)"
    report.print()


if __name__ == "__main__":
    main()
