"""Two processes race for the last units of a lot (ARCHITECTURE §1.3, §4): exactly one wins, nothing goes negative.

Each child is a fresh interpreter ('spawn') with its own engine and connections, as two counters would be; a
barrier releases both at the same moment. A second race posts the same command id twice: it records once.
"""

from __future__ import annotations

import multiprocessing
from dataclasses import dataclass
from datetime import datetime
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from uuid import UUID

from sqlalchemy import func, select

from pharmacy.db import rows as r
from pharmacy.db.engine import make_engine
from pharmacy.db.uow import SqlUnitOfWorkFactory
from pharmacy.domain.clock import FixedClock
from pharmacy.domain.errors import RegisterError
from pharmacy.services import movements
from pharmacy.services.commands import DispenseCommand
from pharmacy.services.context import ServiceContext
from pharmacy.services.pins import PinHasher
from pharmacy.services.results import Actor
from tests.db import verify_world
from tests.world import World, new_id

MEDICINE = "morphine-tab-10"
START_TIMEOUT_S = 60
RESULT_TIMEOUT_S = 120


@dataclass(frozen=True)
class Job:
    """What a child needs: where the register is, whose pharmacy, who acts, when, and the command."""

    db_url: str
    pharmacy_id: int
    actor: Actor
    now: datetime
    command: DispenseCommand


@dataclass(frozen=True)
class Outcome:
    recorded: bool
    code: str = ""  # the refusal's error code
    seq: int = 0
    movement_id: str = ""
    replayed: bool = False
    lot_balance_after: int = -1


def dispense_in_child(job: Job, start: Barrier, results: Queue[Outcome | str]) -> None:
    """Runs in the child process: connect first, wait for the other child, then dispense."""
    try:
        engine = make_engine(job.db_url)
        ctx = ServiceContext(
            uow=SqlUnitOfWorkFactory(engine),
            clock=FixedClock(job.now),
            pins=PinHasher.fast_for_tests(),
            pharmacy_id=job.pharmacy_id,
        )
        with engine.connect():
            pass  # the connection (and its pool) is ready before the race starts
        start.wait(timeout=START_TIMEOUT_S)
        try:
            got = movements.dispense(ctx, job.actor, job.command)
        except RegisterError as exc:
            results.put(Outcome(recorded=False, code=exc.code))
        else:
            results.put(Outcome(True, "", got.seq, got.movement_id.hex, got.replayed, got.lot_balance_after))
        engine.dispose()
    except BaseException as exc:  # anything else is reported to the parent, which fails the test
        results.put(f"child crashed: {exc!r}")
        raise


def race(jobs: list[Job]) -> list[Outcome]:
    mp = multiprocessing.get_context("spawn")
    start = mp.Barrier(len(jobs))
    results: Queue[Outcome | str] = mp.Queue()
    children = [mp.Process(target=dispense_in_child, args=(job, start, results)) for job in jobs]
    for child in children:
        child.start()
    try:
        got = [results.get(timeout=RESULT_TIMEOUT_S) for _ in children]
    finally:
        for child in children:
            child.join(timeout=RESULT_TIMEOUT_S)
            if child.is_alive():
                child.terminate()
    outcomes = [x for x in got if isinstance(x, Outcome)]
    assert len(outcomes) == len(jobs), got
    return outcomes


def _job(world: World, db_url: str, command: DispenseCommand) -> Job:
    return Job(db_url, world.pharmacy_id, world.pharmacist, world.clock.now(), command)


def _dispense(world: World, rx: str, quantity: str, batch: str) -> DispenseCommand:
    return DispenseCommand(
        id=new_id(),
        medicine=MEDICINE,
        batch=batch,
        quantity=quantity,
        prescription=rx,
        witness=world.creds("wang.fang"),
        codes=(world.trace_code(),),
    )


def _stored_balance(world: World, batch: str) -> int:
    q = (
        select(r.BalanceRow.balance)
        .join(r.LotRow, r.LotRow.id == r.BalanceRow.lot_id)
        .where(r.LotRow.pharmacy_id == world.pharmacy_id, r.LotRow.batch == batch, r.BalanceRow.book == "stock")
    )
    with world.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def _movements(world: World) -> int:
    q = select(func.count()).select_from(r.MovementRow).where(r.MovementRow.pharmacy_id == world.pharmacy_id)
    with world.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def _commands_with_id(world: World, command_id: UUID) -> int:
    c = r.CommandRow
    q = select(func.count()).select_from(c).where(c.pharmacy_id == world.pharmacy_id, c.id == command_id)
    with world.engine.connect() as conn:
        return int(conn.execute(q).scalar_one())


def test_two_processes_dispensing_the_last_units_exactly_one_wins(db_url: str, world: World) -> None:
    world.receive("5", batch="LAST")
    first, second = world.prescription("5"), world.prescription("5")
    world.tick()
    outcomes = race(
        [
            _job(world, db_url, _dispense(world, first, "5", "LAST")),
            _job(world, db_url, _dispense(world, second, "5", "LAST")),
        ]
    )
    won = [o for o in outcomes if o.recorded]
    lost = [o for o in outcomes if not o.recorded]
    assert len(won) == 1 and len(lost) == 1, outcomes
    assert (won[0].seq, won[0].lot_balance_after, won[0].replayed) == (2, 0, False)
    assert lost[0].code == "insufficient_stock"
    assert _stored_balance(world, "LAST") == 0
    assert _movements(world) == 2
    verdict = verify_world(world)
    assert verdict.ok and verdict.entries == 2


def test_the_same_command_id_posted_concurrently_records_once(db_url: str, world: World) -> None:
    world.receive("5", batch="LAST")
    rx = world.prescription("5")
    world.tick()
    command = _dispense(world, rx, "2", "LAST")
    outcomes = race([_job(world, db_url, command), _job(world, db_url, command)])
    assert all(o.recorded for o in outcomes), outcomes
    assert {(o.seq, o.movement_id, o.lot_balance_after) for o in outcomes} == {(2, command.id.hex, 3)}
    assert sorted(o.replayed for o in outcomes) == [False, True]
    assert _stored_balance(world, "LAST") == 3
    assert _movements(world) == 2
    assert _commands_with_id(world, command.id) == 1
    verdict = verify_world(world)
    assert verdict.ok and verdict.entries == 2
