"""The demo's custody work: month-end counts with an explained variance or two, a lot that expires and is
quarantined and destroyed before the witnesses the profile asks for, patient returns destroyed, a loss reported.

It leaves something to do when the demo opens: last month is counted but not closed, and one expired lot waits
for its destruction (in China, applied for more than 5 days ago: the CN-14 alert).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from pharmacy.domain.counts import VarianceReason
from pharmacy.domain.duties import duties_for
from pharmacy.domain.errors import UnexplainedNotAcknowledged
from pharmacy.domain.holds import HoldKind, HoldReason
from pharmacy.domain.movement import Book, MovementKind
from pharmacy.domain.reference import Medicine
from pharmacy.domain.roles import MAY_CHECK
from pharmacy.services import counts, destruction, holds, losses
from pharmacy.services.close import close_month
from pharmacy.services.commands import (
    CountLotCommand,
    Credentials,
    DestroyCommand,
    DutyDoneCommand,
    HoldCommand,
    StartCountCommand,
)
from pharmacy.services.counts import ExpectedLot

if TYPE_CHECKING:  # demo imports this module; the state is only a type here
    from pharmacy.demo import DemoState


@dataclass(frozen=True)
class WitnessDetails:
    """What a destruction records in each jurisdiction (regulations §1.9, §2.7, §3.6)."""

    method: str
    place: str
    supervisor: str | None = None
    supervisor_agency: str | None = None
    authorised_witness: str | None = None
    authorised_witness_ref: str | None = None


WITNESS_DETAILS: dict[str, WitnessDetails] = {
    "cn": WitnessDetails("破碎毁形后交有资质单位焚烧", "药剂科麻醉药品专库", "刘建国", "杭州市上城区市场监督管理局"),
    "uk": WitnessDetails(
        "CD denaturing kit (T28 exemption)",
        "Dispensary, CD cabinet area",
        authorised_witness="Dr Helen Ward",
        authorised_witness_ref="NHSE-AW-2026-0143",
    ),
    "us": WitnessDetails("Chemical digestion kit (non-retrievable)", "Pharmacy back office"),
}


def month_end(state: DemoState, day: date, *, unexplained: bool) -> None:
    """The last working day: count every lot held; a liquid's measuring loss, and now and then a shortfall."""
    state.at(day, 18, 0)
    actor, checker = state.pharmacist()
    count = counts.start_count(state.ctx, actor, StartCountCommand(id=uuid.uuid4(), note="month-end balance check"))
    with state.ctx.uow(write=False) as uow:
        pharmacy = uow.reference.pharmacy(state.ctx.pharmacy_id)
        assert pharmacy is not None
        expected = counts.count_status(uow, pharmacy, count).expected
        lots = {e.lot_id: uow.reference.lot(e.lot_id) for e in expected}
    shortfall_done, lost = not unexplained, None
    for e in expected:
        med, lot = next(m for m in state.medicines if m.id == e.medicine_id), lots[e.lot_id]
        assert lot is not None
        found, reason = _found(e, med, shortfall=not shortfall_done)
        shortfall_done = shortfall_done or reason is VarianceReason.UNEXPLAINED
        state.at(day, 18, 5)
        line = counts.count_lot(
            state.ctx,
            actor,
            CountLotCommand(
                id=uuid.uuid4(),
                count=count.id,
                medicine=med.code,
                batch=lot.batch,
                counted=str(Decimal(found) / med.unit.scale),
                book=e.book,
                reason=reason,
                note="measured with a 100 mL cylinder" if reason is VarianceReason.LIQUID_LOSS else None,
                witness=checker if reason else None,
            ),
        )
        if e.book is Book.STOCK:
            state.stock[(med.code, lot.batch)] = line.counted
        if reason is VarianceReason.UNEXPLAINED:
            lost = line.movement_id
    if lost is not None:
        _report_first_duty(state, day, str(lost))


def _found(e: ExpectedLot, med: Medicine, *, shortfall: bool) -> tuple[int, VarianceReason | None]:
    """What the demo's shelf holds: a big liquid stock 2% short (within the 5% tolerance), once a tablet short."""
    if e.book is Book.STOCK and med.base_unit == "mL" and e.snapshot_balance >= 200 * med.unit.scale:
        return e.snapshot_balance - e.snapshot_balance // 50, VarianceReason.LIQUID_LOSS
    if e.book is Book.STOCK and shortfall and med.base_unit != "mL":
        return e.snapshot_balance - med.unit.scale, VarianceReason.UNEXPLAINED
    return e.snapshot_balance, None


