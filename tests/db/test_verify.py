"""`verify` proves the register intact, and names what was done to it once the triggers are out of the way.

Tampering is done as an intruder would: drop or disable the triggers, then edit rows with the database's
own tools. On PostgreSQL that happens in a private database, never in the one the session shares.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import Engine, select, text

from pharmacy.db import rows as r
from pharmacy.db.engine import make_engine
from pharmacy.db.migrate import upgrade
from pharmacy.domain.ledger import Problem
from pharmacy.services import movements
from pharmacy.services.close import close_month
from pharmacy.services.commands import AdjustCommand, CorrectCommand, PatientReturnCommand
from pharmacy.services.correct import correct
from pharmacy.services.results import Recorded
from pharmacy.services.verify import Verdict
from tests.conftest import PG_URL, create_pg_database, drop_pg_database
from tests.db import run_sqlite3, verify_world
from tests.world import World, build_world, new_id

SQLITE_MOVEMENT_TRIGGERS = ("movements_append_only_update", "movements_append_only_delete")
PG_MOVEMENT_TRIGGERS = ("movements_append_only_row", "movements_append_only_truncate")


def _history(world: World) -> list[Recorded]:
    """Seven entries: receipts into two batches, dispenses, a correction, an adjustment, a patient return."""
    out = [world.receive("100", batch="B1"), world.receive("40", batch="B2")]
    rx = world.prescription("30")
    out += [world.dispense(rx, "10"), world.dispense(rx, "5", batch="B2")]
    witness = world.creds("wang.fang")
    out.append(
        correct(
            world.ctx,
            world.pharmacist,
            CorrectCommand(id=new_id(), reverses=str(out[2].seq), reason="typed 10 instead of 1", witness=witness),
        )
    )
    out.append(
        movements.adjust(
            world.ctx,
            world.pharmacist,
            AdjustCommand(
                id=new_id(),
                medicine="morphine-tab-10",
                batch="B1",
                quantity=Decimal(-2),
                reason="count error",
                witness=witness,
            ),
        )
    )
    out.append(
        movements.take_back(
            world.ctx,
            world.pharmacist,
            PatientReturnCommand(
                id=new_id(), medicine="morphine-tab-10", batch="B1", quantity="3", patient="PT1", reason="unused"
            ),
        )
    )
    assert [m.seq for m in out] == list(range(1, 8))
    return out


def _only_problem(verdict: Verdict) -> Problem:
    assert not verdict.ok
    (pharmacy,) = verdict.pharmacies
    assert len(pharmacy.problems) == 1, [p.render() for p in pharmacy.problems]
    return pharmacy.problems[0]


def _lot_id(world: World, batch: str) -> int:
    with world.engine.connect() as conn:
        return int(
            conn.execute(
                select(r.LotRow.id).where(r.LotRow.pharmacy_id == world.pharmacy_id, r.LotRow.batch == batch)
            ).scalar_one()
        )


@pytest.fixture
def pg_private_world() -> Iterator[World]:
    """A world in a PostgreSQL database of its own: its triggers are about to be disabled."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set PHARMACY_TEST_PG_URL; .ci/run does)")
    url = create_pg_database("pharmacy_tamper")
    engine = make_engine(url)
    upgrade(engine)
    yield build_world(engine)
    engine.dispose()
    drop_pg_database(url)


def test_an_intact_register_verifies(world: World) -> None:
    _history(world)
    verdict = verify_world(world)
    assert verdict.ok, [p.render() for v in verdict.pharmacies for p in v.problems]
    assert verdict.missing_triggers == ()
    (pharmacy,) = verdict.pharmacies
    assert (pharmacy.entries, pharmacy.head_seq, pharmacy.problems) == (7, 7, ())


def test_an_empty_register_verifies(world: World) -> None:
    verdict = verify_world(world)
    assert verdict.ok and verdict.entries == 0


def test_a_changed_cached_balance_is_reported(world: World) -> None:
    _history(world)
    lot = _lot_id(world, "B2")
    with world.engine.begin() as conn:
        conn.execute(text("UPDATE balances SET balance = balance + 7 WHERE lot_id = :l AND book = 'stock'"), {"l": lot})
    problem = _only_problem(verify_world(world))
    assert problem.params == {"lot": lot, "book": "stock", "stored": 42, "folded": 35}
    assert "cached balance" in problem.render()


# --- SQLite: the sqlite3 shell, after dropping the triggers -------------------------------------------------


def _drop_movement_triggers(path: str) -> None:
    done = run_sqlite3(path, "".join(f"DROP TRIGGER {name};" for name in SQLITE_MOVEMENT_TRIGGERS))
    assert done.returncode == 0, done.stderr


def test_missing_triggers_are_reported(sqlite_url: str, sqlite_world: World) -> None:
    _history(sqlite_world)
    _drop_movement_triggers(sqlite_url)
    verdict = verify_world(sqlite_world)
    assert not verdict.ok
    assert verdict.missing_triggers == SQLITE_MOVEMENT_TRIGGERS
    assert verdict.pharmacies[0].problems == ()  # the ledger itself is still intact


