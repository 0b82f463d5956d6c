"""US-1…US-10 and US-13: the federal prescription, partial-fill, receipt and destruction rules."""

from __future__ import annotations

from datetime import date, timedelta

from pharmacy.domain.findings import Severity
from pharmacy.domain.profile import Profile
from pharmacy.rules import us
from pharmacy.rules.facts import DestructionFacts, Fill
from pharmacy.rules.packs import PACKS
from pharmacy.rules.params import defaults
from tests.rules.scenarios import TODAY, at, ids, med, receipt, supply, us_rx

PACK, P = PACKS[Profile.US], defaults(Profile.US)
CII, CIV, CV = med("CII"), med("CIV"), med("CV")


def test_us_1_cii_without_refills_passes() -> None:
    assert PACK.check_prescription(us_rx(), CII, TODAY) == []
    assert PACK.check_supply(us_rx(), CII, supply(Profile.US, quantity=30)) == []


def test_us_1_cii_refills_blocked() -> None:
    assert ids(PACK.check_prescription(us_rx(refills_authorised=1), CII, TODAY)) == ["US-1"]
    again = supply(Profile.US, quantity=30, supplied_before=30, previous_fills=(Fill(at(TODAY), 30),))
    assert "US-1" in ids(PACK.check_supply(us_rx(), CII, again))


def test_us_2_within_six_months_and_five_refills_passes() -> None:
    rx = us_rx(written_on=date(2025, 9, 10), refills_authorised=5)
    assert us.us_2_refill_count(rx, CIV, TODAY, P) is None
    assert us.us_2_six_months(rx, CIV, supply(Profile.US, quantity=30), P) is None


def test_us_2_after_six_months_or_six_refills_blocked() -> None:
    assert ids(PACK.check_prescription(us_rx(refills_authorised=6), CIV, TODAY)) == ["US-2"]
    rx = us_rx(written_on=date(2025, 9, 9), refills_authorised=5)
    found = PACK.check_supply(rx, CIV, supply(Profile.US, quantity=30))
    assert ids(found) == ["US-2"] and found[0].params["last"] == "2026-03-09"


def test_us_3_cv_partial_within_six_months_passes() -> None:
    s = supply(Profile.US, quantity=10, supplied_before=20)
    assert us.us_3_partial_ciii_v(us_rx(written_on=date(2025, 9, 10)), CV, s, P) is None


def test_us_3_partial_after_six_months_blocked() -> None:
    s = supply(Profile.US, quantity=10, supplied_before=20)
    assert ids(PACK.check_supply(us_rx(written_on=date(2025, 9, 1)), CV, s)) == ["US-3"]


def _partial(hours_after_first: int) -> object:
    first = at(TODAY)
    return supply(Profile.US, TODAY, quantity=10, supplied_before=20, previous_fills=(Fill(first, 20),),
                  when=first + timedelta(hours=hours_after_first))  # fmt: skip


def test_us_4_remainder_within_72_hours_passes() -> None:
    rx = us_rx(partial_kind="cannot_supply")
    assert us.us_4_cii_partial_72h(rx, CII, _partial(72), P) is None  # type: ignore[arg-type]


def test_us_4_remainder_after_72_hours_blocked() -> None:
    rx = us_rx(partial_kind="cannot_supply")
    assert ids(PACK.check_supply(rx, CII, _partial(73))) == ["US-4"]  # type: ignore[arg-type]


def test_us_5_requested_partial_within_30_days_passes() -> None:
    rx = us_rx(partial_kind="patient_request", written_on=TODAY - timedelta(days=30))
    assert us.us_5_cii_partial_cara(rx, CII, supply(Profile.US, quantity=10, supplied_before=20), P) is None


def test_us_5_requested_partial_after_30_days_blocked() -> None:
    rx = us_rx(partial_kind="patient_request", written_on=TODAY - timedelta(days=31))
    assert ids(PACK.check_supply(rx, CII, supply(Profile.US, quantity=10, supplied_before=20))) == ["US-5"]


