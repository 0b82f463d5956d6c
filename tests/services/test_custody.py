"""Quarantine, destruction with the witnesses each law asks for, loss duties and the month-end close."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from pharmacy.domain import errors
from pharmacy.domain.counts import VarianceReason
from pharmacy.domain.duties import Duty
from pharmacy.domain.holds import HoldKind, HoldReason
from pharmacy.domain.movement import Book
from pharmacy.domain.profile import Profile
from pharmacy.services import counts, destruction, holds, losses, movements
from pharmacy.services.close import close_month, reopen_month
from pharmacy.services.commands import (
    CountLotCommand,
    DestroyCommand,
    DutyDoneCommand,
    HoldCommand,
    LossCommand,
    PatientReturnCommand,
    StartCountCommand,
)
from tests.world import World, build_world, new_id


def destroy(world: World, quantity: str = "5", batch: str = "B1", **kw: Any) -> Any:
    world.tick()
    fields: dict[str, Any] = {
        "id": new_id(),
        "medicine": "morphine-tab-10",
        "batch": batch,
        "quantity": quantity,
        "witness": world.creds("wang.fang"),
        "method": "denaturing kit",
        "place": "dispensary",
    }
    return destruction.destroy(world.ctx, world.pharmacist, DestroyCommand(**(fields | kw)))


def test_a_quarantined_lot_stays_in_the_balance_and_cannot_be_dispensed(world: World) -> None:
    world.receive("20")
    holds.hold(
        world.ctx, world.pharmacist, HoldCommand(medicine="morphine-tab-10", batch="B1", reason=HoldReason.DAMAGED)
    )
    rx = world.prescription("5")
    with pytest.raises(errors.LotQuarantined):
        world.dispense(rx, "5")
    with world.ctx.uow(write=False) as uow:
        lot = uow.reference.lot_by_batch(world.pharmacy_id, world_medicine_id(uow), "B1")
        assert lot is not None and uow.ledger.balance(lot.id, "stock") == 20
    with pytest.raises(errors.AlreadyQuarantined):
        holds.hold(world.ctx, world.pharmacist, HoldCommand(medicine="morphine-tab-10", batch="B1"))


def world_medicine_id(uow: Any) -> int:
    med = uow.reference.medicine_by_code("morphine-tab-10")
    assert med is not None
    return int(med.id)


def test_nothing_to_quarantine_in_an_empty_lot(world: World) -> None:
    world.receive("5")
    rx = world.prescription("5")
    world.dispense(rx, "5")
    with pytest.raises(errors.NothingToHold):
        holds.hold(world.ctx, world.pharmacist, HoldCommand(medicine="morphine-tab-10", batch="B1"))


def test_cn_destruction_needs_the_regulators_supervision(world: World) -> None:
    world.receive("20")
    before = world.snapshot()
    with pytest.raises(errors.RuleBlocked) as caught:
        destroy(world)
    assert caught.value.params["table_id"] == "CN-14"
    with pytest.raises(errors.DestructionDetailRequired):
        destroy(world, method="", supervisor="刘强", supervisor_agency="上城区市场监督管理局")
    assert world.snapshot() == before
    got = destroy(world, supervisor="刘强", supervisor_agency="上城区市场监督管理局")
    assert got.lot_balance_after == 15
    with world.ctx.uow(write=False) as uow:
        record = uow.custody.destruction(got.movement_id)
    assert record is not None and record.supervisor == "刘强" and record.method == "denaturing kit"


def test_cn_patient_returns_are_destroyed_with_a_second_person_only(world: World) -> None:
    world.receive("10")
    world.tick()
    movements.take_back(
        world.ctx,
        world.pharmacist,
        PatientReturnCommand(id=new_id(), medicine="morphine-tab-10", batch="B1", quantity="4", reason="unused"),
    )
    got = destroy(world, "4", book=Book.RETURNS)
    assert got.lot_balance_after == 0


def test_us_destruction_needs_two_different_witnesses(engine: Any) -> None:
    us = build_world(engine, Profile.US, "America/New_York")
    us.receive("20")
    with pytest.raises(errors.RuleBlocked) as caught:
        destroy(us)
    assert caught.value.params["table_id"] == "US-13"
    with pytest.raises(errors.WitnessesMustDiffer):
        destroy(us, second_witness=us.creds("wang.fang"))
    got = destroy(us, "15", second_witness=us.creds("zhou.rp"))
    with us.ctx.uow(write=False) as uow:
        record = uow.custody.destruction(got.movement_id)
    assert record is not None and record.second_witness_id == us.people["zhou.rp"].user_id
    assert (record.full_packages, record.partial_units) == divmod(15, _pack(us))


def _pack(world: World) -> int:
    with world.ctx.uow(write=False) as uow:
        med = uow.reference.medicine_by_code("morphine-tab-10")
        assert med is not None
        return med.pack_size * med.scale


def test_uk_schedule_2_stock_destruction_needs_an_authorised_witness(engine: Any) -> None:
    uk = build_world(engine, Profile.UK, "Europe/London")
    uk.receive("20")
    with pytest.raises(errors.RuleBlocked) as caught:
        destroy(uk)
    assert caught.value.params["table_id"] == "UK-8"
    got = destroy(uk, authorised_witness="Dr A. Patel", authorised_witness_ref="CDAO/2026/114")
    assert got.lot_balance_after == 15


def test_loss_duties_have_deadlines_and_are_marked_done(engine: Any) -> None:
    us = build_world(engine, Profile.US, "America/New_York")
    us.receive("20")
    us.tick()
    lost = movements.record_loss(
        us.ctx,
        us.pharmacist,
        LossCommand(
            id=new_id(),
            medicine="morphine-tab-10",
            batch="B1",
            quantity="2",
            reason="missing",
            witness=us.creds("wang.fang"),
        ),
    )
    with pytest.raises(errors.DutyNotInProfile):
        losses.record_duty(us.ctx, us.pharmacist, DutyDoneCommand(entry=str(lost.seq), duty=Duty.CN_POLICE))
    with pytest.raises(errors.NotALoss):
        losses.record_duty(us.ctx, us.pharmacist, DutyDoneCommand(entry="1", duty=Duty.DEA_NOTICE))
    losses.record_duty(
        us.ctx, us.pharmacist, DutyDoneCommand(entry=str(lost.seq), duty=Duty.DEA_NOTICE, reference="FD-1")
    )
    with pytest.raises(errors.DutyAlreadyRecorded):
        losses.record_duty(us.ctx, us.pharmacist, DutyDoneCommand(entry=str(lost.seq), duty=Duty.DEA_NOTICE))
    start = us.clock.now() - timedelta(days=1)
    with us.ctx.uow(write=False) as uow:
        pharmacy = uow.reference.pharmacy(us.pharmacy_id)
        assert pharmacy is not None
        [(entry, duties)] = losses.loss_checklists(uow, pharmacy, start, us.clock.now() + timedelta(days=1))
    by_duty = {d.duty: d for d in duties}
    found = entry.occurred_at.astimezone(pharmacy.tz).date()
    assert by_duty[Duty.DEA_NOTICE].done_on is not None and by_duty[Duty.DEA_NOTICE].reference == "FD-1"
    assert by_duty[Duty.DEA_FORM_106].due_on == found + timedelta(days=45)
    assert by_duty[Duty.DEA_FORM_106].done_on is None


def _unexplained_count(world: World) -> None:
    world.tick()
    c = counts.start_count(world.ctx, world.pharmacist, StartCountCommand(id=new_id()))
    world.tick()
    counts.count_lot(
        world.ctx,
        world.pharmacist,
        CountLotCommand(
            id=new_id(),
            count=c.id,
            medicine="morphine-tab-10",
            batch="B1",
            counted="18",
            reason=VarianceReason.UNEXPLAINED,
            witness=world.creds("wang.fang"),
        ),
    )


def test_closing_with_an_unexplained_variance_needs_words(world: World) -> None:
    world.receive("20")
    _unexplained_count(world)
    world.clock.advance(timedelta(days=31))
    with pytest.raises(errors.RoleNotPermitted):
        close_month(world.ctx, world.creds("li.na"), "2026-03")
    with pytest.raises(errors.AuthenticationFailed):
        close_month(world.ctx, world.creds("zhou.rp", "0000"), "2026-03")
    with pytest.raises(errors.UnexplainedNotAcknowledged):
        close_month(world.ctx, world.creds("zhou.rp"), "2026-03")
    sealed = close_month(world.ctx, world.creds("zhou.rp"), "2026-03", "Reported to the CDAO; CCTV reviewed")
    assert sealed.acknowledgement and sealed.figures_digest


def test_a_closed_month_refuses_back_dated_entries_and_cannot_be_reopened(world: World) -> None:
    world.receive("20")
    world.clock.advance(timedelta(days=31))
    close_month(world.ctx, world.creds("zhou.rp"), "2026-03")
    with pytest.raises(errors.PeriodClosed):
        world.receive("5", occurred_at=world.clock.now() - timedelta(days=3))
    with pytest.raises(errors.ReopenNotPossible) as caught:
        reopen_month(world.ctx, "2026-03")
    assert "2026-03" in str(caught.value)
    with pytest.raises(errors.MonthNotClosed):
        reopen_month(world.ctx, "2026-04")
    with pytest.raises(errors.InvalidValue):
        close_month(world.ctx, world.creds("zhou.rp"), "2026-13")


def test_a_finding_after_the_close_refers_to_the_closed_month(world: World) -> None:
    world.receive("20")
    world.clock.advance(timedelta(days=31))
    close_month(world.ctx, world.creds("zhou.rp"), "2026-03")
    world.tick()
    c = counts.start_count(world.ctx, world.pharmacist, StartCountCommand(id=new_id()))
    base: dict[str, Any] = {
        "count": c.id,
        "medicine": "morphine-tab-10",
        "batch": "B1",
        "counted": "19",
        "reason": VarianceReason.COUNT_ERROR,
        "witness": world.creds("wang.fang"),
    }
    with pytest.raises(errors.RefersToOpenMonth):
        counts.count_lot(world.ctx, world.pharmacist, CountLotCommand(id=new_id(), refers_to_month="2026-04", **base))
    line = counts.count_lot(
        world.ctx, world.pharmacist, CountLotCommand(id=new_id(), refers_to_month="2026-03", **base)
    )
    assert line.movement_id is not None
    with world.ctx.uow(write=False) as uow:
        entry = uow.ledger.movement(world.pharmacy_id, line.movement_id)
    assert entry is not None and "re 2026-03" in (entry.document or "")
    assert entry.occurred_at.date() >= date(2026, 4, 1)


def test_holds_record_the_application_for_destruction(world: World) -> None:
    world.receive("20")
    saved = holds.hold(
        world.ctx,
        world.pharmacist,
        HoldCommand(medicine="morphine-tab-10", batch="B1", kind=HoldKind.DESTRUCTION_APPLIED, reference="SQ-7"),
    )
    assert saved.kind is HoldKind.DESTRUCTION_APPLIED and saved.reference == "SQ-7"
