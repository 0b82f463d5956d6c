"""The month-end report as flat tables: figures per medicine × batch, prescriptions, problems, counts, losses,
and the close — the rows every export format writes (regulations §1.8, §2.6, §3.4)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from pharmacy.domain.duties import DUTY_LABEL
from pharmacy.domain.errors import N_, Text
from pharmacy.reports.export.table import Column, Row, Table, Value, local, qty
from pharmacy.reports.monthly_model import MonthlyLine, MonthlyReport

Q = True  # numeric column

FIGURE_COLUMNS: tuple[tuple[str, Text], ...] = (
    ("opening", N_("Opening")),
    ("receipts", N_("Receipts")),
    ("dispensed", N_("Dispensed")),
    ("supplier_returns", N_("Returned to supplier")),
    ("destroyed", N_("Destroyed")),
    ("losses", N_("Losses")),
    ("adjustments", N_("Adjustments")),
    ("corrections", N_("Corrections")),
    ("closing", N_("Closing")),
    ("returns_opening", N_("Patient returns: opening")),
    ("patient_returns", N_("Patient returns: received")),
    ("returns_destroyed", N_("Patient returns: destroyed")),
    ("returns_other", N_("Patient returns: other")),
    ("returns_closing", N_("Patient returns: closing")),
)


def figures_table(report: MonthlyReport) -> Table:
    columns = (
        Column("medicine_code", N_("Code"), 1.6),
        Column("medicine", N_("Medicine"), 2.0),
        Column("medicine_local", N_("Local name"), 1.4),
        Column("class", N_("Class"), 0.6),
        Column("batch", N_("Batch"), 1.0),
        Column("expiry", N_("Expiry"), 1.0),
        Column("unit", N_("Unit"), 0.7),
        *(Column(key, label, 1.0, Q) for key, label in FIGURE_COLUMNS),
        Column("last_count", N_("Last count"), 1.0, Q),
        Column("last_count_at", N_("Counted at"), 1.4),
        Column("last_count_variance", N_("Variance"), 1.0, Q),
        Column("awaiting_destruction", N_("Awaiting destruction"), 1.0),
        Column("ties_out", N_("Ties out"), 0.8),
    )
    return Table("figures", N_("Figures"), columns, tuple(Row(_figure_row(report, x)) for x in report.lines))


def _figure_row(report: MonthlyReport, line: MonthlyLine) -> dict[str, Value]:
    med, f, count = line.medicine, line.figures, line.last_count
    row: dict[str, Value] = {
        "medicine_code": med.code,
        "medicine": med.display_name,
        "medicine_local": med.generic_local,
        "class": line.class_code,
        "batch": line.lot.batch,
        "expiry": line.lot.expiry.isoformat(),
        "unit": med.base_unit,
    }
    row.update({key: qty(getattr(f, key), med) for key, _ in FIGURE_COLUMNS})
    row["last_count"] = qty(count.counted, med) if count else None
    row["last_count_at"] = local(count.counted_at, report.pharmacy.tz) if count else None
    row["last_count_variance"] = qty(count.variance, med) if count else None
    row["awaiting_destruction"] = line.awaiting_destruction
    row["ties_out"] = f.ties_out
    return row


def prescriptions_table(report: MonthlyReport) -> Table:
    columns = (
        Column("number", N_("Prescription"), 1.4),
        Column("written_on", N_("Written"), 1.0),
        Column("patient", N_("Patient"), 1.0),
        Column("patient_name", N_("Patient name"), 1.4),
        Column("medicine_code", N_("Code"), 1.6),
        Column("medicine", N_("Medicine"), 2.0),
        Column("unit", N_("Unit"), 0.7),
        Column("prescribed", N_("Prescribed"), 1.0, Q),
        Column("allowed", N_("Allowed"), 1.0, Q),
        Column("supplied", N_("Supplied"), 1.0, Q),
        Column("supplied_in_month", N_("Supplied this month"), 1.0, Q),
        Column("owing", N_("Owing"), 1.0, Q),
        Column("valid_until", N_("Valid until"), 1.0),
    )
    rows = tuple(
        Row(
            {
                "number": x.number,
                "written_on": x.written_on.isoformat(),
                "patient": x.patient_code,
                "patient_name": x.patient_name,
                "medicine_code": x.medicine.code,
                "medicine": x.medicine.display_name,
                "unit": x.medicine.base_unit,
                "prescribed": qty(x.prescribed, x.medicine),
                "allowed": qty(x.allowed, x.medicine),
                "supplied": qty(x.supplied, x.medicine),
                "supplied_in_month": qty(x.supplied_in_month, x.medicine),
                "owing": qty(x.owing, x.medicine),
                "valid_until": x.valid_until.isoformat() if x.valid_until else None,
            }
        )
        for x in report.reconciliation.lines
    )
    return Table("prescriptions", N_("Prescriptions"), columns, rows)


def problems_table(report: MonthlyReport, translate: Callable[[str], str]) -> Table:
    columns = (
        Column("source", N_("Source"), 1.0),
        Column("code", N_("Kind"), 1.4),
        Column("number", N_("Prescription"), 1.2),
        Column("text", N_("Problem"), 6.0),
    )
    rx = [
        Row({"source": "prescriptions", "code": p.kind.value, "number": p.number, "text": p.render(translate)})
        for p in report.reconciliation.problems
    ]
    open_ = [
        Row({"source": "open", "code": p.kind.value, "number": None, "text": p.render(translate)})
        for p in report.problems
    ]
    return Table("problems", N_("Problems"), columns, tuple(rx + open_))


def counts_table(report: MonthlyReport) -> Table:
    columns = (
        Column("started_at", N_("Started"), 1.3),
        Column("started_by", N_("By"), 1.2),
        Column("scope", N_("Scope"), 1.2),
        Column("count_type", N_("Type"), 0.9),
        Column("lots_expected", N_("Batches expected"), 0.9, Q),
        Column("lots_counted", N_("Batches counted"), 0.9, Q),
        Column("variances", N_("Variances"), 0.9, Q),
        Column("unexplained", N_("Unexplained"), 0.9, Q),
    )
    tz = report.pharmacy.tz
    rows = tuple(
        Row(
            {
                "started_at": local(c.started_at, tz),
                "started_by": c.started_by,
                "scope": c.scope,
                "count_type": c.count_type.value,
                "lots_expected": c.lots_expected,
                "lots_counted": c.lots_counted,
                "variances": c.variances,
                "unexplained": c.unexplained,
            }
        )
        for c in report.counts
    )
    return Table("counts", N_("Counts"), columns, rows)


def duty_status(due_on: date, done_on: date | None, today: date) -> str:
    """done | overdue | due: the stable status of one reporting duty."""
    if done_on is not None:
        return "done"
    return "overdue" if today > due_on else "due"


def losses_table(report: MonthlyReport) -> Table:
    """One row per loss and reporting duty (US-12 DEA notice and Form 106; CN-15 police and regulator)."""
    columns = (
        Column("seq", N_("No."), 0.5, Q),
        Column("occurred_on", N_("Date"), 0.9),
        Column("medicine_code", N_("Code"), 1.4),
        Column("batch", N_("Batch"), 0.9),
        Column("quantity", N_("Quantity"), 0.8, Q),
        Column("unit", N_("Unit"), 0.6),
        Column("duty", N_("Duty"), 1.2),
        Column("duty_label", N_("Report to"), 3.0),
        Column("due_on", N_("Due"), 0.9),
        Column("status", N_("Status"), 0.8),
        Column("done_on", N_("Done"), 0.9),
        Column("reference", N_("Reference"), 1.2),
    )
    today = report.generated_at.astimezone(report.pharmacy.tz).date()
    rows = [
        Row(
            {
                "seq": loss.seq,
                "occurred_on": loss.occurred_on.isoformat(),
                "medicine_code": loss.medicine.code,
                "batch": loss.batch,
                "quantity": qty(loss.quantity, loss.medicine),
                "unit": loss.medicine.base_unit,
                "duty": due.duty.value,
                "duty_label": DUTY_LABEL[due.duty],
                "due_on": due.due_on.isoformat(),
                "status": duty_status(due.due_on, due.done_on, today),
                "done_on": due.done_on.isoformat() if due.done_on else None,
                "reference": due.reference,
            }
        )
        for loss in report.losses
        for due in loss.duties
    ]
    return Table("losses", N_("Losses"), columns, tuple(rows))


def close_table(report: MonthlyReport) -> Table:
    """The seal: who signed, when, the chain head and the figures digest (key/value rows)."""
    c, tz = report.close, report.pharmacy.tz
    seq, head = (c.head_seq, c.head_hash) if c else report.chain_head
    items: list[tuple[str, Value]] = [
        ("pharmacy", report.pharmacy.name),
        ("licence_no", report.pharmacy.licence_no),
        ("profile", report.pharmacy.profile.value),
        ("month", report.month),
        ("status", "signed" if c else "draft"),
        ("signed_by", c.signed_by if c else None),
        ("signed_at", local(c.signed_at, tz) if c else None),
        ("acknowledgement", c.acknowledgement if c else None),
        ("head_seq", seq),
        ("head_hash", head),
        ("figures_digest", report.figures_digest),
        ("signed_figures_digest", c.figures_digest if c else None),
        ("generated_at", local(report.generated_at, tz)),
    ]
    columns = (Column("item", N_("Item"), 1.0), Column("value", N_("Value"), 4.0))
    return Table("close", N_("Close"), columns, tuple(Row({"item": k, "value": v}) for k, v in items))
