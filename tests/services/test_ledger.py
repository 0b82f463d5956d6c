"""The register core through the services, on SQLite and PostgreSQL: balances, refusals, corrections."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from pharmacy.domain import errors
from pharmacy.services import movements
from pharmacy.services.commands import AdjustCommand, CorrectCommand, LossCommand, PatientReturnCommand
from pharmacy.services.correct import correct
from tests.world import World, new_id


def test_receipt_then_dispense_shows_balances_after(world: World) -> None:
    got = world.receive("100")
    assert (got.seq, got.lot_balance_after, got.medicine_balance_after) == (1, 100, 100)
    rx = world.prescription("30")
    out = world.dispense(rx, "10")
    assert (out.seq, out.quantity, out.lot_balance_after, out.medicine_balance_after) == (2, -10, 90, 90)


def test_medicine_balance_spans_lots(world: World) -> None:
    world.receive("20", batch="A")
    got = world.receive("30", batch="B")
    assert (got.lot_balance_after, got.medicine_balance_after) == (30, 50)


def test_liquid_quantities_are_exact_tenths(world: World) -> None:
    got = world.receive("500", medicine="methadone-oral-1", batch="M1")
    assert got.lot_balance_after == 5000  # 500.0 mL in 0.1 mL steps
    rx = world.prescription("35.5", medicine="methadone-oral-1")
    out = world.dispense(rx, "12.3", medicine="methadone-oral-1", batch="M1")
    assert out.lot_balance_after == 4877


@pytest.mark.parametrize(
    ("quantity", "error"),
    [
        ("0", errors.QuantityNotPositive),
        ("-3", errors.QuantityNotPositive),
        ("ten", errors.InvalidQuantity),
        ("2.5", errors.QuantityOffStep),
        ("1e9", errors.QuantityTooLarge),
        ("NaN", errors.InvalidQuantity),
    ],
)
def test_bad_quantities_are_refused_and_change_nothing(world: World, quantity: str, error: type[Exception]) -> None:
    world.receive("10")
    before = world.snapshot()
    with pytest.raises(error):
        world.receive(quantity)
    assert world.snapshot() == before


def test_dispensing_more_than_the_lot_holds_is_refused(world: World) -> None:
    world.receive("5")
    rx = world.prescription("30")
    before = world.snapshot()
    with pytest.raises(errors.InsufficientStock) as caught:
        world.dispense(rx, "6")
    assert caught.value.params["available"] == "5" and caught.value.params["requested"] == "6"
    assert world.snapshot() == before


def test_dispensing_more_than_the_prescription_leaves_is_refused(world: World) -> None:
    world.receive("100")
    rx = world.prescription("20")
    world.dispense(rx, "15")
    with pytest.raises(errors.ExceedsPrescription) as caught:
        world.dispense(rx, "6")
    assert caught.value.params["remaining"] == "5"


def test_expired_lot_cannot_be_dispensed(world: World) -> None:
    world.receive("10", batch="OLD", expiry=date(2026, 3, 10))
    rx = world.prescription("5")
    world.clock.advance(timedelta(days=9))
    with pytest.raises(errors.LotExpired):
        world.dispense(rx, "1", batch="OLD")


def test_unknown_references_are_named(world: World) -> None:
    with pytest.raises(errors.UnknownMedicine):
        world.receive("1", medicine="unobtainium")
    with pytest.raises(errors.UnknownSupplier):
        world.receive("1", supplier="NOPE")
    world.receive("10")
    with pytest.raises(errors.UnknownPrescription):
        world.dispense("RX-NOPE", "1")
    rx = world.prescription("5")
    with pytest.raises(errors.UnknownLot):
        world.dispense(rx, "1", batch="ZZZ")


def test_same_id_same_content_returns_first_result(world: World) -> None:
    first = world.receive("10", id=(cid := new_id()), occurred_at=world.clock.now())
    again = world.receive("10", id=cid, occurred_at=first_time(world, first.seq))
    assert again.replayed and again.seq == first.seq and again.lot_balance_after == 10
    with pytest.raises(errors.IdempotencyConflict):
        world.receive("11", id=cid, occurred_at=first_time(world, first.seq))


def first_time(world: World, seq: int):  # type: ignore[no-untyped-def]
    from pharmacy.services.correct import find_movement

    with world.ctx.uow(write=False) as uow:
        return find_movement(uow, world.pharmacy_id, str(seq)).occurred_at


def test_witness_rules(world: World) -> None:
    with pytest.raises(errors.SecondPersonRequired):
        world.receive("10", witness=None)
    with pytest.raises(errors.SecondPersonIsActor):
        world.receive("10", witness=world.creds("li.na"))
    with pytest.raises(errors.AuthenticationFailed):
        world.receive("10", witness=world.creds("wang.fang", "0000"))
    with pytest.raises(errors.RoleNotPermitted):
        world.receive("10", witness=world.creds("insp"))


def test_wrong_pins_lock_the_account_and_count_even_though_refused(world: World) -> None:
    for attempt in range(4):
        with pytest.raises(errors.AuthenticationFailed) as caught:
            world.receive("10", witness=world.creds("wang.fang", "9999"))
        assert caught.value.params["attempts_left"] == 4 - attempt
    with pytest.raises(errors.UserLocked):
        world.receive("10", witness=world.creds("wang.fang", "9999"))
    with pytest.raises(errors.UserLocked):
        world.receive("10")  # even the right PIN is refused now


def test_correction_reverses_and_links(world: World) -> None:
    world.receive("100")
    rx = world.prescription("30")
    wrong = world.dispense(rx, "20")
    fix = correct(
        world.ctx,
        world.pharmacist,
        CorrectCommand(
            id=new_id(), reverses=str(wrong.seq), reason="typed 20 instead of 2", witness=world.creds("wang.fang")
        ),
    )
    assert (fix.quantity, fix.lot_balance_after) == (20, 100)
    right = world.dispense(rx, "2")
    assert right.lot_balance_after == 98
    with pytest.raises(errors.AlreadyReversed):
        correct(
            world.ctx,
            world.pharmacist,
            CorrectCommand(id=new_id(), reverses=str(wrong.seq), reason="again", witness=world.creds("wang.fang")),
        )
    with pytest.raises(errors.CannotReverseCorrection):
        correct(
            world.ctx,
            world.pharmacist,
            CorrectCommand(id=new_id(), reverses=str(fix.seq), reason="undo", witness=world.creds("wang.fang")),
        )


def test_correction_needs_reason_and_second_person(world: World) -> None:
    got = world.receive("10")
    with pytest.raises(errors.SecondPersonRequired):
        correct(world.ctx, world.pharmacist, CorrectCommand(id=new_id(), reverses=str(got.seq), reason="x"))
    with pytest.raises(errors.ReasonRequired):
        correct(
            world.ctx,
            world.pharmacist,
            CorrectCommand(id=new_id(), reverses=str(got.seq), reason="  ", witness=world.creds("wang.fang")),
        )


def test_reversing_a_receipt_already_dispensed_is_refused(world: World) -> None:
    got = world.receive("10")
    rx = world.prescription("10")
    world.dispense(rx, "8")
    with pytest.raises(errors.InsufficientStock):
        correct(
            world.ctx,
            world.pharmacist,
            CorrectCommand(id=new_id(), reverses=str(got.seq), reason="wrong batch", witness=world.creds("wang.fang")),
        )


def test_patient_returns_go_to_the_returns_book(world: World) -> None:
    world.receive("10")
    got = movements.take_back(
        world.ctx,
        world.pharmacist,
        PatientReturnCommand(
            id=new_id(),
            medicine="morphine-tab-10",
            batch="B1",
            quantity=Decimal(3),
            patient="PT1",
            reason="patient died",
        ),
    )
    assert (got.lot_balance_after, got.medicine_balance_after) == (3, 3)
    stock = world.receive("1")
    assert stock.lot_balance_after == 11  # stock untouched by the return


def test_adjustment_and_loss_need_reasons(world: World) -> None:
    world.receive("10")
    with pytest.raises(errors.ReasonRequired):
        movements.adjust(
            world.ctx,
            world.pharmacist,
            AdjustCommand(
                id=new_id(),
                medicine="morphine-tab-10",
                batch="B1",
                quantity=Decimal(-1),
                witness=world.creds("wang.fang"),
            ),
        )
    got = movements.adjust(
        world.ctx,
        world.pharmacist,
        AdjustCommand(
            id=new_id(),
            medicine="morphine-tab-10",
            batch="B1",
            quantity=Decimal(-1),
            reason="count error",
            witness=world.creds("wang.fang"),
        ),
    )
    assert got.lot_balance_after == 9
    with pytest.raises(errors.QuantityZero):
        movements.adjust(
            world.ctx,
            world.pharmacist,
            AdjustCommand(
                id=new_id(),
                medicine="morphine-tab-10",
                batch="B1",
                quantity=Decimal(0),
                reason="x",
                witness=world.creds("wang.fang"),
            ),
        )
    lost = movements.record_loss(
        world.ctx,
        world.pharmacist,
        LossCommand(
            id=new_id(),
            medicine="morphine-tab-10",
            batch="B1",
            quantity=Decimal(2),
            reason="pack missing from safe",
            witness=world.creds("wang.fang"),
        ),
    )
    assert lost.lot_balance_after == 7
