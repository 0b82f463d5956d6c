"""The home screen's custody alerts: stock awaiting destruction, destructions not supervised in time (CN-14),
loss reports due or overdue (US-12, CN-15, UK CDAO), a count in progress, balances not checked (UK-10).

Built from the returns-and-destruction read models (reports.disposal) and one query per alert more, so the
home screen stays fast on a long register.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime

from sqlalchemy import Engine

from pharmacy.domain.duties import DUTY_LABEL
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine, Pharmacy
from pharmacy.domain.timing import local_day
from pharmacy.reports import disposal, home
from pharmacy.reports.count_sheet import CountRecord
from pharmacy.reports.home import Alert
from pharmacy.rules.facts import BalanceCheckFacts, MedicineFacts
from pharmacy.rules.packs import PACKS
from pharmacy.rules.params import Params


def custody_alerts(
    engine: Engine, pharmacy: Pharmacy, now: datetime, *, count: CountRecord | None, params: Params
) -> list[Alert]:
    """`count`: the latest count; `params`: the pharmacy's rule parameters (UK-10's period among them)."""
    today = local_day(now, pharmacy.tz)
    held = disposal.held_lots(engine, pharmacy, today)
    alerts = _losses(engine, pharmacy, now)
    for x in held:
        subject = f"{x.medicine.display_name} {x.batch}"
        due = x.supervise_by
        if pharmacy.profile.jurisdiction == "cn" and due is not None and today > due and x.stock > 0:
            alerts.append(Alert("supervision_overdue", subject, due.isoformat()))  # 条例 Art.61, CN-14
        if x.quarantine is not None and x.stock > 0 and not x.expired:  # expired stock has its own alert
            alerts.append(Alert("quarantined", subject, x.quarantine.on.isoformat()))
        if x.returns > 0:
            alerts.append(Alert("returns_held", f"{subject} ×{format_quantity(x.returns, x.medicine.unit)}", ""))
    if count is not None and not count.finished:
        started = local_day(count.started_at, pharmacy.tz).isoformat()
        alerts.append(Alert("count_open", f"{count.counted}/{count.expected}", started))
    if PACKS[pharmacy.profile].balance_check:
        stocked = {x.medicine for x in disposal.held_lots(engine, pharmacy, today, every_batch=True) if x.stock}
        alerts += _unchecked(engine, pharmacy, today, stocked, params)
    return alerts


def _losses(engine: Engine, pharmacy: Pharmacy, now: datetime) -> list[Alert]:
    """Every reporting duty of a recent loss not recorded as done, overdue first (US-12, CN-15, UK CDAO)."""
    today, out = local_day(now, pharmacy.tz), []
    for loss in disposal.recent_losses(engine, pharmacy, now):
        subject = f"{loss.medicine.display_name} {loss.batch}"
        for due in loss.duties:
            if due.done_on is None:
                kind = "loss_duty_overdue" if due.overdue(today) else "loss_duty_due"
                out.append(Alert(kind, subject, due.due_on.isoformat(), what=DUTY_LABEL[due.duty]))
    return sorted(out, key=lambda a: (a.kind != "loss_duty_overdue", a.detail))


def _unchecked(
    engine: Engine, pharmacy: Pharmacy, today: date, stocked: Collection[Medicine], params: Params
) -> list[Alert]:
    """What the pack's balance-check rule says of each medicine held (UK-10: checked every 7 days)."""
    last = home.last_counted(engine, pharmacy.id)
    out = []
    for med in sorted(stocked, key=lambda m: m.code):
        checked = local_day(last[med.id], pharmacy.tz) if med.id in last else None
        facts = BalanceCheckFacts(MedicineFacts(med.code, med.form, None), today, checked)
        if PACKS[pharmacy.profile].check_balance_check(facts, params):
            out.append(Alert("balance_unchecked", med.display_name, checked.isoformat() if checked else "—"))
    return out
