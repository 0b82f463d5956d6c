"""What a destruction entry records beyond the register line: method, place and the witnesses the law asks.

UK: Schedule 2 stock before an authorised witness, named with their authorisation (MDR 2001 reg 27, UK-8);
US: two employee witnesses and the fields of DEA Form 41 (21 CFR 1317.95, US-13); CN: the drug regulator's
supervision record (条例 Art.61, CN-14). Patient returns need a second staff member only (regulations §3.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID


@dataclass(frozen=True)
class DestructionRecord:
    movement_id: UUID
    pharmacy_id: int
    method: str
    place: str
    second_witness_id: int | None = None  # US: the second employee (the first is the entry's checker)
    authorised_witness: str | None = None  # UK: the person authorised by the Secretary of State
    authorised_witness_ref: str | None = None  # their authorisation (CDAO letter or temporary licence number)
    supervisor: str | None = None  # CN: the regulator's officer who attended
    supervisor_agency: str | None = None
    application_on: date | None = None  # CN: when destruction was applied for
    full_packages: int = 0  # DEA Form 41: number of full packages, the partial package count in base units
    partial_units: int = 0


def packages_of(quantity: int, pack_steps: int) -> tuple[int, int]:
    """Full packages and the remainder, both in steps: Form 41 lists them separately."""
    return divmod(quantity, pack_steps) if pack_steps > 0 else (0, quantity)
