"""The Chinese rules (regulations §1.7, §5 CN-1…CN-13, CN-20): who may sell what, prescription validity and caps,
identity numbers, prescription colour, two-person checks, receipts and expired stock. Trace codes: `cn_trace`.

`cn_hospital` and `cn_retail` share these functions; `packs` chooses which run for which profile.
"""

from __future__ import annotations

from datetime import date

from pharmacy.domain.errors import N_
from pharmacy.domain.findings import Finding, Severity
from pharmacy.rules.facts import DestructionFacts, MedicineFacts, PrescriptionFacts, ReceiptFacts, SupplyFacts
from pharmacy.rules.identifiers import check_cn_ric, ric_birth_date
from pharmacy.rules.params import Params
from pharmacy.rules.support import age_on, finding

BLOCK, WARN = Severity.BLOCK, Severity.WARN
Rx = PrescriptionFacts | None


def _red(med: MedicineFacts, p: Params) -> bool:
    return med.class_code in p.texts("cn.red_classes")


def _psy2(med: MedicineFacts, p: Params) -> bool:
    return med.class_code == p.text("cn.psy2_class")


def _over(rule_id: str, table_id: str, rx: PrescriptionFacts, limit: int, what: str) -> Finding | None:
    """A days' (or doses') cap: BLOCK when over it, or when the prescription does not say how long it is for."""
    doses = what == "doses"
    got = rx.doses if doses else rx.days_supply
    if got is None:
        missing = (
            N_("Prescription {number} must state the number of doses to be checked against the limit of {limit}")
            if doses
            else N_("Prescription {number} must state its days' supply to be checked against the limit of {limit} days")
        )
        return finding(rule_id, table_id, BLOCK, missing, number=rx.number, limit=limit)
    if got > limit:
        over = (
            N_("This prescription is limited to {limit} dose(s); prescription {number} is for {count}")
            if doses
            else N_("This prescription is limited to {limit} days' supply; prescription {number} is for {count} days")
        )
        return finding(rule_id, table_id, BLOCK, over, number=rx.number, limit=limit, count=got)
    return None


