"""The register against a reference model: random receipts, dispenses, corrections, adjustments and bad input.

A hypothesis state machine drives the services on a fresh migrated SQLite file per run. The model is a dict
of batch → stock balance plus what each prescription still allows. After every step the register's balances
equal the model and are never negative, `verify` passes, and every refused command changed nothing
(ARCHITECTURE §1.3, §1.5, §1.9, §4).
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule, run_state_machine_as_test
from sqlalchemy import MetaData, select

from pharmacy.db.audit import SqlAuditSource
from pharmacy.db.engine import make_engine
from pharmacy.db.migrate import upgrade
from pharmacy.domain import errors
from pharmacy.domain.errors import RegisterError
from pharmacy.domain.movement import MovementKind
from pharmacy.domain.roles import Role
from pharmacy.services import movements
from pharmacy.services.commands import AdjustCommand, CorrectCommand, Credentials, UserCommand
from pharmacy.services.correct import correct
from pharmacy.services.results import Recorded
from pharmacy.services.users import add_user, unlock_user
from pharmacy.services.verify import verify
from tests.world import PIN, World, build_world, new_id

MEDICINE = "morphine-tab-10"  # counted in whole tablets: scale 1, step 1
BATCHES = ("L1", "L2", "L3")
TIMEZONE = "Asia/Shanghai"
WITNESS = "wang.fang"
FUMBLER = "temp.witness"  # a throwaway colleague who mistypes the PIN; unlocked before the 5th miss
LOCKOUT_ATTEMPTS = 5
# Quantities that a receipt or a dispense must refuse, with the error that must name the problem.
BAD_QUANTITIES: dict[str, type[RegisterError]] = {
    "0": errors.QuantityNotPositive,
    "-3": errors.QuantityNotPositive,
    "2.5": errors.QuantityOffStep,
    "ten": errors.InvalidQuantity,
    "": errors.InvalidQuantity,
    "NaN": errors.InvalidQuantity,
    "1e9": errors.QuantityTooLarge,
}
# An adjustment is signed: a negative difference is fine, zero is not.
BAD_ADJUSTMENTS: dict[str, type[RegisterError]] = {
    "0": errors.QuantityZero,
    "-0.5": errors.QuantityOffStep,
    "2.5": errors.QuantityOffStep,
    "ten": errors.InvalidQuantity,
    "-1e9": errors.QuantityTooLarge,
}
VERBS = ("receive", "dispense", "adjust", "correct")
BAD_CASES = (
    "quantity",
    "adjustment",
    "batch",
    "prescription",
    "correction",
    "witness_is_actor",
    "witness_pin",
    "no_witness",
)


@cache
def _template() -> Path:
    """One migrated SQLite file per test session; every run starts from a copy of it."""
    folder = Path(tempfile.mkdtemp(prefix="ledger-machine-"))
    atexit.register(shutil.rmtree, folder, True)
    path = folder / "template.sqlite"
    engine = make_engine(str(path))
    upgrade(engine)
    engine.dispose()
    return path


@cache
def _schema() -> MetaData:
    """The tables as the migrations made them, reflected once (reflecting at every step would dominate)."""
    engine = make_engine(str(_template()))
    meta = MetaData()
    meta.reflect(engine)
    engine.dispose()
    return meta


@dataclass
class Entry:
    """The model's view of one accepted movement."""

    seq: int
    kind: MovementKind
    batch: str
    quantity: int
    rx: str | None
    reversed: bool = False


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="ledger-run-"))
        path = self.folder / "register.sqlite"
        shutil.copy(_template(), path)
        self.engine = make_engine(str(path))
        self.world: World = build_world(self.engine)
        rp = self.world.people["zhou.rp"]
        add_user(self.world.ctx, rp, UserCommand(username=FUMBLER, full_name="临时", role=Role.PHARMACIST, pin=PIN))
        self.balances: dict[str, int] = {}  # batch → stock balance, for every batch ever received
        self.rx_left: dict[str, int] = {}  # prescription number → quantity it still allows
        self.entries: list[Entry] = []
        self.misses = 0  # wrong PINs of FUMBLER since the last unlock

    def teardown(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.folder, ignore_errors=True)

    # --- helpers -------------------------------------------------------------------------------------------

    @property
    def witness(self) -> Credentials:
        return self.world.creds(WITNESS)

    def _snapshot(self, *, with_users: bool = True) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table of this run's own file (world.snapshot() without re-reflecting)."""
        out: dict[str, list[tuple[Any, ...]]] = {}
        with self.engine.connect() as conn:
            for name, table in sorted(_schema().tables.items()):
                if with_users or name != "users":
                    out[name] = sorted(tuple(str(v) for v in row) for row in conn.execute(select(table)))
        return out

    def _refused(
        self, error: type[RegisterError], call: Callable[[], object], *, with_users: bool = True
    ) -> RegisterError:
        """The command is refused with exactly `error`, and the register is as it was."""
        before = self._snapshot(with_users=with_users)
        with pytest.raises(RegisterError) as caught:
            call()
        assert type(caught.value) is error, f"expected {error.__name__}, got {caught.value!r}"
        assert caught.value.render()  # a message for the pharmacist, never an empty one
        assert self._snapshot(with_users=with_users) == before
        return caught.value

    def _accepted(self, got: Recorded, kind: MovementKind, batch: str, rx: str | None = None) -> Entry:
        self.balances[batch] = self.balances.get(batch, 0) + got.quantity
        entry = Entry(got.seq, kind, batch, got.quantity, rx)
        self.entries.append(entry)
        assert not got.replayed
        assert got.seq == len(self.entries)
        assert got.lot_balance_after == self.balances[batch]
        assert got.medicine_balance_after == sum(self.balances.values())
        return entry

    def _adjust(self, batch: str, quantity: str, witness: Credentials | None, reason: str = "count error") -> Recorded:
        command = AdjustCommand(
            id=new_id(), medicine=MEDICINE, batch=batch, quantity=quantity, reason=reason, witness=witness
        )
        return movements.adjust(self.world.ctx, self.world.pharmacist, command)

    def _correct(self, reverses: str, witness: Credentials | None, reason: str = "wrong entry") -> Recorded:
        command = CorrectCommand(id=new_id(), reverses=reverses, reason=reason, witness=witness)
        return correct(self.world.ctx, self.world.pharmacist, command)

    def _any_command(self, verb: str, data: st.DataObject, witness: Credentials | None) -> Callable[[], object]:
        """A command of the verb, refused for its witness: the second person is checked before anything else."""
        batch = data.draw(st.sampled_from(BATCHES))
        if verb == "receive":
            return lambda: self.world.receive("1", batch=batch, witness=witness)
        if verb == "dispense":
            return lambda: self.world.dispense("RX-ANY", "1", batch=batch, witness=witness)
        if verb == "adjust":
            return lambda: self._adjust(batch, "1", witness)
        return lambda: self._correct("1", witness)

    def _rx_with_room(self) -> list[str]:
        return [rx for rx, left in self.rx_left.items() if left > 0]  # in the order written: replays must match

    def _reversible(self) -> list[Entry]:
        return [e for e in self.entries if e.kind is not MovementKind.CORRECTION and not e.reversed]

    # --- good commands -------------------------------------------------------------------------------------

    @rule(quantity=st.integers(1, 60))
    def prescribe(self, quantity: int) -> None:
        self.world.tick()
        number = self.world.prescription(str(quantity), number=f"RX-{len(self.rx_left) + 1}")
        self.rx_left[number] = quantity

    @rule(batch=st.sampled_from(BATCHES), quantity=st.integers(1, 100))
    def receive(self, batch: str, quantity: int) -> None:
        got = self.world.receive(str(quantity), batch=batch)
        self._accepted(got, MovementKind.RECEIPT, batch)

    @precondition(lambda self: bool(self._rx_with_room()))
    @rule(data=st.data())
    def dispense(self, data: st.DataObject) -> None:
        rx = data.draw(st.sampled_from(self._rx_with_room()), label="rx")
        left = self.rx_left[rx]
        # Half the time a batch in stock, half the time any (perhaps never received: UnknownLot).
        batch = data.draw(st.sampled_from(sorted(self.balances) or BATCHES) | st.sampled_from(BATCHES), label="batch")
        held = self.balances.get(batch, 0)
        # Mostly what the prescription allows; sometimes exactly one more than the batch holds.
        quantity = data.draw(st.integers(1, left) | st.just(min(left, held + 1)), label="quantity")

        def call() -> Recorded:
            return self.world.dispense(rx, str(quantity), batch=batch)

        if batch not in self.balances:
            self._refused(errors.UnknownLot, call)
        elif quantity > held:
            refusal = self._refused(errors.InsufficientStock, call)
            assert refusal.params["available"] == str(held) and refusal.params["requested"] == str(quantity)
        else:
            self._accepted(call(), MovementKind.DISPENSE, batch, rx)
            self.rx_left[rx] -= quantity

    @precondition(lambda self: bool(self._reversible()))
    @rule(data=st.data())
    def correct(self, data: st.DataObject) -> None:
        self.world.tick()
        original = data.draw(st.sampled_from(self._reversible()), label="reverses")

        def call() -> Recorded:
            return self._correct(str(original.seq), self.witness)

        if self.balances[original.batch] - original.quantity < 0:
            self._refused(errors.InsufficientStock, call)  # reversing a receipt already dispensed from
            return
        self._accepted(call(), MovementKind.CORRECTION, original.batch, original.rx)
        original.reversed = True
        if original.rx is not None:
            self.rx_left[original.rx] -= original.quantity  # a reversed dispense gives the prescription back

    @precondition(lambda self: bool(self.balances))
    @rule(data=st.data(), difference=st.integers(-20, -1) | st.integers(1, 20))
    def adjust(self, data: st.DataObject, difference: int) -> None:
        self.world.tick()
        batch = data.draw(st.sampled_from(sorted(self.balances)), label="batch")

        def call() -> Recorded:
            return self._adjust(batch, str(difference), self.witness)

        if self.balances[batch] + difference < 0:
            self._refused(errors.InsufficientStock, call)
        else:
            self._accepted(call(), MovementKind.ADJUSTMENT, batch)

    # --- bad input: refused, and nothing changed -----------------------------------------------------------

    @rule(data=st.data(), case=st.sampled_from(BAD_CASES))
    def bad_input(self, data: st.DataObject, case: str) -> None:
        """One of the ways a command can be wrong; each is refused by name and changes nothing."""
        self.world.tick()
        getattr(self, f"_bad_{case}")(data)

    def _bad_quantity(self, data: st.DataObject) -> None:
        """Receipts parse the quantity after creating a new batch: the refusal must roll that back too."""
        text = data.draw(st.sampled_from(sorted(BAD_QUANTITIES)), label="quantity")
        batch = data.draw(st.sampled_from((*BATCHES, "NEW-BATCH")), label="batch")
        rx = self._rx_with_room()
        if rx and batch in self.balances and data.draw(st.booleans(), label="dispense"):
            number = data.draw(st.sampled_from(rx), label="rx")
            self._refused(BAD_QUANTITIES[text], lambda: self.world.dispense(number, text, batch=batch))
        else:
            self._refused(BAD_QUANTITIES[text], lambda: self.world.receive(text, batch=batch))

    def _bad_adjustment(self, data: st.DataObject) -> None:
        text = data.draw(st.sampled_from(sorted(BAD_ADJUSTMENTS)), label="difference")
        batch = data.draw(st.sampled_from(sorted(self.balances) or ["L1"]), label="batch")
        if batch not in self.balances:
            self._refused(errors.UnknownLot, lambda: self._adjust(batch, text, self.witness))
            return
        self._refused(BAD_ADJUSTMENTS[text], lambda: self._adjust(batch, text, self.witness))
        self._refused(errors.ReasonRequired, lambda: self._adjust(batch, "1", self.witness, reason="  "))

    def _bad_batch(self, data: st.DataObject) -> None:
        batch = data.draw(st.sampled_from(("L9", "NOPE", "l1 ")), label="batch")
        self._refused(errors.UnknownLot, lambda: self._adjust(batch, "-1", self.witness))
        rx = self._rx_with_room()
        if rx:
            self._refused(errors.UnknownLot, lambda: self.world.dispense(rx[0], "1", batch=batch))
        else:
            self._refused(errors.UnknownPrescription, lambda: self.world.dispense("RX-NONE", "1", batch=batch))

    def _bad_prescription(self, data: st.DataObject) -> None:
        """More than the prescription leaves (checked before the stock), or no such prescription."""
        rx = data.draw(st.sampled_from(list(self.rx_left) or ["RX-NONE"]), label="rx")
        batch = data.draw(st.sampled_from(sorted(self.balances) or ["L1"]), label="batch")
        if batch not in self.balances:
            error = errors.UnknownLot if rx in self.rx_left else errors.UnknownPrescription
            self._refused(error, lambda: self.world.dispense(rx, "1", batch=batch))
            return
        if rx not in self.rx_left:
            self._refused(errors.UnknownPrescription, lambda: self.world.dispense(rx, "1", batch=batch))
            return
        too_much = str(self.rx_left[rx] + 1)
        refusal = self._refused(errors.ExceedsPrescription, lambda: self.world.dispense(rx, too_much, batch=batch))
        assert refusal.params["remaining"] == str(self.rx_left[rx])

    def _bad_correction(self, data: st.DataObject) -> None:
        done = [e for e in self.entries if e.reversed or e.kind is MovementKind.CORRECTION]
        again = data.draw(st.booleans(), label="reverse again")
        if done and again:
            entry = data.draw(st.sampled_from(done), label="entry")
            error = errors.CannotReverseCorrection if entry.kind is MovementKind.CORRECTION else errors.AlreadyReversed
            self._refused(error, lambda: self._correct(str(entry.seq), self.witness))
            return
        self._refused(errors.UnknownMovement, lambda: self._correct(str(len(self.entries) + 1), self.witness))
        reversible = self._reversible()
        if reversible:
            seq = str(reversible[0].seq)
            self._refused(errors.ReasonRequired, lambda: self._correct(seq, self.witness, reason=" "))

    def _bad_witness_is_actor(self, data: st.DataObject) -> None:
        verb = data.draw(st.sampled_from(VERBS), label="verb")
        self._refused(errors.SecondPersonIsActor, self._any_command(verb, data, self.world.creds("li.na")))

    def _bad_witness_pin(self, data: st.DataObject) -> None:
        """The miss is counted (users table) but nothing else changes; unlocked before the lock-out."""
        verb = data.draw(st.sampled_from(VERBS), label="verb")
        refusal = self._refused(
            errors.AuthenticationFailed,
            self._any_command(verb, data, Credentials(FUMBLER, "0000")),
            with_users=False,
        )
        self.misses += 1
        assert refusal.params["attempts_left"] == LOCKOUT_ATTEMPTS - self.misses
        if self.misses == LOCKOUT_ATTEMPTS - 1:
            user = unlock_user(self.world.ctx, self.world.people["zhou.rp"], FUMBLER)
            assert (user.failed_attempts, user.locked) == (0, False)
            self.misses = 0

    def _bad_no_witness(self, data: st.DataObject) -> None:
        verb = data.draw(st.sampled_from(VERBS), label="verb")
        self._refused(errors.SecondPersonRequired, self._any_command(verb, data, None))

    # --- after every step ----------------------------------------------------------------------------------

    @invariant()
    def balances_equal_the_model(self) -> None:
        assert all(balance >= 0 for balance in self.balances.values())
        with self.world.ctx.uow(write=False) as uow:
            medicine = uow.reference.medicine_by_code(MEDICINE)
            assert medicine is not None
            for batch in (*BATCHES, "NEW-BATCH"):
                lot = uow.reference.lot_by_batch(self.world.pharmacy_id, medicine.id, batch)
                if batch not in self.balances:
                    assert lot is None, f"batch {batch} exists without a receipt"
                    continue
                assert lot is not None
                assert uow.ledger.balance(lot.id, "stock") == self.balances[batch]
                assert uow.ledger.balance(lot.id, "returns") == 0
            total = uow.ledger.medicine_balance(self.world.pharmacy_id, medicine.id, "stock")
            assert total == sum(self.balances.values())
        stored = SqlAuditSource(self.engine).stored_balances(self.world.pharmacy_id)
        assert all(balance >= 0 for balance in stored.values())
        assert sorted(v for v in stored.values() if v) == sorted(v for v in self.balances.values() if v)

    @invariant()
    def the_register_verifies(self) -> None:
        verdict = verify(SqlAuditSource(self.engine), {self.world.pharmacy_id: TIMEZONE})
        assert verdict.ok, [p.render() for v in verdict.pharmacies for p in v.problems] + list(verdict.missing_triggers)
        (pharmacy,) = verdict.pharmacies
        assert (pharmacy.entries, pharmacy.head_seq) == (len(self.entries), len(self.entries))

    @invariant()
    def prescriptions_are_never_exceeded(self) -> None:
        assert all(left >= 0 for left in self.rx_left.values())


def test_the_register_agrees_with_the_model() -> None:
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
