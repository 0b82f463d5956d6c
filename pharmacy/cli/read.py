"""Read commands: verify, register, stock, schema."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pharmacy.cli.context import Cli, local_time, qty
from pharmacy.cli.output import Column, emit, fit, table_lines
from pharmacy.db.audit import SqlAuditSource
from pharmacy.domain.errors import N_, InvalidValue, UnknownLot, UnknownMedicine
from pharmacy.domain.movement import KIND_LABEL, MovementKind
from pharmacy.domain.reference import Medicine
from pharmacy.reports.register import RegisterFilter, RegisterLine, last_entry, register_lines, register_page
from pharmacy.reports.stock import find_medicines, stock_lines
from pharmacy.rules.retention import register_keep_until
from pharmacy.services.verify import verify


def cmd_verify(cli: Cli) -> int:
    reg = cli.register()
    t = cli.t
    with reg.ctx.uow(write=False) as uow:
        zones = {p.id: p.timezone for p in uow.reference.pharmacies()}

    def progress(count: int) -> None:
        if sys.stderr.isatty():
            print("\r" + t("checked") + f" {count:,}…", end="", file=sys.stderr, flush=True)

    verdict = verify(SqlAuditSource(reg.engine), zones, progress)
    if sys.stderr.isatty():
        print("\r", end="", file=sys.stderr)
    rows: list[dict[str, object]] = [
        {
            "pharmacy_id": p.pharmacy_id,
            "entries": p.entries,
            "head_seq": p.head_seq,
            "status": "ok" if not p.problems else "FAILED",
            "problem": "; ".join(t(x.template).format(seq=x.seq, **x.params) for x in p.problems) or None,
            "first_bad_seq": p.problems[0].seq if p.problems else None,
        }
        for p in verdict.pharmacies
    ]
    if verdict.missing_triggers:
        rows.append(
            {
                "pharmacy_id": None,
                "status": "FAILED",
                "problem": t("append-only triggers missing or disabled: ") + ", ".join(verdict.missing_triggers),
            }
        )
    columns = [
        Column("pharmacy_id", t("pharmacy")),
        Column("entries", t("entries"), right=True),
        Column("head_seq", t("last no."), right=True),
        Column("status", t("status")),
        Column("first_bad_seq", t("first bad no.")),
        Column("problem", t("problem")),
    ]
    emit(rows, columns, cli.fmt)
    return 0 if verdict.ok else 1


def resolve_medicine(cli: Cli, key: str) -> Medicine:
    reg = cli.register()
    with reg.ctx.uow(write=False) as uow:
        exact = uow.reference.medicine_by_code(key)
    if exact is not None:
        return exact
    found = find_medicines(reg.engine, key)
    if len(found) == 1:
        return found[0]
    if not found:
        raise UnknownMedicine(key=key)
    names = ", ".join(m.code for m in found[:8])
    raise InvalidValue(
        field="MEDICINE", problem=cli.t("matches several medicines: {names}; be more specific").format(names=names)
    )


def _day(text: str | None, field: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidValue(field=field, problem=N_("use a date like 2026-03-31")) from None


def _filter(cli: Cli, medicine: Medicine) -> RegisterFilter:
    reg, args = cli.register(), cli.args
    tz = reg.pharmacy.tz
    lot_id = None
    if args.lot:
        with reg.ctx.uow(write=False) as uow:
            lot = uow.reference.lot_by_batch(reg.pharmacy.id, medicine.id, args.lot)
        if lot is None:
            raise UnknownLot(key=args.lot, medicine=medicine.display_name)
        lot_id = lot.id
    start, end = _day(args.date_from, "--from"), _day(args.date_to, "--to")
    return RegisterFilter(
        pharmacy_id=reg.pharmacy.id,
        medicine_id=medicine.id,
        lot_id=lot_id,
        start=datetime.combine(start, time(0), tzinfo=tz) if start else None,
        end=datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz) if end else None,
    )


def register_columns(cli: Cli) -> list[Column]:
    t = cli.t
    return [
        Column("seq", t("No."), 7, right=True),
        Column("occurred", t("Date"), 16),
        Column("kind", t("Entry"), 18),
        Column("batch", t("Batch"), 10),
        Column("counterparty", t("From / to"), 18),
        Column("document", t("Document"), 12),
        Column("in", t("In"), 8, right=True),
        Column("out", t("Out"), 8, right=True),
        Column("batch_balance", t("Batch bal."), 10, right=True),
        Column("balance", t("Balance"), 9, right=True),
        Column("entered_by", t("Entered by"), 10),
        Column("checked_by", t("Checked by"), 10),
        Column("note", t("Note"), 30),
    ]


def register_row(cli: Cli, line: RegisterLine, medicine: Medicine, tz: ZoneInfo) -> dict[str, object]:
    t = cli.t
    notes = [line.reason or ""]
    if line.reverses_seq:
        notes.append(t("reverses No. {seq}").format(seq=line.reverses_seq))
    if line.reversed_by_seq:
        notes.append(t("reversed by No. {seq}").format(seq=line.reversed_by_seq))
    if line.imported:
        notes.append(t("imported"))
    for note in line.findings:
        if note.override_reason:
            notes.append(t("override {rule}: {reason}").format(rule=note.rule_id, reason=note.override_reason))
        else:
            notes.append(note.rule_id)
    return {
        "seq": line.seq,
        "occurred": local_time(line.occurred_at, tz),
        "recorded": local_time(line.recorded_at, tz),
        "kind": t(KIND_LABEL[MovementKind(line.kind)]) + (t(" (returns)") if line.book == "returns" else ""),
        "batch": line.batch,
        "counterparty": line.counterparty,
        "document": line.document,
        "in": qty(line.quantity, medicine) if line.quantity > 0 else "",
        "out": qty(-line.quantity, medicine) if line.quantity < 0 else "",
        "batch_balance": qty(line.lot_balance_after, medicine),
        "balance": qty(line.medicine_balance_after, medicine),
        "entered_by": line.entered_by,
        "checked_by": line.checked_by,
        "note": "; ".join(n for n in notes if n) or None,
    }


def keep_until(cli: Cli, medicine: Medicine) -> Callable[[RegisterLine], str]:
    """Each entry's retention date under the pharmacy's law (computed and shown, never acted on)."""
    reg = cli.register()
    tz, profile = reg.pharmacy.tz, reg.pharmacy.profile
    last = last_entry(reg.engine, reg.pharmacy.id, medicine.id)
    last_day = last.astimezone(tz).date() if last else date.min

    def keep(line: RegisterLine) -> str:
        day = line.occurred_at.astimezone(tz).date()
        return register_keep_until(profile, line.expiry, day, max(last_day, day)).isoformat()

    return keep


def cmd_register(cli: Cli) -> int:
    reg = cli.register()
    medicine = resolve_medicine(cli, cli.args.medicine)
    f = _filter(cli, medicine)
    lines = register_page(reg.engine, f, limit=cli.args.limit) if cli.args.limit else register_lines(reg.engine, f)
    columns = register_columns(cli)
    if cli.fmt != "table":
        keep = keep_until(cli, medicine)
        data = (
            {
                **register_row(cli, line, medicine, reg.pharmacy.tz),
                "keep_until": keep(line),
                "codes": " ".join(line.codes),
            }
            for line in lines
        )
        extra = [Column("keep_until", "keep_until"), Column("codes", "codes")]
        emit(data, [*columns[:2], Column("recorded", "recorded"), *columns[2:], *extra], cli.fmt)
        return 0
    rows = (register_row(cli, line, medicine, reg.pharmacy.tz) for line in lines)
    title = f"{medicine.generic_en} {medicine.strength} — {medicine.generic_local} ({medicine.base_unit})"
    print(title)
    header = list(table_lines([], columns))
    print(header[0])
    print(header[1])
    for row in rows:  # streamed: the first page prints before the rest is read
        print("  ".join(fit(str(row.get(c.key) or ""), c.width, right=c.right) for c in columns).rstrip())
    return 0


def cmd_stock(cli: Cli) -> int:
    reg, t = cli.register(), cli.t
    rows: list[dict[str, object]] = [
        {
            "code": s.medicine.code,
            "medicine": s.medicine.display_name,
            "local_name": s.medicine.generic_local,
            "batch": s.batch,
            "expiry": s.expiry.isoformat(),
            "stock": qty(s.stock, s.medicine),
            "returns": qty(s.returns, s.medicine),
            "unit": s.medicine.base_unit,
        }
        for s in stock_lines(reg.engine, reg.pharmacy.id)
    ]
    columns = [
        Column("code", t("Code")),
        Column("medicine", t("Medicine")),
        Column("local_name", t("Local name")),
        Column("batch", t("Batch")),
        Column("expiry", t("Expiry")),
        Column("stock", t("In stock"), right=True),
        Column("returns", t("Returns"), right=True),
        Column("unit", t("Unit")),
    ]
    emit(rows, columns, cli.fmt)
    return 0


def cmd_schema(cli: Cli) -> int:
    from pharmacy.schemas.post import json_schema

    json.dump(json_schema(), sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
