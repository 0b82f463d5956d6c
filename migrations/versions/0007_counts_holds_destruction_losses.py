"""Stock counts, lot holds, destruction records and loss duties; the close keeps its figures and acknowledgement.

Issue 5: a count asserts the balance and explains every variance; expired and damaged stock is held awaiting a
witnessed destruction; a loss carries its reporting duties (US-12, CN-15). All four tables are append-only like
the register (triggers below, same text as 0004: migrations never import each other, so history stays frozen).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLES = ("stock_counts", "count_lines", "lot_holds", "destruction_records", "loss_duties")
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


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([column], [f"{target}.{'id'}"], name=op.f(f"fk_{table}_{column}_{target}"))


def _stock_counts() -> None:
    t = "stock_counts"
    op.create_table(
        t,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(length=10), nullable=False),
        sa.Column("scope_value", sa.String(length=80), nullable=True),
        sa.Column("count_type", sa.String(length=10), nullable=False),
        sa.Column("taken_at", sa.String(length=10), nullable=True),
        sa.Column("snapshot_seq", sa.BigInteger(), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("scope IN ('all', 'class', 'medicine')", name=op.f("ck_stock_counts_scope")),
        sa.CheckConstraint("count_type IN ('routine', 'initial', 'biennial')", name=op.f("ck_stock_counts_count_type")),
        sa.CheckConstraint(
            "taken_at IS NULL OR taken_at IN ('opening', 'close')", name=op.f("ck_stock_counts_taken_at")
        ),
        _fk(t, "pharmacy_id", "pharmacies"),
        _fk(t, "started_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stock_counts")),
    )
    op.create_index("ix_stock_counts_pharmacy", t, ["pharmacy_id", "started_at"], unique=False)


def _count_lines() -> None:
    t = "count_lines"
    op.create_table(
        t,
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("count_id", sa.Uuid(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("book", sa.String(length=10), nullable=False),
        sa.Column("snapshot_balance", sa.BigInteger(), nullable=False),
        sa.Column("book_balance", sa.BigInteger(), nullable=False),
        sa.Column("counted", sa.BigInteger(), nullable=False),
        sa.Column("estimated", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("refers_to_month", sa.String(length=7), nullable=True),
        sa.Column("counted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("counted_by_id", sa.Integer(), nullable=False),
        sa.Column("witness_id", sa.Integer(), nullable=True),
        sa.Column("movement_id", sa.Uuid(), nullable=True),
        sa.CheckConstraint("counted >= 0", name=op.f("ck_count_lines_counted")),
        sa.CheckConstraint("book IN ('stock', 'returns')", name=op.f("ck_count_lines_book")),
        sa.CheckConstraint(
            "reason IS NULL OR reason IN ('count_error', 'breakage', 'liquid_overage', 'liquid_loss', "
            "'suspected_loss', 'unexplained')",
            name=op.f("ck_count_lines_reason"),
        ),
        sa.CheckConstraint(
            "witness_id IS NULL OR witness_id <> counted_by_id", name=op.f("ck_count_lines_witness_not_counter")
        ),
        _fk(t, "count_id", "stock_counts"),
        _fk(t, "pharmacy_id", "pharmacies"),
        _fk(t, "medicine_id", "medicines"),
        _fk(t, "lot_id", "lots"),
        _fk(t, "counted_by_id", "users"),
        _fk(t, "witness_id", "users"),
        _fk(t, "movement_id", "movements"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_count_lines")),
        sa.UniqueConstraint("count_id", "lot_id", "book", name=op.f("uq_count_lines_count_id_lot_id_book")),
    )
    op.create_index("ix_count_lines_lot", t, ["pharmacy_id", "lot_id", "counted_at"], unique=False)


def _lot_holds() -> None:
    t = "lot_holds"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=10), nullable=False),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.CheckConstraint("kind IN ('quarantine', 'destruction_applied')", name=op.f("ck_lot_holds_kind")),
        sa.CheckConstraint("reason IN ('expired', 'damaged', 'recalled', 'other')", name=op.f("ck_lot_holds_reason")),
        _fk(t, "pharmacy_id", "pharmacies"),
        _fk(t, "lot_id", "lots"),
        _fk(t, "recorded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lot_holds")),
    )
    op.create_index("ix_lot_holds_lot", t, ["pharmacy_id", "lot_id"], unique=False)


def _destruction_records() -> None:
    t = "destruction_records"
    op.create_table(
        t,
        sa.Column("movement_id", sa.Uuid(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("method", sa.String(length=200), nullable=False),
        sa.Column("place", sa.String(length=200), nullable=False),
        sa.Column("second_witness_id", sa.Integer(), nullable=True),
        sa.Column("authorised_witness", sa.String(length=200), nullable=True),
        sa.Column("authorised_witness_ref", sa.String(length=80), nullable=True),
        sa.Column("supervisor", sa.String(length=200), nullable=True),
        sa.Column("supervisor_agency", sa.String(length=200), nullable=True),
        sa.Column("application_on", sa.Date(), nullable=True),
        sa.Column("full_packages", sa.BigInteger(), nullable=False),
        sa.Column("partial_units", sa.BigInteger(), nullable=False),
        _fk(t, "movement_id", "movements"),
        _fk(t, "pharmacy_id", "pharmacies"),
        _fk(t, "second_witness_id", "users"),
        sa.PrimaryKeyConstraint("movement_id", name=op.f("pk_destruction_records")),
    )


def _loss_duties() -> None:
    t = "loss_duties"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("movement_id", sa.Uuid(), nullable=False),
        sa.Column("duty", sa.String(length=30), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("reference", sa.String(length=80), nullable=True),
        sa.Column("recorded_by_id", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        _fk(t, "pharmacy_id", "pharmacies"),
        _fk(t, "movement_id", "movements"),
        _fk(t, "recorded_by_id", "users"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_loss_duties")),
        sa.UniqueConstraint("movement_id", "duty", name=op.f("uq_loss_duties_movement_id_duty")),
    )


def upgrade() -> None:
    _stock_counts()
    _count_lines()
    _lot_holds()
    _destruction_records()
    _loss_duties()
    # Plain ADD COLUMN, no table rebuild: movements reference medicines; period_closes is append-only.
    op.add_column("medicines", sa.Column("count_tolerance_bp", sa.Integer(), nullable=True))
    op.add_column("period_closes", sa.Column("figures_digest", sa.String(length=64), nullable=True))
    op.add_column("period_closes", sa.Column("acknowledgement", sa.Text(), nullable=True))
    for table in TABLES:
        _append_only(table)


def downgrade() -> None:
    for table in TABLES:
        _drop_append_only(table)
    op.drop_column("period_closes", "acknowledgement")
    op.drop_column("period_closes", "figures_digest")
    op.drop_column("medicines", "count_tolerance_bp")
    for table in reversed(TABLES):
        op.drop_table(table)
