"""Rule-pack parameters: defaults from regulations §5, overrides accepted by name and type, others refused."""

from __future__ import annotations

from datetime import date

import pytest

from pharmacy.domain.errors import InvalidValue
from pharmacy.domain.profile import Profile
from pharmacy.rules.packs import PACKS
from pharmacy.rules.params import defaults, merge_overrides


def test_defaults_from_the_table() -> None:
    assert defaults(Profile.CN_RETAIL).number("cn.max_days_psy2") == 7
    us, uk = defaults("us"), defaults("uk")
    assert (us.number("us.cIII_IV_months"), us.number("us.refills"), us.number("us.cII_partial_hours")) == (6, 5, 72)
    assert (uk.number("uk.validity_days"), uk.number("uk.max_days_warn")) == (28, 30)
    assert set(PACKS) == set(Profile)


def test_good_overrides_applied() -> None:
    p = merge_overrides(Profile.US, {"us.refills": 2, "us.cII_classes": ["CII", "CIIN"]})
    assert p.number("us.refills") == 2 and p.texts("us.cII_classes") == ("CII", "CIIN")
    cn = merge_overrides("cn_hospital", {"cn.trace_all_from": "2026-06-01"})
    assert cn.day("cn.trace_all_from") == date(2026, 6, 1)
    assert defaults(Profile.US).number("us.refills") == 5  # defaults untouched


@pytest.mark.parametrize(
    ("pack", "name", "value"),
    [
        ("us", "us.refills", "5"),
        ("us", "us.refills", True),
        ("us", "us.refills", -1),
        ("uk", "uk.validity_days", 28.0),
        ("cn_retail", "cn.trace_all_from", "soon"),
        ("cn_retail", "cn.red_classes", "narcotic"),
        ("cn_retail", "cn.psy2_class", ""),
    ],
)
def test_wrong_type_refused_naming_the_setting(pack: str, name: str, value: object) -> None:
    with pytest.raises(InvalidValue) as caught:
        merge_overrides(pack, {name: value})
    assert caught.value.params["field"] == name
    assert str(caught.value).startswith(name + ": ")


def test_unknown_setting_refused() -> None:
    with pytest.raises(InvalidValue) as caught:
        merge_overrides(Profile.UK, {"us.refills": 3})
    assert caught.value.params["field"] == "us.refills"


def test_override_changes_a_pack_result() -> None:
    from tests.rules.scenarios import TODAY, ids, med, uk_rx

    strict = merge_overrides(Profile.UK, {"uk.max_days_warn": 14})
    assert ids(PACKS[Profile.UK].check_prescription(uk_rx(days_supply=20), med("2"), TODAY, strict)) == ["UK-7"]
