"""Migrations glue: find the Alembic scripts (in the wheel or the source tree), upgrade, and guard versions.

The code refuses to write to a database whose schema is newer than itself, and asks for an upgrade when older.
Alembic is imported only to migrate: checking the version at start-up reads the scripts' revision ids directly.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from pharmacy.db.errors import SchemaMissing, SchemaNewer, SchemaOutdated

if TYPE_CHECKING:
    from alembic.config import Config

_PACKAGE = Path(__file__).resolve().parent.parent
_REVISION = re.compile(r"^revision: str = [\"'](\w+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision: str \| None = [\"'](\w+)[\"']", re.MULTILINE)


def scripts_location() -> Path:
    for candidate in (_PACKAGE / "_migrations", _PACKAGE.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("the Alembic migrations are missing from this installation")


def alembic_config(engine: Engine) -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(scripts_location()))
    # ConfigParser interpolates %: a socket path in the URL is percent-encoded.
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


@lru_cache(maxsize=1)
def known_revisions() -> tuple[frozenset[str], str]:
    """Every revision id the scripts define, and the head (the one no other revision builds on)."""
    revisions, downs = set(), set()
    for script in (scripts_location() / "versions").glob("*.py"):
        source = script.read_text(encoding="utf-8")
        revisions.update(_REVISION.findall(source))
        downs.update(_DOWN.findall(source))
    heads = revisions - downs
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads; expected one")
    return frozenset(revisions), heads.pop()


def head_revision(engine: Engine) -> str:
    return known_revisions()[1]


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def upgrade(engine: Engine) -> str:
    from alembic import command

    config = alembic_config(engine)
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "head")
    return head_revision(engine)


def ensure_current(engine: Engine) -> None:
    """Refuse to run on a database without our schema, with an older one, or with a newer one."""
    current = current_revision(engine)
    if current is None:
        raise SchemaMissing()
    revisions, head = known_revisions()
    if current not in revisions:
        raise SchemaNewer(revision=current)
    if current != head:
        raise SchemaOutdated(revision=current)
