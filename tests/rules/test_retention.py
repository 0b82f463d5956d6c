"""Retention dates per jurisdiction (regulations §1.11, §2, §3.7)."""

from datetime import date

from pharmacy.domain.profile import Profile
from pharmacy.rules.retention import prescription_keep_until, register_keep_until


def test_cn_register_is_kept_five_years_after_the_batch_expires() -> None:
    assert register_keep_until(Profile.CN_HOSPITAL, date(2028, 1, 31), date(2026, 3, 2), date(2026, 9, 1)) == date(
        2033, 1, 31
    )


def test_us_two_years_from_the_record_uk_two_years_from_the_last_entry() -> None:
    assert register_keep_until(Profile.US, date(2028, 1, 31), date(2026, 3, 2), date(2026, 9, 1)) == date(2028, 3, 2)
    assert register_keep_until(Profile.UK, date(2028, 1, 31), date(2026, 3, 2), date(2026, 9, 1)) == date(2028, 9, 1)


def test_cn_prescriptions_three_years_for_narcotics_two_for_psychotropic_class_ii() -> None:
    assert prescription_keep_until(Profile.CN_RETAIL, "narcotic", date(2024, 2, 29)) == date(2027, 2, 28)
    assert prescription_keep_until(Profile.CN_RETAIL, "psychotropic_2", date(2026, 3, 2)) == date(2028, 3, 2)
    assert prescription_keep_until(Profile.US, "CII", date(2026, 3, 2)) == date(2028, 3, 2)
