"""The register of one medicine laid out as each profile's law prescribes its headings.

UK: MDR 2001 reg 19(1)(d)–(e) headings for drugs obtained and supplied, with the running balance.
CN: 专用账册 (regulations §1.6): 日期、凭证号、摘要、来源/去向、批号、有效期、收入、发出、结存、经手人、复核人.
US: 21 CFR 1304.22(c) dispensing and receipt records: date, Rx number, person and address, drug, quantity,
dispenser; receipts with the supplier's name, address and DEA number.
Each layout opens with the balance brought forward and ends with the balance carried forward.
"""

from __future__ import annotations

from collections.abc import Callable

from pharmacy.domain.errors import N_
from pharmacy.domain.movement import KIND_LABEL, MovementKind
from pharmacy.domain.profile import Profile
from pharmacy.reports.export.table import Column, Phrase, Row, Table, Value, local, qty
from pharmacy.reports.register_report import Party, RegisterEntry, RegisterReport

Q = True
BROUGHT_FORWARD = N_("Balance brought forward")
CARRIED_FORWARD = N_("Balance carried forward")
COLLECTOR_LABEL = {
    "patient": N_("patient"),
    "representative": N_("patient's representative"),
    "hcp": N_("healthcare professional"),
}


def _party(p: Party | None) -> str | None:
    if p is None:
        return None
    return ", ".join(x for x in (p.name, p.address) if x)


def _summary(e: RegisterEntry) -> Value:
    if e.reverses_seq is not None:
        return Phrase(N_("correction of No. {seq}"), {"seq": e.reverses_seq})
    return KIND_LABEL[e.kind]


def _in_out(report: RegisterReport, e: RegisterEntry) -> tuple[Value, Value]:
    amount = qty(abs(e.quantity), report.medicine)
    return (amount, None) if e.quantity > 0 else (None, amount)


def _edge_rows(report: RegisterReport, label_key: str, rows: list[Row]) -> tuple[Row, ...]:
    """Brought forward, the entries, carried forward."""
    med = report.medicine
    first = Row({"date": report.first_day.isoformat(), label_key: BROUGHT_FORWARD, "balance": qty(report.opening, med)})
    last = Row({"date": report.last_day.isoformat(), label_key: CARRIED_FORWARD, "balance": qty(report.closing, med)})
    return (Row(first.values, True), *rows, Row(last.values, True))


def cn_table(report: RegisterReport) -> Table:
    columns = (
        Column("date", N_("Date"), 1.3),
        Column("seq", N_("No."), 0.5, Q),
        Column("voucher", N_("Voucher / Rx no."), 1.3),
        Column("summary", N_("Summary"), 1.7),
        Column("party", N_("Source / destination"), 2.4),
        Column("batch", N_("Batch"), 0.9),
        Column("expiry", N_("Expiry"), 0.9),
        Column("in", N_("In"), 0.7, Q),
        Column("out", N_("Out"), 0.7, Q),
        Column("balance", N_("Balance"), 0.8, Q),
        Column("entered_by", N_("Handled by"), 0.9),
        Column("checked_by", N_("Checked by"), 0.9),
    )
    rows = []
    for e in report.entries:
        in_, out = _in_out(report, e)
        party = _party(e.supplier) if e.supplier else (e.patient.name if e.patient else e.reason)
        values: dict[str, Value] = {
            "date": local(e.occurred_at, report.pharmacy.tz),
            "seq": e.seq,
            "voucher": e.prescription_number or e.document,
            "summary": _summary(e),
            "party": party,
            "batch": e.batch,
            "expiry": e.expiry.isoformat(),
            "in": in_,
            "out": out,
            "balance": qty(e.balance, report.medicine),
            "entered_by": e.entered_by,
            "checked_by": e.checked_by,
        }
        rows.append(Row(values))
    return Table("register", N_("Controlled medicine ledger"), columns, _edge_rows(report, "summary", rows))


def _collector(e: RegisterEntry) -> Value:
    c = e.collection
    if c is None or c.collector_type is None:
        return None
    label = COLLECTOR_LABEL.get(c.collector_type, N_("patient"))
    if c.collector_type == "hcp" and c.collector_hcp:
        return Phrase(N_("{who}: {name}"), {"who": label, "name": c.collector_hcp})
    return label


def uk_table(report: RegisterReport) -> Table:
    """MDR 2001 reg 19(1)(d) obtained: date, from whom, quantity; (e) supplied: date, to whom, authority,
    quantity, person collecting, proof of identity requested and provided."""
    columns = (
        Column("date", N_("Date"), 1.2),
        Column("seq", N_("No."), 0.5, Q),
        Column("received_from", N_("Name and address from whom received"), 2.2),
        Column("received", N_("Quantity received"), 0.8, Q),
        Column("supplied_to", N_("Name and address of person or firm supplied"), 2.2),
        Column("authority", N_("Prescriber or licence holder"), 2.0),
        Column("supplied", N_("Quantity supplied"), 0.8, Q),
        Column("collector", N_("Person collecting"), 1.2),
        Column("id_requested", N_("ID requested"), 0.7),
        Column("id_provided", N_("ID provided"), 0.7),
        Column("balance", N_("Balance"), 0.8, Q),
        Column("entered_by", N_("Entered by"), 1.0),
    )
    rows = []
    for e in report.entries:
        received, supplied = _in_out(report, e)
        to_whom: Value = _party(e.patient) if e.kind is MovementKind.DISPENSE else _summary(e)
        c = e.collection
        values: dict[str, Value] = {
            "date": local(e.occurred_at, report.pharmacy.tz),
            "seq": e.seq,
            "received_from": _party(e.supplier) if received is not None else None,
            "received": received,
            "supplied_to": None if received is not None and e.supplier else to_whom,
            "authority": _prescriber(e.prescriber),
            "supplied": supplied,
            "collector": _collector(e),
            "id_requested": c.id_requested if c else None,
            "id_provided": c.id_provided if c else None,
            "balance": qty(e.balance, report.medicine),
            "entered_by": e.entered_by if not e.checked_by else f"{e.entered_by} / {e.checked_by}",
        }
        rows.append(Row(values))
    return Table("register", N_("Controlled drugs register"), columns, _edge_rows(report, "received_from", rows))


