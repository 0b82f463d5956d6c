"""Appending to the register: the one place a movement is written, under the pharmacy's chain-head lock.

Every movement verb goes through `run_movement`: check the actor and the checker, take the lock, return the
first outcome of a retried id, build the draft, check the timing and the balance, hash, write, commit.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from pharmacy.domain.chain import hashed_values, link_hash
from pharmacy.domain.errors import N_, InsufficientStock, InvalidValue, UnknownPharmacy
from pharmacy.domain.findings import KeptFinding
from pharmacy.domain.movement import KIND_LABEL, Book, Movement, MovementKind
from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import ChainHead, Lot, Medicine, Pharmacy
from pharmacy.domain.roles import MAY_ENTER, require_role
from pharmacy.domain.timing import TimingPolicy, check_occurred_at
from pharmacy.rules.params import Params
from pharmacy.services.auth import ensure_usable, require_second_person, witness
from pharmacy.services.commands import Credentials
from pharmacy.services.context import ServiceContext
from pharmacy.services.idempotency import previous_outcome, remember
from pharmacy.services.results import Actor, Recorded


@dataclass(frozen=True, kw_only=True)
class Draft:
    """A movement before the register gives it its sequence number, balances and hash."""

    id: UUID
    kind: MovementKind
    book: Book = Book.STOCK
    occurred_at: datetime
    medicine: Medicine
    lot: Lot
    quantity: int
    entered_by: Actor
    checked_by: Actor | None
    supplier_id: int | None = None
    prescription_id: UUID | None = None
    patient_id: int | None = None
    document: str | None = None
    reason: str | None = None
    reverses_id: UUID | None = None
    imported: bool = False
    findings: tuple[KeptFinding, ...] = ()
    codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scope:
    """What a draft builder may use: the open unit of work, the pharmacy, the time, the people."""

    uow: UnitOfWork
    pharmacy: Pharmacy
    now: datetime
    actor: Actor
    checker: Actor | None
    rule_params: Params | None = None


DraftBuilder = Callable[[Scope], Draft]
# Writes what belongs to the entry besides the register line (a destruction's witnesses …), same transaction.
AfterAppend = Callable[[Scope, Draft, Recorded], None]


def occurred(value: datetime | None, now: datetime) -> datetime:
    if value is None:
        return now
    if value.tzinfo is None:
        raise InvalidValue(field="occurred_at", problem=N_("give a time zone, e.g. 2026-03-01T09:30+08:00"))
    return value


def run_movement(
    ctx: ServiceContext,
    actor: Actor,
    command_id: UUID,
    command: object,
    kind: MovementKind,
    credentials: Credentials | None,
    build: DraftBuilder,
    after: AfterAppend | None = None,
) -> Recorded:
    require_role(actor.role, MAY_ENTER[kind], N_("record a {kind}"), kind=KIND_LABEL[kind])
    checker = witness(ctx, actor, credentials, kind)
    with ctx.uow() as uow:
        head = uow.ledger.lock_head(ctx.pharmacy_id)
        pharmacy = uow.reference.pharmacy(ctx.pharmacy_id)  # read once, used by every check below
        if pharmacy is None:
            raise UnknownPharmacy(key=str(ctx.pharmacy_id))
        require_second_person(pharmacy, kind, checker)
        prior = previous_outcome(uow, ctx.pharmacy_id, command_id, command)
        if prior is not None:
            return Recorded.from_outcome(prior)
        _recheck_people(uow, actor, checker)
        now = ctx.clock.now()
        scope = Scope(uow, pharmacy, now, actor, checker, ctx.rule_params)
        draft = build(scope)
        recorded = append(uow, pharmacy, head, draft, now)
        if after is not None:
            after(scope, draft, recorded)
        remember(uow, ctx.pharmacy_id, command_id, command, recorded.to_outcome(), now)
        uow.commit()
    return recorded


def _recheck_people(uow: UnitOfWork, actor: Actor, checker: Actor | None) -> None:
    """Disabled or locked since they signed in? Then they can no longer sign entries."""
    for person in (actor, checker):
        if person is not None:
            user = uow.reference.user(person.user_id)
            assert user is not None
            ensure_usable(user)


def timing_policy(uow: UnitOfWork, pharmacy: Pharmacy, head: ChainHead) -> TimingPolicy:
    return TimingPolicy(
        tz=pharmacy.tz,
        late_entry_days=pharmacy.late_entry_days,
        closed_through=uow.ledger.closed_through(pharmacy.id),
        latest_occurred=head.latest_occurred,
    )


def insufficient(draft: Draft, held: int) -> InsufficientStock:
    spec = draft.medicine.unit
    return InsufficientStock(
        batch=draft.lot.batch,
        medicine=draft.medicine.display_name,
        unit=spec.base_unit,
        available=format_quantity(held, spec),
        requested=format_quantity(-draft.quantity, spec),
    )


def ensure_available(uow: UnitOfWork, draft: Draft) -> int:
    """The batch holds enough: checked first, so a physical impossibility is what the pharmacist hears about.
    Returns what the batch holds."""
    held = uow.ledger.balance(draft.lot.id, draft.book.value)
    if held + draft.quantity < 0:
        raise insufficient(draft, held)
    return held


def code_kinds(codes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """A 20-digit code is a Chinese 药品追溯码 (regulations §1.12); anything else a GS1 serial."""
    trace = tuple(c for c in codes if c.isdigit() and len(c) == 20)
    return {"trace": trace, "serial": tuple(c for c in codes if c not in trace)}


def append(uow: UnitOfWork, pharmacy: Pharmacy, head: ChainHead, draft: Draft, now: datetime) -> Recorded:
    """Write one movement: timing checked, balance never below zero, sequence gapless, hash linked."""
    check_occurred_at(draft.occurred_at, now, timing_policy(uow, pharmacy, head), imported=draft.imported)
    book = draft.book.value
    held, held_by_medicine = uow.ledger.balances(pharmacy.id, draft.medicine.id, draft.lot.id, book)
    lot_balance = held + draft.quantity
    if lot_balance < 0:
        raise insufficient(draft, held)
    medicine_balance = held_by_medicine + draft.quantity
    movement = _movement(pharmacy.id, head, draft, now, lot_balance, medicine_balance)
    uow.ledger.add_movement(movement)
    uow.ledger.add_findings(pharmacy.id, movement.id, list(draft.findings))
    for kind, codes in code_kinds(draft.codes).items():
        uow.ledger.add_codes(pharmacy.id, movement.id, kind, codes)
    uow.ledger.save_balance(pharmacy.id, draft.medicine.id, draft.lot.id, book, lot_balance)
    latest = max(head.latest_occurred or draft.occurred_at, draft.occurred_at)
    uow.ledger.save_head(ChainHead(pharmacy.id, movement.seq, movement.hash, latest))
    return Recorded(
        movement.id,
        movement.seq,
        movement.kind.value,
        draft.medicine.id,
        draft.lot.id,
        draft.quantity,
        lot_balance,
        medicine_balance,
    )


def _movement(
    pharmacy_id: int, head: ChainHead, d: Draft, now: datetime, lot_balance: int, medicine_balance: int
) -> Movement:
    unsealed = Movement(
        id=d.id,
        pharmacy_id=pharmacy_id,
        seq=head.last_seq + 1,
        kind=d.kind,
        book=d.book,
        occurred_at=d.occurred_at,
        recorded_at=now,
        medicine_id=d.medicine.id,
        lot_id=d.lot.id,
        quantity=d.quantity,
        lot_balance_after=lot_balance,
        medicine_balance_after=medicine_balance,
        supplier_id=d.supplier_id,
        prescription_id=d.prescription_id,
        patient_id=d.patient_id,
        document=d.document,
        entered_by_id=d.entered_by.user_id,
        checked_by_id=d.checked_by.user_id if d.checked_by else None,
        reason=d.reason,
        reverses_id=d.reverses_id,
        imported=d.imported,
        prev_hash=head.last_hash,
        hash="",
    )
    sealed_hash = link_hash(head.last_hash, hashed_values(unsealed))
    return Movement(**{**vars(unsealed), "hash": sealed_hash})
