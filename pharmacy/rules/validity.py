"""Until when a prescription may be supplied, per profile (regulations §5 CN-4, US-2, UK-1): one pure function.

Used by the reconciliation report; the rule packs check the same limits at the counter. Stdlib only.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta

CN_MAX_EXTENSION_DAYS = 3  # CN-4, 处方管理办法 Art.18 (params: cn.max_extension_days)
US_CIII_IV = ("CIII", "CIV")  # US-2, 21 CFR 1306.22 (params: us.cIII_IV_classes)
US_CIII_IV_MONTHS = 6  # params: us.cIII_IV_months
UK_VALIDITY_DAYS = 28  # UK-1, MDR 2001 reg 16(1)(e) (params: uk.validity_days)
UK_28_DAY_SCHEDULES = ("2", "3", "4")  # Schedule 5 falls back to the general six months of a POM
UK_OTHER_MONTHS = 6


def _add_months(start: date, months: int) -> date:
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def valid_until(
    profile: str,
    written_on: date,
    extension_days: int = 0,
    *,
    class_code: str | None = None,
    earliest_fill: date | None = None,
) -> date | None:
    """The last day a prescription may be supplied, or None when the law sets no expiry (US CII and CV).

    CN: the day written plus the prescriber's noted extension, at most 3 days. US: CIII–IV six months after the
    date written. UK: 28 days from the later of the date written and the earliest fill date (Sch 2–4).
    """
    if profile in ("cn_hospital", "cn_retail"):
        return written_on + timedelta(days=max(0, min(extension_days, CN_MAX_EXTENSION_DAYS)))
    if profile == "us":
        return _add_months(written_on, US_CIII_IV_MONTHS) if class_code in US_CIII_IV else None
    if profile == "uk":
        start = max(written_on, earliest_fill or written_on)
        if class_code is None or class_code in UK_28_DAY_SCHEDULES:
            return start + timedelta(days=UK_VALIDITY_DAYS)
        return _add_months(start, UK_OTHER_MONTHS)
    raise ValueError(f"unknown profile {profile!r}")
