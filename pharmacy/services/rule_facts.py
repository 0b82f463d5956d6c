"""Filling the rule packs' facts from the register, inside the command's transaction.

Rules never query (pharmacy/rules/facts.py); this is where what they look at is read: the prescription and its
people, the medicine's class at the date of the supply (X-5), earlier fills, codes already sold (CN-TR-2).
"""

from __future__ import annotations

from datetime import datetime
from typing import cast

from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.reference import Lot, Medicine, Pharmacy, Prescription
from pharmacy.domain.timing import local_day
from pharmacy.rules.facts import (
    CollectorType,
    Fill,
    MedicineFacts,
    PartialKind,
    PrescriptionFacts,
    RxKind,
    SupplyFacts,
    resolve_class,
)


def medicine_facts(uow: UnitOfWork, pharmacy: Pharmacy, medicine: Medicine, when: datetime) -> MedicineFacts:
    entries = [(c.jurisdiction, c.class_code, c.effective_from) for c in uow.reference.medicine_classes(medicine.id)]
    return MedicineFacts(
        code=medicine.code,
        form=medicine.form,
        class_code=resolve_class(entries, pharmacy.profile.jurisdiction, local_day(when, pharmacy.tz)),
        modified_release=medicine.modified_release,
        is_methylphenidate=medicine.code.startswith("methylphenidate"),
        pack_size=medicine.pack_size,
    )


def prescription_facts(uow: UnitOfWork, rx: Prescription) -> PrescriptionFacts:
    prescriber = uow.reference.prescriber_by_id(rx.prescriber_id)
    patient = uow.reference.patient_by_id(rx.patient_id)
    assert prescriber is not None and patient is not None
    d = rx.details
    return PrescriptionFacts(
        number=rx.number,
        kind=cast(RxKind, d.kind),
        written_on=rx.written_on,
        quantity=rx.quantity,
        prescriber_registration_no=prescriber.registration_no,
        prescriber_dea_no=prescriber.dea_no,
        prescriber_address=prescriber.address,
        prescriber_country=prescriber.country,
        patient_name=patient.name,
        patient_sex=patient.sex,
        patient_date_of_birth=patient.date_of_birth,
        patient_address=patient.address,
        patient_id_doc_type=patient.id_doc_type,
        patient_id_doc_no=patient.id_doc_no,
        agent_name=d.agent_name,
        agent_id_no=d.agent_id_no,
        collector_type=cast(CollectorType | None, d.collector_type),
        hcp_name=d.collector_hcp,
        id_requested=d.id_requested,
        id_provided=d.id_provided,
        quantity_in_words=d.quantity_in_words,
        days_supply=d.days_supply,
        dose=d.dose,
        cancer_or_chronic_pain=d.cancer_or_chronic_pain,
        inpatient=d.inpatient,
        child_adhd=d.child_adhd,
        refills_authorised=d.refills_authorised,
        earliest_fill_date=d.earliest_fill_date,
        extension_days=d.extension_days,
        partial_kind=cast(PartialKind | None, d.partial_kind),
        prescriber_reason_for_longer=d.prescriber_reason,
    )


def supply_facts(
    uow: UnitOfWork,
    pharmacy: Pharmacy,
    medicine: Medicine,
    lot: Lot,
    quantity: int,
    when: datetime,
    codes: tuple[str, ...],
    people: tuple[str, str | None],
    ledger: tuple[list[tuple[datetime, int]], int],
) -> SupplyFacts:
    """`people`: who enters and who checks; `ledger`: the earlier fills and the batch balance, as the caller
    already read them in this transaction (they guard the supply too)."""
    (fills, lot_balance), (entered_by, checked_by) = ledger, people
    packs, rest = divmod(quantity, medicine.pack_size * medicine.unit.scale)
    return SupplyFacts(
        profile=pharmacy.profile,
        when=when,
        local_date=local_day(when, pharmacy.tz),
        quantity=quantity,
        supplied_before=sum(q for _, q in fills),
        previous_fills=tuple(Fill(at, q) for at, q in fills),
        trace_codes=codes,
        trace_codes_dispensed=uow.ledger.codes_dispensed(pharmacy.id, codes),
        packs=packs if not rest else None,
        lot_expiry=lot.expiry,
        lot_balance=lot_balance,
        entered_by=entered_by,
        checked_by=checked_by,
    )
