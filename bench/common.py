"""Shared helpers for the benchmarks: migrated throwaway databases, timing, and the result table.

Benchmarks are not tests: they never assert a wall-clock time. Each one measures a baseline in the same run
and prints its figures as ratios to it, as a table for people and a final JSON line for scripts.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
import statistics
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from pharmacy.db.engine import make_engine
from pharmacy.db.migrate import upgrade
from pharmacy.domain.chain import CHAIN_VERSION, GENESIS_HASH, canonical_time

PG_URL_VARIABLES = ("PHARMACY_BENCH_PG_URL", "PHARMACY_TEST_PG_URL")


@contextmanager
def scratch_dir(parent: str | None = None) -> Iterator[Path]:
    """A temporary directory (in `parent`, or the system default) removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="pharmacy-bench-", dir=parent) as name:
        yield Path(name)


def migrated_sqlite(path: Path) -> Engine:
    """A new SQLite register at `path` built by the real migrations, with the production engine settings."""
    engine = make_engine(str(path))
    upgrade(engine)
    return engine


def pg_url() -> str | None:
    for name in PG_URL_VARIABLES:
        value = os.environ.get(name)
        if value:
            return value
    return None


@contextmanager
def scratch_pg_database(server_url: str, prefix: str = "pharmacy_bench") -> Iterator[str]:
    """A new, empty PostgreSQL database on the server (dropped afterwards); yields its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    url = make_url(server_url)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def migrated_pg(url: str) -> Engine:
    engine = make_engine(url)
    upgrade(engine)
    return engine


def libpq_url(url: str) -> str:
    """A SQLAlchemy PostgreSQL URL → a conninfo URL that plain psycopg accepts."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@dataclass(frozen=True)
class Timing:
    """Seconds taken by each repetition of the same amount of work."""

    work: int
    seconds: tuple[float, ...]

    @property
    def best(self) -> float:
        return min(self.seconds)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def best_rate(self) -> float:
        return self.work / self.best

    @property
    def median_rate(self) -> float:
        return self.work / self.median


def time_runs(run: Callable[[], int], repeat: int) -> Timing:
    """Call `run` `repeat` times; it returns how many units of work it did (the same number each time)."""
    seconds: list[float] = []
    work = 0
    for _ in range(repeat):
        start = time.perf_counter()
        work = run()
        seconds.append(time.perf_counter() - start)
    return Timing(work, tuple(seconds))


@dataclass
class Report:
    """Rows of (name, N, median rate, best rate, ratio to the baseline) plus free-form facts for the JSON."""

    benchmark: str
    unit: str
    rows: list[dict[str, object]] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    def add(self, name: str, timing: Timing, baseline: Timing | None = None) -> float | None:
        """Record one measurement; returns its median-rate ratio to the baseline, if one is given."""
        ratio = timing.median_rate / baseline.median_rate if baseline else None
        self.rows.append(
            {
                "name": name,
                "n": timing.work,
                "repeat": len(timing.seconds),
                "median_s": round(timing.median, 6),
                "median_rate": round(timing.median_rate, 1),
                "best_rate": round(timing.best_rate, 1),
                "ratio": None if ratio is None else round(ratio, 3),
            }
        )
        return ratio

    def print(self) -> None:
        head = ("measurement", "N", "runs", f"median {self.unit}", f"best {self.unit}", "ratio")
        lines = [
            (
                str(row["name"]),
                str(row["n"]),
                str(row["repeat"]),
                f"{row['median_rate']:,.0f}",
                f"{row['best_rate']:,.0f}",
                "" if row["ratio"] is None else f"{row['ratio']:.3f}x",
            )
            for row in self.rows
        ]
        widths = [max(len(cells[i]) for cells in (head, *lines)) for i in range(len(head))]
        print(f"== {self.benchmark} ==")
        for cells in (head, *lines):
            print(
                "  ".join(
                    c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                )
            )
        for key, value in self.facts.items():
            print(f"{key}: {value}")
        print(json.dumps({"benchmark": self.benchmark, "unit": self.unit, "rows": self.rows, **self.facts}))


# --- a generated register: one valid hash chain written straight with sqlite3 ---------------------------

# The generator below writes correct hashes (an independent implementation of the documented serialisation),
# correct running balances, and the pharmacy, users, catalogue, lots, parties, chain head and cached balances
# they reference. `pharmacy verify` on the result must say ok; bench.verify checks that on every run.

