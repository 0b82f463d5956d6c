"""Month-end close: the responsible pharmacist signs with their PIN; the close seals the chain head.

From then on nothing may be dated inside the month (ARCHITECTURE §1.7); `verify` checks every close against
the chain. The reconciliation the pharmacist reviews before signing is built on top of this (issue 5).
"""

from __future__ import annotations

from pharmacy.domain.errors import N_, MonthAlreadyClosed, MonthNotOver
from pharmacy.domain.reference import PeriodClose
from pharmacy.domain.roles import MAY_SIGN_CLOSE, require_role
from pharmacy.domain.timing import month_bounds
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import Credentials
from pharmacy.services.context import ServiceContext


def close_month(ctx: ServiceContext, signer: Credentials, month: str) -> PeriodClose:
    actor = authenticate(ctx, signer)
    require_role(actor.role, MAY_SIGN_CLOSE, N_("sign a month-end close"))
    with ctx.uow() as uow:
        head = uow.ledger.lock_head(ctx.pharmacy_id)
        pharmacy = uow.reference.pharmacy(ctx.pharmacy_id)
        assert pharmacy is not None
        now = ctx.clock.now()
        if now < month_bounds(month, pharmacy.tz)[1]:
            raise MonthNotOver(month=month)
        closes = uow.ledger.closes(ctx.pharmacy_id)
        if closes and closes[-1].month >= month:
            raise MonthAlreadyClosed(month=max(month, closes[-1].month))
        close = PeriodClose(ctx.pharmacy_id, month, head.last_seq, head.last_hash, actor.user_id, now)
        uow.ledger.add_close(close)
        uow.commit()
    return close
