"""Roles and what each may do: enter entries, check them as the second person, sign, administer."""

from __future__ import annotations

from enum import StrEnum

from pharmacy.domain.errors import N_, RoleNotPermitted, Text
from pharmacy.domain.movement import MovementKind


class Role(StrEnum):
    RESPONSIBLE_PHARMACIST = "responsible_pharmacist"
    PHARMACIST = "pharmacist"
    TECHNICIAN = "technician"
    INSPECTOR = "inspector"
    ADMINISTRATOR = "administrator"


ROLE_LABEL: dict[Role, str] = {
    Role.RESPONSIBLE_PHARMACIST: N_("responsible pharmacist"),
    Role.PHARMACIST: N_("pharmacist"),
    Role.TECHNICIAN: N_("technician"),
    Role.INSPECTOR: N_("inspector"),
    Role.ADMINISTRATOR: N_("administrator"),
}

_PHARMACISTS = frozenset({Role.RESPONSIBLE_PHARMACIST, Role.PHARMACIST})
_STAFF = _PHARMACISTS | {Role.TECHNICIAN}

# Technicians may receive and count goods in (双人验收 needs two people, not two pharmacists); anything that
# releases or writes off a controlled medicine is a pharmacist's act.
MAY_ENTER: dict[MovementKind, frozenset[Role]] = {kind: _PHARMACISTS for kind in MovementKind} | {
    MovementKind.RECEIPT: _STAFF,
}
MAY_CHECK: dict[MovementKind, frozenset[Role]] = {kind: _PHARMACISTS for kind in MovementKind} | {
    MovementKind.RECEIPT: _STAFF,
}
MAY_ADMINISTER = frozenset({Role.ADMINISTRATOR, Role.RESPONSIBLE_PHARMACIST})
MAY_EDIT_CATALOGUE = frozenset({Role.ADMINISTRATOR, Role.RESPONSIBLE_PHARMACIST, Role.PHARMACIST})
MAY_RECORD_PRESCRIPTION = _PHARMACISTS
MAY_SIGN_CLOSE = frozenset({Role.RESPONSIBLE_PHARMACIST})
# Anyone who handles stock may count it; explaining a variance writes an entry, which is a pharmacist's act.
MAY_COUNT = _STAFF
MAY_HOLD = _PHARMACISTS


def require_role(role: Role, allowed: frozenset[Role], action: Text, **params: object) -> None:
    """Refuse an act the role may not do; `action` is a message id (e.g. "record a {kind}")."""
    if role not in allowed:
        raise RoleNotPermitted(role=ROLE_LABEL[role], action=action, **params)
