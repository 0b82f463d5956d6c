"""Read models for returns and destruction: what awaits destruction, and the losses with their reporting duties.

Expired and quarantined stock stays in the balance until a witnessed destruction (regulations §7.2); patient
returns wait in their separate record (UK-9, regulations §3.6); in China an application to destroy starts the
regulator's 5-day clock (条例 Art.61, CN-14).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import Engine

from pharmacy.db.uow import SqlUnitOfWorkFactory
from pharmacy.domain.holds import HoldKind, LotHold
from pharmacy.domain.reference import Medicine, Pharmacy
from pharmacy.domain.timing import local_day
from pharmacy.reports.monthly import SUPERVISION_DAYS
from pharmacy.reports.monthly_model import LossStatus
from pharmacy.reports.stock import stock_lines
from pharmacy.services.losses import loss_checklists


@dataclass(frozen=True)
class HeldLot:
    """One batch: its stock and returns-record balances, and why (if at all) it awaits destruction."""

    medicine: Medicine
    lot_id: int
    batch: str
    expiry: date
    stock: int
    returns: int
    expired: bool
    quarantine: LotHold | None
    application: LotHold | None  # CN: the latest application to the regulator

    @property
    def awaiting(self) -> bool:
        return self.returns > 0 or (self.stock > 0 and (self.expired or self.quarantine is not None))

    @property
    def supervise_by(self) -> date | None:
        """条例 Art.61: the regulator attends within 5 days of the application."""
        return self.application.on + timedelta(days=SUPERVISION_DAYS) if self.application else None


def held_lots(engine: Engine, pharmacy: Pharmacy, today: date, *, every_batch: bool = False) -> list[HeldLot]:
    """Batches awaiting destruction (or, with `every_batch`, every batch with stock or returns)."""
    with SqlUnitOfWorkFactory(engine)(write=False) as uow:
        holds = uow.custody.holds(pharmacy.id)
    quarantine = {h.lot_id: h for h in holds if h.kind is HoldKind.QUARANTINE}
    applied: dict[int, LotHold] = {}
    for h in sorted((h for h in holds if h.kind is HoldKind.DESTRUCTION_APPLIED), key=lambda h: h.on):
        applied[h.lot_id] = h
    out = []
    for s in stock_lines(engine, pharmacy.id):
        expired = today > s.expiry
        line = HeldLot(
            s.medicine, s.lot_id, s.batch, s.expiry, s.stock, s.returns, expired,
            quarantine.get(s.lot_id), applied.get(s.lot_id),
        )  # fmt: skip
        if every_batch or line.awaiting:
            out.append(line)
    return out


def recent_losses(engine: Engine, pharmacy: Pharmacy, now: datetime, days: int = 92) -> list[LossStatus]:
    """Losses of about the last three months with their duties, newest first (US-12, CN-15)."""
    start = now - timedelta(days=days)
    with SqlUnitOfWorkFactory(engine)(write=False) as uow:
        out = []
        for m, duties in loss_checklists(uow, pharmacy, start, now + timedelta(seconds=1)):
            med, lot = uow.reference.medicine(m.medicine_id), uow.reference.lot(m.lot_id)
            assert med is not None and lot is not None  # the ledger's foreign keys
            day = local_day(m.occurred_at, pharmacy.tz)
            out.append(LossStatus(m.seq, day, med, lot.batch, -m.quantity, tuple(duties)))
    return sorted(out, key=lambda x: -x.seq)
