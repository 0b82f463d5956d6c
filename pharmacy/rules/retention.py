"""How long the law requires each record to be kept (regulations §1.11, §2, §3.7): computed, shown, never acted on.

Nothing is ever deleted automatically; these dates tell an inspector (and a future archive job) what is due.
"""

from __future__ import annotations

from datetime import date

from pharmacy.domain.profile import Profile


def _plus_years(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def register_keep_until(profile: Profile, lot_expiry: date, entry_day: date, last_entry_day: date) -> date:
    """A register entry: CN ≥ 5 years after the drug's expiry (条例 Art.48/49); US 2 years from the record
    (21 CFR 1304.04(a)); UK 2 years from the last entry in the register (MDR 2001 reg 23)."""
    if profile.jurisdiction == "cn":
        return _plus_years(lot_expiry, 5)
    if profile is Profile.US:
        return _plus_years(entry_day, 2)
    return _plus_years(max(last_entry_day, entry_day), 2)


def prescription_keep_until(profile: Profile, class_code: str | None, written_on: date) -> date:
    """A prescription: CN 3 years for 麻醉/精一, 2 for 精二 (处方管理办法 Art.50); US 2 years (21 CFR 1304.04);
    UK 2 years (MDR 2001 reg 23)."""
    if profile.jurisdiction == "cn" and class_code in ("narcotic", "psychotropic_1"):
        return _plus_years(written_on, 3)
    return _plus_years(written_on, 2)
