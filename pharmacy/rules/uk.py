"""The United Kingdom rules (regulations §3, §5 UK-1…UK-10): prescription validity and writing requirements,
a UK prescriber, register timing and corrections, Schedule 2 collection details, quantity guidance, destruction
before an authorised witness, patient returns kept apart, and regular balance checks.
"""

from __future__ import annotations

from datetime import date, timedelta

from pharmacy.domain.errors import N_
from pharmacy.domain.findings import Finding, Severity
from pharmacy.rules.facts import (
    BalanceCheckFacts,
    DestructionFacts,
    MedicineFacts,
    PatientReturnFacts,
    PrescriptionFacts,
    RecordFacts,
    SupplyFacts,
)
from pharmacy.rules.params import Params
from pharmacy.rules.support import finding

BLOCK, WARN = Severity.BLOCK, Severity.WARN
Rx = PrescriptionFacts | None


def _rx_rules(med: MedicineFacts, p: Params) -> bool:
    return med.class_code in p.texts("uk.rx_schedules")


def uk_1_validity(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """UK-1: Schedule 2/3 supplied neither before the appropriate date nor more than 28 days after it."""
    # MDR 2001 reg 16(1)(d)(e); the appropriate date is the later of the date signed and the start date
    if rx is None or not _rx_rules(med, p):
        return None
    start = max(rx.written_on, rx.earliest_fill_date or rx.written_on)
    days = p.number("uk.validity_days")
    if s.local_date < start:
        return finding(
            "uk.rx_validity",
            "UK-1",
            BLOCK,
            N_("Prescription {number} may not be supplied before {start}"),
            number=rx.number,
            start=start.isoformat(),
        )
    if s.local_date > start + timedelta(days=days):
        return finding(
            "uk.rx_validity",
            "UK-1",
            BLOCK,
            N_("Prescription {number} expired {days} days after {start}; ask for a new prescription"),
            number=rx.number,
            days=days,
            start=start.isoformat(),
        )
    return None


def uk_2_words_and_figures(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """UK-2: the total quantity in words and figures; with only one, the pharmacist's amendment is needed (WARN)."""
    # MDR 2001 reg 15(1)(f); reg 16(1A)/(1B) (SI 2006/1450)
    if not _rx_rules(med, p):
        return None
    words, figures = bool(rx.quantity_in_words and rx.quantity_in_words.strip()), rx.quantity_in_figures
    if words and figures:
        return None
    if (words or figures) and rx.amended_by_pharmacist:
        return finding(
            "uk.words_and_figures",
            "UK-2",
            WARN,
            N_("Prescription {number} gave the quantity only in words or only in figures; the pharmacist amended it"),
            number=rx.number,
        )
    return finding(
        "uk.words_and_figures",
        "UK-2",
        BLOCK,
        N_("Prescription {number} must give the total quantity in words and figures; amend it and sign the amendment"),
        number=rx.number,
    )


def uk_3_prescriber_in_uk(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """UK-3: a Schedule 2/3 prescriber's address is in the United Kingdom."""
    # MDR 2001 reg 16(1)(b)
    if _rx_rules(med, p) and (rx.prescriber_country or "").upper() not in p.texts("uk.countries"):
        return finding(
            "uk.prescriber_in_uk",
            "UK-3",
            BLOCK,
            N_(
                "Schedule 2 and 3 prescriptions must come from a prescriber with a UK address; this one gives {country}"
            ),
            country=rx.prescriber_country or "—",
        )
    return None


def uk_4_entry_timing(entry: RecordFacts, p: Params) -> Finding | None:
    """UK-4: a register entry is made on the day of the transaction, or the next day."""
    # MDR 2001 reg 20(b)
    lag = (entry.recorded_on - entry.occurred_on).days
    most = p.number("uk.late_entry_days")
    if lag > most:
        return finding(
            "uk.entry_timing",
            "UK-4",
            WARN,
            N_("This entry is made {days} days after the transaction; the register allows {max_days}"),
            days=lag,
            max_days=most,
        )
    return None


def uk_5_collector(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """UK-5: a Schedule 2 supply records who collected, an HCP's name and address, and whether ID was asked/shown."""
    # MDR 2001 reg 19(1)(e)(v)–(vii)
    if rx is None or med.class_code not in p.texts("uk.register_schedules"):
        return None
    if rx.collector_type is None:
        return finding(
            "uk.collector",
            "UK-5",
            BLOCK,
            N_("Record who collected: the patient, a representative or a healthcare professional"),
        )
    if rx.collector_type == "hcp" and not (rx.hcp_name and rx.hcp_address):
        return finding(
            "uk.collector", "UK-5", BLOCK, N_("Record the collecting healthcare professional's name and address")
        )
    if rx.id_requested is None or rx.id_provided is None:
        return finding(
            "uk.collector", "UK-5", BLOCK, N_("Record whether proof of identity was asked for and whether it was shown")
        )
    return None


def uk_6_corrections(entry: RecordFacts, p: Params) -> Finding | None:
    """UK-6: no cancellation, obliteration or alteration; a correction is a dated note on a new entry."""
    # MDR 2001 reg 20(c)
    if entry.operation in ("update", "delete"):
        return finding(
            "uk.corrections_annotated",
            "UK-6",
            BLOCK,
            N_("A register entry may not be altered; add a dated correction note instead"),
        )
    if entry.operation == "reversal" and not (entry.reason and entry.reason.strip() and entry.reverses):
        return finding(
            "uk.corrections_annotated",
            "UK-6",
            BLOCK,
            N_("A correction must say what it corrects and why; it is dated {date}"),
            date=entry.recorded_on.isoformat(),
        )
    return None


def uk_7_quantity_days(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """UK-7: more than 30 days' supply of a Schedule 2–4 medicine is against good practice (WARN)."""
    # DH / NHSBSA guidance (30 days: good practice, not law)
    most = p.number("uk.max_days_warn")
    if med.class_code in p.texts("uk.quantity_schedules") and rx.days_supply is not None and rx.days_supply > most:
        return finding(
            "uk.max_days",
            "UK-7",
            WARN,
            N_(
                "Good practice limits controlled drug prescriptions to {max_days} days' supply; this one is for {days} "
                "days"
            ),
            max_days=most,
            days=rx.days_supply,
        )
    return None


def uk_8_destruction_witness(d: DestructionFacts, p: Params) -> Finding | None:
    """UK-8: Schedule 2 stock is destroyed before an authorised witness, who is named and signs the entry."""
    # MDR 2001 reg 27
    if d.patient_returned or d.medicine.class_code not in p.texts("uk.register_schedules"):
        return None
    if not d.authorised_witness_name or not d.authorised_witness_signed:
        return finding(
            "uk.destruction_witness",
            "UK-8",
            BLOCK,
            N_("Schedule 2 stock may be destroyed only before an authorised witness, who is named and signs the entry"),
        )
    return None


def uk_9_patient_returns(r: PatientReturnFacts, p: Params) -> Finding | None:
    """UK-9: patient returns go to a separate returns record and never back to stock."""
    # RPS MEP; LPC guidance on patient-returned CDs
    if r.to_stock or not r.separate_record:
        return finding(
            "uk.patient_returns",
            "UK-9",
            BLOCK,
            N_("Patient returns are recorded in the separate returns record and never go back to stock"),
        )
    return None


def uk_10_balance_check(c: BalanceCheckFacts, p: Params) -> Finding | None:
    """UK-10: the balance of each register section is checked at least every 7 days (configurable)."""
    # GPhC inspection practice; NICE NG46 (running balances)
    days = p.number("uk.balance_check_days")
    if c.last_checked_on is None or (c.today - c.last_checked_on).days > days:
        return finding(
            "uk.balance_check_overdue",
            "UK-10",
            WARN,
            N_("The balance of {medicine} has not been checked in the last {days} days"),
            medicine=c.medicine.code,
            days=days,
        )
    return None
