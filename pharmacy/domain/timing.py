"""When an entry may be dated: not in the future, not inside a closed month, late only within the window.

Backdating is what breaks registers (lessons §2): a late `occurred_at` is allowed inside an open period and a
configurable window (UK reg 20(b): the day or the next day), never inside a closed month. Imported history
may go back further, but only forward from the latest entry already recorded (TigerBeetle's imported flag).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pharmacy.domain.errors import (
    N_,
    ImportOutOfOrder,
    InvalidValue,
    OccurredInFuture,
    OutsideLateEntryWindow,
    PeriodClosed,
)

# Clocks of two counters disagree by seconds; a scanner's timestamp may lead the server slightly.
CLOCK_SKEW = timedelta(minutes=2)


def month_key(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m")


def month_bounds(month: str, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[start, end) of a 'YYYY-MM' month in the pharmacy's time zone, as aware datetimes."""
    year, mon = (int(part) for part in month.split("-"))
    start = datetime.combine(date(year, mon, 1), time(0), tzinfo=tz)
    nxt = date(year + (mon == 12), mon % 12 + 1, 1)
    return start, datetime.combine(nxt, time(0), tzinfo=tz)


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


@dataclass(frozen=True)
class TimingPolicy:
    tz: ZoneInfo
    late_entry_days: int
    closed_through: str | None  # the latest signed-off month, 'YYYY-MM'
    latest_occurred: datetime | None  # the latest occurred_at already recorded


def check_occurred_at(occurred_at: datetime, now: datetime, policy: TimingPolicy, *, imported: bool) -> None:
    shown = occurred_at.astimezone(policy.tz).strftime("%Y-%m-%d %H:%M")
    if occurred_at > now + CLOCK_SKEW:
        raise OccurredInFuture(occurred_at=shown)
    month = month_key(occurred_at, policy.tz)
    if policy.closed_through is not None and month <= policy.closed_through:
        raise PeriodClosed(month=month)
    if imported:
        if policy.latest_occurred is not None and occurred_at < policy.latest_occurred:
            latest = policy.latest_occurred.astimezone(policy.tz).strftime("%Y-%m-%d %H:%M")
            raise ImportOutOfOrder(occurred_at=shown, latest=latest)
        return
    # Days are counted on the pharmacy's calendar: "yesterday" means the local yesterday.
    if (local_day(now, policy.tz) - local_day(occurred_at, policy.tz)).days > policy.late_entry_days:
        raise OutsideLateEntryWindow(occurred_at=shown, days=policy.late_entry_days)


_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


def parse_month(value: str) -> str:
    """'YYYY-MM' as typed, checked; the key every period in the register uses."""
    text = value.strip()
    if not _MONTH.fullmatch(text):
        raise InvalidValue(field="month", problem=N_("give the month as YYYY-MM, e.g. 2026-11"), text=text)
    return text
