"""Authentication: sign-in and second-person checks, with lock-out after repeated wrong PINs.

A wrong PIN is recorded in its own committed transaction (it must count even though the command is refused),
before the command's own transaction begins.
"""

from __future__ import annotations

from pharmacy.domain.errors import (
    N_,
    AuthenticationFailed,
    SecondPersonIsActor,
    SecondPersonRequired,
    UnknownUser,
    UserInactive,
    UserLocked,
)
from pharmacy.domain.movement import KIND_LABEL, MovementKind
from pharmacy.domain.reference import Pharmacy, User
from pharmacy.domain.roles import MAY_CHECK, require_role
from pharmacy.rules.second_person import second_person_required
from pharmacy.services.commands import Credentials
from pharmacy.services.context import ServiceContext
from pharmacy.services.results import Actor


def actor_of(user: User) -> Actor:
    return Actor(user_id=user.id, username=user.username, full_name=user.full_name, role=user.role)


def ensure_usable(user: User) -> None:
    if not user.active:
        raise UserInactive(username=user.username)
    if user.locked:
        raise UserLocked(username=user.username)


def authenticate(ctx: ServiceContext, credentials: Credentials) -> Actor:
    """Check a username and PIN; a wrong PIN counts toward lock-out and is committed even though refused."""
    with ctx.uow() as uow:
        pharmacy = uow.reference.pharmacy(ctx.pharmacy_id)
        user = uow.reference.user_by_name(ctx.pharmacy_id, credentials.username.strip())
        if user is None or pharmacy is None:
            raise UnknownUser(key=credentials.username)
        ensure_usable(user)
        if ctx.pins.verify(user.pin_hash, credentials.pin):
            if user.failed_attempts:
                uow.reference.set_user_state(user.id, active=True, failed_attempts=0, locked=False)
                uow.commit()
            return actor_of(user)
        attempts = user.failed_attempts + 1
        locked = attempts >= pharmacy.lockout_attempts
        uow.reference.set_user_state(user.id, active=user.active, failed_attempts=attempts, locked=locked)
        uow.commit()
    if locked:
        raise UserLocked(username=user.username)
    raise AuthenticationFailed(username=user.username, attempts_left=pharmacy.lockout_attempts - attempts)


def witness(ctx: ServiceContext, actor: Actor, credentials: Credentials | None, kind: MovementKind) -> Actor | None:
    """The checker who signed an entry, if one did: authenticated (in its own transaction), not the actor.

    Whether the entry needed one is `require_second_person`'s question, asked inside the entry's transaction.
    """
    if credentials is None:
        return None
    if credentials.username.strip() == actor.username:
        raise SecondPersonIsActor(username=actor.username)
    checker = authenticate(ctx, credentials)
    require_role(checker.role, MAY_CHECK[kind], N_("check a {kind}"), kind=KIND_LABEL[kind])
    return checker


def require_second_person(pharmacy: Pharmacy, kind: MovementKind, checker: Actor | None) -> None:
    """The profile decides whether an entry of this kind needs a second person (CN-11 …)."""
    if checker is None and second_person_required(pharmacy.profile, kind):
        raise SecondPersonRequired(kind=KIND_LABEL[kind])
