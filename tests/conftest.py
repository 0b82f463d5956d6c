"""Fixtures: databases built by the real migrations (SQLite always; PostgreSQL when PHARMACY_TEST_PG_URL is set)."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from pharmacy.db.engine import make_engine
from pharmacy.db.migrate import upgrade
from tests.world import World, build_world

PG_URL = os.environ.get("PHARMACY_TEST_PG_URL")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if PG_URL or os.environ.get("CI") != "true":
        return
    # In CI the PostgreSQL half of the suite must run: a skipped half would be a silent pass.
    raise pytest.UsageError("CI=true but PHARMACY_TEST_PG_URL is not set: .ci/run must start PostgreSQL")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "register.sqlite"
    engine = make_engine(str(path))
    upgrade(engine)
    engine.dispose()
    return path


def create_pg_database(prefix: str) -> str:
    assert PG_URL is not None
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(PG_URL).set(database=name).render_as_string(hide_password=False)


def drop_pg_database(url: str) -> None:
    assert PG_URL is not None
    admin = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{make_url(url).database}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def pg_shared_url() -> Iterator[str]:
    """One migrated PostgreSQL database per test session; tests keep apart by using their own pharmacy."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set PHARMACY_TEST_PG_URL; .ci/run does)")
    url = create_pg_database("pharmacy_test")
    engine = make_engine(url)
    upgrade(engine)
    engine.dispose()
    yield url
    drop_pg_database(url)


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path) -> str:
    if request.param == "sqlite":
        path = tmp_path / "register.sqlite"
        shutil.copy(sqlite_template, path)
        return str(path)
    return str(request.getfixturevalue("pg_shared_url"))


@pytest.fixture
def sqlite_url(tmp_path: Path, sqlite_template: Path) -> str:
    path = tmp_path / "register.sqlite"
    shutil.copy(sqlite_template, path)
    return str(path)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def world(engine: Engine) -> World:
    return build_world(engine)


@pytest.fixture
def sqlite_world(sqlite_url: str) -> Iterator[World]:
    eng = make_engine(sqlite_url)
    yield build_world(eng)
    eng.dispose()
