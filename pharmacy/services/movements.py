"""Movement verbs: receive, dispense, take back from a patient, return to supplier, destroy, lose, adjust."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime
from uuid import UUID

from pharmacy.domain.errors import (
    DocumentRequired,
    ExceedsPrescription,
    LotExpiryMismatch,
    PrescriptionMedicineMismatch,
    ReasonRequired,
    RegisterError,
)
from pharmacy.domain.findings import Finding
from pharmacy.domain.movement import KIND_LABEL, Book, MovementKind
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Lot, Medicine, Prescription
from pharmacy.rules.packs import PACKS
from pharmacy.services import lookup, rule_facts
from pharmacy.services.appending import Draft, Scope, ensure_available, occurred, run_movement
from pharmacy.services.commands import (
    AdjustCommand,
    DispenseCommand,
    LossCommand,
    MovementCommand,
    PatientReturnCommand,
    ReceiveCommand,
    SupplierReturnCommand,
)
from pharmacy.services.context import ServiceContext
from pharmacy.services.holds import refuse_if_held
from pharmacy.services.judging import judge
from pharmacy.services.results import Actor, Recorded


def _reason(command: MovementCommand, kind: MovementKind) -> str:
    reason = lookup.text(command.reason, "reason", required=False, limit=500)
    if reason is None:
        raise ReasonRequired(kind=KIND_LABEL[kind])
    return reason


def _document(command: MovementCommand, kind: MovementKind) -> str:
    document = lookup.text(command.document, "document", required=False, limit=80)
    if document is None:
        raise DocumentRequired(kind=KIND_LABEL[kind])
    return document


def draft_of(
    scope: Scope,
    command: MovementCommand,
    kind: MovementKind,
    sign: int,
    *,
    med: Medicine | None = None,
    lot: Lot | None = None,
    book: Book = Book.STOCK,
    supplier_id: int | None = None,
    prescription_id: UUID | None = None,
    patient_id: int | None = None,
    document: str | None = None,
    reason: str | None = None,
) -> Draft:
    """The common part: the medicine, its batch, the signed quantity (sign 0: as given), when, who."""
    med = med or lookup.medicine(scope.uow, command.medicine)
    lot = lot or lookup.lot(scope.uow, scope.pharmacy, med, command.batch)
    steps = lookup.quantity(med, command.quantity, command.unit, signed=sign == 0)
    return Draft(
        id=command.id,
        kind=kind,
        book=book,
        occurred_at=occurred(command.occurred_at, scope.now),
        medicine=med,
        lot=lot,
        quantity=steps if sign == 0 else sign * steps,
        entered_by=scope.actor,
        checked_by=scope.checker,
        supplier_id=supplier_id,
        prescription_id=prescription_id,
        patient_id=patient_id,
        document=document,
        reason=reason,
        imported=command.imported,
    )


def receive(ctx: ServiceContext, actor: Actor, command: ReceiveCommand) -> Recorded:
    """Goods in from a supplier; a batch seen for the first time is created with its expiry (CN-12)."""
    kind = MovementKind.RECEIPT

    def build(scope: Scope) -> Draft:
        uow, pharmacy = scope.uow, scope.pharmacy
        med = lookup.medicine(uow, command.medicine)
        supplier = lookup.supplier(uow, pharmacy, command.supplier)
        document = _document(command, kind)
        when = occurred(command.occurred_at, scope.now)
        lot = lookup.usable_lot(_receipt_lot(scope, command, med.id), when, pharmacy)
        return draft_of(
            scope,
            command,
            kind,
            +1,
            med=med,
            lot=lot,
            supplier_id=supplier.id,
            document=document,
            reason=lookup.text(command.reason, "reason", required=False, limit=500),
        )

    return run_movement(ctx, actor, command.id, command, kind, command.witness, build)


def _receipt_lot(scope: Scope, command: ReceiveCommand, medicine_id: int) -> Lot:
    batch = lookup.required(command.batch, "batch", limit=40)
    existing = scope.uow.reference.lot_by_batch(scope.pharmacy.id, medicine_id, batch)
    if existing is not None:
        if existing.expiry != command.expiry:
            raise LotExpiryMismatch(batch=batch, recorded=existing.expiry.isoformat(), given=command.expiry.isoformat())
        return existing
    return scope.uow.reference.add_lot(
        Lot(
            id=0,
            pharmacy_id=scope.pharmacy.id,
            medicine_id=medicine_id,
            batch=batch,
            expiry=command.expiry,
            gtin=lookup.text(command.gtin, "gtin", required=False, limit=14),
            manufacturer=lookup.text(command.manufacturer, "manufacturer", required=False),
        )
    )


def dispense(ctx: ServiceContext, actor: Actor, command: DispenseCommand) -> Recorded:
    """Supply against a prescription: never more than it leaves to supply (X-4), never an expired batch."""
    kind = MovementKind.DISPENSE

    def build(scope: Scope) -> Draft:
        uow, pharmacy = scope.uow, scope.pharmacy
        rx = lookup.prescription(uow, pharmacy, command.prescription)
        med = lookup.medicine(uow, command.medicine)
        if rx.medicine_id != med.id:
            prescribed = uow.reference.medicine(rx.medicine_id)
            raise PrescriptionMedicineMismatch(
                number=rx.number,
                medicine=med.display_name,
                prescribed=prescribed.display_name if prescribed else "?",
            )
        when = occurred(command.occurred_at, scope.now)
        lot = lookup.usable_lot(lookup.lot(uow, pharmacy, med, command.batch), when, pharmacy)
        refuse_if_held(uow, pharmacy, med, lot)
        draft = draft_of(
            scope,
            command,
            kind,
            -1,
            med=med,
            lot=lot,
            prescription_id=rx.id,
            patient_id=rx.patient_id,
            document=rx.number,
            reason=lookup.text(command.reason, "reason", required=False, limit=500),
        )
        # One read of what stands on the prescription and in the batch: it guards the supply and feeds the rules.
        fills = uow.ledger.fills(pharmacy.id, rx.id)
        remaining = rx.quantity - sum(q for _, q in fills)
        if -draft.quantity > remaining:
            raise ExceedsPrescription(
                number=rx.number,
                unit=med.base_unit,
                remaining=format_quantity(remaining, med.unit),
                requested=format_quantity(-draft.quantity, med.unit),
            )
        held = ensure_available(uow, draft)
        codes = tuple(c.strip() for c in command.codes if c.strip())
        findings = dispense_findings(scope, rx, med, lot, -draft.quantity, when, codes, (fills, held))
        kept = judge(findings, kind, command.override_reason, scope.checker)
        return replace(draft, findings=kept, codes=codes)

    return run_movement(ctx, actor, command.id, command, kind, command.witness, build)


# are guaranteed by the ledger itself, under the lock, with their own typed errors
# (InsufficientStock, ExceedsPrescription) that point the pharmacist at the quantity.
ENFORCED_BY_THE_LEDGER = frozenset({"common.balance_not_negative", "common.within_prescription"})


def dispense_findings(
    scope: Scope,
    rx: Prescription,
    med: Medicine,
    lot: Lot,
    quantity: int,
    when: datetime,
    codes: tuple[str, ...],
    ledger: tuple[list[tuple[datetime, int]], int],
) -> list[Finding]:
    """What the pharmacy's rule pack says about this supply, from facts read in this transaction."""
    uow, pharmacy = scope.uow, scope.pharmacy
    checker = scope.checker.username if scope.checker else None
    facts = (
        rule_facts.prescription_facts(uow, rx),
        rule_facts.medicine_facts(uow, pharmacy, med, when),
        rule_facts.supply_facts(
            uow, pharmacy, med, lot, quantity, when, codes, (scope.actor.username, checker), ledger
        ),
    )
    return [
        f
        for f in PACKS[pharmacy.profile].check_dispense(*facts, scope.rule_params)
        if f.rule_id not in ENFORCED_BY_THE_LEDGER
    ]


