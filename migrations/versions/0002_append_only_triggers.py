"""Append-only register: triggers refuse UPDATE and DELETE of movements, period closes and command ids.

Invariant 1 (ARCHITECTURE §1): the database itself refuses to change history, whoever connects to it — the
application, the sqlite3 shell or psql. `pharmacy verify` checks these triggers are present.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("movements", "period_closes", "commands")
MESSAGE = "register is append-only: {table} rows cannot be {verb}; record a correcting entry instead"


def _sqlite_up(table: str) -> None:
    for verb, event in (("updated", "UPDATE"), ("deleted", "DELETE")):
        op.execute(
            f"CREATE TRIGGER {table}_append_only_{event.lower()} BEFORE {event} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(table=table, verb=verb)}'); END"
        )


def _postgresql_up(table: str) -> None:
    op.execute(
        f"""
        CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION 'register is append-only: {table} rows cannot be %; record a correcting entry instead',
            CASE TG_OP WHEN 'UPDATE' THEN 'updated' WHEN 'DELETE' THEN 'deleted' ELSE 'truncated' END
            USING ERRCODE = 'P0001';
        END $$
        """
    )
    op.execute(
        f"CREATE TRIGGER {table}_append_only_row BEFORE UPDATE OR DELETE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {table}_append_only()"
    )
    op.execute(
        f"CREATE TRIGGER {table}_append_only_truncate BEFORE TRUNCATE ON {table} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()"
    )


def upgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        if dialect == "sqlite":
            _sqlite_up(table)
        else:
            _postgresql_up(table)


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for table in TABLES:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_update")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_delete")
        else:
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_row ON {table}")
            op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table}")
            op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")
