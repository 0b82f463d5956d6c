"""Composition root: which database, which pharmacy, and the service context the CLI and the TUI run with.

SQLAlchemy, the storage adapter and the services are imported when a register is opened, not with this module:
`pharmacy tui` draws its sign-in screen before it opens the register, and the CLI's parser needs none of them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import platformdirs

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from pharmacy.domain.clock import Clock
    from pharmacy.domain.reference import Pharmacy
    from pharmacy.services.context import ServiceContext
    from pharmacy.services.pins import PinHasher

ENV_DATABASE = "PHARMACY_DATABASE_URL"


def data_dir() -> Path:
    return Path(platformdirs.user_data_dir("pharmacy", appauthor=False))


def database_target(explicit: str | None) -> str:
    """--db, else $PHARMACY_DATABASE_URL, else register.sqlite in the user's data directory."""
    return explicit or os.environ.get(ENV_DATABASE) or str(data_dir() / "register.sqlite")


def display_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def connect(target: str, *, check_schema: bool = True) -> Engine:
    """An engine on the target, with the schema version checked; unreachable servers are named."""
    from sqlalchemy.exc import OperationalError

    from pharmacy.db.engine import make_engine
    from pharmacy.db.errors import DatabaseUnreachable
    from pharmacy.db.migrate import ensure_current

    engine = make_engine(target)
    try:
        with engine.connect():
            pass
        if check_schema:
            ensure_current(engine)
    except OperationalError as exc:
        engine.dispose()
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnreachable(url=display_url(engine), reason=reason) from None
    return engine


@dataclass(frozen=True)
class Register:
    engine: Engine
    ctx: ServiceContext
    pharmacy: Pharmacy


def open_register(
    target: str, pharmacy_code: str | None = None, *, clock: Clock | None = None, pins: PinHasher | None = None
) -> Register:
    from pharmacy.db.uow import SqlUnitOfWorkFactory
    from pharmacy.domain.clock import SystemClock
    from pharmacy.domain.errors import RegisterError
    from pharmacy.schemas.settings import load_rule_params, settings_path
    from pharmacy.services.context import ServiceContext
    from pharmacy.services.pins import PinHasher
    from pharmacy.services.users import pharmacy_of

    engine = connect(target)
    uow = SqlUnitOfWorkFactory(engine)
    pharmacy = pharmacy_of(uow, pharmacy_code)
    try:  # a wrong setting refuses to start, naming it
        params = load_rule_params(settings_path(data_dir()), pharmacy.profile)
    except RegisterError:
        engine.dispose()
        raise
    ctx = ServiceContext(
        uow=uow, clock=clock or SystemClock(), pins=pins or PinHasher(), pharmacy_id=pharmacy.id, rule_params=params
    )
    return Register(engine, ctx, pharmacy)
