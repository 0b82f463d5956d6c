"""The Chinese trace-code rules (regulations §1.12, §5 CN-TR-1…CN-TR-3): one code per pack, each sold once,
in a known format. The raw scanned string is kept; it is never parsed into parts (its structure is unverified).
"""

from __future__ import annotations

import re
from collections import Counter

from pharmacy.domain.errors import N_
from pharmacy.domain.findings import Finding, Severity
from pharmacy.rules.facts import MedicineFacts, PrescriptionFacts, SupplyFacts
from pharmacy.rules.params import Params
from pharmacy.rules.support import finding

Rx = PrescriptionFacts | None


def cn_tr_1_required(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-TR-1: every pack's trace code scanned — for 医保 sales from 2025-07-01, for every sale from 2026-01-01."""
    # 国家医保局 2025: 定点机构医保结算前扫码; 2026-01-01 起全量采集上传
    required = s.local_date >= p.day("cn.trace_all_from") or (
        s.medical_insurance and s.local_date >= p.day("cn.trace_insurance_from")
    )
    needed = max(s.packs or 1, 1)
    have = len(set(s.trace_codes))
    if required and have < needed:
        return finding(
            "cn.trace_required",
            "CN-TR-1",
            Severity.BLOCK,
            N_("Scan the trace code of every pack: {packs} pack(s), {codes} code(s) scanned"),
            packs=needed,
            codes=have,
        )
    return None


def cn_tr_2_sold_once(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-TR-2: a trace code is sold once; a repeat points to a fake, a resold (回流) or a swapped pack."""
    # 国家医保局 (§1.12): 一码一销
    repeated = [code for code, n in Counter(s.trace_codes).items() if n > 1]
    repeated += [code for code in dict.fromkeys(s.trace_codes) if code in s.trace_codes_dispensed]
    if repeated:
        return finding(
            "cn.trace_sold_once",
            "CN-TR-2",
            Severity.BLOCK,
            N_("Trace code {code} has already been sold; set the pack aside and report it"),
            code=repeated[0],
            codes=tuple(repeated),
        )
    return None


def cn_tr_3_format(rx: Rx, med: MedicineFacts, s: SupplyFacts, p: Params) -> Finding | None:
    """CN-TR-3: each code matches a configured family (default: 20 digits starting with 8, 码上放心)."""
    # bububa/opentaobao drugtrace: codes not 20 digits or not starting with 8 are filtered out
    patterns = [re.compile(x) for x in p.texts("cn.trace_code_patterns")]
    odd = [code for code in s.trace_codes if not any(x.fullmatch(code) for x in patterns)]
    if odd:
        return finding(
            "cn.trace_format",
            "CN-TR-3",
            Severity.WARN,
            N_("Trace code {code} is not in a known format; check the scan"),
            code=odd[0],
        )
    return None
