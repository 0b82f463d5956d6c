"""Stock counts through the services: snapshot, movements during the count, variances, tolerance, estimates."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest

from pharmacy.domain import errors
from pharmacy.domain.counts import CountScope, CountType, TakenAt, VarianceReason
from pharmacy.domain.movement import MovementKind
from pharmacy.domain.profile import Profile
from pharmacy.rules.params import merge_overrides
from pharmacy.services import counts, reference
from pharmacy.services.commands import CountLotCommand, MedicineCommand, StartCountCommand
from tests.world import World, build_world, new_id


def start(world: World, **kw: Any) -> Any:
    world.tick()
    return counts.start_count(world.ctx, world.pharmacist, StartCountCommand(id=new_id(), **kw))


def count(world: World, count_id: Any, quantity: str, batch: str = "B1", **kw: Any) -> Any:
    world.tick()
    fields: dict[str, Any] = {
        "id": new_id(),
        "count": count_id,
        "medicine": "morphine-tab-10",
        "batch": batch,
        "counted": quantity,
    }
    return counts.count_lot(world.ctx, world.pharmacist, CountLotCommand(**(fields | kw)))


def entries(world: World) -> list[Any]:
    with world.ctx.uow(write=False) as uow:
        return [uow.ledger.movement_by_seq(world.pharmacy_id, s) for s in range(1, 100)]


def test_a_count_that_agrees_records_no_entry(world: World) -> None:
    world.receive("100")
    c = start(world)
    line = count(world, c.id, "100")
    assert (line.variance, line.movement_id, line.reason) == (0, None, None)


def test_movements_during_the_count_are_accounted_for_not_blocked(world: World) -> None:
    world.receive("100")
    c = start(world)
    rx = world.prescription("30")
    world.dispense(rx, "10")  # the counter keeps working while the safe is counted
    line = count(world, c.id, "90")
    assert (line.snapshot_balance, line.book_balance, line.moved_during_count, line.variance) == (100, 90, -10, 0)


def test_a_shortfall_needs_a_reason_and_a_witness_and_becomes_an_entry(world: World) -> None:
    world.receive("100")
    c = start(world)
    before = world.snapshot()
    with pytest.raises(errors.VarianceReasonRequired) as caught:
        count(world, c.id, "97")
    assert caught.value.params["variance"] == "-3" and "suspected_loss" in str(caught.value.params["reasons"])
    assert "liquid_overage" not in str(caught.value.params["reasons"])
    with pytest.raises(errors.SecondPersonRequired):
        count(world, c.id, "97", reason=VarianceReason.BREAKAGE)
    assert world.snapshot() == before
    line = count(
        world, c.id, "97", reason=VarianceReason.BREAKAGE, note="bottle dropped", witness=world.creds("wang.fang")
    )
    with world.ctx.uow(write=False) as uow:
        entry = uow.ledger.movement(world.pharmacy_id, line.movement_id)
        assert entry is not None
        assert (entry.kind, entry.quantity, entry.lot_balance_after) == (MovementKind.ADJUSTMENT, -3, 97)
        assert entry.checked_by_id == world.checker.user_id and "bottle dropped" in (entry.reason or "")


def test_an_unexplained_shortfall_becomes_a_loss(world: World) -> None:
    world.receive("100")
    c = start(world)
    line = count(world, c.id, "90", reason=VarianceReason.UNEXPLAINED, witness=world.creds("wang.fang"))
    with world.ctx.uow(write=False) as uow:
        entry = uow.ledger.movement(world.pharmacy_id, line.movement_id)
        assert entry is not None and (entry.kind, entry.quantity) == (MovementKind.LOSS, -10)


def test_a_reason_that_cannot_explain_the_sign_is_refused(world: World) -> None:
    world.receive("100")
    c = start(world)
    with pytest.raises(errors.ReasonDoesNotFit):
        count(world, c.id, "101", reason=VarianceReason.BREAKAGE, witness=world.creds("wang.fang"))


def test_liquid_reasons_only_for_liquids(world: World) -> None:
    world.receive("100")
    c = start(world)
    with pytest.raises(errors.NotALiquid):
        count(world, c.id, "99", reason=VarianceReason.LIQUID_LOSS, witness=world.creds("wang.fang"))


@pytest.mark.parametrize(("found", "fits"), [("475", True), ("474.9", False), ("525", True), ("525.1", False)])
def test_liquid_tolerance_is_five_percent_of_the_book(world: World, found: str, fits: bool) -> None:
    world.receive("500", medicine="methadone-oral-1", batch="M1")
    c = start(world)
    reason = VarianceReason.LIQUID_OVERAGE if found > "500" else VarianceReason.LIQUID_LOSS
    kw: dict[str, Any] = {"medicine": "methadone-oral-1", "reason": reason, "witness": world.creds("wang.fang")}
    if fits:
        line = count(world, c.id, found, batch="M1", **kw)
        assert line.movement_id is not None
    else:
        with pytest.raises(errors.ToleranceExceeded):
            count(world, c.id, found, batch="M1", **kw)


@pytest.mark.parametrize(
    ("quantity", "error"),
    [("-1", errors.CountNegative), ("2.5", errors.QuantityOffStep), ("ten", errors.InvalidQuantity)],
)
def test_bad_counts_are_refused_and_change_nothing(world: World, quantity: str, error: type[Exception]) -> None:
    world.receive("100")
    c = start(world)
    before = world.snapshot()
    with pytest.raises(error):
        count(world, c.id, quantity)
    assert world.snapshot() == before


def test_a_count_of_a_lot_that_does_not_exist_is_refused(world: World) -> None:
    world.receive("100")
    c = start(world)
    with pytest.raises(errors.UnknownLot):
        count(world, c.id, "5", batch="NOPE")
    with pytest.raises(errors.UnknownCount):
        count(world, new_id(), "100")


def test_a_lot_is_counted_once_per_count_and_only_in_scope(world: World) -> None:
    world.receive("100")
    world.receive("10", medicine="diazepam-tab-25", batch="D1")
    c = start(world, scope=CountScope.MEDICINE, scope_value="morphine-tab-10")
    count(world, c.id, "100")
    with pytest.raises(errors.AlreadyCounted):
        count(world, c.id, "100")
    with pytest.raises(errors.LotOutsideCount):
        count(world, c.id, "10", batch="D1", medicine="diazepam-tab-25")


def test_count_status_shows_what_is_left(world: World) -> None:
    world.receive("100")
    world.receive("50", batch="B2")
    c = start(world)
    count(world, c.id, "100")
    with world.ctx.uow(write=False) as uow:
        pharmacy = uow.reference.pharmacy(world.pharmacy_id)
        assert pharmacy is not None
        status = counts.count_status(uow, pharmacy, c)
    assert len(status.expected) == 2 and len(status.remaining) == 1


def test_us_inventory_allows_estimates_for_ciii_v_only(engine: Any) -> None:
    us = build_world(engine, Profile.US, "America/New_York")
    us.receive("100", medicine="diazepam-tab-25", batch="D1")
    us.receive("100")
    with pytest.raises(errors.TakenAtRequired):
        start(us, count_type=CountType.BIENNIAL)
    c = start(us, count_type=CountType.BIENNIAL, taken_at=TakenAt.CLOSE)
    line = count(us, c.id, "95", batch="D1", medicine="diazepam-tab-25", estimated=True)
    assert line.estimated and line.movement_id is None
    with pytest.raises(errors.RuleBlocked) as caught:
        count(us, c.id, "95", estimated=True)  # morphine is CII: counted exactly
    assert caught.value.params["table_id"] == "US-11"


def test_inventories_are_us_only(world: World) -> None:
    with pytest.raises(errors.InventoryNotInProfile):
        start(world, count_type=CountType.INITIAL, taken_at=TakenAt.OPENING)


def _liquid(world: World, tolerance: str | None) -> str:
    code = f"methadone-oral-test-{tolerance or 'default'}"
    command = MedicineCommand(
        id=new_id(),
        code=code,
        generic_en="methadone hydrochloride",
        generic_local="盐酸美沙酮口服溶液",
        form="oral solution",
        strength="1 mg/mL",
        base_unit="mL",
        unit_step=Decimal("0.1"),
        pack_size=500,
        count_tolerance_percent=Decimal(tolerance) if tolerance else None,
    )
    reference.add_medicine(world.ctx, world.people["zhou.rp"], command)
    world.receive("500", medicine=code, batch="L1")
    return code


def test_a_medicine_can_carry_its_own_liquid_tolerance(world: World) -> None:
    code = _liquid(world, "3")
    c = start(world)
    kw: dict[str, Any] = {"medicine": code, "reason": VarianceReason.LIQUID_LOSS, "witness": world.creds("wang.fang")}
    with pytest.raises(errors.ToleranceExceeded) as caught:
        count(world, c.id, "484", batch="L1", **kw)  # 3.2 % short: within the default 5 %, not within 3 %
    assert caught.value.params["tolerance"] == "3"
    assert count(world, c.id, "485", batch="L1", **kw).movement_id is not None


@pytest.mark.parametrize("percent", ["0", "25", "0.001", "-1"])
def test_an_unreasonable_tolerance_is_refused(world: World, percent: str) -> None:
    with pytest.raises(errors.InvalidValue):
        _liquid(world, percent)


def test_the_pharmacys_settings_set_the_default_liquid_tolerance(world: World) -> None:
    world.receive("500", medicine="methadone-oral-1", batch="M1")
    strict = replace(
        world,
        ctx=replace(world.ctx, rule_params=merge_overrides(Profile.CN_HOSPITAL, {"counts.liquid_tolerance_bp": 300})),
    )
    c = start(strict)
    kw: dict[str, Any] = {"medicine": "methadone-oral-1", "reason": VarianceReason.LIQUID_LOSS}
    with pytest.raises(errors.ToleranceExceeded):
        count(strict, c.id, "484", batch="M1", witness=world.creds("wang.fang"), **kw)
    assert count(world, c.id, "484", batch="M1", witness=world.creds("wang.fang"), **kw).movement_id is not None
