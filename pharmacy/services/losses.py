"""Losses and their reporting duties: the checklist with deadlines, and duties marked done (US-12, CN-15).

A loss found by a count or recorded directly sets off the profile's duties (domain.duties); each is marked done
with the authority's reference, append-only, so an inspector sees when every report went out.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

from pharmacy.domain.duties import DUTY_LABEL, Duty, DutyDone, DutyDue, checklist, duties_for
from pharmacy.domain.errors import N_, DutyAlreadyRecorded, DutyNotInProfile, NotALoss, UnknownPharmacy
from pharmacy.domain.movement import Movement, MovementKind
from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.reference import Pharmacy
from pharmacy.domain.roles import MAY_HOLD, require_role
from pharmacy.domain.timing import local_day
from pharmacy.services import lookup
from pharmacy.services.commands import DutyDoneCommand
from pharmacy.services.context import ServiceContext
from pharmacy.services.correct import find_movement
from pharmacy.services.results import Actor


def record_duty(ctx: ServiceContext, actor: Actor, command: DutyDoneCommand) -> DutyDone:
    require_role(actor.role, MAY_HOLD, N_("record a loss report"))
    with ctx.uow() as uow:
        pharmacy = uow.reference.pharmacy(ctx.pharmacy_id)
        if pharmacy is None:
            raise UnknownPharmacy(key=str(ctx.pharmacy_id))
        entry = find_movement(uow, pharmacy.id, command.entry)
        if entry.kind is not MovementKind.LOSS:
            raise NotALoss(key=command.entry)
        duties = duties_for(pharmacy.profile)
        if command.duty not in duties:
            raise DutyNotInProfile(duty=command.duty.value, duties=", ".join(d.value for d in duties))
        for done in uow.custody.duties_done(pharmacy.id, [entry.id]):
            if done.duty is command.duty:
                raise DutyAlreadyRecorded(
                    duty=DUTY_LABEL[done.duty], key=command.entry, done_on=done.done_on.isoformat()
                )
        now = ctx.clock.now()
        done = DutyDone(
            pharmacy.id,
            entry.id,
            command.duty,
            command.done_on or local_day(now, pharmacy.tz),
            lookup.text(command.reference, "reference", required=False, limit=80),
            actor.user_id,
        )
        uow.custody.add_duty_done(done, now)
        uow.commit()
    return done


def loss_checklists(
    uow: UnitOfWork, pharmacy: Pharmacy, start: datetime, end: datetime
) -> list[tuple[Movement, list[DutyDue]]]:
    """Every loss dated in [start, end) with its duties, due dates and what is done."""
    losses = uow.ledger.movements_of_kind(pharmacy.id, MovementKind.LOSS, start, end)
    done: dict[UUID, dict[Duty, tuple[date, str | None]]] = {}
    for d in uow.custody.duties_done(pharmacy.id, [m.id for m in losses]):
        done.setdefault(d.movement_id, {})[d.duty] = (d.done_on, d.reference)
    return [
        (m, checklist(pharmacy.profile, local_day(m.occurred_at, pharmacy.tz), done.get(m.id, {})))
        for m in losses
        if uow.ledger.reversal_of(pharmacy.id, m.id) is None  # a loss corrected away reports nothing
    ]
