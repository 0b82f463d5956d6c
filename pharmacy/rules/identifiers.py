"""Identifier checks with their check digits: Chinese resident ID, DEA registration number, NPI.

Each returns None when the number is acceptable, or an `IdProblem` (a message id and its parameters) that a rule
turns into a Finding. The CN region code is information only, never a refusal (lessons §9).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from stdnum import luhn

from pharmacy.domain.errors import N_, Text

_RIC_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_RIC_CHECK = "10X98765432"
# DEA registrant types (first letter): practitioners, mid-levels, pharmacies, distributors, manufacturers …
DEA_REGISTRANT_TYPES = frozenset("ABCDEFGHJKLMPRSTUX")


@dataclass(frozen=True)
class IdProblem:
    message: Text
    params: dict[str, object] = field(default_factory=dict)


def ric_check_char(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character of the first 17 digits of a resident ID number."""
    return _RIC_CHECK[sum(int(d) * w for d, w in zip(first17, _RIC_WEIGHTS, strict=True)) % 11]


def _birth_date(text: str) -> date | None:
    try:
        return date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    except ValueError:
        return None


def ric_birth_date(number: str) -> date | None:
    """The date of birth a resident ID number carries (18 or legacy 15 digits), None if it carries no valid date."""
    number = number.strip().upper()
    if len(number) == 18 and number[:17].isdigit():
        return _birth_date(number[6:14])
    if len(number) == 15 and number.isdigit():
        return _birth_date("19" + number[6:12])
    return None


def check_cn_ric(number: str, today: date) -> IdProblem | None:
    """Length, date of birth (valid, not in the future) and, for 18 characters, the MOD 11-2 check character."""
    number = number.strip().upper()
    shape_ok = (len(number) == 18 and number[:17].isdigit() and (number[17].isdigit() or number[17] == "X")) or (
        len(number) == 15 and number.isdigit()
    )
    if not shape_ok:
        return IdProblem(
            N_("ID number {number} must have 18 characters (17 digits and a digit or X) or 15 digits"),
            {"number": number},
        )
    born = ric_birth_date(number)
    if born is None or born > today:
        return IdProblem(N_("ID number {number} does not carry a valid date of birth"), {"number": number})
    if len(number) == 18 and ric_check_char(number[:17]) != number[17]:
        return IdProblem(
            N_("ID number {number} has a wrong check character; check it against the card"), {"number": number}
        )
    return None


def cn_ric_region(number: str) -> str | None:
    """The region the number's first six digits name, if python-stdnum knows it: information, never a check."""
    from stdnum import numdb

    results = numdb.get("cn/loc").info(number.strip()[:6])
    info = {k: v for _part, props in results for k, v in props.items()}
    # No birth-year filter (stdnum's is what refuses real numbers): a county may list its dated names.
    names = [str(info[k]).split("]")[-1] for k in ("province", "prefecture", "county") if info.get(k)]
    return " ".join(names) or None


def dea_check_digit(digits6: str) -> int:
    """(d1+d3+d5) + 2*(d2+d4+d6), last digit."""
    d = [int(c) for c in digits6]
    return (d[0] + d[2] + d[4] + 2 * (d[1] + d[3] + d[5])) % 10


def check_dea(number: str) -> IdProblem | None:
    """Two letters (the second may be 9 for a business) and seven digits, the last being the check digit."""
    number = number.strip().upper()
    shape_ok = (
        len(number) == 9
        and number[0] in DEA_REGISTRANT_TYPES
        and (number[1].isalpha() or number[1] == "9")
        and number[2:].isdigit()
        and number[2:].isascii()
    )
    if not shape_ok:
        return IdProblem(
            N_("DEA number {number} must be a registrant-type letter, a letter or 9, and seven digits"),
            {"number": number},
        )
    if dea_check_digit(number[2:8]) != int(number[8]):
        return IdProblem(N_("DEA number {number} has a wrong check digit"), {"number": number})
    return None


def check_npi(number: str) -> IdProblem | None:
    """Ten digits, Luhn over the number prefixed with 80840."""
    number = number.strip()
    if not (len(number) == 10 and number.isdigit() and number.isascii() and luhn.is_valid("80840" + number)):
        return IdProblem(N_("NPI {number} is not a valid National Provider Identifier"), {"number": number})
    return None
