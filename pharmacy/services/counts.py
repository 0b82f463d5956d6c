"""Stock counts: start one (a snapshot of the chain head), count each lot, explain every variance with an entry.

A count never resets a balance: a variance becomes a witnessed adjustment, or a loss with its reporting duties
(domain.counts). The book a lot is compared with is its balance when counted, so the counter keeps working
during a count (regulations §7.2).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from decimal import Decimal
from uuid import uuid4

from pharmacy.domain.counts import (
    LIQUID_REASONS,
    LIQUID_UNITS,
    REASON_SIGN,
    VARIANCE_LABEL,
    CountLine,
    CountScope,
    CountType,
    StockCount,
    VarianceReason,
    entry_kind_for,
    within_tolerance,
)
from pharmacy.domain.errors import (
    N_,
    AlreadyCounted,
    InventoryNotInProfile,
    LotOutsideCount,
    NotALiquid,
    ReasonDoesNotFit,
    RefersToOpenMonth,
    SecondPersonRequired,
    TakenAtRequired,
    ToleranceExceeded,
    UnknownCount,
    UnknownPharmacy,
    VarianceReasonRequired,
)
from pharmacy.domain.movement import KIND_LABEL, Book, MovementKind
from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.profile import Profile
from pharmacy.domain.quantity import format_quantity, parse_count
from pharmacy.domain.reference import ChainHead, Lot, Medicine, Pharmacy
from pharmacy.domain.roles import MAY_COUNT, MAY_ENTER, require_role
from pharmacy.domain.timing import parse_month
from pharmacy.rules.facts import resolve_class
from pharmacy.rules.params import Params, defaults
from pharmacy.rules.us import us_11_estimate
from pharmacy.services import lookup
from pharmacy.services.appending import Draft, append
from pharmacy.services.auth import witness
from pharmacy.services.commands import CountLotCommand, StartCountCommand
from pharmacy.services.context import ServiceContext
from pharmacy.services.judging import refuse_blocks
from pharmacy.services.results import Actor


def start_count(ctx: ServiceContext, actor: Actor, command: StartCountCommand) -> StockCount:
    """Take the snapshot under the chain-head lock, so it is one exact point of the register."""
    require_role(actor.role, MAY_COUNT, N_("count stock"))
    with ctx.uow() as uow:
        head = uow.ledger.lock_head(ctx.pharmacy_id)
        pharmacy = _pharmacy(uow, ctx.pharmacy_id)
        existing = uow.custody.count(pharmacy.id, command.id)
        if existing is not None:  # a retried start
            return existing
        if command.count_type is not CountType.ROUTINE:
            if pharmacy.profile is not Profile.US:
                raise InventoryNotInProfile()
            if command.taken_at is None:
                raise TakenAtRequired()
        count = StockCount(
            id=command.id,
            pharmacy_id=pharmacy.id,
            scope=command.scope,
            scope_value=_scope_value(uow, command),
            count_type=command.count_type,
            taken_at=command.taken_at,
            snapshot_seq=head.last_seq,
            started_at=ctx.clock.now(),
            started_by_id=actor.user_id,
            note=lookup.text(command.note, "note", required=False, limit=500),
        )
        uow.custody.add_count(count)
        uow.commit()
    return count


def _pharmacy(uow: UnitOfWork, pharmacy_id: int) -> Pharmacy:
    pharmacy = uow.reference.pharmacy(pharmacy_id)
    if pharmacy is None:
        raise UnknownPharmacy(key=str(pharmacy_id))
    return pharmacy


def _scope_value(uow: UnitOfWork, command: StartCountCommand) -> str | None:
    if command.scope is CountScope.ALL:
        return None
    if command.scope is CountScope.MEDICINE:
        return lookup.medicine(uow, lookup.required(command.scope_value, "medicine")).code
    return lookup.required(command.scope_value, "class", limit=40)


def in_scope(uow: UnitOfWork, pharmacy: Pharmacy, count: StockCount, med: Medicine, day: datetime) -> bool:
    if count.scope is CountScope.ALL:
        return True
    if count.scope is CountScope.MEDICINE:
        return med.code == count.scope_value
    entries = [(c.jurisdiction, c.class_code, c.effective_from) for c in uow.reference.medicine_classes(med.id)]
    return resolve_class(entries, pharmacy.profile.jurisdiction, day.astimezone(pharmacy.tz).date()) == (
        count.scope_value
    )


@dataclass(frozen=True)
class _Counting:
    """What one count line is judged on, read under the lock."""

    pharmacy: Pharmacy
    count: StockCount
    medicine: Medicine
    lot: Lot
    counted: int
    snapshot: int
    book: int
    class_code: str | None
    params: Params


def count_lot(ctx: ServiceContext, actor: Actor, command: CountLotCommand) -> CountLine:
    """Record one lot's count; a variance is explained by its reason and written as a witnessed entry."""
    require_role(actor.role, MAY_COUNT, N_("count stock"))
    checker = witness(ctx, actor, command.witness, MovementKind.ADJUSTMENT)
    with ctx.uow() as uow:
        head = uow.ledger.lock_head(ctx.pharmacy_id)
        pharmacy = _pharmacy(uow, ctx.pharmacy_id)
        earlier = [x for x in uow.custody.count_lines(pharmacy.id, command.count) if x.id == command.id]
        if earlier:  # a retried scan
            return earlier[0]
        now = ctx.clock.now()
        params = ctx.rule_params if ctx.rule_params is not None else defaults(pharmacy.profile)
        c = _read(uow, pharmacy, command, now, params)
        if command.estimated:
            _check_estimate(c)
        line = _line(c, command, actor, checker, now)
        if line.variance and not line.estimated:
            line = _explain(uow, c, line, head, actor, checker, now)
        uow.custody.add_count_line(line)
        uow.commit()
    return line