PHARMACY = 1
TIMEZONE = "America/New_York"
PHARMACIST, CHECKER = 1, 2
SUPPLIER, PRESCRIBER, PATIENT = 1, 1, 1
MEDICINES = (1, 2, 3, 4)
LOTS_PER_MEDICINE = 5
RESTOCK = 50_000
CHUNK = 50_000
START = datetime(2025, 1, 1, 14, 0, tzinfo=UTC)
MOVEMENT_COLUMNS = (
    "pharmacy_id, seq, id, kind, book, occurred_at, recorded_at, medicine_id, lot_id, quantity, "
    "lot_balance_after, medicine_balance_after, supplier_id, prescription_id, patient_id, document, "
    "entered_by_id, checked_by_id, reason, reverses_id, imported, prev_hash, hash"
)


# Text that a canonical serialisation must get exactly right: quotes, backslashes, non-ASCII, a tab.
REASONS = ("unused", 'patient said "not needed"', "患者退回 — 未使用", "back\\slash\tand tab")


def reference_hash(prev_hash: str, values: list[Any]) -> str:
    """The chain's hash as documented in domain/chain.py, written independently of `link_hash`.

    Generating with this and verifying with `link_hash` cross-checks that the production serialisation
    (however it is optimised) still hashes exactly these bytes.
    """
    payload = json.dumps([CHAIN_VERSION, prev_hash, *values], ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _reference_rows(conn: sqlite3.Connection, prescription: str, pin_hash: str) -> list[tuple[int, int]]:
    """The pharmacy and everything the movements point at; returns (lot_id, medicine_id) pairs."""
    conn.execute(
        "INSERT INTO pharmacies (id, code, name, licence_no, address, profile, timezone, late_entry_days, "
        "lockout_attempts) VALUES (?, 'BENCH', 'Bench Pharmacy', 'L-1', '1 Main St', 'us', ?, 7, 5)",
        (PHARMACY, TIMEZONE),
    )
    for user_id, username in ((PHARMACIST, "li.na"), (CHECKER, "wang.fang")):
        conn.execute(
            "INSERT INTO users (id, pharmacy_id, username, full_name, role, registration_no, pin_hash, active, "
            "failed_attempts, locked) VALUES (?, ?, ?, ?, 'pharmacist', NULL, ?, 1, 0, 0)",
            (user_id, PHARMACY, username, username, pin_hash),
        )
    for medicine_id in MEDICINES:
        conn.execute(
            "INSERT INTO medicines (id, code, generic_en, generic_local, form, strength, base_unit, scale, "
            "unit_step, pack_size, modified_release) VALUES (?, ?, 'morphine', '吗啡', 'tablet', '10 mg', "
            "'tablet', 1, 1, 100, 0)",
            (medicine_id, f"bench-medicine-{medicine_id}"),
        )
    conn.execute(
        "INSERT INTO suppliers (id, pharmacy_id, code, name, address) VALUES (?, ?, 'SUP1', 'Supplier', 'x')",
        (SUPPLIER, PHARMACY),
    )
    conn.execute(
        "INSERT INTO prescribers (id, pharmacy_id, code, name, address) VALUES (?, ?, 'DR1', 'Doctor', 'x')",
        (PRESCRIBER, PHARMACY),
    )
    conn.execute(
        "INSERT INTO patients (id, pharmacy_id, code, name) VALUES (?, ?, 'PT1', 'Patient')", (PATIENT, PHARMACY)
    )
    conn.execute(
        "INSERT INTO prescriptions (id, pharmacy_id, number, written_on, prescriber_id, patient_id, medicine_id, "
        "quantity) VALUES (?, ?, 'RX-1', '2025-01-01', ?, ?, ?, 1000000000)",
        (prescription, PHARMACY, PRESCRIBER, PATIENT, MEDICINES[0]),
    )
    lots: list[tuple[int, int]] = []
    for medicine_id in MEDICINES:
        for n in range(LOTS_PER_MEDICINE):
            lot_id = len(lots) + 1
            conn.execute(
                "INSERT INTO lots (id, pharmacy_id, medicine_id, batch, expiry) VALUES (?, ?, ?, ?, '2030-12-31')",
                (lot_id, PHARMACY, medicine_id, f"B{medicine_id}-{n}"),
            )
            lots.append((lot_id, medicine_id))
    return lots


@dataclass
class Generator:
    """Running state of the generated chain: sequence, last hash, folded balances per lot and per medicine."""

    lots: list[tuple[int, int]]
    prescription: str
    rng: random.Random = field(default_factory=lambda: random.Random(20260302))
    seq: int = 0
    last_hash: str = GENESIS_HASH
    last_time: str = ""
    lot_balance: dict[tuple[int, str], int] = field(default_factory=dict)
    medicine_balance: dict[tuple[int, str], int] = field(default_factory=dict)

    def _entry(self, lot_id: int, medicine_id: int) -> tuple[str, str, int, list[Any]]:
        """(kind, book, signed quantity, [supplier, prescription, patient, document, checker, reason])."""
        stock = self.lot_balance.get((lot_id, "stock"), 0)
        returns = self.lot_balance.get((lot_id, "returns"), 0)
        roll = self.rng.random()
        if roll < 0.01:
            reason = REASONS[self.seq % len(REASONS)]
            return "patient_return", "returns", self.rng.randint(1, 10), [None, None, PATIENT, None, None, reason]
        if roll < 0.015 and returns:
            return "destruction", "returns", -returns, [None, None, None, "DEST-1", CHECKER, "witnessed destruction"]
        quantity = self.rng.randint(1, 60)
        if stock < quantity:
            return "receipt", "stock", RESTOCK, [SUPPLIER, None, None, f"INV-{self.seq}", CHECKER, None]
        rx = self.prescription if medicine_id == MEDICINES[0] else None
        return "dispense", "stock", -quantity, [None, rx, PATIENT, "RX-1", None, None]

    def rows(self, count: int, medicines: Sequence[int] = MEDICINES) -> Iterator[list[Any]]:
        """`count` more movements of lots of `medicines`, each a list of every column in `MOVEMENT_COLUMNS` order."""
        lots = self.lots if tuple(medicines) == MEDICINES else [lot for lot in self.lots if lot[1] in medicines]
        for _ in range(count):
            self.seq += 1
            lot_id, medicine_id = lots[self.rng.randrange(len(lots))]
            kind, book, quantity, (supplier, rx, patient, document, checker, reason) = self._entry(lot_id, medicine_id)
            lot_after = self.lot_balance.get((lot_id, book), 0) + quantity
            medicine_after = self.medicine_balance.get((medicine_id, book), 0) + quantity
            self.lot_balance[(lot_id, book)] = lot_after
            self.medicine_balance[(medicine_id, book)] = medicine_after
            moment = canonical_time(START + timedelta(seconds=self.seq * 7))
            values: list[Any] = [
                PHARMACY, self.seq, uuid.UUID(int=self.rng.getrandbits(128), version=4).hex, kind, book, moment,
                moment, medicine_id, lot_id, quantity, lot_after, medicine_after, supplier, rx, patient, document,
                PHARMACIST, checker, reason, None, 0,
            ]  # fmt: skip
            digest = reference_hash(self.last_hash, values)
            yield [*values, self.last_hash, digest]
            self.last_hash, self.last_time = digest, moment


def generate(path: Path, count: int) -> None:
    """Fill the migrated register at `path` with `count` movements of one pharmacy, over all four medicines."""
    generate_runs(path, [(MEDICINES, count)])


def generate_runs(path: Path, runs: Sequence[tuple[Sequence[int], int]], pin_hash: str = "x") -> None:
    """Fill the migrated register at `path` with one chain made of `runs`: (medicine ids, movements) in turn.

    `pin_hash` is stored for both users (li.na, wang.fang); pass a real hash to sign in with a PIN.
    """
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA synchronous=OFF")  # a throwaway file: durability is not what is measured here
    conn.execute("BEGIN")
    prescription = uuid.UUID(int=1).hex
    gen = Generator(_reference_rows(conn, prescription, pin_hash), prescription)
    marks = ", ".join("?" * 23)
    insert = f"INSERT INTO movements ({MOVEMENT_COLUMNS}) VALUES ({marks})"  # noqa: S608
    for medicines, count in runs:
        done = 0
        while done < count:
            part = min(CHUNK, count - done)
            conn.executemany(insert, gen.rows(part, medicines))
            done += part
    conn.execute(
        "INSERT INTO chain_heads (pharmacy_id, last_seq, last_hash, latest_occurred) VALUES (?, ?, ?, ?)",
        (PHARMACY, gen.seq, gen.last_hash, gen.last_time or None),
    )
    medicine_of = dict(gen.lots)
    conn.executemany(
        "INSERT INTO balances (lot_id, book, pharmacy_id, medicine_id, balance) VALUES (?, ?, ?, ?, ?)",
        [(lot, book, PHARMACY, medicine_of[lot], balance) for (lot, book), balance in gen.lot_balance.items()],
    )
    conn.execute("COMMIT")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


BIG_MEDICINE, SMALL_MEDICINE = MEDICINES[0], MEDICINES[1]


def medicine_code(medicine_id: int) -> str:
    """The catalogue code `_reference_rows` gives a medicine (search it, or pass it to `pharmacy register`)."""
    return f"bench-medicine-{medicine_id}"


def long_register(path: Path, entries: int, pin_hash: str = "x") -> None:
    """A migrated register at `path`: `entries` movements of BIG_MEDICINE, then one of SMALL_MEDICINE."""
    migrated_sqlite(path).dispose()
    generate_runs(path, [((BIG_MEDICINE,), entries), ((SMALL_MEDICINE,), 1)], pin_hash)


# --- timing another process -------------------------------------------------------------------------------


def time_to_line(argv: Sequence[str], done: Callable[[str], bool], *, timeout: float = 120.0) -> float:
    """Seconds from starting `argv` until a line of its stdout makes `done` true; the process must then exit 0.

    The clock starts just before the process is created, so interpreter start-up and imports are included.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, encoding="utf-8")
    assert proc.stdout is not None
    elapsed: float | None = None
    for line in proc.stdout:
        if done(line):
            elapsed = time.perf_counter() - start
            break
    out, err = proc.communicate(timeout=timeout)
    if elapsed is None or proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(argv[:3])}… exited {proc.returncode} before it was done:\n{out[-2000:]}{err[-2000:]}"
        )
    return elapsed


# --- figures where lower is better: times and sizes, as ratios to a baseline's median -------------------


def median(values: Sequence[float]) -> float:
    return statistics.median(values)


@dataclass
class Figures:
    """Rows of (name, runs, median, best, unit, ratio of the median to the baseline's median): lower is better.

    For latencies and sizes (`Report` is for rates). Prints a table for people, then one JSON line.
    """

    benchmark: str
    rows: list[dict[str, object]] = field(default_factory=list)
    facts: dict[str, object] = field(default_factory=dict)

    def add(
        self, name: str, values: Sequence[float], unit: str, baseline: Sequence[float] | None = None
    ) -> float | None:
        """Record one measurement (one value per run); returns its median's ratio to the baseline's median."""
        ratio = median(values) / median(baseline) if baseline else None
        self.rows.append(
            {
                "name": name,
                "repeat": len(values),
                "median": round(median(values), 4),
                "best": round(min(values), 4),
                "unit": unit,
                "ratio": None if ratio is None else round(ratio, 3),
            }
        )
        return ratio

    def add_time(self, name: str, timing: Timing, baseline: Timing | None = None) -> float | None:
        """A `Timing` as milliseconds per unit of work."""
        return self.add(name, _per_unit_ms(timing), "ms", _per_unit_ms(baseline) if baseline else None)

    def print(self) -> None:
        head = ("measurement", "runs", "median", "best", "unit", "ratio")
        lines = [
            (
                str(row["name"]),
                str(row["repeat"]),
                _figure(row["median"]),
                _figure(row["best"]),
                str(row["unit"]),
                "" if row["ratio"] is None else f"{row['ratio']:.3f}x",
            )
            for row in self.rows
        ]
        widths = [max(len(cells[i]) for cells in (head, *lines)) for i in range(len(head))]
        print(f"== {self.benchmark} ==")
        for cells in (head, *lines):
            print(
                "  ".join(
                    c.ljust(w) if i in (0, 4) else c.rjust(w)
                    for i, (c, w) in enumerate(zip(cells, widths, strict=True))
                ).rstrip()
            )
        for key, value in self.facts.items():
            print(f"{key}: {value}")
        print(json.dumps({"benchmark": self.benchmark, "rows": self.rows, **self.facts}, ensure_ascii=False))


def _per_unit_ms(timing: Timing) -> list[float]:
    return [s * 1000 / timing.work for s in timing.seconds]


def _figure(value: object) -> str:
    number = float(value) if isinstance(value, int | float) else 0.0
    return f"{number:,.1f}" if number >= 100 else f"{number:.3f}"