def _report_first_duty(state: DemoState, day: date, entry: str) -> None:
    """The first report goes out the next morning; the rest is left for the checklist to show."""
    actor, _ = state.pharmacist()
    first = duties_for(state.profile)[0]
    state.at(day + timedelta(days=1), 9, 15)
    losses.record_duty(
        state.ctx, actor, DutyDoneCommand(entry=entry, duty=first, done_on=day + timedelta(days=1), reference="R-1")
    )


def destroy_returns(state: DemoState, day: date, returned: dict[tuple[str, str], int]) -> None:
    """Patient returns are denatured with a second member of staff (no authorised witness: regulations §3.6)."""
    for (code, batch), steps in sorted(returned.items()):
        if steps <= 0:
            continue
        med = _medicine(state, code)
        state.at(day, 17, 45)
        actor, checker = state.pharmacist()
        details = WITNESS_DETAILS[state.profile.jurisdiction]
        destruction.destroy(
            state.ctx,
            actor,
            DestroyCommand(
                id=uuid.uuid4(),
                medicine=code,
                batch=batch,
                quantity=str(Decimal(steps) / med.unit.scale),
                book=Book.RETURNS,
                method=details.method,
                place=details.place,
                reason="patient returns denatured",
                witness=checker,
                second_witness=_second(state, actor.username, checker.username),
            ),
        )
    returned.clear()


def quarantine(state: DemoState, day: date, code: str, batch: str, *, apply: bool) -> None:
    state.at(day, 8, 45)
    actor, _ = state.pharmacist()
    holds.hold(state.ctx, actor, HoldCommand(medicine=code, batch=batch, reason=HoldReason.EXPIRED, on=day))
    if apply and state.profile.jurisdiction == "cn":  # 条例 Art.61: apply to the county regulator
        application = HoldCommand(
            medicine=code, batch=batch, kind=HoldKind.DESTRUCTION_APPLIED, on=day, reference=f"销毁申请-{day:%Y%m%d}"
        )
        holds.hold(state.ctx, actor, application)


def destroy_stock(state: DemoState, day: date, code: str, batch: str) -> None:
    """Expired stock destroyed before the witnesses the law asks for: AW (UK), two employees (US), 药监 (CN)."""
    med, steps = _medicine(state, code), state.stock.get((code, batch), 0)
    if steps <= 0:
        return
    state.at(day, 10, 30)
    actor, checker = state.pharmacist()
    details = WITNESS_DETAILS[state.profile.jurisdiction]
    destruction.destroy(
        state.ctx,
        actor,
        DestroyCommand(
            id=uuid.uuid4(),
            medicine=code,
            batch=batch,
            quantity=str(Decimal(steps) / med.unit.scale),
            reason="expired stock",
            witness=checker,
            second_witness=_second(state, actor.username, checker.username),
            method=details.method,
            place=details.place,
            supervisor=details.supervisor,
            supervisor_agency=details.supervisor_agency,
            authorised_witness=details.authorised_witness,
            authorised_witness_ref=details.authorised_witness_ref,
        ),
    )
    state.stock[(code, batch)] = 0


def close(state: DemoState, month: str) -> None:
    rp = state.people[0]
    signer = Credentials(rp.username, rp.pin)
    try:
        close_month(state.ctx, signer, month)
    except UnexplainedNotAcknowledged:
        said = "Shortfall investigated: CCTV reviewed, reported as the profile requires; counts now weekly."
        close_month(state.ctx, signer, month, said)


def _second(state: DemoState, *taken: str) -> Credentials | None:
    """US Form 41: a second employee witness, neither the one destroying nor the checker."""
    if state.profile.jurisdiction != "us":
        return None
    person = next(p for p in state.people if p.username not in taken and p.role in MAY_CHECK[MovementKind.DESTRUCTION])
    return Credentials(person.username, person.pin)


def _medicine(state: DemoState, code: str) -> Medicine:
    return next(m for m in state.medicines if m.code == code)


def _liquid(state: DemoState, code: str) -> bool:
    return _medicine(state, code).base_unit == "mL"
