"""The rule packs: for each profile, the ordered rules of each check, run with the pack's parameters.

`PACKS[profile].check_supply(rx, medicine, supply, params)` returns every finding, BLOCKs first in rule order; the
caller refuses on any BLOCK. `params` defaults to the pack's defaults; build overrides with `merge_overrides`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from pharmacy.domain.findings import Finding, Severity
from pharmacy.domain.profile import Profile
from pharmacy.rules import cn, cn_trace, common, uk, us
from pharmacy.rules.facts import (
    BalanceCheckFacts,
    DestructionFacts,
    MedicineFacts,
    PatientReturnFacts,
    PrescriptionFacts,
    ReceiptFacts,
    RecordFacts,
    SupplyFacts,
)
from pharmacy.rules.params import Params, defaults

PrescriptionRule = Callable[[PrescriptionFacts, MedicineFacts, date, Params], Finding | None]
SupplyRule = Callable[[PrescriptionFacts | None, MedicineFacts, SupplyFacts, Params], Finding | None]
ReceiptRule = Callable[[ReceiptFacts, Params], Finding | None]
RecordRule = Callable[[RecordFacts, Params], Finding | None]
DestructionRule = Callable[[DestructionFacts, Params], Finding | None]
ReturnRule = Callable[[PatientReturnFacts, Params], Finding | None]
BalanceCheckRule = Callable[[BalanceCheckFacts, Params], Finding | None]

_ORDER = {Severity.BLOCK: 0, Severity.WARN: 1, Severity.INFO: 2}


def _collect(results: Iterable[Finding | None]) -> list[Finding]:
    return sorted((f for f in results if f is not None), key=lambda f: _ORDER[f.severity])


@dataclass(frozen=True)
class Pack:
    """One profile's rules, per check, in the order they run."""

    profile: Profile
    prescription: tuple[PrescriptionRule, ...]
    supply: tuple[SupplyRule, ...]
    receipt: tuple[ReceiptRule, ...] = ()
    record: tuple[RecordRule, ...] = ()
    destruction: tuple[DestructionRule, ...] = ()
    patient_return: tuple[ReturnRule, ...] = ()
    balance_check: tuple[BalanceCheckRule, ...] = ()

    def _p(self, params: Params | None) -> Params:
        return params if params is not None else defaults(self.profile)

    def check_prescription(
        self, rx: PrescriptionFacts, medicine: MedicineFacts, on: date, params: Params | None = None
    ) -> list[Finding]:
        """When a prescription is recorded on `on` (the local date): its contents, caps and identifiers."""
        p = self._p(params)
        return _collect(rule(rx, medicine, on, p) for rule in self.prescription)

    def check_supply(
        self, rx: PrescriptionFacts | None, medicine: MedicineFacts, supply: SupplyFacts, params: Params | None = None
    ) -> list[Finding]:
        """When a supply is made against `rx` (None: no prescription): validity, quantities, who, how, codes."""
        p = self._p(params)
        return _collect(rule(rx, medicine, supply, p) for rule in self.supply)

    def check_dispense(
        self, rx: PrescriptionFacts, medicine: MedicineFacts, supply: SupplyFacts, params: Params | None = None
    ) -> list[Finding]:
        """A prescription recorded and supplied at once: both checks, dated the supply's local date."""
        both = [*self.check_prescription(rx, medicine, supply.local_date, params)]
        both += self.check_supply(rx, medicine, supply, params)
        return _collect(both)

    def check_receipt(self, receipt: ReceiptFacts, params: Params | None = None) -> list[Finding]:
        p = self._p(params)
        return _collect(rule(receipt, p) for rule in self.receipt)

    def check_record(self, entry: RecordFacts, params: Params | None = None) -> list[Finding]:
        p = self._p(params)
        return _collect(rule(entry, p) for rule in self.record)

    def check_destruction(self, destruction: DestructionFacts, params: Params | None = None) -> list[Finding]:
        p = self._p(params)
        return _collect(rule(destruction, p) for rule in self.destruction)

    def check_patient_return(self, returned: PatientReturnFacts, params: Params | None = None) -> list[Finding]:
        p = self._p(params)
        return _collect(rule(returned, p) for rule in self.patient_return)

    def check_balance_check(self, check: BalanceCheckFacts, params: Params | None = None) -> list[Finding]:
        p = self._p(params)
        return _collect(rule(check, p) for rule in self.balance_check)


