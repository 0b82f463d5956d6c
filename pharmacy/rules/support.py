"""Shared helpers of the rule packs: building a Finding that names its table id, and calendar arithmetic."""

from __future__ import annotations

import calendar
from datetime import date

from pharmacy.domain.errors import Text
from pharmacy.domain.findings import Finding, Severity


def finding(rule_id: str, table_id: str, severity: Severity, message: Text, **params: object) -> Finding:
    """A Finding whose parameters also carry the regulations §5 table id (`table_id`, e.g. "CN-5")."""
    return Finding(rule_id, severity, message, {"table_id": table_id, **params})


def add_months(start: date, months: int) -> date:
    """The same day `months` later, clamped to the month's last day (31 Aug + 6 months = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def age_on(born: date, on: date) -> int:
    """Completed years of age on a date."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))
