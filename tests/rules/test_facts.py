"""The class-at-date resolver (X-5): class lists change, so a medicine's class is the one in force on the day."""

from __future__ import annotations

from datetime import date

from pharmacy.rules.facts import ClassEntry, resolve_class
from pharmacy.rules.support import add_months, age_on

ENTRIES = (
    ("cn", "psychotropic_2", date(2024, 7, 1)),
    ClassEntry("us", "CIV", date(2020, 1, 1)),
    ("cn", "psychotropic_1", date(2025, 1, 1)),
)


def test_x_5_class_resolved_at_the_date() -> None:
    assert resolve_class(ENTRIES, "cn", date(2024, 6, 30)) is None
    assert resolve_class(ENTRIES, "cn", date(2024, 7, 1)) == "psychotropic_2"
    assert resolve_class(ENTRIES, "cn", date(2024, 12, 31)) == "psychotropic_2"
    assert resolve_class(ENTRIES, "cn", date(2025, 1, 1)) == "psychotropic_1"
    assert resolve_class(ENTRIES, "us", date(2025, 1, 1)) == "CIV"
    assert resolve_class(ENTRIES, "uk", date(2025, 1, 1)) is None


def test_x_5_declassified_from_a_date() -> None:
    entries = (*ENTRIES, ("us", "", date(2026, 1, 1)))
    assert resolve_class(entries, "us", date(2026, 1, 1)) is None


def test_calendar_helpers() -> None:
    assert add_months(date(2025, 8, 31), 6) == date(2026, 2, 28)
    assert add_months(date(2025, 9, 10), 6) == date(2026, 3, 10)
    assert age_on(date(2008, 3, 10), date(2026, 3, 10)) == 18
    assert age_on(date(2008, 3, 11), date(2026, 3, 10)) == 17