_COMMON_RX: tuple[PrescriptionRule, ...] = (common.x5_prescription, common.written_in_future)
_COMMON_SUPPLY: tuple[SupplyRule, ...] = (
    common.x3_supply,
    common.x5_supply,
    common.supplied_before_written,
    common.x4_within_prescription,
    common.x2_supply,
)
_COMMON_RECEIPT: tuple[ReceiptRule, ...] = (common.x3_receipt, common.x5_receipt)
_COMMON_RECORD: tuple[RecordRule, ...] = (common.x1_append_only, common.x3_record)

_CN_RX: tuple[PrescriptionRule, ...] = (cn.cn_4_extension, cn.cn_5_psy2_days, cn.cn_9_id_numbers, cn.cn_10_rx_colour)
_CN_HOSPITAL_RX: tuple[PrescriptionRule, ...] = (cn.cn_6_outpatient_caps, cn.cn_7_pain_caps, cn.cn_8_methylphenidate)
_CN_SUPPLY: tuple[SupplyRule, ...] = (
    cn.cn_2_psy2_prescription,
    cn.cn_4_validity,
    cn.cn_11_supply_two_person,
    cn.cn_13_expired,
    cn.cn_20_no_online,
    cn_trace.cn_tr_1_required,
    cn_trace.cn_tr_2_sold_once,
    cn_trace.cn_tr_3_format,
)
_CN_RECEIPT: tuple[ReceiptRule, ...] = (cn.cn_11_receipt_two_person, cn.cn_12_receipt_count)


def _cn(profile: Profile, rx: tuple[PrescriptionRule, ...], supply: tuple[SupplyRule, ...]) -> Pack:
    return Pack(
        profile,
        prescription=_COMMON_RX + _CN_RX + rx,
        supply=_COMMON_SUPPLY + supply + _CN_SUPPLY,
        receipt=_COMMON_RECEIPT + _CN_RECEIPT,
        record=_COMMON_RECORD,
        destruction=(cn.cn_14_supervision,),
    )


CN_HOSPITAL = _cn(Profile.CN_HOSPITAL, _CN_HOSPITAL_RX, ())
CN_RETAIL = _cn(Profile.CN_RETAIL, (), (cn.cn_1_retail_no_narcotics, cn.cn_3_no_minors))

US = Pack(
    Profile.US,
    prescription=(
        *_COMMON_RX,
        us.us_1_cii_refills,
        us.us_2_refill_count,
        us.us_7_emergency_followup,
        us.us_8_cii_multiple,
        us.us_9_contents,
    ),
    supply=(
        *_COMMON_SUPPLY,
        us.us_1_cii_refill_supply,
        us.us_2_six_months,
        us.us_3_partial_ciii_v,
        us.us_4_cii_partial_72h,
        us.us_5_cii_partial_cara,
        us.us_6_cii_partial_ltcf,
        us.us_8_earliest_fill,
    ),
    receipt=(*_COMMON_RECEIPT, us.us_10_cii_receipt),
    record=_COMMON_RECORD,
    destruction=(us.us_13_destruction,),
)

UK = Pack(
    Profile.UK,
    prescription=(*_COMMON_RX, uk.uk_2_words_and_figures, uk.uk_3_prescriber_in_uk, uk.uk_7_quantity_days),
    supply=(*_COMMON_SUPPLY, uk.uk_1_validity, uk.uk_5_collector),
    receipt=_COMMON_RECEIPT,
    record=(*_COMMON_RECORD, uk.uk_4_entry_timing, uk.uk_6_corrections),
    destruction=(uk.uk_8_destruction_witness,),
    patient_return=(uk.uk_9_patient_returns,),
    balance_check=(uk.uk_10_balance_check,),
)

PACKS: dict[Profile, Pack] = {
    Profile.CN_HOSPITAL: CN_HOSPITAL,
    Profile.CN_RETAIL: CN_RETAIL,
    Profile.US: US,
    Profile.UK: UK,
}
