"""Shared helpers for the benchmarks: migrated throwaway databases, timing, and the result table.

Benchmarks are not tests: they never assert a wall-clock time. Each one measures a baseline in the same run
and prints its figures as ratios to it, as a table for people and a final JSON line for scripts.
"""

from __future__ import annotations

import json
import os
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from pharmacy.db.engine import make_engine
from pharmacy.db.migrate import upgrade

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
            print("  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths))))
        for key, value in self.facts.items():
            print(f"{key}: {value}")
        print(json.dumps({"benchmark": self.benchmark, "unit": self.unit, "rows": self.rows, **self.facts}))
