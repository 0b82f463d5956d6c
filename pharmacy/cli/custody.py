"""`pharmacy count | hold | duty | close | reopen`: stock counts, quarantine, loss reports and the month-end close."""

from __future__ import annotations

import argparse
import uuid
from datetime import date
from typing import TypeAlias

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

Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_custody_parsers(sub: Sub, common: argparse.ArgumentParser, data: argparse.ArgumentParser) -> None:
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--as", dest="acting", help="who is acting (else $PHARMACY_USER; PIN from $PHARMACY_PIN)")
    count = sub.add_parser("count", help="stock counts").add_subparsers(dest="count_action", required=True)
    start = count.add_parser("start", parents=[common, who], help="start a count (takes a snapshot)")
    start.add_argument("--scope", choices=[s.value for s in CountScope], default="all")
    start.add_argument("--value", help="the class code or the medicine, for --scope class|medicine")
    start.add_argument("--type", dest="count_type", choices=[c.value for c in CountType], default="routine")
    start.add_argument("--taken-at", choices=[t.value for t in TakenAt], help="US inventories: opening or close")
    start.add_argument("--note")
    lot = count.add_parser("lot", parents=[common, who], help="record what one batch holds")
    for name in ("count_id", "medicine", "batch", "quantity"):
        lot.add_argument(name)
    lot.add_argument("--pack", action="store_true", help="the quantity is whole packs")
    lot.add_argument("--returns", action="store_true", help="count the patient-returns record, not stock")
    lot.add_argument("--estimated", action="store_true", help="US inventory estimate (CIII–V only)")
    lot.add_argument("--reason", choices=[r.value for r in VarianceReason])
    lot.add_argument("--note")
    lot.add_argument("--refers-to", help="a closed month this finding belongs to, YYYY-MM")
    lot.add_argument("--witness", help="the second person (PIN from $PHARMACY_WITNESS_PIN or prompt)")
    show = count.add_parser("show", parents=[data], help="a count's progress: counted and still to count")
    show.add_argument("count_id")
    count.add_parser("list", parents=[data], help="the history of counts")
    _hold_parsers(sub, common, who)
    _close_parsers(sub, common, who, data)


def _hold_parsers(sub: Sub, common: argparse.ArgumentParser, who: argparse.ArgumentParser) -> None:
    hold = sub.add_parser("hold", parents=[common, who], help="quarantine a batch, or record a destruction application")
    hold.add_argument("hold_kind", choices=("quarantine", "applied"))
    hold.add_argument("medicine")
    hold.add_argument("batch")
    hold.add_argument("--reason", choices=[r.value for r in HoldReason], default="expired")
    hold.add_argument("--on", type=date.fromisoformat, help="the day, YYYY-MM-DD (else today)")
    hold.add_argument("--reference", help="the application's number")
    hold.add_argument("--note")


def _close_parsers(
    sub: Sub, common: argparse.ArgumentParser, who: argparse.ArgumentParser, data: argparse.ArgumentParser
) -> None:
    duty = sub.add_parser("duty", parents=[common, who], help="record a loss's reporting duty as done")
    duty.add_argument("entry", help="the loss entry's sequence number")
    duty.add_argument("duty", choices=[d.value for d in Duty])
    duty.add_argument("--on", type=date.fromisoformat, help="the day it was done (else today)")
    duty.add_argument("--reference", help="the authority's reference (crime number, DEA receipt …)")
    sign = sub.add_parser("close", parents=[common, who], help="sign the month-end close (responsible pharmacist)")
    sign.add_argument("month", help="YYYY-MM")
    sign.add_argument("--acknowledge", help="your words on unexplained variances, if any")
    reopen = sub.add_parser("reopen", parents=[common], help="(there is no reopening: says what to do)")
    reopen.add_argument("month")


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
    print(cli.t("Batch {batch} held: {kind} on {on}.").format(batch=a.batch, kind=saved.kind.value, on=saved.on))
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