def test_an_edited_quantity_is_named_by_its_sequence_number(sqlite_url: str, sqlite_world: World) -> None:
    entries = _history(sqlite_world)
    assert entries[3].quantity == -5
    _drop_movement_triggers(sqlite_url)
    done = run_sqlite3(sqlite_url, "UPDATE movements SET quantity = -1 WHERE seq = 4;")
    assert done.returncode == 0, done.stderr
    verdict = verify_world(sqlite_world)
    problem = _only_problem(verdict)
    assert problem.seq == 4
    assert problem.render() == "entry 4: content does not match its hash (altered after it was written)"
    assert verdict.missing_triggers == SQLITE_MOVEMENT_TRIGGERS


def test_a_deleted_middle_entry_is_named_as_a_gap(sqlite_url: str, sqlite_world: World) -> None:
    _history(sqlite_world)
    _drop_movement_triggers(sqlite_url)
    done = run_sqlite3(sqlite_url, "DELETE FROM movements WHERE seq = 4;")
    assert done.returncode == 0, done.stderr
    problem = _only_problem(verify_world(sqlite_world))
    assert (problem.seq, problem.params) == (5, {"expected": 4})
    assert problem.render() == "entry 5: sequence gap, expected 4"


def test_a_deleted_last_entry_disagrees_with_the_chain_head(sqlite_url: str, sqlite_world: World) -> None:
    _history(sqlite_world)
    _drop_movement_triggers(sqlite_url)
    done = run_sqlite3(sqlite_url, "DELETE FROM movements WHERE seq = 7;")
    assert done.returncode == 0, done.stderr
    verdict = verify_world(sqlite_world)
    problems = verdict.pharmacies[0].problems
    assert not verdict.ok and problems
    assert problems[0].seq == 7 and problems[0].params == {"last": 6}


# --- PostgreSQL: DISABLE TRIGGER USER, then an UPDATE ------------------------------------------------------


def _tamper_pg(engine: Engine, sql: str, params: dict[str, object]) -> None:
    with engine.begin() as conn:
        conn.execute(text("ALTER TABLE movements DISABLE TRIGGER USER"))
        conn.execute(text(sql), params)


def test_postgresql_edited_quantity_and_disabled_triggers_are_reported(pg_private_world: World) -> None:
    world = pg_private_world
    _history(world)
    assert verify_world(world).ok
    _tamper_pg(
        world.engine,
        "UPDATE movements SET quantity = -1 WHERE pharmacy_id = :p AND seq = 4",
        {"p": world.pharmacy_id},
    )
    verdict = verify_world(world)
    problem = _only_problem(verdict)
    assert problem.seq == 4
    assert problem.render() == "entry 4: content does not match its hash (altered after it was written)"
    assert verdict.missing_triggers == PG_MOVEMENT_TRIGGERS


def test_postgresql_deleted_middle_entry_is_named_as_a_gap(pg_private_world: World) -> None:
    world = pg_private_world
    _history(world)
    _tamper_pg(world.engine, "DELETE FROM movements WHERE pharmacy_id = :p AND seq = 2", {"p": world.pharmacy_id})
    problem = _only_problem(verify_world(world))
    assert (problem.seq, problem.params) == (3, {"expected": 2})


def test_verify_does_not_hold_up_the_counter(sqlite_world: World) -> None:
    """verify reads in one snapshot without the write lock: a dispense in the middle of it goes through."""
    from pharmacy.db.audit import SqlAuditSource

    world = sqlite_world
    world.receive("50", batch="V1")
    rx = world.prescription("5")
    source = SqlAuditSource(world.engine)
    with source.snapshot():
        rows_before = sum(1 for _ in source.chain_rows(world.pharmacy_id))
        world.clock.advance(timedelta(minutes=1))
        done = world.dispense(rx, "1", batch="V1")  # would wait 30 s for the lock if verify held it
        rows_in_snapshot = sum(1 for _ in source.chain_rows(world.pharmacy_id))
    assert done.lot_balance_after == 49
    assert rows_in_snapshot == rows_before  # the snapshot does not see the entry written meanwhile


def test_figures_changed_after_the_close_are_reported_against_the_month(sqlite_url: str, sqlite_world: World) -> None:
    """The close seals a digest of the month's figures; an edited entry changes them, and verify says which month."""
    _history(sqlite_world)
    sqlite_world.clock.advance(timedelta(days=31))
    close_month(sqlite_world.ctx, sqlite_world.creds("zhou.rp"), "2026-03")
    assert verify_world(sqlite_world).ok
    _drop_movement_triggers(sqlite_url)
    done = run_sqlite3(sqlite_url, "UPDATE movements SET quantity = -1 WHERE seq = 4;")
    assert done.returncode == 0, done.stderr
    rendered = [p.render() for p in verify_world(sqlite_world).pharmacies[0].problems]
    assert "entry 4: content does not match its hash (altered after it was written)" in rendered
    assert any("the figures of 2026-03 no longer match those signed at its close" in text for text in rendered)
