"""CN-1…CN-13 and CN-20: the Chinese prescription, supply and receipt rules, in cn_hospital and cn_retail."""

from __future__ import annotations

from datetime import date

from pharmacy.domain.findings import Severity
from pharmacy.domain.profile import Profile
from pharmacy.rules import cn
from pharmacy.rules.packs import PACKS
from pharmacy.rules.params import defaults, merge_overrides
from tests.rules.scenarios import ADULT_ID, CHILD_ID, TODAY, cn_rx, ids, med, receipt, ric, supply

HOSPITAL, RETAIL = PACKS[Profile.CN_HOSPITAL], PACKS[Profile.CN_RETAIL]
P = defaults(Profile.CN_HOSPITAL)
PSY2 = med("psychotropic_2")
NARCOTIC = med("narcotic")
NARCOTIC_MR = med("narcotic", modified_release=True)
NARCOTIC_INJ = med("narcotic", form="injection")
RED_RX = cn_rx(kind="narcotic_psy1", days_supply=3, doses=6)


def test_clean_psy2_prescription_and_sale_pass_in_both_profiles() -> None:
    for pack in (HOSPITAL, RETAIL):
        assert pack.check_prescription(cn_rx(), PSY2, TODAY) == []
        assert pack.check_supply(cn_rx(), PSY2, supply(pack.profile)) == []


def test_cn_1_retail_may_sell_psy2() -> None:
    assert cn.cn_1_retail_no_narcotics(cn_rx(), PSY2, supply(Profile.CN_RETAIL), P) is None


def test_cn_1_retail_cannot_sell_narcotic_or_psy1_but_hospital_can() -> None:
    for m in (NARCOTIC, med("psychotropic_1")):
        assert ids(RETAIL.check_supply(RED_RX, m, supply(Profile.CN_RETAIL))) == ["CN-1"]
    assert HOSPITAL.check_supply(RED_RX, NARCOTIC, supply(Profile.CN_HOSPITAL)) == []


def test_cn_2_physician_prescription_passes() -> None:
    assert cn.cn_2_psy2_prescription(cn_rx(), PSY2, supply(Profile.CN_RETAIL), P) is None


def test_cn_2_no_prescription_or_not_a_physician_blocked() -> None:
    assert ids(RETAIL.check_supply(None, PSY2, supply(Profile.CN_RETAIL))) == ["CN-2"]
    assert cn.cn_2_psy2_prescription(cn_rx(prescriber_is_physician=False), PSY2, supply(Profile.CN_RETAIL), P)
    assert cn.cn_2_psy2_prescription(cn_rx(prescriber_registration_no=None), PSY2, supply(Profile.CN_RETAIL), P)


def test_cn_3_adult_passes_age_from_id_number() -> None:
    rx = cn_rx(patient_date_of_birth=None)
    assert cn.cn_3_no_minors(rx, PSY2, supply(Profile.CN_RETAIL), P) is None


def test_cn_3_minor_blocked_in_retail_only() -> None:
    rx = cn_rx(patient_date_of_birth=None, patient_id_doc_no=CHILD_ID)
    found = RETAIL.check_supply(rx, PSY2, supply(Profile.CN_RETAIL))
    assert ids(found) == ["CN-3"] and found[0].params["patient_age"] == 13
    assert HOSPITAL.check_supply(rx, PSY2, supply(Profile.CN_HOSPITAL)) == []


def test_cn_3_turns_18_on_the_birthday() -> None:
    rx = cn_rx(patient_date_of_birth=date(2008, 3, 10))
    assert cn.cn_3_no_minors(rx, PSY2, supply(Profile.CN_RETAIL), P) is None
    late = cn.cn_3_no_minors(cn_rx(patient_date_of_birth=date(2008, 3, 11)), PSY2, supply(Profile.CN_RETAIL), P)
    assert late is not None and late.severity is Severity.BLOCK


def test_cn_3_unknown_age_warns() -> None:
    rx = cn_rx(patient_date_of_birth=None, patient_id_doc_no=None)
    found = cn.cn_3_no_minors(rx, PSY2, supply(Profile.CN_RETAIL), P)
    assert found is not None and found.severity is Severity.WARN


def test_cn_4_valid_on_the_day_and_within_noted_extension() -> None:
    assert cn.cn_4_validity(cn_rx(), PSY2, supply(Profile.CN_RETAIL), P) is None
    rx = cn_rx(written_on=date(2026, 3, 7), extension_days=3)
    assert cn.cn_4_validity(rx, PSY2, supply(Profile.CN_RETAIL), P) is None
    assert cn.cn_4_extension(rx, PSY2, TODAY, P) is None


