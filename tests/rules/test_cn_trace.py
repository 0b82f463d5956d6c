"""CN-TR-1…CN-TR-3: trace codes per pack, sold once, in a known format."""

from __future__ import annotations

from datetime import date

from pharmacy.domain.findings import Severity
from pharmacy.domain.profile import Profile
from pharmacy.rules import cn_trace
from pharmacy.rules.packs import PACKS
from pharmacy.rules.params import defaults, merge_overrides
from tests.rules.scenarios import TRACE_CODE, cn_rx, ids, med, supply

P = defaults(Profile.CN_RETAIL)
PSY2 = med("psychotropic_2")
SECOND = "81234567890123456790"


def test_cn_tr_1_codes_for_every_pack_pass() -> None:
    s = supply(Profile.CN_RETAIL, packs=2, trace_codes=(TRACE_CODE, SECOND))
    assert cn_trace.cn_tr_1_required(cn_rx(), PSY2, s, P) is None
    before = supply(Profile.CN_RETAIL, date(2025, 6, 30), trace_codes=(), medical_insurance=True)
    assert cn_trace.cn_tr_1_required(cn_rx(), PSY2, before, P) is None
    cash_2025 = supply(Profile.CN_RETAIL, date(2025, 9, 1), trace_codes=())
    assert cn_trace.cn_tr_1_required(cn_rx(), PSY2, cash_2025, P) is None


def test_cn_tr_1_missing_codes_blocked() -> None:
    insured = supply(Profile.CN_RETAIL, date(2025, 7, 1), trace_codes=(), medical_insurance=True)
    assert ids([f for f in [cn_trace.cn_tr_1_required(cn_rx(), PSY2, insured, P)] if f]) == ["CN-TR-1"]
    s = supply(Profile.CN_RETAIL, packs=2)
    found = PACKS[Profile.CN_RETAIL].check_supply(cn_rx(), PSY2, s)
    assert ids(found) == ["CN-TR-1"] and found[0].params["packs"] == 2 and found[0].params["codes"] == 1


def test_cn_tr_2_new_code_passes() -> None:
    s = supply(Profile.CN_RETAIL, trace_codes_dispensed=frozenset({SECOND}))
    assert cn_trace.cn_tr_2_sold_once(cn_rx(), PSY2, s, P) is None


def test_cn_tr_2_code_sold_before_or_twice_blocked() -> None:
    s = supply(Profile.CN_RETAIL, trace_codes_dispensed=frozenset({TRACE_CODE}))
    found = PACKS[Profile.CN_HOSPITAL].check_supply(cn_rx(), PSY2, s)
    assert ids(found) == ["CN-TR-2"] and found[0].params["code"] == TRACE_CODE
    twice = supply(Profile.CN_RETAIL, trace_codes=(TRACE_CODE, TRACE_CODE))
    assert cn_trace.cn_tr_2_sold_once(cn_rx(), PSY2, twice, P) is not None


def test_cn_tr_3_known_format_passes() -> None:
    assert cn_trace.cn_tr_3_format(cn_rx(), PSY2, supply(Profile.CN_RETAIL), P) is None


def test_cn_tr_3_odd_format_warns_unless_configured() -> None:
    s = supply(Profile.CN_RETAIL, trace_codes=("0104912345678904215ABC",))
    found = cn_trace.cn_tr_3_format(cn_rx(), PSY2, s, P)
    assert found is not None and found.severity is Severity.WARN
    gs1 = merge_overrides(Profile.CN_RETAIL, {"cn.trace_code_patterns": [r"8\d{19}", r"01\d{14}21\w{1,20}"]})
    assert cn_trace.cn_tr_3_format(cn_rx(), PSY2, s, gs1) is None
