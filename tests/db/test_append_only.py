"""The database itself refuses to change history (ARCHITECTURE §1.1): through SQLAlchemy, sqlite3 and psql.

Every attempt runs in a transaction that is rolled back afterwards, so a missing trigger fails the test
without damaging the PostgreSQL database the session shares.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from pharmacy.db.engine import make_engine
from pharmacy.services.close import close_month
from tests.db import run_psql, run_sqlite3, verify_world
from tests.world import World, build_world

# (table, verb in the trigger's message, statement) — each scoped to the test's own pharmacy.
TAMPERING = [
    ("movements", "updated", "UPDATE movements SET quantity = quantity + 1 WHERE pharmacy_id = :p"),
    ("movements", "updated", "UPDATE movements SET reason = 'tidied up' WHERE pharmacy_id = :p"),
    ("movements", "deleted", "DELETE FROM movements WHERE pharmacy_id = :p"),
    ("period_closes", "updated", "UPDATE period_closes SET head_seq = 0 WHERE pharmacy_id = :p"),
    ("period_closes", "deleted", "DELETE FROM period_closes WHERE pharmacy_id = :p"),
    ("commands", "updated", "UPDATE commands SET outcome = '{}' WHERE pharmacy_id = :p"),
    ("commands", "deleted", "DELETE FROM commands WHERE pharmacy_id = :p"),
]


def _history(world: World) -> World:
    """A receipt, a dispense and a signed close of February: a row in each append-only table."""
    world.receive("10")
    world.dispense(world.prescription("5"), "2")
    close = close_month(world.ctx, world.creds("zhou.rp"), "2026-02")
    assert close.head_seq == 2
    return world


@pytest.fixture
def recorded(world: World) -> World:
    return _history(world)


@pytest.fixture
def pg_recorded(pg_shared_url: str) -> Iterator[World]:
    engine = make_engine(pg_shared_url)
    yield _history(build_world(engine))
    engine.dispose()


def _refused(engine: Engine, sql: str, pharmacy_id: int, message: str) -> None:
    with engine.connect() as conn:
        try:
            with pytest.raises(DBAPIError, match=message):
                conn.execute(text(sql), {"p": pharmacy_id})
        finally:
            conn.rollback()


@pytest.mark.parametrize(
    ("table", "verb", "sql"), TAMPERING, ids=[f"{t}-{v}-{i}" for i, (t, v, _) in enumerate(TAMPERING)]
)
def test_update_and_delete_are_refused_by_the_database(recorded: World, table: str, verb: str, sql: str) -> None:
    before = recorded.snapshot()
    _refused(recorded.engine, sql, recorded.pharmacy_id, f"register is append-only: {table} rows cannot be {verb}")
    assert recorded.snapshot() == before
    assert verify_world(recorded).ok


@pytest.mark.parametrize(
    "table", ["movements", "period_closes", "commands", "prescriptions", "movement_findings", "movement_codes"]
)
def test_truncate_is_refused_on_postgresql(pg_recorded: World, table: str) -> None:
    # CASCADE, so that tables referencing this one cannot stop it first: the append-only trigger must.
    _refused(pg_recorded.engine, f"TRUNCATE {table} CASCADE", pg_recorded.pharmacy_id, "append-only")
    assert verify_world(pg_recorded).ok


def test_the_sqlite3_shell_cannot_update_or_delete_a_movement(sqlite_url: str, sqlite_world: World) -> None:
    world = _history(sqlite_world)
    before = world.snapshot()
    for table, verb, sql in TAMPERING:
        statement = sql.replace(":p", str(int(world.pharmacy_id)))
        done = run_sqlite3(sqlite_url, f"{statement};")
        assert done.returncode != 0, f"sqlite3 accepted {statement!r}"
        assert f"register is append-only: {table} rows cannot be {verb}" in done.stderr, done.stderr
    assert world.snapshot() == before
    assert verify_world(world).ok


def test_psql_cannot_update_or_delete_a_movement(pg_shared_url: str, pg_recorded: World) -> None:
    world = pg_recorded
    before = world.snapshot()
    for table, verb, sql in TAMPERING:
        statement = sql.replace(":p", str(int(world.pharmacy_id)))
        # Inside BEGIN … ROLLBACK: were the trigger missing, the shared database would still be left intact.
        done = run_psql(pg_shared_url, f"BEGIN; {statement}; ROLLBACK;")
        assert done.returncode != 0, f"psql accepted {statement!r}"
        assert f"register is append-only: {table} rows cannot be {verb}" in done.stderr, done.stderr
    assert world.snapshot() == before
    assert verify_world(world).ok
