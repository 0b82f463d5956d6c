"""Holds on lots: quarantine stock awaiting destruction, and record the application to destroy it (CN-14).

A held lot stays in the balance (regulations §7.2: expired stock awaiting destruction stays in the book) but is
refused at the counter.
"""

from __future__ import annotations

from pharmacy.domain.errors import N_, AlreadyQuarantined, LotQuarantined, NothingToHold, UnknownPharmacy
from pharmacy.domain.holds import HOLD_REASON_LABEL, HoldKind, LotHold
from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.reference import Lot, Medicine, Pharmacy
from pharmacy.domain.roles import MAY_HOLD, require_role
from pharmacy.domain.timing import local_day
from pharmacy.services import lookup
from pharmacy.services.commands import HoldCommand
from pharmacy.services.context import ServiceContext
from pharmacy.services.results import Actor


def hold(ctx: ServiceContext, actor: Actor, command: HoldCommand) -> LotHold:
    """Quarantine a lot, or record that its destruction was applied for."""
    require_role(actor.role, MAY_HOLD, N_("quarantine stock"))
    with ctx.uow() as uow:
        uow.ledger.lock_head(ctx.pharmacy_id)  # holds are judged against balances: same lock as entries
        pharmacy = uow.reference.pharmacy(ctx.pharmacy_id)
        if pharmacy is None:
            raise UnknownPharmacy(key=str(ctx.pharmacy_id))
        med = lookup.medicine(uow, command.medicine)
        lot = lookup.lot(uow, pharmacy, med, command.batch)
        if uow.ledger.balance(lot.id, "stock") <= 0:
            raise NothingToHold(medicine=med.display_name, batch=lot.batch)
        existing = _quarantine_of(uow, pharmacy, lot)
        if command.kind is HoldKind.QUARANTINE and existing is not None:
            raise AlreadyQuarantined(medicine=med.display_name, batch=lot.batch, since=existing.on.isoformat())
        now = ctx.clock.now()
        saved = uow.custody.add_hold(
            LotHold(
                id=0,
                pharmacy_id=pharmacy.id,
                lot_id=lot.id,
                kind=command.kind,
                reason=command.reason,
                on=command.on or local_day(now, pharmacy.tz),
                reference=lookup.text(command.reference, "reference", required=False, limit=80),
                note=lookup.text(command.note, "note", required=False, limit=500),
                recorded_at=now,
                recorded_by_id=actor.user_id,
            )
        )
        uow.commit()
    return saved


def _quarantine_of(uow: UnitOfWork, pharmacy: Pharmacy, lot: Lot) -> LotHold | None:
    return next((h for h in uow.custody.holds(pharmacy.id, lot.id) if h.kind is HoldKind.QUARANTINE), None)


def refuse_if_held(uow: UnitOfWork, pharmacy: Pharmacy, med: Medicine, lot: Lot) -> None:
    """Quarantined stock is never dispensed; it waits for a witnessed destruction."""
    held = _quarantine_of(uow, pharmacy, lot)
    if held is not None:
        raise LotQuarantined(
            batch=lot.batch, medicine=med.display_name, reason=HOLD_REASON_LABEL[held.reason], since=held.on.isoformat()
        )
