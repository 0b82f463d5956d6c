"""Rule-pack parameters as data: the defaults of regulations §5, and a pharmacy's overrides checked by name and type.

A state's stricter cap or a hospital's own limit is an override, never a code change. An unknown name or a value
of the wrong type is refused with `InvalidValue` naming the setting, so a bad settings file stops the start-up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.domain.profile import Profile

Value = int | bool | str | date | tuple[str, ...]

COMMON: dict[str, Value] = {
    "x.balance_tolerance": 0,  # units a lot may go below zero (liquid overage only)
    # A liquid's count may differ from the book by this much for measuring loss or overage, in basis points
    # (500 = 5 %; measured loss averages 3.4 %: regulations §7.2), unless the catalogue sets its own.
    "counts.liquid_tolerance_bp": 500,
}

CN: dict[str, Value] = {
    "cn.retail_forbidden_classes": ("narcotic", "psychotropic_1"),  # CN-1, 条例 Art.30
    "cn.red_classes": ("narcotic", "psychotropic_1"),  # 麻/精一, pale red prescriptions
    "cn.psy2_class": "psychotropic_2",
    "cn.adult_age": 18,  # CN-3
    "cn.max_extension_days": 3,  # CN-4, 处方管理办法 Art.18
    "cn.max_days_psy2": 7,  # CN-5, Art.23
    "cn.outpatient_injection_doses": 1,  # CN-6
    "cn.outpatient_mr_days": 7,
    "cn.outpatient_other_days": 3,
    "cn.inpatient_days": 1,
    "cn.pain_injection_days": 3,  # CN-7, Art.24
    "cn.pain_mr_days": 15,
    "cn.pain_other_days": 7,
    "cn.methylphenidate_adhd_days": 15,  # CN-8
    "cn.injection_forms": ("injection",),
    "cn.trace_insurance_from": date(2025, 7, 1),  # CN-TR-1
    "cn.trace_all_from": date(2026, 1, 1),
    "cn.trace_code_patterns": (r"8\d{19}",),  # CN-TR-3: 码上放心 family; add others here
}

US: dict[str, Value] = {
    "us.cII_classes": ("CII",),
    "us.cIII_IV_classes": ("CIII", "CIV"),
    "us.cIII_V_classes": ("CIII", "CIV", "CV"),
    "us.cIII_IV_months": 6,  # US-2, 21 CFR 1306.22
    "us.refills": 5,
    "us.cII_partial_hours": 72,  # US-4, 1306.13(a)
    "us.cII_cara_days": 30,  # US-5, 1306.13(b)
    "us.cII_ltcf_days": 60,  # US-6
    "us.emergency_written_days": 7,  # US-7, 1306.11(d)
    "us.cII_multiple_days": 90,  # US-8, 1306.12(b)
    "us.destruction_witnesses": 2,  # US-13, Part 1317
    "us.inventory_exact_over": 1000,  # US-11, 1304.11(e)(3): an opened container over this is counted exactly
    "us.inventory_years": 2,  # US-11, 1304.11(c): biennial
}

UK: dict[str, Value] = {
    "uk.rx_schedules": ("2", "3"),  # reg 15/16 apply to Sch 2 and 3
    "uk.register_schedules": ("2",),  # reg 19: CD register for Sch 2
    "uk.quantity_schedules": ("2", "3", "4"),  # UK-7 guidance covers Sch 2–4
    "uk.validity_days": 28,  # UK-1, reg 16(1)(e)
    "uk.countries": ("GB", "UK"),  # UK-3, reg 16(1)(b)
    "uk.late_entry_days": 1,  # UK-4, reg 20(b)
    "uk.max_days_warn": 30,  # UK-7
    "uk.balance_check_days": 7,  # UK-10
}

DEFAULTS: dict[Profile, dict[str, Value]] = {
    Profile.CN_HOSPITAL: {**COMMON, **CN},
    Profile.CN_RETAIL: {**COMMON, **CN},
    Profile.US: {**COMMON, **US},
    Profile.UK: {**COMMON, **UK},
}


@dataclass(frozen=True)
class Params:
    """The parameters one pack runs with, read through typed getters so a rule never sees the wrong type."""

    profile: Profile
    values: Mapping[str, Value]

    def number(self, name: str) -> int:
        value = self.values[name]
        assert isinstance(value, int) and not isinstance(value, bool), name
        return value

    def text(self, name: str) -> str:
        value = self.values[name]
        assert isinstance(value, str), name
        return value

    def day(self, name: str) -> date:
        value = self.values[name]
        assert isinstance(value, date), name
        return value

    def texts(self, name: str) -> tuple[str, ...]:
        value = self.values[name]
        assert isinstance(value, tuple), name
        return value


def defaults(pack: Profile | str) -> Params:
    profile = Profile(pack)
    return Params(profile, MappingProxyType(dict(DEFAULTS[profile])))


def merge_overrides(pack: Profile | str, overrides: Mapping[str, object]) -> Params:
    """The pack's defaults with `overrides` applied; refuses unknown names and values of the wrong type."""
    base = defaults(pack)
    merged = dict(base.values)
    for name, raw in overrides.items():
        if name not in merged:
            raise InvalidValue(field=name, problem=N_("no such rule setting in this rule pack"))
        merged[name] = _coerce(name, merged[name], raw)
    return Params(base.profile, MappingProxyType(merged))


def _coerce(name: str, default: Value, raw: object) -> Value:
    if isinstance(default, bool):
        if isinstance(raw, bool):
            return raw
        raise InvalidValue(field=name, problem=N_("must be true or false"))
    if isinstance(default, int):
        if isinstance(raw, int) and not isinstance(raw, bool) and raw >= 0:
            return raw
        raise InvalidValue(field=name, problem=N_("must be a whole number, zero or more"))
    if isinstance(default, str):
        if isinstance(raw, str) and raw:
            return raw
        raise InvalidValue(field=name, problem=N_("must be a non-empty text"))
    if isinstance(default, date):
        return _as_date(name, raw)
    if isinstance(raw, list | tuple | frozenset | set) and all(isinstance(x, str) for x in raw):
        return tuple(str(x) for x in raw)
    raise InvalidValue(field=name, problem=N_("must be a list of texts"))


def _as_date(name: str, raw: object) -> date:
    if isinstance(raw, date) and not hasattr(raw, "hour"):
        return raw
    if isinstance(raw, str):
        try:
            return date.fromisoformat(raw)
        except ValueError:
            pass
    raise InvalidValue(field=name, problem=N_("must be a date such as 2026-01-01"))
