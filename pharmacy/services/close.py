"""Month-end close: the responsible pharmacist reviews the month and signs with their PIN; the close seals it.

The close records the chain head and the digest of the figures signed; from then on nothing may be dated inside
the month (ARCHITECTURE §1.7) and `verify` checks every close against the chain. Unexplained variances do not
stop a close, but the signer must acknowledge them in words (GPhC: discrepancies found and never investigated).
There is no reopening: later findings go into the open month with a reference to the closed one.
"""

from __future__ import annotations

from pharmacy.domain.errors import (
    N_,
    MonthAlreadyClosed,
    MonthNotClosed,
    MonthNotOver,
    ReopenNotPossible,
    UnexplainedNotAcknowledged,
)
from pharmacy.domain.reference import PeriodClose
from pharmacy.domain.roles import MAY_SIGN_CLOSE, require_role
from pharmacy.domain.timing import month_bounds, parse_month
from pharmacy.services import lookup
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import Credentials
from pharmacy.services.context import ServiceContext
from pharmacy.services.review import month_review


def close_month(
    ctx: ServiceContext, signer: Credentials, month: str, acknowledgement: str | None = None
) -> PeriodClose:
    month = parse_month(month)
    actor = authenticate(ctx, signer)
    require_role(actor.role, MAY_SIGN_CLOSE, N_("sign a month-end close"))
    said = lookup.text(acknowledgement, "acknowledgement", required=False, limit=2000)
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
        review = month_review(uow, pharmacy, month)
        if review.unexplained and said is None:
            raise UnexplainedNotAcknowledged(month=month, count=len(review.unexplained))
        close = PeriodClose(
            ctx.pharmacy_id, month, head.last_seq, head.last_hash, actor.user_id, now, review.digest, said
        )
        uow.ledger.add_close(close)
        uow.commit()
    return close


def reopen_month(ctx: ServiceContext, month: str) -> None:
    """There is no such action; say what to do instead."""
    month = parse_month(month)
    with ctx.uow(write=False) as uow:
        sealed = [c for c in uow.ledger.closes(ctx.pharmacy_id) if c.month == month]
    if not sealed:
        raise MonthNotClosed(month=month)
    raise ReopenNotPossible(month=month, seq=sealed[0].head_seq)
