"""Lot holds: stock quarantined awaiting destruction, and the application to destroy it.

Expired and damaged stock stays in the balance until a witnessed destruction (regulations §7.2, "expired stock
awaiting destruction"); a held lot cannot be dispensed. In China the application to the drug regulator starts
a 5-day clock for its supervised destruction (条例 Art.61, CN-14).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from pharmacy.domain.errors import N_


class HoldKind(StrEnum):
    QUARANTINE = "quarantine"
    DESTRUCTION_APPLIED = "destruction_applied"


class HoldReason(StrEnum):
    EXPIRED = "expired"
    DAMAGED = "damaged"
    RECALLED = "recalled"
    OTHER = "other"


HOLD_REASON_LABEL: dict[HoldReason, str] = {
    HoldReason.EXPIRED: N_("expired"),
    HoldReason.DAMAGED: N_("damaged"),
    HoldReason.RECALLED: N_("recalled"),
    HoldReason.OTHER: N_("other"),
}


@dataclass(frozen=True)
class LotHold:
    id: int
    pharmacy_id: int
    lot_id: int
    kind: HoldKind
    reason: HoldReason
    on: date  # the day it was quarantined or the application was made
    reference: str | None  # the application's number
    note: str | None
    recorded_at: datetime
    recorded_by_id: int
