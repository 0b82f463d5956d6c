"""The home screen's custody alerts, from the read models: UK-10 balance checks, quarantine, loss duties."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from sqlalchemy import Engine

from pharmacy.domain.profile import Profile
from pharmacy.reports.home_alerts import custody_alerts
from pharmacy.rules.params import defaults
from pharmacy.services import counts, holds, movements
from pharmacy.services.commands import CountLotCommand, HoldCommand, LossCommand, StartCountCommand
from tests.world import World, build_world


def alerts(world: World) -> dict[str, list[Any]]:
    with world.ctx.uow(write=False) as uow:
        pharmacy = uow.reference.pharmacy(world.pharmacy_id)
    assert pharmacy is not None
    found: dict[str, list[Any]] = {}
    for a in custody_alerts(world.engine, pharmacy, world.clock.now(), count=None, params=defaults(pharmacy.profile)):
        found.setdefault(a.kind, []).append(a)
    return found


def test_uk_balances_not_checked_within_seven_days_are_flagged_until_counted(engine: Engine) -> None:
    uk = build_world(engine, Profile.UK, "Europe/London")
    uk.receive("20")
    assert "balance_unchecked" in alerts(uk)  # never checked
    uk.tick()
    c = counts.start_count(uk.ctx, uk.pharmacist, StartCountCommand(id=uuid.uuid4()))
    line = CountLotCommand(id=uuid.uuid4(), count=c.id, medicine="morphine-tab-10", batch="B1", counted="20")
    counts.count_lot(uk.ctx, uk.pharmacist, line)
    assert "balance_unchecked" not in alerts(uk)
    uk.clock.advance(timedelta(days=8))
    assert [a.subject for a in alerts(uk)["balance_unchecked"]] == ["morphine sulfate 10 mg"]


def test_the_cn_profile_has_no_weekly_balance_rule(world: World) -> None:
    world.receive("20")
    assert "balance_unchecked" not in alerts(world)


def test_a_quarantined_lot_and_a_loss_to_report_are_flagged(world: World) -> None:
    world.receive("20")
    holds.hold(world.ctx, world.pharmacist, HoldCommand(medicine="morphine-tab-10", batch="B1"))
    world.tick()
    loss = LossCommand(
        id=uuid.uuid4(), medicine="morphine-tab-10", batch="B1", quantity="1", reason="missing",
        witness=world.creds("wang.fang"),
    )  # fmt: skip
    movements.record_loss(world.ctx, world.pharmacist, loss)
    found = alerts(world)
    assert "quarantined" in found
    world.clock.advance(timedelta(days=2))
    assert set(alerts(world)) >= {"quarantined", "loss_duty_overdue"}  # CN-15: police and 药监 at once