def take_back(ctx: ServiceContext, actor: Actor, command: PatientReturnCommand) -> Recorded:
    """A patient's return goes to the returns book, never back into saleable stock (UK-9)."""
    kind = MovementKind.PATIENT_RETURN

    def build(scope: Scope) -> Draft:
        uow, pharmacy = scope.uow, scope.pharmacy
        rx = lookup.prescription(uow, pharmacy, command.prescription) if command.prescription else None
        patient_id = lookup.patient(uow, pharmacy, command.patient).id if command.patient else None
        if patient_id is None and rx is not None:
            patient_id = rx.patient_id
        draft = draft_of(
            scope,
            command,
            kind,
            +1,
            book=Book.RETURNS,
            patient_id=patient_id,
            prescription_id=rx.id if rx else None,
            reason=_reason(command, kind),
            document=lookup.text(command.document, "document", required=False, limit=80),
        )
        return draft

    return run_movement(ctx, actor, command.id, command, kind, command.witness, build)


def return_to_supplier(ctx: ServiceContext, actor: Actor, command: SupplierReturnCommand) -> Recorded:
    kind = MovementKind.SUPPLIER_RETURN

    def build(scope: Scope) -> Draft:
        supplier = lookup.supplier(scope.uow, scope.pharmacy, command.supplier)
        return draft_of(
            scope,
            command,
            kind,
            -1,
            supplier_id=supplier.id,
            document=_document(command, kind),
            reason=lookup.text(command.reason, "reason", required=False, limit=500),
        )

    return run_movement(ctx, actor, command.id, command, kind, command.witness, build)


