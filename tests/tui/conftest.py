"""A counter app on a small test register, driven by Pilot."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from pharmacy.db.engine import make_engine
from pharmacy.db.uow import SqlUnitOfWorkFactory
from pharmacy.i18n import translator
from pharmacy.tui.app import PharmacyApp
from pharmacy.tui.gateway import Counter
from pharmacy.wiring import Register
from tests.world import PINS, World, build_world


@pytest.fixture
def tui_world(sqlite_url: str) -> Iterator[World]:
    engine: Engine = make_engine(sqlite_url)
    world = build_world(engine)
    world.receive("100", batch="A1")
    world.receive("40", batch="B2")
    yield world
    engine.dispose()


def make_app(world: World, *, lang: str = "en", delay: float = 0.0, idle_seconds: float = 300) -> PharmacyApp:
    with world.ctx.uow(write=False) as uow:
        pharmacy = uow.reference.pharmacy(world.pharmacy_id)
    assert pharmacy is not None
    register = Register(world.engine, world.ctx, pharmacy)
    assert isinstance(world.ctx.uow, SqlUnitOfWorkFactory)
    assert world.ctx.pins is PINS
    return PharmacyApp(Counter(register, delay=delay), translator(lang), idle_seconds=idle_seconds)
