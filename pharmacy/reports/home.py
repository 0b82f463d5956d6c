"""The home screen's read models: today's entries, alerts (expiry, expired stock, months not closed), and a
30-day balance trend per medicine for the sparklines."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, func, select

from pharmacy.db import rows as r
from pharmacy.db.types import UTCDateTime

EXPIRY_WARNING_DAYS = 90
_UTC = UTCDateTime()


@dataclass(frozen=True)
class TodayEntry:
    seq: int
    recorded_at: datetime
    kind: str
    medicine_id: int
    batch: str
    quantity: int
    entered_by: str


@dataclass(frozen=True)
class Alert:
    kind: str  # "expiring" | "expired" | "month_open" | the custody alerts of reports.home_alerts
    subject: str
    detail: str
    what: str | None = None  # a message id shown after the subject, in the user's language


def today_entries(engine: Engine, pharmacy_id: int, now: datetime, tz: ZoneInfo) -> list[TodayEntry]:
    midnight = datetime.combine(now.astimezone(tz).date(), time(0), tzinfo=tz)
    m = r.MovementRow
    q = (
        select(m.seq, m.recorded_at, m.kind, m.medicine_id, r.LotRow.batch, m.quantity, r.UserRow.full_name)
        .join(r.LotRow, r.LotRow.id == m.lot_id)
        .join(r.UserRow, r.UserRow.id == m.entered_by_id)
        .where(m.pharmacy_id == pharmacy_id, m.recorded_at >= midnight)
        .order_by(m.seq.desc())
        .limit(200)
    )
    with engine.connect() as conn:
        return [
            TodayEntry(s, _UTC.process_result_value(at, engine.dialect) or at, k, mid, b, qty, who)
            for s, at, k, mid, b, qty, who in conn.execute(q)
        ]


def open_months(engine: Engine, pharmacy_id: int, now: datetime, tz: ZoneInfo) -> list[str]:
    """Months that have ended, hold entries or follow a closed one, and are not signed off."""
    m = r.MovementRow
    with engine.connect() as conn:
        first = conn.scalar(select(m.occurred_at).where(m.pharmacy_id == pharmacy_id).order_by(m.seq).limit(1))
        closed = set(conn.scalars(select(r.PeriodCloseRow.month).where(r.PeriodCloseRow.pharmacy_id == pharmacy_id)))
    if first is None:
        return []
    first_aware = _UTC.process_result_value(first, engine.dialect) or first
    month = first_aware.astimezone(tz).date().replace(day=1)
    this_month = now.astimezone(tz).date().replace(day=1)
    out = []
    while month < this_month:
        key = month.strftime("%Y-%m")
        if key not in closed:
            out.append(key)
        month = (month + timedelta(days=32)).replace(day=1)
    return out


def balance_trends(
    engine: Engine, pharmacy_id: int, current: dict[int, int], now: datetime, tz: ZoneInfo, days: int = 30
) -> dict[int, list[int]]:
    """Closing stock balance per medicine for each of the last `days` days, walked back from today's balance."""
    today = now.astimezone(tz).date()
    start = datetime.combine(today - timedelta(days=days - 1), time(0), tzinfo=tz)
    m = r.MovementRow
    q = select(m.medicine_id, m.recorded_at, m.quantity).where(
        m.pharmacy_id == pharmacy_id, m.recorded_at >= start, m.book == "stock"
    )
    moved: dict[int, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    with engine.connect() as conn:
        for medicine_id, at, quantity in conn.execute(q):
            aware = _UTC.process_result_value(at, engine.dialect) or at
            moved[medicine_id][aware.astimezone(tz).date()] += quantity
    trends: dict[int, list[int]] = {}
    for medicine_id, balance in current.items():
        series, running = [], balance
        for back in range(days):
            day = today - timedelta(days=back)
            series.append(running)
            running -= moved[medicine_id].get(day, 0)
        trends[medicine_id] = list(reversed(series))
    return trends


def expiry_alerts(lines: list[tuple[str, str, date, int]], today: date) -> list[Alert]:
    """(medicine name, batch, expiry, stock) with stock → expired and soon-expiring alerts."""
    alerts = []
    for name, batch, expiry, stock in lines:
        if stock <= 0:
            continue
        if expiry < today:
            alerts.append(Alert("expired", f"{name} {batch}", expiry.isoformat()))
        elif expiry <= today + timedelta(days=EXPIRY_WARNING_DAYS):
            alerts.append(Alert("expiring", f"{name} {batch}", expiry.isoformat()))
    return sorted(alerts, key=lambda a: (a.kind != "expired", a.detail))


def last_counted(engine: Engine, pharmacy_id: int) -> dict[int, datetime]:
    """When each medicine's stock was last counted (its latest count line); one query."""
    c = r.CountLineRow
    q = (
        select(c.medicine_id, func.max(c.counted_at))
        .where(c.pharmacy_id == pharmacy_id, c.book == "stock")
        .group_by(c.medicine_id)
    )
    with engine.connect() as conn:
        return {mid: _UTC.process_result_value(at, engine.dialect) or at for mid, at in conn.execute(q)}
