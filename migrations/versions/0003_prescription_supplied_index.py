"""A covering index for the quantity already supplied on a prescription.

Every dispense sums the earlier dispenses and corrections of its prescription (X-4: never more than it
leaves to supply). The ledger stays the only truth; this index holds every column that sum reads, so it is
answered from the index alone instead of one table lookup per earlier entry. It starts with
`prescription_id`, so it also serves everything the single-column index it replaces did.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = ["prescription_id", "pharmacy_id", "book", "kind", "quantity"]


def upgrade() -> None:
    op.create_index("ix_movements_prescription_supplied", "movements", COLUMNS, unique=False)
    op.drop_index("ix_movements_prescription", table_name="movements")


def downgrade() -> None:
    op.create_index("ix_movements_prescription", "movements", ["prescription_id"], unique=False)
    op.drop_index("ix_movements_prescription_supplied", table_name="movements")
