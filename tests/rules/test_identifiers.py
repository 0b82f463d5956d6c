"""Identifiers: Chinese resident ID (MOD 11-2, date of birth, region as information), DEA number, NPI."""

from __future__ import annotations

from datetime import date

from pharmacy.rules.identifiers import (
    check_cn_ric,
    check_dea,
    check_npi,
    cn_ric_region,
    dea_check_digit,
    ric_birth_date,
    ric_check_char,
)
from tests.rules.scenarios import ric

TODAY = date(2026, 3, 10)


def test_lessons_9_hangzhou_number_is_accepted_despite_stdnum() -> None:
    # lessons §9: 西湖区's code dates from 1983 in stdnum's table; the holder was born in 1970.
    assert ric_check_char("33010619700307001") == "5"
    assert check_cn_ric("330106197003070015", TODAY) is None
    assert ric_birth_date("330106197003070015") == date(1970, 3, 7)
    assert cn_ric_region("330106197003070015") is not None  # information only


def test_zhejiang_numbers_with_computed_check_characters() -> None:
    for body in ("33010219800101123", "33020319991231456", "33030420050228789", "33100220000229001"):
        assert check_cn_ric(ric(body), TODAY) is None
        assert check_cn_ric(ric(body).lower(), TODAY) is None


def test_x_check_character() -> None:
    body = next(b for b in (f"3301061980010100{i}" for i in range(10)) if ric_check_char(b) == "X")
    assert check_cn_ric(body + "X", TODAY) is None
    assert check_cn_ric(body + "x", TODAY) is None


def test_unknown_region_is_not_a_refusal() -> None:
    assert check_cn_ric(ric("99999919800101123"), TODAY) is None


def test_wrong_check_character_refused() -> None:
    number = ric("33010619700307001")
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    problem = check_cn_ric(wrong, TODAY)
    assert problem is not None and "check character" in problem.message


def test_bad_length_bad_date_future_date_refused() -> None:
    assert check_cn_ric("33010619700307", TODAY) is not None
    assert check_cn_ric("3301061970030700A5", TODAY) is not None
    assert check_cn_ric(ric("33010619700230001"), TODAY) is not None  # 30 February
    assert check_cn_ric(ric("33010620300101001"), TODAY) is not None  # born in the future


def test_legacy_15_digit_numbers_date_only() -> None:
    assert check_cn_ric("330106700307001", TODAY) is None
    assert ric_birth_date("330106700307001") == date(1970, 3, 7)
    assert check_cn_ric("330106701307001", TODAY) is not None  # month 13


def test_dea_check_digit() -> None:
    assert dea_check_digit("123456") == 3
    assert check_dea("AB1234563") is None
    assert check_dea("ab1234563") is None
    assert check_dea("M91234563") is None  # business: second character 9


def test_dea_refusals() -> None:
    assert check_dea("AB1234564") is not None  # check digit
    assert check_dea("QB1234563") is not None  # no such registrant type
    assert check_dea("AB123456") is not None  # too short
    assert check_dea("A11234563") is not None


def test_npi() -> None:
    assert check_npi("1234567893") is None
    assert check_npi("1234567890") is not None
    assert check_npi("12345") is not None
