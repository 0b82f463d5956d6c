"""The register schema: reference data, the movement ledger, cached balances, chain heads, closes, command ids.

Revision ID: 0001
Revises: (none)
Create Date: 2026-12-04 20:19:07.649046
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "medicines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=80), nullable=False),
        sa.Column("generic_en", sa.String(length=200), nullable=False),
        sa.Column("generic_local", sa.String(length=200), nullable=False),
        sa.Column("form", sa.String(length=40), nullable=False),
        sa.Column("strength", sa.String(length=80), nullable=False),
        sa.Column("base_unit", sa.String(length=20), nullable=False),
        sa.Column("scale", sa.Integer(), nullable=False),
        sa.Column("unit_step", sa.Integer(), nullable=False),
        sa.Column("pack_size", sa.Integer(), nullable=False),
        sa.Column("modified_release", sa.Boolean(), nullable=False),
        sa.CheckConstraint("pack_size >= 1", name=op.f("ck_medicines_pack_size")),
        sa.CheckConstraint("scale >= 1", name=op.f("ck_medicines_scale")),
        sa.CheckConstraint("unit_step >= 1", name=op.f("ck_medicines_unit_step")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medicines")),
        sa.UniqueConstraint("code", name=op.f("uq_medicines_code")),
    )
    op.create_table(
        "pharmacies",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("licence_no", sa.String(length=80), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("profile", sa.String(length=20), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("late_entry_days", sa.Integer(), nullable=False),
        sa.Column("lockout_attempts", sa.Integer(), nullable=False),
        sa.CheckConstraint("profile IN ('cn_hospital', 'cn_retail', 'us', 'uk')", name=op.f("ck_pharmacies_profile")),
        sa.CheckConstraint("late_entry_days >= 0", name=op.f("ck_pharmacies_late_entry_days")),
        sa.CheckConstraint("lockout_attempts >= 1", name=op.f("ck_pharmacies_lockout_attempts")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pharmacies")),
        sa.UniqueConstraint("code", name=op.f("uq_pharmacies_code")),
    )
    op.create_table(
        "chain_heads",
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("last_seq", sa.BigInteger(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.Column("latest_occurred", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_chain_heads_pharmacy_id_pharmacies")),
        sa.PrimaryKeyConstraint("pharmacy_id", name=op.f("pk_chain_heads")),
    )
    op.create_table(
        "commands",
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("type", sa.String(length=30), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("outcome", sa.Text(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_commands_pharmacy_id_pharmacies")),
        sa.PrimaryKeyConstraint("pharmacy_id", "id", name=op.f("pk_commands")),
    )
    op.create_table(
        "lots",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("batch", sa.String(length=40), nullable=False),
        sa.Column("expiry", sa.Date(), nullable=False),
        sa.Column("gtin", sa.String(length=14), nullable=True),
        sa.Column("manufacturer", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["medicine_id"], ["medicines.id"], name=op.f("fk_lots_medicine_id_medicines")),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_lots_pharmacy_id_pharmacies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lots")),
        sa.UniqueConstraint("pharmacy_id", "medicine_id", "batch", name=op.f("uq_lots_pharmacy_id_medicine_id_batch")),
    )
    op.create_table(
        "medicine_classes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("jurisdiction", sa.String(length=4), nullable=False),
        sa.Column("class_code", sa.String(length=30), nullable=False),
        sa.Column("effective_from", sa.Date(), nullable=False),
        sa.CheckConstraint("jurisdiction IN ('cn', 'us', 'uk')", name=op.f("ck_medicine_classes_jurisdiction")),
        sa.ForeignKeyConstraint(
            ["medicine_id"], ["medicines.id"], name=op.f("fk_medicine_classes_medicine_id_medicines")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medicine_classes")),
        sa.UniqueConstraint(
            "medicine_id",
            "jurisdiction",
            "effective_from",
            name=op.f("uq_medicine_classes_medicine_id_jurisdiction_effective_from"),
        ),
    )
    op.create_table(
        "medicine_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["medicine_id"], ["medicines.id"], name=op.f("fk_medicine_codes_medicine_id_medicines")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_medicine_codes")),
        sa.UniqueConstraint("code", name=op.f("uq_medicine_codes_code")),
    )
    with op.batch_alter_table("medicine_codes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_medicine_codes_medicine_id"), ["medicine_id"], unique=False)

    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("sex", sa.String(length=1), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("address", sa.Text(), nullable=True),
        sa.Column("id_doc_type", sa.String(length=30), nullable=True),
        sa.Column("id_doc_no", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_patients_pharmacy_id_pharmacies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("pharmacy_id", "code", name=op.f("uq_patients_pharmacy_id_code")),
    )
    op.create_table(
        "prescribers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("registration_no", sa.String(length=80), nullable=True),
        sa.Column("dea_no", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_prescribers_pharmacy_id_pharmacies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prescribers")),
        sa.UniqueConstraint("pharmacy_id", "code", name=op.f("uq_prescribers_pharmacy_id_code")),
    )
    op.create_table(
        "suppliers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("licence_no", sa.String(length=80), nullable=True),
        sa.Column("dea_no", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_suppliers_pharmacy_id_pharmacies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppliers")),
        sa.UniqueConstraint("pharmacy_id", "code", name=op.f("uq_suppliers_pharmacy_id_code")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=64), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=30), nullable=False),
        sa.Column("registration_no", sa.String(length=80), nullable=True),
        sa.Column("pin_hash", sa.String(length=200), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("failed_attempts", sa.Integer(), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False),
        sa.CheckConstraint(
            "role IN ('responsible_pharmacist', 'pharmacist', 'technician', 'inspector', 'administrator')",
            name=op.f("ck_users_role"),
        ),
        sa.CheckConstraint("failed_attempts >= 0", name=op.f("ck_users_failed_attempts")),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_users_pharmacy_id_pharmacies")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("pharmacy_id", "username", name=op.f("uq_users_pharmacy_id_username")),
    )
    op.create_table(
        "balances",
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("book", sa.String(length=10), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("balance", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("balance >= 0", name=op.f("ck_balances_balance_not_negative")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_balances_lot_id_lots")),
        sa.ForeignKeyConstraint(["medicine_id"], ["medicines.id"], name=op.f("fk_balances_medicine_id_medicines")),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_balances_pharmacy_id_pharmacies")),
        sa.PrimaryKeyConstraint("lot_id", "book", name=op.f("pk_balances")),
    )
    with op.batch_alter_table("balances", schema=None) as batch_op:
        batch_op.create_index("ix_balances_medicine", ["pharmacy_id", "medicine_id", "book"], unique=False)

    op.create_table(
        "period_closes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("head_seq", sa.BigInteger(), nullable=False),
        sa.Column("head_hash", sa.String(length=64), nullable=False),
        sa.Column("signed_by_id", sa.Integer(), nullable=False),
        sa.Column("signed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_period_closes_pharmacy_id_pharmacies")
        ),
        sa.ForeignKeyConstraint(["signed_by_id"], ["users.id"], name=op.f("fk_period_closes_signed_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_period_closes")),
        sa.UniqueConstraint("pharmacy_id", "month", name=op.f("uq_period_closes_pharmacy_id_month")),
    )
    op.create_table(
        "prescriptions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=60), nullable=False),
        sa.Column("written_on", sa.Date(), nullable=False),
        sa.Column("prescriber_id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.CheckConstraint("quantity > 0", name=op.f("ck_prescriptions_quantity")),
        sa.ForeignKeyConstraint(["medicine_id"], ["medicines.id"], name=op.f("fk_prescriptions_medicine_id_medicines")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_prescriptions_patient_id_patients")),
        sa.ForeignKeyConstraint(
            ["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_prescriptions_pharmacy_id_pharmacies")
        ),
        sa.ForeignKeyConstraint(
            ["prescriber_id"], ["prescribers.id"], name=op.f("fk_prescriptions_prescriber_id_prescribers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_prescriptions")),
    )
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.create_index("ix_prescriptions_pharmacy_number", ["pharmacy_id", "number"], unique=False)

    op.create_table(
        "movements",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("pharmacy_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.BigInteger(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("book", sa.String(length=10), nullable=False),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("medicine_id", sa.Integer(), nullable=False),
        sa.Column("lot_id", sa.Integer(), nullable=False),
        sa.Column("quantity", sa.BigInteger(), nullable=False),
        sa.Column("lot_balance_after", sa.BigInteger(), nullable=False),
        sa.Column("medicine_balance_after", sa.BigInteger(), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("prescription_id", sa.Uuid(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("document", sa.String(length=80), nullable=True),
        sa.Column("entered_by_id", sa.Integer(), nullable=False),
        sa.Column("checked_by_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("reverses_id", sa.Uuid(), nullable=True),
        sa.Column("imported", sa.Boolean(), nullable=False),
        sa.Column("prev_hash", sa.String(length=64), nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.CheckConstraint("book IN ('stock', 'returns')", name=op.f("ck_movements_book")),
        sa.CheckConstraint(
            "kind <> 'correction' OR reverses_id IS NOT NULL", name=op.f("ck_movements_correction_reverses")
        ),
        sa.CheckConstraint(
            "kind IN ('receipt', 'dispense', 'patient_return', 'supplier_return', 'destruction', 'loss', 'adjustment', 'correction')",
            name=op.f("ck_movements_kind"),
        ),
        sa.CheckConstraint(
            "checked_by_id IS NULL OR checked_by_id <> entered_by_id",
            name=op.f("ck_movements_checker_not_actor"),
        ),
        sa.CheckConstraint("lot_balance_after >= 0", name=op.f("ck_movements_lot_balance_after")),
        sa.CheckConstraint("quantity <> 0", name=op.f("ck_movements_quantity")),
        sa.CheckConstraint("seq >= 1", name=op.f("ck_movements_seq")),
        sa.ForeignKeyConstraint(["checked_by_id"], ["users.id"], name=op.f("fk_movements_checked_by_id_users")),
        sa.ForeignKeyConstraint(["entered_by_id"], ["users.id"], name=op.f("fk_movements_entered_by_id_users")),
        sa.ForeignKeyConstraint(["lot_id"], ["lots.id"], name=op.f("fk_movements_lot_id_lots")),
        sa.ForeignKeyConstraint(["medicine_id"], ["medicines.id"], name=op.f("fk_movements_medicine_id_medicines")),
        sa.ForeignKeyConstraint(["patient_id"], ["patients.id"], name=op.f("fk_movements_patient_id_patients")),
        sa.ForeignKeyConstraint(["pharmacy_id"], ["pharmacies.id"], name=op.f("fk_movements_pharmacy_id_pharmacies")),
        sa.ForeignKeyConstraint(
            ["prescription_id"], ["prescriptions.id"], name=op.f("fk_movements_prescription_id_prescriptions")
        ),
        sa.ForeignKeyConstraint(["reverses_id"], ["movements.id"], name=op.f("fk_movements_reverses_id_movements")),
        sa.ForeignKeyConstraint(["supplier_id"], ["suppliers.id"], name=op.f("fk_movements_supplier_id_suppliers")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_movements")),
        sa.UniqueConstraint("hash", name=op.f("uq_movements_hash")),
        sa.UniqueConstraint("pharmacy_id", "seq", name=op.f("uq_movements_pharmacy_id_seq")),
        sa.UniqueConstraint("reverses_id", name=op.f("uq_movements_reverses_id")),
    )
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.create_index("ix_movements_lot_seq", ["pharmacy_id", "lot_id", "seq"], unique=False)
        batch_op.create_index("ix_movements_medicine_seq", ["pharmacy_id", "medicine_id", "seq"], unique=False)
        batch_op.create_index("ix_movements_prescription", ["prescription_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("movements", schema=None) as batch_op:
        batch_op.drop_index("ix_movements_prescription")
        batch_op.drop_index("ix_movements_medicine_seq")
        batch_op.drop_index("ix_movements_lot_seq")

    op.drop_table("movements")
    with op.batch_alter_table("prescriptions", schema=None) as batch_op:
        batch_op.drop_index("ix_prescriptions_pharmacy_number")

    op.drop_table("prescriptions")
    op.drop_table("period_closes")
    with op.batch_alter_table("balances", schema=None) as batch_op:
        batch_op.drop_index("ix_balances_medicine")

    op.drop_table("balances")
    op.drop_table("users")
    op.drop_table("suppliers")
    op.drop_table("prescribers")
    op.drop_table("patients")
    with op.batch_alter_table("medicine_codes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_medicine_codes_medicine_id"))

    op.drop_table("medicine_codes")
    op.drop_table("medicine_classes")
    op.drop_table("lots")
    op.drop_table("commands")
    op.drop_table("chain_heads")
    op.drop_table("pharmacies")
    op.drop_table("medicines")
