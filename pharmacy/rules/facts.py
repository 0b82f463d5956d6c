"""The facts a rule may look at: plain frozen values the caller fills from the database before a rule runs.

Rules never query anything; whatever they need (earlier fills, codes already sold, the class at the date of the
supply) is passed in here. `resolve_class` picks a medicine's class at a date from its dated catalogue entries (X-5).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from pharmacy.domain.profile import Profile

RxKind = Literal["normal", "emergency", "paediatric", "narcotic_psy1", "psy2"]
CollectorType = Literal["patient", "representative", "hcp"]
PartialKind = Literal["cannot_supply", "patient_request", "ltcf_terminal"]
Channel = Literal["counter", "online"]
Payment = Literal["cash", "other"]
RecordOperation = Literal["append", "reversal", "update", "delete"]


@dataclass(frozen=True)
class PrescriptionFacts:
    """A prescription as written, plus what the prescriber noted that changes the caps (regulations §1.7, §2.5, §3.5).

    `kind` is the form it was written on (CN: pale red 麻/精一 = "narcotic_psy1", white 精二 = "psy2"; an oral
    emergency CII in the US is "emergency"). `quantity` is in the medicine's integer steps; `doses` is the number of
    usual doses (CN injection caps). Absent facts are None, never guessed.
    """

    number: str
    kind: RxKind
    written_on: date
    quantity: int
    prescriber_registration_no: str | None = None
    prescriber_is_physician: bool = True  # CN 执业医师 (CN-2)
    prescriber_dea_no: str | None = None
    prescriber_npi: str | None = None
    prescriber_address: str | None = None
    prescriber_country: str | None = None  # ISO 3166 alpha-2, e.g. "GB"
    patient_name: str | None = None
    patient_sex: str | None = None
    patient_date_of_birth: date | None = None
    patient_address: str | None = None
    patient_id_doc_type: str | None = None  # "cn_ric" for a resident ID card
    patient_id_doc_no: str | None = None
    agent_name: str | None = None
    agent_id_no: str | None = None
    agent_id_doc_type: str | None = None
    collector_type: CollectorType | None = None  # UK Sch 2 (reg 19(1)(e))
    hcp_name: str | None = None
    hcp_address: str | None = None
    id_requested: bool | None = None
    id_provided: bool | None = None
    quantity_in_words: str | None = None  # UK reg 15(1)(f)
    quantity_in_figures: bool = True
    amended_by_pharmacist: bool = False  # UK reg 16(1A)/(1B)
    doses: int | None = None
    days_supply: int | None = None
    dose: str | None = None
    directions: str | None = None
    cancer_or_chronic_pain: bool = False
    inpatient: bool = False
    child_adhd: bool = False
    refills_authorised: int = 0
    earliest_fill_date: date | None = None  # US "do not fill before"; UK start date
    extension_days: int = 0  # CN Art.18, 0–3
    prescriber_reason_for_longer: str | None = None  # CN-5
    emergency_oral_written_rx_received: date | None = None  # US-7
    partial_kind: PartialKind | None = None  # US-4/5/6
    multiple_rx_total_days: int | None = None  # US-8

    @property
    def authorised_total(self) -> int:
        """Everything the prescription allows over its life: the quantity once plus once per refill (X-4)."""
        return self.quantity * (1 + max(self.refills_authorised, 0))


@dataclass(frozen=True)
class MedicineFacts:
    """A medicine as the rules see it; `class_code` is its class in the pharmacy's jurisdiction at the date in question.

    Class codes: CN "narcotic", "psychotropic_1", "psychotropic_2"; US "CII"…"CV"; UK "2"…"5". None means the
    catalogue has no class for that date (X-5 refuses it when the medicine is kept in the controlled register).
    """

    code: str
    form: str
    class_code: str | None
    modified_release: bool = False
    is_methylphenidate: bool = False
    on_register: bool = True
    pack_size: int | None = None


@dataclass(frozen=True)
class Fill:
    """An earlier supply on the same prescription."""

    when: datetime
    quantity: int


@dataclass(frozen=True)
class SupplyFacts:
    """A supply (dispense, sale) about to be recorded, with what the ledger already knows about it."""

    profile: Profile
    when: datetime  # timezone-aware
    local_date: date  # the date in the pharmacy's time zone
    quantity: int
    supplied_before: int = 0  # on this prescription
    previous_fills: tuple[Fill, ...] = ()
    channel: Channel = "counter"
    payment: Payment = "other"
    medical_insurance: bool = False
    trace_codes: tuple[str, ...] = ()
    trace_codes_dispensed: frozenset[str] = frozenset()  # every code already sold, as the caller found them
    packs: int | None = None  # whole packs handed over (CN-TR-1 wants one code each)
    lot_expiry: date | None = None
    lot_balance: int | None = None  # balance of the lot before this supply
    entered_by: str | None = None
    authenticated: bool = True
    checked_by: str | None = None  # CN 双人复核


@dataclass(frozen=True)
class ReceiptFacts:
    """A receipt from a supplier, with the receipt-side facts the rules check (CN-11, CN-12, US-10)."""

    profile: Profile
    medicine: MedicineFacts
    quantity: int
    received_on: date | None
    supplier_name: str | None = None
    supplier_address: str | None = None
    supplier_dea_no: str | None = None
    order_form_no: str | None = None  # DEA Form 222 serial or CSOS order number
    containers: int | None = None
    batch: str | None = None
    expiry: date | None = None
    counted_to_smallest_package: bool = False
    entered_by: str | None = None
    authenticated: bool = True
    checked_by: str | None = None  # CN 双人验收
    trace_codes: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordFacts:
    """A write to the register as such: how it changes the book and who makes it (X-1, X-3, UK-4, UK-6)."""

    operation: RecordOperation
    occurred_on: date
    recorded_on: date
    entered_by: str | None
    authenticated: bool = True
    reverses: str | None = None  # id or sequence number of the entry a reversal corrects
    reason: str | None = None


@dataclass(frozen=True)
class DestructionFacts:
    """A destruction of stock (US-13 Form 41, UK-8 authorised witness)."""

    medicine: MedicineFacts
    quantity: int
    destroyed_on: date | None
    witnesses: tuple[str, ...] = ()  # authenticated users, distinct from the one destroying
    destroyed_by: str | None = None
    method: str | None = None
    location: str | None = None
    authorised_witness_name: str | None = None  # UK: the Secretary of State's authorised person
    authorised_witness_signed: bool = False
    patient_returned: bool = False
    supervisor: str | None = None  # CN: the drug regulator's officer who attended (条例 Art.61)
    supervisor_agency: str | None = None


@dataclass(frozen=True)
class PatientReturnFacts:
    """A medicine a patient brought back; it goes to a returns record, never to saleable stock (UK-9)."""

    medicine: MedicineFacts
    quantity: int
    to_stock: bool
    separate_record: bool


@dataclass(frozen=True)
class BalanceCheckFacts:
    """When the balance of a register section was last checked against the shelf (UK-10)."""

    medicine: MedicineFacts
    today: date
    last_checked_on: date | None


@dataclass(frozen=True)
class ClassEntry:
    """One dated catalogue entry: from `effective_from` the medicine is `class_code` in `jurisdiction`."""

    jurisdiction: str
    class_code: str
    effective_from: date


def resolve_class(entries: Iterable[ClassEntry | tuple[str, str, date]], jurisdiction: str, on: date) -> str | None:
    """The class in force in `jurisdiction` on `on`: the latest entry not after that date (X-5).

    An entry with an empty class means the medicine left control from that date. None when nothing applies.
    """
    best: tuple[date, str] | None = None
    for entry in entries:
        where, code, since = (
            (entry.jurisdiction, entry.class_code, entry.effective_from) if isinstance(entry, ClassEntry) else entry
        )
        if where == jurisdiction and since <= on and (best is None or since >= best[0]):
            best = (since, code)
    return best[1] or None if best else None
