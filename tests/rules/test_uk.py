"""UK-1…UK-10: the Misuse of Drugs Regulations 2001 rules and good-practice warnings."""

from __future__ import annotations

from datetime import date, timedelta

from pharmacy.domain.findings import Severity
from pharmacy.domain.profile import Profile
from pharmacy.rules import uk
from pharmacy.rules.facts import BalanceCheckFacts, DestructionFacts, PatientReturnFacts, RecordFacts
from pharmacy.rules.packs import PACKS
from pharmacy.rules.params import defaults
from tests.rules.scenarios import TODAY, ids, med, supply, uk_rx

PACK, P = PACKS[Profile.UK], defaults(Profile.UK)
SCH2, SCH3, SCH4 = med("2"), med("3"), med("4")


def test_uk_1_within_28_days_passes() -> None:
    rx = uk_rx(written_on=TODAY - timedelta(days=28))
    assert PACK.check_supply(rx, SCH2, supply(Profile.UK, quantity=56)) == []


def test_uk_1_after_28_days_or_before_start_blocked() -> None:
    assert ids(PACK.check_supply(uk_rx(written_on=TODAY - timedelta(days=29)), SCH2, supply(Profile.UK))) == ["UK-1"]
    later = uk_rx(earliest_fill_date=TODAY + timedelta(days=1))
    assert uk.uk_1_validity(later, SCH3, supply(Profile.UK), P) is not None


def test_uk_2_words_and_figures_pass() -> None:
    assert PACK.check_prescription(uk_rx(), SCH2, TODAY) == []


def test_uk_2_one_of_them_blocked_or_warned_after_amendment() -> None:
    found = PACK.check_prescription(uk_rx(quantity_in_words=None), SCH2, TODAY)
    assert ids(found) == ["UK-2"] and found[0].severity is Severity.BLOCK
    amended = uk.uk_2_words_and_figures(uk_rx(quantity_in_figures=False, amended_by_pharmacist=True), SCH3, TODAY, P)
    assert amended is not None and amended.severity is Severity.WARN
    assert uk.uk_2_words_and_figures(uk_rx(quantity_in_words=None), SCH4, TODAY, P) is None


def test_uk_3_uk_prescriber_passes() -> None:
    assert uk.uk_3_prescriber_in_uk(uk_rx(prescriber_country="gb"), SCH2, TODAY, P) is None


def test_uk_3_prescriber_abroad_blocked() -> None:
    found = PACK.check_prescription(uk_rx(prescriber_country="IE"), SCH2, TODAY)
    assert ids(found) == ["UK-3"] and found[0].params["country"] == "IE"


def _entry(occurred: date, **kw: object) -> RecordFacts:
    return RecordFacts(**{"operation": "append", "occurred_on": occurred, "recorded_on": TODAY, "entered_by": "amy",
                          **kw})  # type: ignore[arg-type]  # fmt: skip


def test_uk_4_entry_same_or_next_day_passes() -> None:
    assert PACK.check_record(_entry(TODAY - timedelta(days=1))) == []


def test_uk_4_entry_two_days_late_warns() -> None:
    found = PACK.check_record(_entry(TODAY - timedelta(days=2)))
    assert ids(found) == ["UK-4"] and found[0].severity is Severity.WARN


def test_uk_5_collector_recorded_passes() -> None:
    rx = uk_rx(collector_type="hcp", hcp_name="Dr Patel", hcp_address="Leeds GP", id_requested=False, id_provided=False)
    assert uk.uk_5_collector(rx, SCH2, supply(Profile.UK), P) is None
    assert uk.uk_5_collector(uk_rx(collector_type=None), SCH3, supply(Profile.UK), P) is None  # Sch 3: no register


def test_uk_5_collector_details_missing_blocked() -> None:
    for kw in ({"collector_type": None}, {"collector_type": "hcp"}, {"id_provided": None}):
        assert ids(PACK.check_supply(uk_rx(**kw), SCH2, supply(Profile.UK))) == ["UK-5"]


def test_uk_6_dated_correction_passes() -> None:
    assert uk.uk_6_corrections(_entry(TODAY, operation="reversal", reverses="17", reason="wrong patient"), P) is None


def test_uk_6_alteration_blocked() -> None:
    assert "UK-6" in ids(PACK.check_record(_entry(TODAY, operation="update")))
    assert uk.uk_6_corrections(_entry(TODAY, operation="reversal", reverses="17"), P) is not None


def test_uk_7_thirty_days_passes() -> None:
    assert uk.uk_7_quantity_days(uk_rx(days_supply=30), SCH4, TODAY, P) is None


def test_uk_7_over_thirty_days_warns() -> None:
    found = PACK.check_prescription(uk_rx(days_supply=31), SCH2, TODAY)
    assert ids(found) == ["UK-7"] and found[0].severity is Severity.WARN


def _destroyed(**kw: object) -> DestructionFacts:
    return DestructionFacts(**{"medicine": SCH2, "quantity": 5, "destroyed_on": TODAY,
                               "authorised_witness_name": "Insp. Jones", "authorised_witness_signed": True,
                               **kw})  # type: ignore[arg-type]  # fmt: skip


def test_uk_8_authorised_witness_signed_passes() -> None:
    assert PACK.check_destruction(_destroyed()) == []
    assert PACK.check_destruction(_destroyed(authorised_witness_name=None, patient_returned=True)) == []


def test_uk_8_no_authorised_witness_blocked() -> None:
    assert ids(PACK.check_destruction(_destroyed(authorised_witness_signed=False))) == ["UK-8"]


def test_uk_9_patient_return_to_returns_record_passes() -> None:
    assert PACK.check_patient_return(PatientReturnFacts(SCH2, 3, to_stock=False, separate_record=True)) == []


def test_uk_9_patient_return_to_stock_blocked() -> None:
    assert ids(PACK.check_patient_return(PatientReturnFacts(SCH2, 3, to_stock=True, separate_record=True))) == ["UK-9"]
    assert uk.uk_9_patient_returns(PatientReturnFacts(SCH2, 3, to_stock=False, separate_record=False), P)


def test_uk_10_recent_balance_check_passes() -> None:
    assert PACK.check_balance_check(BalanceCheckFacts(SCH2, TODAY, TODAY - timedelta(days=7))) == []


def test_uk_10_overdue_balance_check_warns() -> None:
    assert ids(PACK.check_balance_check(BalanceCheckFacts(SCH2, TODAY, TODAY - timedelta(days=8)))) == ["UK-10"]
    assert ids(PACK.check_balance_check(BalanceCheckFacts(SCH2, TODAY, None))) == ["UK-10"]
