"""Prescriptions complete (kind, days, agent, collector …), rule findings and pack codes per entry.

The prescription carries what the law asks it to (regulations §1.7, §2.5, §3.5); findings and scanned trace
codes are kept with the entry that caused them. Prescriptions, findings and codes are append-only like the
register (triggers below).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 21:16:59.581664
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLES = ("prescriptions", "movement_findings", "movement_codes")
MESSAGE = "register is append-only: {table} rows cannot be {verb}; record a correcting entry instead"


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        for verb, event in (("updated", "UPDATE"), ("deleted", "DELETE")):
            op.execute(
                f"CREATE TRIGGER {table}_append_only_{event.lower()} BEFORE {event} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE.format(table=table, verb=verb)}'); END"
            )
        return
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


def _drop_append_only(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_update")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_delete")
        return
    op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_row ON {table}")
    op.execute(f"DROP TRIGGER IF EXISTS {table}_append_only_truncate ON {table}")
    op.execute(f"DROP FUNCTION IF EXISTS {table}_append_only()")


def upgrade() -> None:
    op.create_table(
        "movement_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.CheckConstraint("kind IN ('trace', 'serial')", name=op.f("ck_movement_codes_kind")),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_movement_codes_movement_id_movements")
        ),
        sa.ForeignKeyConstraint(
            ["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_movement_codes_pharmacy_id_pharmacies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_codes")),
    )
    with op.batch_alter_table("movement_codes", schema=None) as batch_op:
        batch_op.create_index("ix_movement_codes_lookup", ["pharmacy_id", "code"], unique=False)

    op.create_table(
        "movement_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Uuid(), nullable=False),
        sa.Column("rule_id", sa.String(length=60), nullable=False),
        sa.Column("severity", sa.String(length=10), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("params", sa.Text(), nullable=False),
        sa.Column("override_reason", sa.Text(), nullable=True),
        sa.Column("overridden_by_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("severity IN ('block', 'warn', 'info')", name=op.f("ck_movement_findings_severity")),
        sa.ForeignKeyConstraint(
            ["movement_id"], ["movements.id"], name=op.f("fk_movement_findings_movement_id_movements")
        ),
        sa.ForeignKeyConstraint(
            ["overridden_by_id"], ["users.id"], name=op.f("fk_movement_findings_overridden_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_movement_findings_pharmacy_id_pharmacies")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movement_findings")),
    )
    with op.batch_alter_table("movement_findings", schema=None) as batch_op:
        batch_op.create_index("ix_movement_findings_movement", ["movement_id"], unique=False)

    # Plain ADD COLUMN with constant defaults: no table rebuild (movements reference prescriptions).
    op.add_column("prescriptions", sa.Column("kind", sa.String(length=20), server_default="normal", nullable=False))
    op.add_column("prescriptions", sa.Column("days_supply", sa.Integer(), nullable=True))
    op.add_column("prescriptions", sa.Column("dose", sa.Text(), nullable=True))
    op.add_column("prescriptions", sa.Column("quantity_in_words", sa.String(length=200), nullable=True))
    op.add_column("prescriptions", sa.Column("diagnosis", sa.Text(), nullable=True))
    op.add_column(
        "prescriptions", sa.Column("cancer_or_chronic_pain", sa.Boolean(), server_default="0", nullable=False)
    )
    op.add_column("prescriptions", sa.Column("inpatient", sa.Boolean(), server_default="0", nullable=False))
    op.add_column("prescriptions", sa.Column("child_adhd", sa.Boolean(), server_default="0", nullable=False))
    op.add_column("prescriptions", sa.Column("refills_authorised", sa.Integer(), server_default="0", nullable=False))
    op.add_column("prescriptions", sa.Column("earliest_fill_date", sa.Date(), nullable=True))
    op.add_column("prescriptions", sa.Column("extension_days", sa.Integer(), server_default="0", nullable=False))
    op.add_column("prescriptions", sa.Column("prescriber_reason", sa.Text(), nullable=True))
    op.add_column("prescriptions", sa.Column("agent_name", sa.String(length=200), nullable=True))
    op.add_column("prescriptions", sa.Column("agent_id_no", sa.String(length=40), nullable=True))
    op.add_column("prescriptions", sa.Column("collector_type", sa.String(length=20), nullable=True))
    op.add_column("prescriptions", sa.Column("collector_hcp", sa.Text(), nullable=True))
    op.add_column("prescriptions", sa.Column("id_requested", sa.Boolean(), nullable=True))
    op.add_column("prescriptions", sa.Column("id_provided", sa.Boolean(), nullable=True))
    op.add_column("prescriptions", sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True))
    for table in TABLES:
        _append_only(table)


def downgrade() -> None:
    for table in TABLES:
        _drop_append_only(table)
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.drop_column("recorded_at")
        batch_op.drop_column("id_provided")
        batch_op.drop_column("id_requested")
        batch_op.drop_column("collector_hcp")
        batch_op.drop_column("collector_type")
        batch_op.drop_column("agent_id_no")
        batch_op.drop_column("agent_name")
        batch_op.drop_column("prescriber_reason")
        batch_op.drop_column("extension_days")
        batch_op.drop_column("earliest_fill_date")
        batch_op.drop_column("refills_authorised")
        batch_op.drop_column("child_adhd")
        batch_op.drop_column("inpatient")
        batch_op.drop_column("cancer_or_chronic_pain")
        batch_op.drop_column("diagnosis")
        batch_op.drop_column("quantity_in_words")
        batch_op.drop_column("dose")
        batch_op.drop_column("days_supply")
        batch_op.drop_column("kind")

    with op.batch_alter_table("movement_findings", schema=None) as batch_op:
        batch_op.drop_index("ix_movement_findings_movement")

    op.drop_table("movement_findings")
    with op.batch_alter_table("movement_codes", schema=None) as batch_op:
        batch_op.drop_index("ix_movement_codes_lookup")

    op.drop_table("movement_codes")
