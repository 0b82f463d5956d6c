"""`pharmacy count | hold | duty | close | reopen`: the handlers for counts, quarantine, loss reports, the close.

Their arguments are in `cli.custody_parser` (light: the TUI starts through the same parser)."""

from __future__ import annotations

import uuid

from pharmacy.cli.context import Cli, local_time, qty
from pharmacy.cli.credentials import acting, read_pin
from pharmacy.cli.output import Column, emit
from pharmacy.domain.counts import VARIANCE_LABEL, CountScope, CountType, TakenAt, VarianceReason
from pharmacy.domain.duties import DUTY_LABEL, Duty
from pharmacy.domain.errors import N_, InvalidValue, UnknownCount
from pharmacy.domain.holds import HoldKind, HoldReason
from pharmacy.domain.movement import Book
from pharmacy.services import close, counts, holds, losses
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import (
    CountLotCommand,
    Credentials,
    DutyDoneCommand,
    HoldCommand,
    StartCountCommand,
)
from pharmacy.services.results import Actor


def _actor(cli: Cli) -> Actor:
    return authenticate(cli.register().ctx, acting(cli.args.acting))


def _witness(name: str | None) -> Credentials | None:
    if not name:
        return None
    return Credentials(name, read_pin(f"PIN for {name} (witness): ", "PHARMACY_WITNESS_PIN"))


def cmd_count(cli: Cli) -> int:
    a = cli.args
    if a.count_action == "start":
        return _start(cli)
    if a.count_action == "lot":
        return _count_lot(cli)
    if a.count_action == "show":
        return _show(cli)
    return _list(cli)


def _start(cli: Cli) -> int:
    a = cli.args
    command = StartCountCommand(
        id=uuid.uuid4(),
        scope=CountScope(a.scope),
        scope_value=a.value,
        count_type=CountType(a.count_type),
        taken_at=TakenAt(a.taken_at) if a.taken_at else None,
        note=a.note,
    )
    started = counts.start_count(cli.register().ctx, _actor(cli), command)
    print(cli.t("Count {id} started at entry {seq}.").format(id=started.id, seq=started.snapshot_seq))
    return 0


def _count_lot(cli: Cli) -> int:
    a = cli.args
    try:
        count_id = uuid.UUID(a.count_id)
    except ValueError:
        raise InvalidValue(field="count", problem=N_("give the count's id as printed by `count start`")) from None
    command = CountLotCommand(
        id=uuid.uuid4(),
        count=count_id,
        medicine=a.medicine,
        batch=a.batch,
        counted=a.quantity,
        unit="pack" if a.pack else "base",
        book=Book.RETURNS if a.returns else Book.STOCK,
        estimated=a.estimated,
        reason=VarianceReason(a.reason) if a.reason else None,
        note=a.note,
        refers_to_month=a.refers_to,
        witness=_witness(a.witness),
    )
    line = counts.count_lot(cli.register().ctx, _actor(cli), command)
    _say_line(cli, line.variance, line.reason, line.movement_id is not None)
    return 0


def _say_line(cli: Cli, variance: int, reason: VarianceReason | None, entry: bool) -> None:
    t = cli.t
    if variance == 0:
        print(t("Counted: the shelf agrees with the book."))
        return
    label = t(VARIANCE_LABEL[reason]) if reason else t("estimate")
    said = t("Counted: variance {variance} steps, explained as {reason}.").format(variance=variance, reason=label)
    print(said + (" " + t("The variance is recorded as an entry in the register.") if entry else ""))


def _show(cli: Cli) -> int:
    reg = cli.register()
    with reg.ctx.uow(write=False) as uow:
        count = uow.custody.count(reg.pharmacy.id, uuid.UUID(cli.args.count_id))
        if count is None:
            raise UnknownCount(key=cli.args.count_id)
        status = counts.count_status(uow, reg.pharmacy, count)
        counted = {(x.lot_id, x.book): x for x in status.lines}
        rows: list[dict[str, object]] = []
        for e in status.expected:
            med, lot = uow.reference.medicine(e.medicine_id), uow.reference.lot(e.lot_id)
            assert med is not None and lot is not None
            x = counted.get((e.lot_id, e.book))
            rows.append(
                {
                    "medicine": med.code,
                    "batch": lot.batch,
                    "book": e.book.value,
                    "snapshot": qty(e.snapshot_balance, med),
                    "counted": qty(x.counted, med) if x else "",
                    "variance": qty(x.variance, med) if x else "",
                    "reason": x.reason.value if x and x.reason else "",
                }
            )
    keys = ("medicine", "batch", "book", "snapshot", "counted", "variance", "reason")
    emit(rows, [Column(k, cli.t(k)) for k in keys], cli.fmt)
    return 0


def _list(cli: Cli) -> int:
    reg = cli.register()
    rows: list[dict[str, object]] = [
        {
            "id": str(s.count.id),
            "started": local_time(s.count.started_at, reg.pharmacy.tz),
            "type": s.count.count_type.value,
            "scope": s.count.scope_value or s.count.scope.value,
            "counted": f"{len(s.lines)}/{len(s.expected)}",
            "variances": sum(1 for x in s.lines if x.variance and not x.estimated),
            "unexplained": s.unexplained,
        }
        for s in counts.counts_of(reg.ctx)
    ]
    keys = ("id", "started", "type", "scope", "counted", "variances", "unexplained")
    emit(rows, [Column(k, cli.t(k)) for k in keys], cli.fmt)
    return 0


def cmd_hold(cli: Cli) -> int:
    a = cli.args
    command = HoldCommand(
        medicine=a.medicine,
        batch=a.batch,
        kind=HoldKind.QUARANTINE if a.hold_kind == "quarantine" else HoldKind.DESTRUCTION_APPLIED,
        reason=HoldReason(a.reason),
        on=a.on,
        reference=a.reference,
        note=a.note,
    )
    saved = holds.hold(cli.register().ctx, _actor(cli), command)
    if saved.kind is HoldKind.QUARANTINE:
        said = cli.t("Batch {batch} quarantined on {on}: it stays in the balance and cannot be dispensed.")
    else:
        said = cli.t("Batch {batch}: destruction applied for on {on}; the regulator attends within 5 days.")
    print(said.format(batch=a.batch, on=saved.on))
    return 0


def cmd_duty(cli: Cli) -> int:
    a = cli.args
    command = DutyDoneCommand(entry=a.entry, duty=Duty(a.duty), done_on=a.on, reference=a.reference)
    done = losses.record_duty(cli.register().ctx, _actor(cli), command)
    print(cli.t("Recorded: {duty}, done on {on}.").format(duty=cli.t(DUTY_LABEL[done.duty]), on=done.done_on))
    return 0


def cmd_close(cli: Cli) -> int:
    a = cli.args
    signer = acting(a.acting)
    sealed = close.close_month(cli.register().ctx, signer, a.month, a.acknowledge)
    print(
        cli.t("{month} is closed and sealed at entry {seq} ({hash}).").format(
            month=sealed.month, seq=sealed.head_seq, hash=sealed.head_hash[:16]
        )
    )
    return 0


def cmd_reopen(cli: Cli) -> int:
    close.reopen_month(cli.register().ctx, cli.args.month)
    return 0