def _prescriber(p: Party | None) -> str | None:
    if p is None:
        return None
    return ", ".join(x for x in (p.name, p.address, p.licence_no) if x)


def us_table(report: RegisterReport) -> Table:
    """21 CFR 1304.22(c): what was received (supplier, DEA no.) and dispensed (to whom, by whom)."""
    med = report.medicine
    ndc = ", ".join(code for _, code in report.codes) or None
    columns = (
        Column("date", N_("Date"), 1.2),
        Column("seq", N_("No."), 0.5, Q),
        Column("kind", N_("Entry"), 1.1),
        Column("reference", N_("Rx no. / invoice"), 1.2),
        Column("party", N_("Name and address"), 2.1),
        Column("dea_no", N_("DEA no."), 1.0),
        Column("drug", N_("Drug, strength, form"), 1.6),
        Column("ndc", N_("NDC / GTIN"), 1.1),
        Column("received", N_("Received"), 0.95, Q),
        Column("dispensed", N_("Dispensed"), 0.95, Q),
        Column("balance", N_("Balance"), 0.8, Q),
        Column("dispenser", N_("Dispenser"), 1.0),
        Column("checker", N_("Checker"), 1.0),
    )
    rows = []
    for e in report.entries:
        received, dispensed = _in_out(report, e)
        party = e.supplier or e.patient
        dea = e.supplier.dea_no if e.supplier else (e.prescriber.dea_no if e.prescriber else None)
        values: dict[str, Value] = {
            "date": local(e.occurred_at, report.pharmacy.tz),
            "seq": e.seq,
            "kind": _summary(e),
            "reference": e.prescription_number or e.document,
            "party": _party(party) or e.reason,
            "dea_no": dea,
            "drug": f"{med.generic_en} {med.strength} {med.form}",
            "ndc": ndc,
            "received": received,
            "dispensed": dispensed,
            "balance": qty(e.balance, med),
            "dispenser": e.entered_by,
            "checker": e.checked_by,
        }
        rows.append(Row(values))
    return Table("register", N_("Controlled substance records"), columns, _edge_rows(report, "kind", rows))


LAYOUTS: dict[str, Callable[[RegisterReport], Table]] = {"cn": cn_table, "uk": uk_table, "us": us_table}


def legal_table(report: RegisterReport) -> Table:
    return LAYOUTS[Profile(report.pharmacy.profile).jurisdiction](report)


def _party_values(prefix: str, p: Party | None) -> dict[str, Value]:
    fields = ("code", "name", "address", "licence_no", "dea_no")
    return {f"{prefix}_{f}": (getattr(p, f) if p else None) for f in fields}


def full_table(report: RegisterReport) -> Table:
    """Every field of every entry under stable keys: the machine export (CSV, JSON) of any profile."""
    keys = ["seq", "occurred_at", "kind", "batch", "expiry", "document", "prescription", "quantity", "balance"]
    for prefix in ("supplier", "patient", "prescriber"):
        keys += [f"{prefix}_{f}" for f in ("code", "name", "address", "licence_no", "dea_no")]
    keys += ["collector_type", "collector_hcp", "id_requested", "id_provided", "agent_name"]
    keys += ["entered_by", "checked_by", "reason", "reverses_seq"]
    numeric = {"seq", "quantity", "balance", "reverses_seq"}
    columns = tuple(Column(k, N_("Field"), 1.0, k in numeric) for k in keys)
    rows = []
    for e in report.entries:
        c = e.collection
        values: dict[str, Value] = {
            "seq": e.seq,
            "occurred_at": e.occurred_at.astimezone(report.pharmacy.tz).isoformat(),
            "kind": e.kind.value,
            "batch": e.batch,
            "expiry": e.expiry.isoformat(),
            "document": e.document,
            "prescription": e.prescription_number,
            "quantity": qty(e.quantity, report.medicine),
            "balance": qty(e.balance, report.medicine),
            **_party_values("supplier", e.supplier),
            **_party_values("patient", e.patient),
            **_party_values("prescriber", e.prescriber),
            "collector_type": c.collector_type if c else None,
            "collector_hcp": c.collector_hcp if c else None,
            "id_requested": c.id_requested if c else None,
            "id_provided": c.id_provided if c else None,
            "agent_name": c.agent_name if c else None,
            "entered_by": e.entered_by,
            "checked_by": e.checked_by,
            "reason": e.reason,
            "reverses_seq": e.reverses_seq,
        }
        rows.append(Row(values))
    return Table("entries", N_("Register entries"), columns, tuple(rows))


def register_table(report: RegisterReport, *, machine: bool = False) -> Table:
    return full_table(report) if machine else legal_table(report)