def test_cn_4_expired_or_extension_over_three_days_blocked() -> None:
    rx = cn_rx(written_on=date(2026, 3, 9))
    assert ids(RETAIL.check_supply(rx, PSY2, supply(Profile.CN_RETAIL))) == ["CN-4"]
    rx = cn_rx(written_on=date(2026, 3, 6), extension_days=5)
    assert cn.cn_4_validity(rx, PSY2, supply(Profile.CN_RETAIL), P) is not None  # capped at 3 days
    assert ids(RETAIL.check_prescription(rx, PSY2, TODAY)) == ["CN-4"]


def test_cn_5_psy2_seven_days_passes() -> None:
    assert cn.cn_5_psy2_days(cn_rx(days_supply=7), PSY2, TODAY, P) is None


def test_cn_5_psy2_over_seven_days_blocked_or_warned_with_reason() -> None:
    found = cn.cn_5_psy2_days(cn_rx(days_supply=10), PSY2, TODAY, P)
    assert found is not None and found.severity is Severity.BLOCK
    assert found.params == {"table_id": "CN-5", "max_days": 7, "days": 10}
    assert "limited to {max_days} days' supply; this one is for {days} days" in found.message
    warned = cn.cn_5_psy2_days(cn_rx(days_supply=10, prescriber_reason_for_longer="失眠 慢性"), PSY2, TODAY, P)
    assert warned is not None and warned.severity is Severity.WARN
    assert cn.cn_5_psy2_days(cn_rx(days_supply=None), PSY2, TODAY, P) is not None


def test_cn_5_hospital_override_of_the_cap() -> None:
    strict = merge_overrides(Profile.CN_HOSPITAL, {"cn.max_days_psy2": 5})
    assert cn.cn_5_psy2_days(cn_rx(days_supply=6), PSY2, TODAY, strict) is not None


def test_cn_6_outpatient_caps_pass() -> None:
    assert cn.cn_6_outpatient_caps(RED_RX, NARCOTIC, TODAY, P) is None
    assert cn.cn_6_outpatient_caps(cn_rx(kind="narcotic_psy1", days_supply=7), NARCOTIC_MR, TODAY, P) is None
    assert cn.cn_6_outpatient_caps(cn_rx(kind="narcotic_psy1", doses=1), NARCOTIC_INJ, TODAY, P) is None
    assert cn.cn_6_outpatient_caps(cn_rx(inpatient=True, days_supply=1), NARCOTIC, TODAY, P) is None


def test_cn_6_outpatient_and_inpatient_caps_blocked() -> None:
    assert ids(HOSPITAL.check_prescription(cn_rx(kind="narcotic_psy1", days_supply=4), NARCOTIC, TODAY)) == ["CN-6"]
    assert cn.cn_6_outpatient_caps(cn_rx(days_supply=8), NARCOTIC_MR, TODAY, P) is not None
    found = cn.cn_6_outpatient_caps(cn_rx(doses=2), NARCOTIC_INJ, TODAY, P)
    assert found is not None and found.params["limit"] == 1 and found.params["count"] == 2
    assert cn.cn_6_outpatient_caps(cn_rx(inpatient=True, days_supply=2), NARCOTIC, TODAY, P) is not None


def test_cn_7_pain_caps_pass() -> None:
    pain = {"cancer_or_chronic_pain": True}
    assert cn.cn_7_pain_caps(cn_rx(days_supply=7, **pain), NARCOTIC, TODAY, P) is None
    assert cn.cn_7_pain_caps(cn_rx(days_supply=15, **pain), NARCOTIC_MR, TODAY, P) is None
    assert cn.cn_7_pain_caps(cn_rx(days_supply=3, **pain), NARCOTIC_INJ, TODAY, P) is None
    assert cn.cn_6_outpatient_caps(cn_rx(days_supply=7, **pain), NARCOTIC, TODAY, P) is None


def test_cn_7_pain_caps_blocked() -> None:
    rx = cn_rx(kind="narcotic_psy1", days_supply=16, cancer_or_chronic_pain=True)
    assert ids(HOSPITAL.check_prescription(rx, NARCOTIC_MR, TODAY)) == ["CN-7"]
    assert cn.cn_7_pain_caps(cn_rx(days_supply=4, cancer_or_chronic_pain=True), NARCOTIC_INJ, TODAY, P)


def test_cn_8_methylphenidate_child_adhd_fifteen_days_passes() -> None:
    mph = med("psychotropic_1", modified_release=True, is_methylphenidate=True)
    rx = cn_rx(kind="narcotic_psy1", days_supply=15, child_adhd=True, patient_id_doc_no=CHILD_ID)
    assert HOSPITAL.check_prescription(rx, mph, TODAY) == []


