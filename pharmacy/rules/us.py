"""The United States federal rules (regulations §2.5, §5 US-1…US-10, US-13): refills, fill windows, CII partial
fills, emergency oral CII, multiple CII prescriptions, prescription contents, CII receipts and Form 41 destruction.
A state's stricter limit is a parameter override, not a new rule.
"""

from __future__ import annotations

from datetime import date, timedelta

from pharmacy.domain.errors import N_
from pharmacy.domain.findings import Finding, Severity
from pharmacy.rules.facts import DestructionFacts, MedicineFacts, PrescriptionFacts, ReceiptFacts, SupplyFacts
from pharmacy.rules.identifiers import check_dea
from pharmacy.rules.params import Params
from pharmacy.rules.support import add_months, finding

BLOCK, WARN = Severity.BLOCK, Severity.WARN
Rx = PrescriptionFacts | None


def _cii(med: MedicineFacts, p: Params) -> bool:
    return med.class_code in p.texts("us.cII_classes")


def us_1_cii_refills(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """US-1 (when recorded): a CII prescription authorises no refills."""
    # 21 CFR 1306.12(a)
    if _cii(med, p) and rx.refills_authorised > 0:
        return finding(
            "us.cii_no_refills",
            "US-1",
            BLOCK,
            N_("Schedule II prescriptions cannot be refilled; this one authorises {refills}"),
            refills=rx.refills_authorised,
        )
    return None


def us_1_cii_refill_supply(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """US-1 (at supply): a second fill of a CII prescription is a refill unless it completes a partial fill."""
    # 21 CFR 1306.12(a)
    if rx is not None and _cii(med, p) and s.previous_fills and rx.partial_kind is None:
        return finding(
            "us.cii_no_refills",
            "US-1",
            BLOCK,
            N_("Prescription {number} for a Schedule II medicine was already filled; it cannot be refilled"),
            number=rx.number,
        )
    return None


def us_2_refill_count(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """US-2 (when recorded): CIII–IV at most 5 refills."""
    # 21 CFR 1306.22(a)
    most = p.number("us.refills")
    if med.class_code in p.texts("us.cIII_IV_classes") and rx.refills_authorised > most:
        return finding(
            "us.ciii_iv_limits",
            "US-2",
            BLOCK,
            N_("Schedule III–IV prescriptions allow at most {max_refills} refills; this one authorises {refills}"),
            max_refills=most,
            refills=rx.refills_authorised,
        )
    return None


def _partial_continuation(rx: PrescriptionFacts, s: SupplyFacts) -> bool:
    return s.supplied_before % max(rx.quantity, 1) != 0


def us_2_six_months(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """US-2 (at supply): a CIII–IV fill or refill no later than 6 months after the date written."""
    # 21 CFR 1306.22(a)
    if rx is None or med.class_code not in p.texts("us.cIII_IV_classes") or _partial_continuation(rx, s):
        return None
    months = p.number("us.cIII_IV_months")
    last = add_months(rx.written_on, months)
    if s.local_date > last:
        return finding(
            "us.ciii_iv_limits",
            "US-2",
            BLOCK,
            N_(
                "Prescription {number} may not be filled more than {months} months after it was written (last day "
                "{last})"
            ),
            number=rx.number,
            months=months,
            last=last.isoformat(),
        )
    return None


def us_3_partial_ciii_v(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """US-3: CIII–V partial fills are recorded as refills, and none is made after 6 months."""
    # 21 CFR 1306.23
    if rx is None or med.class_code not in p.texts("us.cIII_V_classes") or not _partial_continuation(rx, s):
        return None
    months = p.number("us.cIII_IV_months")
    last = add_months(rx.written_on, months)
    if s.local_date > last:
        return finding(
            "us.ciii_v_partials",
            "US-3",
            BLOCK,
            N_(
                "The rest of prescription {number} cannot be supplied more than {months} months after it was written "
                "(last day {last})"
            ),
            number=rx.number,
            months=months,
            last=last.isoformat(),
        )
    return None


def us_4_cii_partial_72h(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """US-4: when the pharmacy could not supply it all, the remainder follows within 72 hours of the first part."""
    # 21 CFR 1306.13(a)
    if rx is None or not _cii(med, p) or rx.partial_kind != "cannot_supply" or not s.previous_fills:
        return None
    hours = p.number("us.cII_partial_hours")
    first = min(f.when for f in s.previous_fills)
    if s.when - first > timedelta(hours=hours):
        return finding(
            "us.cii_partial_72h",
            "US-4",
            BLOCK,
            N_(
                "The rest of a Schedule II partial fill must be supplied within {hours} hours of the first part "
                "({first}); tell the prescriber"
            ),
            hours=hours,
            first=first.isoformat(),
        )
    return None


def _window(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params, kind: str, key: str) -> tuple[int, date] | None:
    if rx is None or not _cii(med, p) or rx.partial_kind != kind:
        return None
    days = p.number(key)
    last = rx.written_on + timedelta(days=days)
    return (days, last) if s.local_date > last else None


def us_5_cii_partial_cara(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """US-5: partial fills at the patient's or prescriber's request end 30 days after the date written."""
    # 21 CFR 1306.13(b) (CARA 2016)
    late = _window(rx, med, s, p, "patient_request", "us.cII_cara_days")
    if late:
        return finding(
            "us.cii_partial_cara",
            "US-5",
            BLOCK,
            N_("Requested partial fills of a Schedule II prescription end {days} days after it was written ({last})"),
            days=late[0],
            last=late[1].isoformat(),
        )
    return None


def us_6_cii_partial_ltcf(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """US-6: partial fills for a long-term-care or terminally ill patient end 60 days after issue."""
    # 21 CFR 1306.13(b)
    late = _window(rx, med, s, p, "ltcf_terminal", "us.cII_ltcf_days")
    if late:
        return finding(
            "us.cii_partial_ltcf",
            "US-6",
            BLOCK,
            N_(
                "Partial fills for a long-term-care or terminally ill patient end {days} days after the prescription "
                "was written ({last})"
            ),
            days=late[0],
            last=late[1].isoformat(),
        )
    return None


def us_7_emergency_followup(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """US-7: after an emergency oral CII supply, the written prescription reaches the pharmacy within 7 days."""
    # 21 CFR 1306.11(d)(4)
    if rx.kind != "emergency" or not _cii(med, p):
        return None
    days = p.number("us.emergency_written_days")
    due = rx.written_on + timedelta(days=days)
    received = rx.emergency_oral_written_rx_received
    if (received is None and on > due) or (received is not None and received > due):
        return finding(
            "us.emergency_oral_followup",
            "US-7",
            WARN,
            N_(
                "The written prescription for emergency supply {number} was due by {due}; if it has not come, notify "
                "the DEA"
            ),
            number=rx.number,
            due=due.isoformat(),
        )
    return None


def us_8_cii_multiple(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """US-8 (when recorded): multiple CII prescriptions together cover at most 90 days."""
    # 21 CFR 1306.12(b)
    most = p.number("us.cII_multiple_days")
    total = rx.multiple_rx_total_days
    if _cii(med, p) and total is not None and total > most:
        return finding(
            "us.cii_multiple_rx",
            "US-8",
            BLOCK,
            N_("Multiple Schedule II prescriptions may cover at most {max_days} days together; these cover {days}"),
            max_days=most,
            days=total,
        )
    return None


def us_8_earliest_fill(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """US-8 (at supply): not filled before the prescriber's earliest fill date."""
    # 21 CFR 1306.12(b)(1)(ii)
    if rx is not None and rx.earliest_fill_date is not None and s.local_date < rx.earliest_fill_date:
        return finding(
            "us.cii_multiple_rx",
            "US-8",
            BLOCK,
            N_("Prescription {number} may not be filled before {earliest}"),
            number=rx.number,
            earliest=rx.earliest_fill_date.isoformat(),
        )
    return None


def us_9_contents(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """US-9: a controlled prescription carries the prescriber's (valid) DEA number and the patient's address."""
    # 21 CFR 1306.05(a)
    if med.class_code is None:
        return None
    if not rx.prescriber_dea_no:
        return finding(
            "us.rx_contents",
            "US-9",
            BLOCK,
            N_("Prescription {number} must carry the prescriber's DEA number"),
            number=rx.number,
        )
    problem = check_dea(rx.prescriber_dea_no)
    if problem:
        return finding("us.rx_contents", "US-9", BLOCK, problem.message, **problem.params)
    if not rx.patient_address:
        return finding(
            "us.rx_contents",
            "US-9",
            BLOCK,
            N_("Prescription {number} must carry the patient's address"),
            number=rx.number,
        )
    return None


def us_10_cii_receipt(r: ReceiptFacts, p: Params) -> Finding | None:
    """US-10: a CII receipt references its Form 222 / CSOS order and records containers and the date received."""
    # 21 CFR Part 1305 (1305.13(e), 1305.22(g)); 1304.22(c)
    if r.medicine.class_code not in p.texts("us.cII_classes"):
        return None
    if not r.order_form_no:
        return finding(
            "us.cii_receipt",
            "US-10",
            BLOCK,
            N_("A Schedule II receipt must give its DEA Form 222 or CSOS order number"),
        )
    if not r.containers or r.received_on is None:
        return finding(
            "us.cii_receipt",
            "US-10",
            BLOCK,
            N_("A Schedule II receipt must record the number of containers and the date received"),
        )
    problem = check_dea(r.supplier_dea_no or "")
    if problem:
        return finding("us.cii_receipt", "US-10", BLOCK, problem.message, **problem.params)
    return None


def us_13_destruction(d: DestructionFacts, p: Params) -> Finding | None:
    """US-13: on-site destruction is witnessed by two distinct authorised employees, with the Form 41 data."""
    # 21 CFR 1317.95(d); DEA Form 41
    need = p.number("us.destruction_witnesses")
    witnesses = {w for w in d.witnesses if w}
    if len(witnesses) < need:
        return finding(
            "us.destruction_witnesses",
            "US-13",
            BLOCK,
            N_("A destruction must be witnessed by {needed} different authorised employees; {count} given"),
            needed=need,
            count=len(witnesses),
        )
    if d.destroyed_on is None or not d.method or not d.location:
        return finding(
            "us.destruction_witnesses",
            "US-13",
            BLOCK,
            N_("A destruction must record the date, method and place of destruction (DEA Form 41)"),
        )
    return None


def us_11_estimate(count_type: str, class_code: str | None, container_units: int, p: Params) -> Finding | None:
    """US-11: an inventory may estimate an opened container of CIII–V, unless it holds over 1,000 units."""
    # 21 CFR 1304.11(e)(3): CI/CII exact count or measure; CIII–V estimate unless the container holds > 1,000
    if count_type == "routine":
        why = N_("estimates belong to DEA inventories; a balance check counts exactly")
    elif class_code in p.texts("us.cII_classes") or class_code not in p.texts("us.cIII_V_classes"):
        why = N_("Schedule II is counted or measured exactly (21 CFR 1304.11(e)(3))")
    elif container_units > p.number("us.inventory_exact_over"):
        why = N_("a container of more than 1,000 units is counted exactly (21 CFR 1304.11(e)(3))")
    else:
        return None
    return finding("us.inventory_exact", "US-11", BLOCK, N_("This must be counted exactly: {why}"), why=why)
