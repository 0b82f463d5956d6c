"""X-1…X-5: the rules every pack runs."""

from __future__ import annotations

from datetime import date

from pharmacy.domain.findings import Severity
from pharmacy.domain.profile import Profile
from pharmacy.rules import common
from pharmacy.rules.facts import RecordFacts
from pharmacy.rules.packs import PACKS
from pharmacy.rules.params import defaults, merge_overrides
from tests.rules.scenarios import TODAY, cn_rx, ids, med, receipt, supply

P = defaults(Profile.CN_HOSPITAL)
PSY2 = med("psychotropic_2")


def _entry(**kw: object) -> RecordFacts:
    base: dict[str, object] = {"operation": "append", "occurred_on": TODAY, "recorded_on": TODAY, "entered_by": "li"}
    base.update(kw)
    return RecordFacts(**base)  # type: ignore[arg-type]


def test_x_1_append_and_reasoned_reversal_pass() -> None:
    assert common.x1_append_only(_entry(), P) is None
    assert common.x1_append_only(_entry(operation="reversal", reverses="42", reason="wrong batch"), P) is None


def test_x_1_edit_delete_and_bare_reversal_blocked() -> None:
    for entry in (_entry(operation="update"), _entry(operation="delete"), _entry(operation="reversal", reverses="42")):
        found = common.x1_append_only(entry, P)
        assert found is not None and found.severity is Severity.BLOCK and found.params["table_id"] == "X-1"


def test_x_2_balance_stays_non_negative() -> None:
    assert common.x2_balance(10, -10, P) is None
    assert ids(PACKS[Profile.CN_HOSPITAL].check_supply(cn_rx(), PSY2, supply(Profile.CN_HOSPITAL))) == []


def test_x_2_negative_balance_blocked_and_overage_tolerance() -> None:
    found = common.x2_balance(3, -5, P)
    assert found is not None and found.params["after"] == -2 and found.severity is Severity.BLOCK
    tolerant = merge_overrides(Profile.CN_HOSPITAL, {"x.balance_tolerance": 2})
    assert common.x2_balance(3, -5, tolerant, overage_allowed=True) is None
    assert common.x2_balance(3, -5, tolerant) is not None
    refused = PACKS[Profile.US].check_supply(None, med("CII"), supply(Profile.US, lot_balance=5, quantity=6))
    assert ids(refused) == ["X-2"]


def test_x_3_signed_in_user_passes() -> None:
    assert common.x3_record(_entry(), P) is None


def test_x_3_anonymous_or_unauthenticated_blocked() -> None:
    assert ids([f for f in [common.x3_record(_entry(entered_by=None), P)] if f]) == ["X-3"]
    assert common.x3_record(_entry(authenticated=False), P) is not None
    assert ids(PACKS[Profile.UK].check_receipt(receipt(Profile.UK, med("2"), entered_by=""))) == ["X-3"]


def test_x_4_within_prescribed_passes() -> None:
    assert common.x4_within_prescription(cn_rx(quantity=20), PSY2, supply(Profile.CN_HOSPITAL, quantity=6,
                                         supplied_before=14), P) is None  # fmt: skip


def test_x_4_more_than_owing_blocked() -> None:
    found = common.x4_within_prescription(cn_rx(quantity=20), PSY2, supply(Profile.CN_HOSPITAL, quantity=7,
                                          supplied_before=14), P)  # fmt: skip
    assert found is not None and found.params == {"table_id": "X-4", "number": "RX1", "remaining": 6, "quantity": 7}


def test_x_4_refills_count_towards_the_prescribed_total() -> None:
    rx = cn_rx(quantity=10, refills_authorised=2)
    assert common.x4_within_prescription(rx, PSY2, supply(Profile.US, quantity=10, supplied_before=20), P) is None
    assert common.x4_within_prescription(rx, PSY2, supply(Profile.US, quantity=1, supplied_before=30), P) is not None


def test_x_5_class_resolved_passes() -> None:
    assert common.x5_class_resolved(PSY2, TODAY) is None
    assert common.x5_class_resolved(med(None, on_register=False), TODAY) is None


def test_x_5_missing_class_for_register_entry_blocked() -> None:
    found = common.x5_class_resolved(med(None), date(2020, 1, 1))
    assert found is not None and found.severity is Severity.BLOCK and found.params["date"] == "2020-01-01"
    assert "X-5" in ids(PACKS[Profile.CN_RETAIL].check_supply(cn_rx(), med(None), supply(Profile.CN_RETAIL)))


def test_impossible_dates_blocked() -> None:
    pack = PACKS[Profile.CN_HOSPITAL]
    assert ids(pack.check_prescription(cn_rx(written_on=date(2026, 3, 11)), PSY2, TODAY)) == ["input"]
    found = pack.check_supply(cn_rx(written_on=date(2026, 3, 11)), PSY2, supply(Profile.CN_HOSPITAL))
    assert "common.supplied_before_written" in [f.rule_id for f in found]