def record_loss(ctx: ServiceContext, actor: Actor, command: LossCommand) -> Recorded:
    kind = MovementKind.LOSS

    def build(scope: Scope) -> Draft:
        return draft_of(
            scope,
            command,
            kind,
            -1,
            reason=_reason(command, kind),
            document=lookup.text(command.document, "document", required=False, limit=80),
        )

    return run_movement(ctx, actor, command.id, command, kind, command.witness, build)


def adjust(ctx: ServiceContext, actor: Actor, command: AdjustCommand) -> Recorded:
    """A count variance, explained and witnessed: the quantity is the signed difference found."""
    kind = MovementKind.ADJUSTMENT

    def build(scope: Scope) -> Draft:
        return draft_of(
            scope,
            command,
            kind,
            0,
            reason=_reason(command, kind),
            document=lookup.text(command.document, "document", required=False, limit=80),
        )

    return run_movement(ctx, actor, command.id, command, kind, command.witness, build)


# Asked for when the entry is recorded, not while it is being typed.
NOT_PREVIEWED = frozenset({"CN-11", "X-3"})


def preview_dispense(ctx: ServiceContext, actor: Actor, command: DispenseCommand) -> list[Finding]:
    """The findings a dispense would get, as the pharmacist types (read-only; nothing is written)."""
    with ctx.uow(write=False) as uow:
        pharmacy = uow.reference.pharmacy(ctx.pharmacy_id)
        if pharmacy is None:
            return []
        try:
            rx = lookup.prescription(uow, pharmacy, command.prescription)
            med = lookup.medicine(uow, command.medicine)
            lot = lookup.lot(uow, pharmacy, med, command.batch)
            steps = lookup.quantity(med, command.quantity, command.unit)
        except RegisterError:
            return []  # the form shows these when the entry is recorded
        when = occurred(command.occurred_at, ctx.clock.now())
        scope = Scope(uow, pharmacy, ctx.clock.now(), actor, None, ctx.rule_params)
        ledger = (uow.ledger.fills(pharmacy.id, rx.id), uow.ledger.balance(lot.id, "stock"))
        codes = tuple(c for c in command.codes if c.strip())
        found = dispense_findings(scope, rx, med, lot, steps, when, codes, ledger)
    return [f for f in found if f.params.get("table_id") not in NOT_PREVIEWED]
