"""Administration commands: init, db upgrade|current|check, user add|list|disable|unlock, medicine add|import|list."""

from __future__ import annotations

import sys
import uuid
from decimal import Decimal

from alembic import command as alembic_command
from alembic.util.exc import CommandError
from pydantic import ValidationError

from pharmacy.cli.context import Cli
from pharmacy.cli.credentials import acting, read_pin
from pharmacy.cli.output import Column, emit
from pharmacy.db import migrate
from pharmacy.db.uow import SqlUnitOfWorkFactory
from pharmacy.domain.errors import N_, InvalidValue, RegisterError
from pharmacy.domain.profile import Profile
from pharmacy.domain.roles import ROLE_LABEL, Role
from pharmacy.schemas.medicine_csv import read_catalogue
from pharmacy.services import reference, users
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import MedicineCommand, UserCommand
from pharmacy.services.pins import PinHasher
from pharmacy.services.results import Actor
from pharmacy.wiring import connect, display_url


def cmd_init(cli: Cli) -> int:
    a, t = cli.args, cli.t
    pin = read_pin(t("PIN for {user}: ").format(user=a.username), confirm=True)
    spec = users.PharmacySpec(
        code=a.code,
        name=a.name,
        licence_no=a.licence,
        address=a.address,
        profile=Profile(a.profile),
        timezone=a.timezone,
    )
    first = UserCommand(
        username=a.username,
        full_name=a.full_name,
        role=Role.RESPONSIBLE_PHARMACIST,
        pin=pin,
        registration_no=a.registration_no,
    )
    users.check_opening(spec, first)
    engine = connect(cli.target, check_schema=False)
    revision = migrate.upgrade(engine)
    users.open_pharmacy(SqlUnitOfWorkFactory(engine), PinHasher(), spec, first)
    message = t("Register ready at {url} (schema {rev}); {user} can sign in.")
    print(message.format(url=display_url(engine), rev=revision, user=a.username), file=sys.stderr)
    engine.dispose()
    return 0


def cmd_db(cli: Cli) -> int:
    engine = connect(cli.target, check_schema=False)
    try:
        if cli.args.db_action == "upgrade":
            print(migrate.upgrade(engine))
        elif cli.args.db_action == "current":
            print(migrate.current_revision(engine) or "-")
        else:
            try:
                alembic_command.check(migrate.alembic_config(engine))
            except CommandError as exc:
                print(str(exc), file=sys.stderr)
                return 1
            print(cli.t("schema matches the migrations"))
    finally:
        engine.dispose()
    return 0


def _percent(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        return Decimal(text.strip().rstrip("%"))
    except ArithmeticError:
        raise InvalidValue(field="--count-tolerance", problem=N_("give a percentage such as 3.5")) from None


def _admin(cli: Cli) -> Actor:
    return authenticate(cli.register().ctx, acting(cli.args.acting))


USER_COLUMNS = ("username", "full_name", "role", "registration_no", "active", "locked", "failed_attempts")


def cmd_user(cli: Cli) -> int:
    a, t = cli.args, cli.t
    ctx = cli.register().ctx
    if a.user_action == "list":
        rows: list[dict[str, object]] = [
            {
                "username": u.username,
                "full_name": u.full_name,
                "role": t(ROLE_LABEL[u.role]),
                "registration_no": u.registration_no,
                "active": u.active,
                "locked": u.locked,
                "failed_attempts": u.failed_attempts,
            }
            for u in users.list_users(ctx)
        ]
        emit(rows, [Column(k, t(k.replace("_", " "))) for k in USER_COLUMNS], cli.fmt)
        return 0
    actor = _admin(cli)
    if a.user_action == "add":
        pin = read_pin(t("New PIN for {user}: ").format(user=a.username), env="PHARMACY_NEW_PIN", confirm=True)
        users.add_user(
            ctx,
            actor,
            UserCommand(
                username=a.username,
                full_name=a.full_name,
                role=Role(a.role),
                pin=pin,
                registration_no=a.registration_no,
            ),
        )
    elif a.user_action == "disable":
        users.disable_user(ctx, actor, a.username)
    else:
        users.unlock_user(ctx, actor, a.username)
    print(t("done: {action} {user}").format(action=a.user_action, user=a.username), file=sys.stderr)
    return 0


def cmd_medicine(cli: Cli) -> int:
    a, t = cli.args, cli.t
    ctx = cli.register().ctx
    if a.medicine_action == "list":
        with ctx.uow(write=False) as uow:
            rows: list[dict[str, object]] = [
                {
                    "code": m.code,
                    "generic_en": m.generic_en,
                    "generic_local": m.generic_local,
                    "form": m.form,
                    "strength": m.strength,
                    "base_unit": m.base_unit,
                    "unit_step": m.unit.step_text,
                    "pack_size": m.pack_size,
                }
                for m in uow.reference.medicines()
            ]
        emit(rows, [Column(k, t(k.replace("_", " "))) for k in rows[0]] if rows else [Column("code", "code")], cli.fmt)
        return 0
    actor = _admin(cli)
    if a.medicine_action == "add":
        command = MedicineCommand(
            id=uuid.uuid4(),
            code=a.code,
            generic_en=a.generic_en,
            generic_local=a.generic_local,
            form=a.form,
            strength=a.strength,
            base_unit=a.base_unit,
            unit_step=Decimal(a.unit_step),
            pack_size=a.pack_size,
            count_tolerance_percent=_percent(a.count_tolerance),
            modified_release=a.modified_release,
            gtins=tuple(a.gtin or ()),
        )
        created = reference.add_medicine(ctx, actor, command)
        print(created.key)
        return 0
    return _import_catalogue(cli, actor)


def _import_catalogue(cli: Cli, actor: Actor) -> int:
    t, ctx, failed = cli.t, cli.register().ctx, 0
    with open(cli.args.file, encoding="utf-8") as stream:
        try:
            for line_no, row in read_catalogue(stream):
                try:
                    created = reference.add_medicine(ctx, actor, row.command())
                    print(f"{line_no}\tok\t{created.key}")
                except RegisterError as exc:
                    failed += 1
                    print(f"{line_no}\terror\t{exc.code}\t{exc.render(t)}")
        except ValidationError as exc:
            raise InvalidValue(field=cli.args.file, problem=str(exc.errors()[0]["msg"])) from None
    return 1 if failed else 0
