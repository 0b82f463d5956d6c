"""People: open a pharmacy with its first responsible pharmacist, add users, disable and unlock them."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pharmacy.domain.errors import N_, AlreadyExists, InvalidValue, UnknownUser
from pharmacy.domain.ports import UnitOfWorkFactory
from pharmacy.domain.profile import Profile
from pharmacy.domain.reference import Pharmacy, User
from pharmacy.domain.roles import MAY_ADMINISTER, Role, require_role
from pharmacy.services import lookup
from pharmacy.services.commands import UserCommand
from pharmacy.services.context import ServiceContext
from pharmacy.services.pins import PinHasher
from pharmacy.services.results import Actor

MIN_PIN_LENGTH = 4

# UK reg 20(b): entered the day of the transaction or the next day; elsewhere a short window for
# "yesterday's dispensing typed in today" (lessons §2). A pharmacy may change it in its settings.
DEFAULT_LATE_ENTRY_DAYS: dict[Profile, int] = {
    Profile.UK: 1,
    Profile.US: 3,
    Profile.CN_HOSPITAL: 3,
    Profile.CN_RETAIL: 3,
}


@dataclass(frozen=True, kw_only=True)
class PharmacySpec:
    code: str
    name: str
    licence_no: str
    address: str
    profile: Profile
    timezone: str
    late_entry_days: int | None = None
    lockout_attempts: int = 5


def _check_pin(pin: str) -> None:
    if len(pin) < MIN_PIN_LENGTH or pin.strip() != pin:
        raise InvalidValue(field="PIN", problem=N_("use at least 4 characters, without spaces at either end"))


def _new_user(pins: PinHasher, pharmacy_id: int, c: UserCommand) -> User:
    _check_pin(c.pin)
    username = lookup.required(c.username, "username", 64)
    if not username.replace(".", "").replace("_", "").replace("-", "").isalnum():
        raise InvalidValue(field="username", problem=N_("use letters, digits, dots, dashes or underscores"))
    return User(
        id=0,
        pharmacy_id=pharmacy_id,
        username=username,
        full_name=lookup.required(c.full_name, "full name"),
        role=c.role,
        registration_no=lookup.text(c.registration_no, "registration_no", required=False, limit=80),
        pin_hash=pins.hash(c.pin),
        active=True,
        failed_attempts=0,
        locked=False,
    )


def check_opening(spec: PharmacySpec, first: UserCommand) -> None:
    """Refuse a bad opening before anything is created (so `init` leaves no half-made database)."""
    try:
        ZoneInfo(spec.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidValue(field="timezone", problem=N_("use a zone name such as Asia/Shanghai")) from None
    if first.role is not Role.RESPONSIBLE_PHARMACIST:
        raise InvalidValue(field="role", problem=N_("the first user must be the responsible pharmacist"))
    _check_pin(first.pin)


def open_pharmacy(uow_factory: UnitOfWorkFactory, pins: PinHasher, spec: PharmacySpec, first: UserCommand) -> int:
    """Create a pharmacy and its first responsible pharmacist (who then adds everyone else)."""
    check_opening(spec, first)
    with uow_factory() as uow:
        if uow.reference.pharmacy_by_code(spec.code) is not None:
            raise AlreadyExists(what="pharmacy", key=spec.code)
        late = spec.late_entry_days if spec.late_entry_days is not None else DEFAULT_LATE_ENTRY_DAYS[spec.profile]
        pharmacy = uow.reference.add_pharmacy(
            Pharmacy(
                id=0,
                code=lookup.required(spec.code, "code", 40),
                name=lookup.required(spec.name, "name"),
                licence_no=lookup.required(spec.licence_no, "licence number", 80),
                address=lookup.required(spec.address, "address", 500),
                profile=spec.profile,
                timezone=spec.timezone,
                late_entry_days=late,
                lockout_attempts=spec.lockout_attempts,
            )
        )
        uow.reference.add_user(_new_user(pins, pharmacy.id, first))
        uow.commit()
    return pharmacy.id


def add_user(ctx: ServiceContext, actor: Actor, command: UserCommand) -> User:
    require_role(actor.role, MAY_ADMINISTER, N_("add users"))
    with ctx.uow() as uow:
        if uow.reference.user_by_name(ctx.pharmacy_id, command.username.strip()) is not None:
            raise AlreadyExists(what="user", key=command.username)
        user = uow.reference.add_user(_new_user(ctx.pins, ctx.pharmacy_id, command))
        uow.commit()
    return user


def _set_state(ctx: ServiceContext, actor: Actor, username: str, *, active: bool, unlock: bool) -> User:
    require_role(actor.role, MAY_ADMINISTER, N_("change user accounts"))
    with ctx.uow() as uow:
        user = uow.reference.user_by_name(ctx.pharmacy_id, username.strip())
        if user is None:
            raise UnknownUser(key=username)
        attempts, locked = (0, False) if unlock else (user.failed_attempts, user.locked)
        uow.reference.set_user_state(user.id, active=active, failed_attempts=attempts, locked=locked)
        uow.commit()
        changed = uow.reference.user(user.id)
    assert changed is not None
    return changed


def disable_user(ctx: ServiceContext, actor: Actor, username: str) -> User:
    return _set_state(ctx, actor, username, active=False, unlock=False)


def unlock_user(ctx: ServiceContext, actor: Actor, username: str) -> User:
    return _set_state(ctx, actor, username, active=True, unlock=True)


def list_users(ctx: ServiceContext) -> list[User]:
    with ctx.uow(write=False) as uow:
        return uow.reference.users(ctx.pharmacy_id)


def pharmacy_of(uow_factory: UnitOfWorkFactory, code: str | None) -> Pharmacy:
    """The pharmacy a command acts for: the one named, or the only one in the database."""
    from pharmacy.domain.errors import UnknownPharmacy

    with uow_factory(write=False) as uow:
        if code:
            found = uow.reference.pharmacy_by_code(code)
            if found is None:
                raise UnknownPharmacy(key=code)
            return found
        all_ = uow.reference.pharmacies()
    if len(all_) != 1:
        raise UnknownPharmacy(key=code or "?")
    return all_[0]
