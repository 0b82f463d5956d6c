"""Corrections: a new entry that reverses an earlier one, dated when made, with a reason and a second person.

Nothing is edited (X-1; UK reg 20(c): corrections only by dated note). The original stays in the register,
marked as reversed by the correction that points at it; a movement can be reversed once.
"""

from __future__ import annotations

from uuid import UUID

from pharmacy.domain.errors import AlreadyReversed, CannotReverseCorrection, ReasonRequired, UnknownMovement
from pharmacy.domain.movement import KIND_LABEL, Movement, MovementKind
from pharmacy.domain.ports import UnitOfWork
from pharmacy.services import lookup
from pharmacy.services.appending import Draft, Scope, run_movement
from pharmacy.services.commands import CorrectCommand
from pharmacy.services.context import ServiceContext
from pharmacy.services.results import Actor, Recorded


def find_movement(uow: UnitOfWork, pharmacy_id: int, key: str) -> Movement:
    key = key.strip().lstrip("#")
    found: Movement | None = None
    if key.isdigit():
        found = uow.ledger.movement_by_seq(pharmacy_id, int(key))
    else:
        try:
            found = uow.ledger.movement(pharmacy_id, UUID(key))
        except ValueError:
            found = None
    if found is None:
        raise UnknownMovement(key=key)
    return found


def correct(ctx: ServiceContext, actor: Actor, command: CorrectCommand) -> Recorded:
    kind = MovementKind.CORRECTION

    def build(scope: Scope) -> Draft:
        uow = scope.uow
        original = find_movement(uow, scope.pharmacy.id, command.reverses)
        if original.kind is MovementKind.CORRECTION:
            raise CannotReverseCorrection(seq=original.seq)
        earlier = uow.ledger.reversal_of(scope.pharmacy.id, original.id)
        if earlier is not None:
            raise AlreadyReversed(seq=original.seq, by_seq=earlier.seq)
        reason = lookup.text(command.reason, "reason", required=False, limit=500)
        if reason is None:
            raise ReasonRequired(kind=KIND_LABEL[kind])
        medicine = uow.reference.medicine(original.medicine_id)
        lot = uow.reference.lot(original.lot_id)
        assert medicine is not None and lot is not None
        return Draft(
            id=command.id,
            kind=kind,
            book=original.book,
            occurred_at=scope.now,
            medicine=medicine,
            lot=lot,
            quantity=-original.quantity,
            entered_by=scope.actor,
            checked_by=scope.checker,
            supplier_id=original.supplier_id,
            prescription_id=original.prescription_id,
            patient_id=original.patient_id,
            document=original.document,
            reason=reason,
            reverses_id=original.id,
        )

    return run_movement(ctx, actor, command.id, command, kind, command.witness, build)
