"""Builders for rule scenarios: a clean prescription, medicine and supply per profile, changed one fact at a time."""

from __future__ import annotations

from datetime import UTC, date, datetime

from pharmacy.domain.findings import Finding
from pharmacy.domain.profile import Profile
from pharmacy.rules.facts import MedicineFacts, PrescriptionFacts, ReceiptFacts, SupplyFacts
from pharmacy.rules.identifiers import ric_check_char

TODAY = date(2026, 3, 10)
TRACE_CODE = "81234567890123456789"


def ric(body17: str) -> str:
    """A resident ID number with its correct check character."""
    return body17 + ric_check_char(body17)


ADULT_ID = ric("33010619700307001")  # Hangzhou 西湖区, born 1970-03-07
CHILD_ID = ric("33010220120505002")  # Hangzhou, born 2012-05-05


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def med(class_code: str | None, form: str = "tablet", **kw: object) -> MedicineFacts:
    return MedicineFacts(code="m1", form=form, class_code=class_code, **kw)  # type: ignore[arg-type]


def cn_rx(**kw: object) -> PrescriptionFacts:
    base: dict[str, object] = {
        "number": "RX1", "kind": "psy2", "written_on": TODAY, "quantity": 14, "days_supply": 7, "doses": 14,
        "prescriber_registration_no": "110330100000001", "patient_name": "王芳", "patient_sex": "F",
        "patient_date_of_birth": date(1970, 3, 7), "patient_id_doc_type": "cn_ric", "patient_id_doc_no": ADULT_ID,
    }  # fmt: skip
    base.update(kw)
    return PrescriptionFacts(**base)  # type: ignore[arg-type]


def us_rx(**kw: object) -> PrescriptionFacts:
    base: dict[str, object] = {
        "number": "RX1", "kind": "normal", "written_on": TODAY, "quantity": 30, "days_supply": 30,
        "prescriber_dea_no": "AB1234563", "patient_name": "Jane Doe", "patient_address": "1 Main St, Springfield",
    }  # fmt: skip
    base.update(kw)
    return PrescriptionFacts(**base)  # type: ignore[arg-type]


def uk_rx(**kw: object) -> PrescriptionFacts:
    base: dict[str, object] = {
        "number": "RX1", "kind": "normal", "written_on": TODAY, "quantity": 56, "days_supply": 28,
        "quantity_in_words": "fifty-six", "prescriber_country": "GB", "patient_name": "John Smith",
        "patient_address": "2 High St, Leeds", "collector_type": "patient", "id_requested": True, "id_provided": True,
    }  # fmt: skip
    base.update(kw)
    return PrescriptionFacts(**base)  # type: ignore[arg-type]


def supply(profile: Profile, day: date = TODAY, **kw: object) -> SupplyFacts:
    base: dict[str, object] = {
        "profile": profile, "when": at(day), "local_date": day, "quantity": 14, "entered_by": "li",
        "checked_by": "zhang", "lot_expiry": date(2027, 12, 31), "lot_balance": 100,
    }  # fmt: skip
    if profile.jurisdiction == "cn":
        base["trace_codes"] = (TRACE_CODE,)
    base.update(kw)
    return SupplyFacts(**base)  # type: ignore[arg-type]


def receipt(profile: Profile, medicine: MedicineFacts, **kw: object) -> ReceiptFacts:
    base: dict[str, object] = {
        "profile": profile, "medicine": medicine, "quantity": 100, "received_on": TODAY, "batch": "B1",
        "expiry": date(2027, 12, 31), "counted_to_smallest_package": True, "entered_by": "li", "checked_by": "zhang",
        "supplier_dea_no": "PA1234563", "order_form_no": "222-000123", "containers": 10,
    }  # fmt: skip
    base.update(kw)
    return ReceiptFacts(**base)  # type: ignore[arg-type]


def ids(findings: list[Finding]) -> list[str]:
    """The table ids of the findings, in order."""
    return [str(f.params["table_id"]) for f in findings]
