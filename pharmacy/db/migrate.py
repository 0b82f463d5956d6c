"""Migrations glue: find the Alembic scripts (in the wheel or the source tree), upgrade, and guard versions.

The code refuses to write to a database whose schema is newer than itself, and asks for an upgrade when older.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from pharmacy.db.errors import SchemaMissing, SchemaNewer, SchemaOutdated

_PACKAGE = Path(__file__).resolve().parent.parent


def scripts_location() -> Path:
    for candidate in (_PACKAGE / "_migrations", _PACKAGE.parent / "migrations"):
        if (candidate / "env.py").exists():
            return candidate
    raise FileNotFoundError("the Alembic migrations are missing from this installation")


def alembic_config(engine: Engine) -> Config:
    config = Config()
    config.set_main_option("script_location", str(scripts_location()))
    # ConfigParser interpolates %: a socket path in the URL is percent-encoded.
    config.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%"))
    return config


def head_revision(engine: Engine) -> str:
    head = ScriptDirectory.from_config(alembic_config(engine)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
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
    scripts = ScriptDirectory.from_config(alembic_config(engine))
    if not _known(scripts, current):
        raise SchemaNewer(revision=current)
    if current != scripts.get_current_head():
        raise SchemaOutdated(revision=current)


def _known(scripts: ScriptDirectory, revision: str) -> bool:
    return any(rev.revision == revision for rev in scripts.walk_revisions())