def _read(uow: UnitOfWork, pharmacy: Pharmacy, command: CountLotCommand, now: datetime, params: Params) -> _Counting:
    count = uow.custody.count(pharmacy.id, command.count)
    if count is None:
        raise UnknownCount(key=str(command.count))
    med = lookup.medicine(uow, command.medicine)
    lot = lookup.lot(uow, pharmacy, med, command.batch)
    if not in_scope(uow, pharmacy, count, med, now):
        raise LotOutsideCount(medicine=med.display_name, batch=lot.batch, scope=count.scope_value or count.scope.value)
    for x in uow.custody.count_lines(pharmacy.id, count.id):
        if x.lot_id == lot.id and x.book is command.book:
            before = format_quantity(x.counted, med.unit)
            raise AlreadyCounted(medicine=med.display_name, batch=lot.batch, counted=before, unit=med.base_unit)
    base = lookup.quantity_base(med, command.counted, command.unit)
    counted = parse_count(base, med.unit)
    snapshot = uow.ledger.balances_at(pharmacy.id, count.snapshot_seq, lot.id).get(
        (med.id, lot.id, command.book.value), 0
    )
    book = uow.ledger.balance(lot.id, command.book.value)
    entries = [(x.jurisdiction, x.class_code, x.effective_from) for x in uow.reference.medicine_classes(med.id)]
    class_code = resolve_class(entries, pharmacy.profile.jurisdiction, now.astimezone(pharmacy.tz).date())
    return _Counting(pharmacy, count, med, lot, counted, snapshot, book, class_code, params)


def _line(c: _Counting, command: CountLotCommand, actor: Actor, checker: Actor | None, now: datetime) -> CountLine:
    refers = parse_month(command.refers_to_month) if command.refers_to_month else None
    return CountLine(
        id=command.id,
        count_id=c.count.id,
        pharmacy_id=c.pharmacy.id,
        medicine_id=c.medicine.id,
        lot_id=c.lot.id,
        book=command.book,
        snapshot_balance=c.snapshot,
        book_balance=c.book,
        counted=c.counted,
        estimated=command.estimated,
        reason=command.reason if c.counted != c.book else None,
        note=lookup.text(command.note, "note", required=False, limit=500),
        refers_to_month=refers,
        counted_at=now,
        counted_by_id=actor.user_id,
        witness_id=checker.user_id if checker else None,
        movement_id=None,
    )


def _check_estimate(c: _Counting) -> None:
    """US-11: estimates only in a DEA inventory, never for CII, never for a container over 1,000 units."""
    found = us_11_estimate(c.count.count_type.value, c.class_code, c.medicine.pack_size, c.params)
    refuse_blocks([found] if found is not None else [])


