"""Which entries need a second, authenticated person, per rule profile.

CN-11: receipts (双人验收) and issues (双人复核) need two distinct users (条例 Art.48). Every profile: a
correction needs a second person (ARCHITECTURE §1.1), and so do adjustments, losses and destructions,
the entries that write stock off (US-13, 21 CFR 1317.95; UK-8, MDR 2001 reg 27; lessons §6).
"""

from __future__ import annotations

from pharmacy.domain.movement import MovementKind
from pharmacy.domain.profile import Profile

_WRITE_OFFS = frozenset({MovementKind.CORRECTION, MovementKind.ADJUSTMENT, MovementKind.LOSS, MovementKind.DESTRUCTION})
_CN = _WRITE_OFFS | {MovementKind.RECEIPT, MovementKind.DISPENSE, MovementKind.SUPPLIER_RETURN}

SECOND_PERSON_REQUIRED: dict[Profile, frozenset[MovementKind]] = {
    Profile.CN_HOSPITAL: _CN,
    Profile.CN_RETAIL: _CN,
    Profile.US: _WRITE_OFFS,
    Profile.UK: _WRITE_OFFS,
}


def second_person_required(profile: Profile, kind: MovementKind) -> bool:
    return kind in SECOND_PERSON_REQUIRED[profile]