def test_cn_8_methylphenidate_over_fifteen_days_blocked() -> None:
    mph = med("psychotropic_1", is_methylphenidate=True)
    rx = cn_rx(kind="narcotic_psy1", days_supply=16, child_adhd=True, patient_id_doc_no=CHILD_ID)
    assert ids(HOSPITAL.check_prescription(rx, mph, TODAY)) == ["CN-8"]


def test_cn_9_patient_and_agent_ids_pass() -> None:
    rx = cn_rx(kind="narcotic_psy1", agent_name="王强", agent_id_no=ric("33010619751111001"))
    assert cn.cn_9_id_numbers(rx, NARCOTIC, TODAY, P) is None
    assert cn.cn_9_id_numbers(cn_rx(patient_id_doc_no=None), PSY2, TODAY, P) is None  # 精二: not required


def test_cn_9_missing_or_invalid_ids_blocked() -> None:
    assert ids(HOSPITAL.check_prescription(cn_rx(kind="narcotic_psy1", patient_id_doc_no=None, days_supply=3),
                                           NARCOTIC, TODAY)) == ["CN-9"]  # fmt: skip
    assert cn.cn_9_id_numbers(cn_rx(agent_name="王强"), NARCOTIC, TODAY, P) is not None
    assert cn.cn_9_id_numbers(cn_rx(agent_id_no=ADULT_ID), NARCOTIC, TODAY, P) is not None
    bad = ADULT_ID[:17] + "9"
    found = cn.cn_9_id_numbers(cn_rx(patient_id_doc_no=bad), NARCOTIC, TODAY, P)
    assert found is not None and found.params["number"] == bad
    assert cn.cn_9_id_numbers(cn_rx(agent_name="王强", agent_id_no=bad), NARCOTIC, TODAY, P) is not None


def test_cn_10_matching_colour_passes() -> None:
    assert cn.cn_10_rx_colour(cn_rx(kind="psy2"), PSY2, TODAY, P) is None
    assert cn.cn_10_rx_colour(cn_rx(kind="narcotic_psy1"), NARCOTIC, TODAY, P) is None


def test_cn_10_wrong_colour_warns() -> None:
    found = cn.cn_10_rx_colour(cn_rx(kind="normal"), NARCOTIC, TODAY, P)
    assert found is not None and found.severity is Severity.WARN
    assert ids(RETAIL.check_prescription(cn_rx(kind="narcotic_psy1"), PSY2, TODAY)) == ["CN-10"]


def test_cn_11_two_distinct_people_pass() -> None:
    assert cn.cn_11_receipt_two_person(receipt(Profile.CN_RETAIL, PSY2), P) is None
    assert cn.cn_11_supply_two_person(cn_rx(), PSY2, supply(Profile.CN_RETAIL), P) is None


def test_cn_11_one_person_blocked() -> None:
    assert ids(RETAIL.check_receipt(receipt(Profile.CN_RETAIL, PSY2, checked_by="li"))) == ["CN-11"]
    assert ids(RETAIL.check_supply(cn_rx(), PSY2, supply(Profile.CN_RETAIL, checked_by=None))) == ["CN-11"]


def test_cn_12_counted_receipt_with_batch_and_expiry_passes() -> None:
    assert HOSPITAL.check_receipt(receipt(Profile.CN_HOSPITAL, NARCOTIC)) == []


def test_cn_12_uncounted_or_without_batch_or_expiry_blocked() -> None:
    for kw in ({"counted_to_smallest_package": False}, {"batch": ""}, {"expiry": None}):
        assert ids(HOSPITAL.check_receipt(receipt(Profile.CN_HOSPITAL, NARCOTIC, **kw))) == ["CN-12"]


def test_cn_13_dispensing_on_the_expiry_date_passes() -> None:
    assert cn.cn_13_expired(cn_rx(), PSY2, supply(Profile.CN_RETAIL, lot_expiry=TODAY), P) is None


def test_cn_13_expired_batch_blocked() -> None:
    found = RETAIL.check_supply(cn_rx(), PSY2, supply(Profile.CN_RETAIL, lot_expiry=date(2026, 3, 9)))
    assert ids(found) == ["CN-13"] and found[0].params["expiry"] == "2026-03-09"


def test_cn_20_counter_sale_passes() -> None:
    assert cn.cn_20_no_online(cn_rx(), PSY2, supply(Profile.CN_RETAIL), P) is None


def test_cn_20_online_sale_blocked() -> None:
    assert ids(RETAIL.check_supply(cn_rx(), PSY2, supply(Profile.CN_RETAIL, channel="online"))) == ["CN-20"]
