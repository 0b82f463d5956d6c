"""Results of use cases (past tense): what was recorded, with the balances after it."""

from __future__ import annotations

import json
from dataclasses import dataclass
from uuid import UUID

from pharmacy.domain.roles import Role


@dataclass(frozen=True)
class Actor:
    """A user who proved who they are (PIN checked) — the only kind of person the services accept."""

    user_id: int
    username: str
    full_name: str
    role: Role


@dataclass(frozen=True)
class Recorded:
    """A movement written to the register (or, when `replayed`, the one an earlier identical command wrote)."""

    movement_id: UUID
    seq: int
    kind: str
    medicine_id: int
    lot_id: int
    quantity: int
    lot_balance_after: int
    medicine_balance_after: int
    replayed: bool = False

    def to_outcome(self) -> str:
        return json.dumps(
            {
                "movement_id": self.movement_id.hex,
                "seq": self.seq,
                "kind": self.kind,
                "medicine_id": self.medicine_id,
                "lot_id": self.lot_id,
                "quantity": self.quantity,
                "lot_balance_after": self.lot_balance_after,
                "medicine_balance_after": self.medicine_balance_after,
            }
        )

    @classmethod
    def from_outcome(cls, outcome: str) -> Recorded:
        data = json.loads(outcome)
        data["movement_id"] = UUID(data["movement_id"])
        return cls(**data, replayed=True)


@dataclass(frozen=True)
class Created:
    """A reference record added (or found identical, when `replayed`)."""

    kind: str
    key: str
    record_id: str
    replayed: bool = False

    def to_outcome(self) -> str:
        return json.dumps({"kind": self.kind, "key": self.key, "record_id": self.record_id})

    @classmethod
    def from_outcome(cls, outcome: str) -> Created:
        return cls(**json.loads(outcome), replayed=True)