def cn_1_retail_no_narcotics(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-1: a retail pharmacy may not sell narcotics or psychotropic class I."""
    # 麻醉药品和精神药品管理条例 Art.30
    if med.class_code in p.texts("cn.retail_forbidden_classes"):
        return finding(
            "cn.retail_no_narcotics",
            "CN-1",
            BLOCK,
            N_("A retail pharmacy may not sell narcotics or psychotropic class I medicines ({medicine})"),
            medicine=med.code,
        )
    return None


def cn_2_psy2_prescription(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-2: psychotropic class II is sold only against a prescription by a licensed physician (执业医师)."""
    # 条例 Art.32
    if not _psy2(med, p):
        return None
    if rx is None or not rx.prescriber_registration_no or not rx.prescriber_is_physician:
        return finding(
            "cn.psy2_needs_prescription",
            "CN-2",
            BLOCK,
            N_("Psychotropic class II medicines are sold only against a licensed physician's prescription"),
        )
    return None


def cn_3_no_minors(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-3: no psychotropic class II sale to a minor; age from the date of birth or the resident ID number."""
    # 条例 Art.32
    if rx is None or not _psy2(med, p):
        return None
    born = rx.patient_date_of_birth or (ric_birth_date(rx.patient_id_doc_no) if rx.patient_id_doc_no else None)
    adult = p.number("cn.adult_age")
    if born is None:
        return finding(
            "cn.psy2_no_minors",
            "CN-3",
            WARN,
            N_("The patient's age is unknown; psychotropic class II may not be sold to anyone under {age}"),
            age=adult,
        )
    age = age_on(born, s.local_date)
    if age < adult:
        return finding(
            "cn.psy2_no_minors",
            "CN-3",
            BLOCK,
            N_("Psychotropic class II may not be sold to anyone under {age}; the patient is {patient_age}"),
            age=adult,
            patient_age=age,
        )
    return None


def cn_4_extension(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """CN-4 (when recorded): the prescriber may extend validity by at most 3 days."""
    # 处方管理办法 Art.18
    most = p.number("cn.max_extension_days")
    if rx.extension_days > most or rx.extension_days < 0:
        return finding(
            "cn.rx_validity",
            "CN-4",
            BLOCK,
            N_("A prescription may be extended by at most {max_days} days; this one says {days}"),
            max_days=most,
            days=rx.extension_days,
        )
    return None


def cn_4_validity(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-4 (at supply): valid on the day written, plus the prescriber's noted extension (≤ 3 days)."""
    # 处方管理办法 Art.18
    if rx is None:
        return None
    allowed = max(0, min(rx.extension_days, p.number("cn.max_extension_days")))
    age = (s.local_date - rx.written_on).days
    if age > allowed:
        return finding(
            "cn.rx_validity",
            "CN-4",
            BLOCK,
            N_("Prescription {number} was written on {written} and is valid for {days} extra day(s); it has expired"),
            number=rx.number,
            written=rx.written_on.isoformat(),
            days=allowed,
        )
    return None


def cn_5_psy2_days(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """CN-5: psychotropic class II ≤ 7 days' supply; longer only with the prescriber's reason (then WARN)."""
    # 处方管理办法 Art.23
    if not _psy2(med, p) or rx.inpatient:
        return None
    limit = p.number("cn.max_days_psy2")
    if rx.days_supply is not None and rx.days_supply > limit and rx.prescriber_reason_for_longer:
        return finding(
            "cn.psy2_max_days",
            "CN-5",
            WARN,
            N_(
                "Psychotropic class II prescriptions are limited to {max_days} days' supply; "
                "this one is for {days} days, with the prescriber's reason"
            ),
            max_days=limit,
            days=rx.days_supply,
        )
    if rx.days_supply is not None and rx.days_supply > limit:
        return finding(
            "cn.psy2_max_days",
            "CN-5",
            BLOCK,
            N_(
                "Psychotropic class II prescriptions are limited to {max_days} days' supply; "
                "this one is for {days} days"
            ),
            max_days=limit,
            days=rx.days_supply,
        )
    return _over("cn.psy2_max_days", "CN-5", rx, limit, "days") if rx.days_supply is None else None


def _injection(med: MedicineFacts, p: Params) -> bool:
    return med.form in p.texts("cn.injection_forms")


def cn_6_outpatient_caps(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """CN-6: narcotics / class I — inpatients 1 day; outpatients: injection 1 dose, modified release 7 d, other 3 d."""
    # 处方管理办法 Art.23 (outpatient), Art.26 (inpatient: 逐日开具, 1 day)
    if not _red(med, p):
        return None
    if rx.inpatient:
        return _over("cn.outpatient_caps", "CN-6", rx, p.number("cn.inpatient_days"), "days")
    if rx.cancer_or_chronic_pain or (med.is_methylphenidate and rx.child_adhd and not _injection(med, p)):
        return None  # CN-7 / CN-8 set the cap instead
    if _injection(med, p):
        return _over("cn.outpatient_caps", "CN-6", rx, p.number("cn.outpatient_injection_doses"), "doses")
    key = "cn.outpatient_mr_days" if med.modified_release else "cn.outpatient_other_days"
    return _over("cn.outpatient_caps", "CN-6", rx, p.number(key), "days")


def cn_7_pain_caps(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """CN-7: cancer or moderate–severe chronic pain outpatients: injection 3 d, modified release 15 d, other 7 d."""
    # 处方管理办法 Art.24
    if not _red(med, p) or not rx.cancer_or_chronic_pain or rx.inpatient:
        return None
    if _injection(med, p):
        key = "cn.pain_injection_days"
    else:
        key = "cn.pain_mr_days" if med.modified_release else "cn.pain_other_days"
    return _over("cn.pain_caps", "CN-7", rx, p.number(key), "days")


def cn_8_methylphenidate(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """CN-8: methylphenidate for a child's ADHD ≤ 15 days."""
    # 处方管理办法 Art.23
    if not (med.is_methylphenidate and rx.child_adhd) or rx.inpatient or _injection(med, p):
        return None
    return _over("cn.methylphenidate_adhd", "CN-8", rx, p.number("cn.methylphenidate_adhd_days"), "days")


def _id_problem(number: str | None, doc_type: str | None, on: date) -> Finding | None:
    if not number:
        return None
    if doc_type == "cn_ric" or (doc_type is None and len(number.strip()) in (15, 18)):
        problem = check_cn_ric(number, on)
        if problem:
            return finding("cn.id_numbers", "CN-9", BLOCK, problem.message, **problem.params)
    return None


def cn_9_id_numbers(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """CN-9: a narcotic / class I prescription carries the patient's ID number, and an agent's name and ID number."""
    # 处方管理办法 front matter (麻/精一: 患者身份证明编号、代办人姓名、代办人身份证明编号)
    if not _red(med, p):
        return None
    if not rx.patient_id_doc_no:
        return finding(
            "cn.id_numbers",
            "CN-9",
            BLOCK,
            N_(
                "Prescription {number} for a narcotic or psychotropic class I medicine "
                "must carry the patient's ID number"
            ),
            number=rx.number,
        )
    if rx.agent_name and not rx.agent_id_no:
        return finding(
            "cn.id_numbers", "CN-9", BLOCK, N_("The representative {agent} must give an ID number"), agent=rx.agent_name
        )
    if rx.agent_id_no and not rx.agent_name:
        return finding("cn.id_numbers", "CN-9", BLOCK, N_("The representative's name is missing"))
    return _id_problem(rx.patient_id_doc_no, rx.patient_id_doc_type, on) or _id_problem(
        rx.agent_id_no, rx.agent_id_doc_type, on
    )


def cn_10_rx_colour(rx: PrescriptionFacts, med: MedicineFacts, on: date, p: Params) -> Finding | None:
    """CN-10: 麻/精一 on the pale red form, 精二 on the white form marked "精二"."""
    # 处方管理办法 annex (处方颜色与标注)
    wanted = "narcotic_psy1" if _red(med, p) else "psy2" if _psy2(med, p) else None
    if wanted is not None and rx.kind != wanted:
        message = (
            N_("Narcotic and psychotropic class I prescriptions are written on the pale red form marked 麻、精一")
            if wanted == "narcotic_psy1"
            else N_("Psychotropic class II prescriptions are written on the white form marked 精二")
        )
        return finding("cn.rx_colour", "CN-10", WARN, message, number=rx.number)
    return None


def _two_people(entered_by: str | None, checked_by: str | None, receipt: bool) -> Finding | None:
    if checked_by and checked_by != entered_by:
        return None
    message = (
        N_("A receipt must be checked by a second person (双人验收), not the one who entered it")
        if receipt
        else N_("A supply must be checked by a second person (双人复核), not the one who dispensed it")
    )
    return finding("cn.two_person", "CN-11", BLOCK, message)


def cn_11_receipt_two_person(r: ReceiptFacts, p: Params) -> Finding | None:
    """CN-11 (receipt): 双人验收 — two distinct users."""
    # 条例 Art.48 入库双人验收
    return _two_people(r.entered_by, r.checked_by, receipt=True)


def cn_11_supply_two_person(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-11 (issue): 双人复核 — two distinct users."""
    # 条例 Art.48 出库双人复核
    return _two_people(s.entered_by, s.checked_by, receipt=False)


def cn_12_receipt_count(r: ReceiptFacts, p: Params) -> Finding | None:
    """CN-12: a receipt is counted to the smallest package and records batch and expiry."""
    # 医疗机构麻醉药品、第一类精神药品管理规定 (货到即验, 清点验收到最小包装)
    if not r.counted_to_smallest_package:
        return finding(
            "cn.receipt_count",
            "CN-12",
            BLOCK,
            N_("A receipt must be counted to the smallest package before it is recorded"),
        )
    if not r.batch or r.expiry is None:
        return finding("cn.receipt_count", "CN-12", BLOCK, N_("A receipt must record the batch and its expiry"))
    return None


def cn_13_expired(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-13: expired stock is not dispensed; it waits in quarantine for supervised destruction."""
    # 条例 Art.61
    if s.lot_expiry is not None and s.local_date > s.lot_expiry:
        return finding(
            "cn.expired_stock",
            "CN-13",
            BLOCK,
            N_("This batch expired on {expiry}; it cannot be dispensed and waits for supervised destruction"),
            expiry=s.lot_expiry.isoformat(),
        )
    return None


def cn_20_no_online(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-20: narcotic and psychotropic medicines are never sold online."""
    # 药品管理法 Art.61
    if s.channel == "online" and med.class_code is not None:
        return finding(
            "cn.no_online_sale", "CN-20", BLOCK, N_("Narcotic and psychotropic medicines may not be sold online")
        )
    return None


def cn_14_supervision(d: DestructionFacts, p: Params) -> Finding | None:
    """CN-14: stock is destroyed under the drug regulator's supervision, which the entry records."""
    # 条例 Art.61: the county drug regulator attends and supervises within 5 days of the application
    if d.patient_returned or (d.supervisor and d.supervisor_agency):
        return None
    return finding(
        "cn.destruction_supervision",
        "CN-14",
        BLOCK,
        N_(
            "Controlled stock is destroyed under the drug regulator's supervision (条例 Art.61); record the "
            "supervising officer and their agency"
        ),
    )
