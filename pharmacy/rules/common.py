"""Rules every pack runs (regulations §5, X-1…X-5): an append-only book, never-negative lots, attributable entries,
supplies within the prescription, and a class resolved at the date of the movement.
"""

from __future__ import annotations

from datetime import date

from pharmacy.domain.errors import N_
from pharmacy.domain.findings import Finding, Severity
from pharmacy.rules.facts import MedicineFacts, PrescriptionFacts, ReceiptFacts, RecordFacts, SupplyFacts
from pharmacy.rules.params import Params
from pharmacy.rules.support import finding

BLOCK = Severity.BLOCK


def x1_append_only(entry: RecordFacts, p: Params) -> Finding | None:
    """X-1: entries are never edited or deleted; a reversal names the entry it corrects and says why."""
    # UK MDR 2001 reg 20(c); CN 条例 Art.48 账物相符; 21 CFR 1304.21
    if entry.operation in ("update", "delete"):
        return finding(
            "common.append_only",
            "X-1",
            BLOCK,
            N_("Register entries are never changed or deleted; record a correction that reverses the entry"),
        )
    if entry.operation == "reversal" and not (entry.reverses and entry.reason and entry.reason.strip()):
        return finding(
            "common.append_only", "X-1", BLOCK, N_("A correction must name the entry it reverses and give a reason")
        )
    return None


def x2_balance(balance_before: int, change: int, p: Params, overage_allowed: bool = False) -> Finding | None:
    """X-2: a lot's balance never goes below zero (a liquid with an overage flag may go down to the tolerance)."""
    # 账物相符 (条例 Art.48); running-balance practice
    after = balance_before + change
    floor = -p.number("x.balance_tolerance") if overage_allowed else 0
    if after < floor:
        return finding(
            "common.balance_not_negative",
            "X-2",
            BLOCK,
            N_("This batch holds {balance}; taking {quantity} would leave {after}"),
            balance=balance_before,
            quantity=-change,
            after=after,
        )
    return None


def x2_supply(rx: PrescriptionFacts | None, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    return None if s.lot_balance is None else x2_balance(s.lot_balance, -s.quantity, p)


def x3_attributable(entered_by: str | None, authenticated: bool) -> Finding | None:
    """X-3: every entry is made by a named, authenticated user."""
    # UK MEP e-register criteria (attributable entries)
    if not entered_by or not authenticated:
        return finding(
            "common.attributable",
            "X-3",
            BLOCK,
            N_("Every entry must be made by a signed-in user; sign in and try again"),
        )
    return None


def x3_supply(rx: PrescriptionFacts | None, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    return x3_attributable(s.entered_by, s.authenticated)


def x3_receipt(r: ReceiptFacts, p: Params) -> Finding | None:
    return x3_attributable(r.entered_by, r.authenticated)


def x3_record(entry: RecordFacts, p: Params) -> Finding | None:
    return x3_attributable(entry.entered_by, entry.authenticated)


def x4_within_prescription(
    rx: PrescriptionFacts | None, med: MedicineFacts, s: SupplyFacts, p: Params
) -> Finding | None:
    """X-4: supplied now ≤ prescribed (with refills) − already supplied on this prescription."""
    # US 21 CFR 1306.13/1306.23; CN 处方管理办法 Art.23; UK MDR 2001 reg 16
    if rx is None:
        return None
    remaining = rx.authorised_total - s.supplied_before
    if s.quantity > remaining:
        return finding(
            "common.within_prescription",
            "X-4",
            BLOCK,
            N_("Prescription {number} leaves {remaining} to supply; {quantity} is more than that"),
            number=rx.number,
            remaining=max(remaining, 0),
            quantity=s.quantity,
        )
    return None


def x5_class_resolved(med: MedicineFacts, on: date) -> Finding | None:
    """X-5: a medicine kept in the controlled register has a class on the date of the movement."""
    # regulations §1.2: class lists change, so the class is looked up at the date (精二 additions)
    if med.on_register and med.class_code is None:
        return finding(
            "common.class_resolved",
            "X-5",
            BLOCK,
            N_("{medicine} has no controlled class on {date} in the catalogue; add its class first"),
            medicine=med.code,
            date=on.isoformat(),
        )
    return None


def x5_supply(rx: PrescriptionFacts | None, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    return x5_class_resolved(med, s.local_date)


def x5_prescription(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    return x5_class_resolved(med, on)


def x5_receipt(r: ReceiptFacts, p: Params) -> Finding | None:
    return x5_class_resolved(r.medicine, r.received_on) if r.received_on else None


def written_in_future(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """A prescription cannot be dated after the day it is recorded (impossible date)."""
    if rx.written_on > on:
        return finding(
            "common.written_in_future",
            "input",
            BLOCK,
            N_("Prescription {number} is dated {written}, after today ({today})"),
            number=rx.number,
            written=rx.written_on.isoformat(),
            today=on.isoformat(),
        )
    return None


def supplied_before_written(
    rx: PrescriptionFacts | None, med: MedicineFacts, s: SupplyFacts, p: Params
) -> Finding | None:
    """No supply may be dated before the prescription was written (impossible date)."""
    if rx is not None and s.local_date < rx.written_on:
        return finding(
            "common.supplied_before_written",
            "input",
            BLOCK,
            N_("Prescription {number} was written on {written}; it cannot be supplied on {date}"),
            number=rx.number,
            written=rx.written_on.isoformat(),
            date=s.local_date.isoformat(),
        )
    return None