def _explain(
    uow: UnitOfWork, c: _Counting, line: CountLine, head: ChainHead, actor: Actor, checker: Actor | None, now: datetime
) -> CountLine:
    """The variance's reason must fit it; the entry that records it is witnessed and dated now."""
    reason = _fitting_reason(c, line)
    kind = entry_kind_for(reason, line.variance)
    require_role(actor.role, MAY_ENTER[kind], N_("record a {kind}"), kind=KIND_LABEL[kind])
    if checker is None:
        raise SecondPersonRequired(kind=KIND_LABEL[kind])
    if line.refers_to_month is not None and line.refers_to_month > (uow.ledger.closed_through(c.pharmacy.id) or ""):
        raise RefersToOpenMonth(month=line.refers_to_month)
    said = VARIANCE_LABEL[reason] + (f": {line.note}" if line.note else "")
    draft = Draft(
        id=uuid4(),
        kind=kind,
        book=line.book,
        occurred_at=now,
        medicine=c.medicine,
        lot=c.lot,
        quantity=line.variance,
        entered_by=actor,
        checked_by=checker,
        document=f"count {c.count.id.hex[:8]}" + (f" re {line.refers_to_month}" if line.refers_to_month else ""),
        reason=said,
    )
    recorded = append(uow, c.pharmacy, head, draft, now)
    return replace(line, movement_id=recorded.movement_id)


def _fitting_reason(c: _Counting, line: CountLine) -> VarianceReason:
    spec, variance = c.medicine.unit, line.variance
    shown = {"variance": ("+" if variance > 0 else "") + format_quantity(variance, spec), "unit": c.medicine.base_unit}
    if line.reason is None:
        liquid = c.medicine.base_unit in LIQUID_UNITS
        fits = [r for r in VarianceReason if REASON_SIGN[r] in (0, 1 if variance > 0 else -1)]
        reasons = ", ".join(r.value for r in fits if liquid or r not in LIQUID_REASONS)
        book = format_quantity(line.book_balance, spec)
        raise VarianceReasonRequired(**shown, counted=format_quantity(line.counted, spec), book=book, reasons=reasons)
    sign = REASON_SIGN[line.reason]
    if sign and sign * variance < 0:
        raise ReasonDoesNotFit(reason=VARIANCE_LABEL[line.reason], **shown)
    if line.reason in LIQUID_REASONS:
        if c.medicine.base_unit not in LIQUID_UNITS:
            raise NotALiquid(reason=VARIANCE_LABEL[line.reason], medicine=c.medicine.display_name, unit=spec.base_unit)
        tolerance = c.medicine.count_tolerance_bp or c.params.number("counts.liquid_tolerance_bp")
        if not within_tolerance(variance, line.book_balance, tolerance):
            book = format_quantity(line.book_balance, spec)
            percent = f"{Decimal(tolerance) / 100:f}".rstrip("0").rstrip(".")
            raise ToleranceExceeded(**shown, tolerance=percent, medicine=c.medicine.display_name, book=book)
    return line.reason


@dataclass(frozen=True)
class ExpectedLot:
    medicine_id: int
    lot_id: int
    book: Book
    snapshot_balance: int


@dataclass(frozen=True)
class CountStatus:
    """How far a count has got: the lots it expects (held at the snapshot, in scope) and those counted."""

    count: StockCount
    expected: tuple[ExpectedLot, ...]
    lines: tuple[CountLine, ...]

    @property
    def remaining(self) -> tuple[ExpectedLot, ...]:
        done = {(x.lot_id, x.book) for x in self.lines}
        return tuple(e for e in self.expected if (e.lot_id, e.book) not in done)

    @property
    def unexplained(self) -> int:
        return sum(1 for x in self.lines if x.reason is VarianceReason.UNEXPLAINED)


def count_status(uow: UnitOfWork, pharmacy: Pharmacy, count: StockCount) -> CountStatus:
    medicines: dict[int, bool] = {}
    expected = []
    for (medicine_id, lot_id, book), balance in sorted(uow.ledger.balances_at(pharmacy.id, count.snapshot_seq).items()):
        if balance <= 0:
            continue
        if medicine_id not in medicines:
            med = uow.reference.medicine(medicine_id)
            medicines[medicine_id] = med is not None and in_scope(uow, pharmacy, count, med, count.started_at)
        if medicines[medicine_id]:
            expected.append(ExpectedLot(medicine_id, lot_id, Book(book), balance))
    return CountStatus(count, tuple(expected), tuple(uow.custody.count_lines(pharmacy.id, count.id)))


def counts_of(ctx: ServiceContext, since: datetime | None = None) -> list[CountStatus]:
    """The history of counts, newest first, each with its progress and outcome."""
    with ctx.uow(write=False) as uow:
        pharmacy = _pharmacy(uow, ctx.pharmacy_id)
        found = [count_status(uow, pharmacy, c) for c in uow.custody.counts(pharmacy.id, since)]
    return found[::-1]