def test_us_6_ltcf_partial_within_60_days_passes() -> None:
    rx = us_rx(partial_kind="ltcf_terminal", written_on=TODAY - timedelta(days=60))
    assert us.us_6_cii_partial_ltcf(rx, CII, supply(Profile.US, quantity=5, supplied_before=5), P) is None


def test_us_6_ltcf_partial_after_60_days_blocked() -> None:
    rx = us_rx(partial_kind="ltcf_terminal", written_on=TODAY - timedelta(days=61))
    assert ids(PACK.check_supply(rx, CII, supply(Profile.US, quantity=5, supplied_before=5))) == ["US-6"]


def test_us_7_written_prescription_received_in_time_passes() -> None:
    rx = us_rx(kind="emergency", written_on=TODAY - timedelta(days=10),
               emergency_oral_written_rx_received=TODAY - timedelta(days=4))  # fmt: skip
    assert us.us_7_emergency_followup(rx, CII, TODAY, P) is None
    assert us.us_7_emergency_followup(us_rx(kind="emergency"), CII, TODAY, P) is None  # not yet due


def test_us_7_written_prescription_missing_after_7_days_warns() -> None:
    rx = us_rx(kind="emergency", written_on=TODAY - timedelta(days=8))
    found = PACK.check_prescription(rx, CII, TODAY)
    assert ids(found) == ["US-7"] and found[0].severity is Severity.WARN


def test_us_8_ninety_days_and_earliest_fill_respected_passes() -> None:
    rx = us_rx(multiple_rx_total_days=90, earliest_fill_date=TODAY)
    assert us.us_8_cii_multiple(rx, CII, TODAY, P) is None
    assert us.us_8_earliest_fill(rx, CII, supply(Profile.US, quantity=30), P) is None


def test_us_8_over_ninety_days_or_too_early_blocked() -> None:
    assert ids(PACK.check_prescription(us_rx(multiple_rx_total_days=91), CII, TODAY)) == ["US-8"]
    early = us_rx(earliest_fill_date=TODAY + timedelta(days=1))
    assert ids(PACK.check_supply(early, CII, supply(Profile.US, quantity=30))) == ["US-8"]


def test_us_9_dea_number_and_address_pass() -> None:
    assert us.us_9_contents(us_rx(), CIV, TODAY, P) is None


def test_us_9_missing_or_bad_dea_or_no_address_blocked() -> None:
    assert ids(PACK.check_prescription(us_rx(prescriber_dea_no=None), CIV, TODAY)) == ["US-9"]
    found = us.us_9_contents(us_rx(prescriber_dea_no="AB1234564"), CIV, TODAY, P)
    assert found is not None and found.params["number"] == "AB1234564"
    assert us.us_9_contents(us_rx(patient_address=None), CIV, TODAY, P) is not None


def test_us_10_cii_receipt_with_form_222_passes() -> None:
    assert PACK.check_receipt(receipt(Profile.US, CII)) == []
    assert us.us_10_cii_receipt(receipt(Profile.US, CIV, order_form_no=None), P) is None


def test_us_10_cii_receipt_without_order_containers_or_supplier_dea_blocked() -> None:
    for kw in ({"order_form_no": None}, {"containers": None}, {"supplier_dea_no": "PA1234560"}):
        assert ids(PACK.check_receipt(receipt(Profile.US, CII, **kw))) == ["US-10"]


def _destroyed(**kw: object) -> DestructionFacts:
    base: dict[str, object] = {"medicine": CII, "quantity": 10, "destroyed_on": TODAY, "witnesses": ("ann", "bob"),
                               "method": "denaturing kit", "location": "pharmacy back room"}  # fmt: skip
    base.update(kw)
    return DestructionFacts(**base)  # type: ignore[arg-type]


def test_us_13_two_witnesses_and_form_41_data_pass() -> None:
    assert PACK.check_destruction(_destroyed()) == []


def test_us_13_one_witness_or_missing_form_41_data_blocked() -> None:
    assert ids(PACK.check_destruction(_destroyed(witnesses=("ann", "ann")))) == ["US-13"]
    assert ids(PACK.check_destruction(_destroyed(method=None))) == ["US-13"]
