"""ORM rows (SQLAlchemy 2, typed). The schema itself is created only by the Alembic migrations."""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    Uuid,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from pharmacy.db.types import UTCDateTime

# Every constraint is named: SQLite batch migrations drop unnamed CHECKs (ARCHITECTURE §3 Database).
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PharmacyRow(Base):
    __tablename__ = "pharmacies"
    __table_args__ = (
        CheckConstraint("profile IN ('cn_hospital', 'cn_retail', 'us', 'uk')", name="profile"),
        CheckConstraint("late_entry_days >= 0", name="late_entry_days"),
        CheckConstraint("lockout_attempts >= 1", name="lockout_attempts"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    licence_no: Mapped[str] = mapped_column(String(80))
    address: Mapped[str] = mapped_column(Text)
    profile: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64))
    late_entry_days: Mapped[int] = mapped_column(Integer)
    lockout_attempts: Mapped[int] = mapped_column(Integer)


class UserRow(Base):
    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("pharmacy_id", "username"),
        CheckConstraint(
            "role IN ('responsible_pharmacist', 'pharmacist', 'technician', 'inspector', 'administrator')",
            name="role",
        ),
        CheckConstraint("failed_attempts >= 0", name="failed_attempts"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    username: Mapped[str] = mapped_column(String(64))
    full_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(30))
    registration_no: Mapped[str | None] = mapped_column(String(80))
    pin_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean)
    failed_attempts: Mapped[int] = mapped_column(Integer)
    locked: Mapped[bool] = mapped_column(Boolean)


class MedicineRow(Base):
    """The shared catalogue: the only data that crosses pharmacies."""

    __tablename__ = "medicines"
    __table_args__ = (
        CheckConstraint("scale >= 1", name="scale"),
        CheckConstraint("unit_step >= 1", name="unit_step"),
        CheckConstraint("pack_size >= 1", name="pack_size"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(80), unique=True)
    generic_en: Mapped[str] = mapped_column(String(200))
    generic_local: Mapped[str] = mapped_column(String(200))
    form: Mapped[str] = mapped_column(String(40))
    strength: Mapped[str] = mapped_column(String(80))
    base_unit: Mapped[str] = mapped_column(String(20))
    scale: Mapped[int] = mapped_column(Integer)
    unit_step: Mapped[int] = mapped_column(Integer)
    pack_size: Mapped[int] = mapped_column(Integer)
    modified_release: Mapped[bool] = mapped_column(Boolean)
    # Liquids: the count variance a measuring loss or overage may explain, in basis points (migration 0007).
    count_tolerance_bp: Mapped[int | None] = mapped_column(Integer)


class MedicineCodeRow(Base):
    __tablename__ = "medicine_codes"
    __table_args__ = (UniqueConstraint("code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    code: Mapped[str] = mapped_column(String(40))


class MedicineClassRow(Base):
    __tablename__ = "medicine_classes"
    __table_args__ = (
        UniqueConstraint("medicine_id", "jurisdiction", "effective_from"),
        CheckConstraint("jurisdiction IN ('cn', 'us', 'uk')", name="jurisdiction"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"))
    jurisdiction: Mapped[str] = mapped_column(String(4))
    class_code: Mapped[str] = mapped_column(String(30))
    effective_from: Mapped[date] = mapped_column(Date)


class LotRow(Base):
    __tablename__ = "lots"
    __table_args__ = (UniqueConstraint("pharmacy_id", "medicine_id", "batch"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"))
    batch: Mapped[str] = mapped_column(String(40))
    expiry: Mapped[date] = mapped_column(Date)
    gtin: Mapped[str | None] = mapped_column(String(14))
    manufacturer: Mapped[str | None] = mapped_column(String(200))


class SupplierRow(Base):
    __tablename__ = "suppliers"
    __table_args__ = (UniqueConstraint("pharmacy_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text)
    licence_no: Mapped[str | None] = mapped_column(String(80))
    dea_no: Mapped[str | None] = mapped_column(String(20))


class PrescriberRow(Base):
    __tablename__ = "prescribers"
    __table_args__ = (UniqueConstraint("pharmacy_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str] = mapped_column(Text)
    registration_no: Mapped[str | None] = mapped_column(String(80))
    dea_no: Mapped[str | None] = mapped_column(String(20))
    country: Mapped[str | None] = mapped_column(String(2))  # ISO 3166 alpha-2 (UK-3: a UK prescriber); 0005


class PatientRow(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("pharmacy_id", "code"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(200))
    sex: Mapped[str | None] = mapped_column(String(1))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(Text)
    id_doc_type: Mapped[str | None] = mapped_column(String(30))
    id_doc_no: Mapped[str | None] = mapped_column(String(40))


class PrescriptionRow(Base):
    __tablename__ = "prescriptions"
    __table_args__ = (
        Index("ix_prescriptions_pharmacy_number", "pharmacy_id", "number"),
        CheckConstraint("quantity > 0", name="quantity"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    number: Mapped[str] = mapped_column(String(60))
    written_on: Mapped[date] = mapped_column(Date)
    prescriber_id: Mapped[int] = mapped_column(ForeignKey("prescribers.id"))
    patient_id: Mapped[int] = mapped_column(ForeignKey("patients.id"))
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    # The rest of what the law asks a prescription to carry (regulations §1.7, §2.5, §3.5); migration 0004.
    kind: Mapped[str] = mapped_column(String(20), server_default="normal")
    days_supply: Mapped[int | None] = mapped_column(Integer)
    dose: Mapped[str | None] = mapped_column(Text)
    quantity_in_words: Mapped[str | None] = mapped_column(String(200))
    diagnosis: Mapped[str | None] = mapped_column(Text)
    cancer_or_chronic_pain: Mapped[bool] = mapped_column(Boolean, server_default="0")
    inpatient: Mapped[bool] = mapped_column(Boolean, server_default="0")
    child_adhd: Mapped[bool] = mapped_column(Boolean, server_default="0")
    refills_authorised: Mapped[int] = mapped_column(Integer, server_default="0")
    earliest_fill_date: Mapped[date | None] = mapped_column(Date)
    extension_days: Mapped[int] = mapped_column(Integer, server_default="0")
    prescriber_reason: Mapped[str | None] = mapped_column(Text)
    agent_name: Mapped[str | None] = mapped_column(String(200))
    agent_id_no: Mapped[str | None] = mapped_column(String(40))
    collector_type: Mapped[str | None] = mapped_column(String(20))
    collector_hcp: Mapped[str | None] = mapped_column(Text)
    id_requested: Mapped[bool | None] = mapped_column(Boolean)
    id_provided: Mapped[bool | None] = mapped_column(Boolean)
    partial_kind: Mapped[str | None] = mapped_column(String(20))  # US-4/5/6; migration 0006
    recorded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class MovementFindingRow(Base):
    """What the rule pack said about an entry when it was written; an override names its reason and checker."""

    __tablename__ = "movement_findings"
    __table_args__ = (
        Index("ix_movement_findings_movement", "movement_id"),
        CheckConstraint("severity IN ('block', 'warn', 'info')", name="severity"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    movement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("movements.id"))
    rule_id: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    message: Mapped[str] = mapped_column(Text)
    params: Mapped[str] = mapped_column(Text)
    override_reason: Mapped[str | None] = mapped_column(Text)
    overridden_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))


class MovementCodeRow(Base):
    """A pack's trace code (药品追溯码) or GS1 serial, scanned with the entry that moved it (CN-TR-2)."""

    __tablename__ = "movement_codes"
    __table_args__ = (
        Index("ix_movement_codes_lookup", "pharmacy_id", "code"),
        CheckConstraint("kind IN ('trace', 'serial')", name="kind"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    movement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("movements.id"))
    kind: Mapped[str] = mapped_column(String(10))
    code: Mapped[str] = mapped_column(String(80))


class MovementRow(Base):
    """One register entry. Append-only: triggers refuse UPDATE and DELETE (migration 0001)."""

    __tablename__ = "movements"
    __table_args__ = (
        UniqueConstraint("pharmacy_id", "seq"),
        UniqueConstraint("reverses_id"),
        Index("ix_movements_lot_seq", "pharmacy_id", "lot_id", "seq"),
        Index("ix_movements_medicine_seq", "pharmacy_id", "medicine_id", "seq"),
        # Covers the quantity supplied on a prescription (migration 0003): summed by every dispense.
        Index("ix_movements_prescription_supplied", "prescription_id", "pharmacy_id", "book", "kind", "quantity"),
        CheckConstraint("seq >= 1", name="seq"),
        CheckConstraint("quantity <> 0", name="quantity"),
        CheckConstraint("lot_balance_after >= 0", name="lot_balance_after"),
        CheckConstraint("book IN ('stock', 'returns')", name="book"),
        CheckConstraint(
            "kind IN ('receipt', 'dispense', 'patient_return', 'supplier_return', 'destruction', 'loss', "
            "'adjustment', 'correction')",
            name="kind",
        ),
        CheckConstraint("checked_by_id IS NULL OR checked_by_id <> entered_by_id", name="checker_not_actor"),
        CheckConstraint("kind <> 'correction' OR reverses_id IS NOT NULL", name="correction_reverses"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    seq: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(20))
    book: Mapped[str] = mapped_column(String(10))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    quantity: Mapped[int] = mapped_column(BigInteger)
    lot_balance_after: Mapped[int] = mapped_column(BigInteger)
    medicine_balance_after: Mapped[int] = mapped_column(BigInteger)
    supplier_id: Mapped[int | None] = mapped_column(ForeignKey("suppliers.id"))
    prescription_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("prescriptions.id"))
    patient_id: Mapped[int | None] = mapped_column(ForeignKey("patients.id"))
    document: Mapped[str | None] = mapped_column(String(80))
    entered_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    checked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reason: Mapped[str | None] = mapped_column(Text)
    reverses_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("movements.id"))
    imported: Mapped[bool] = mapped_column(Boolean)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class BalanceRow(Base):
    """Cached balance per lot and book, written in the same transaction as the movement; verify re-folds it."""

    __tablename__ = "balances"
    __table_args__ = (
        Index("ix_balances_medicine", "pharmacy_id", "medicine_id", "book"),
        CheckConstraint("balance >= 0", name="balance_not_negative"),
    )
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"), primary_key=True)
    book: Mapped[str] = mapped_column(String(10), primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"))
    balance: Mapped[int] = mapped_column(BigInteger)


class ChainHeadRow(Base):
    """One row per pharmacy: the lock every writer takes, the gapless sequence and the chain's last hash."""

    __tablename__ = "chain_heads"
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"), primary_key=True)
    last_seq: Mapped[int] = mapped_column(BigInteger)
    last_hash: Mapped[str] = mapped_column(String(64))
    latest_occurred: Mapped[datetime | None] = mapped_column(UTCDateTime)


class PeriodCloseRow(Base):
    __tablename__ = "period_closes"
    __table_args__ = (UniqueConstraint("pharmacy_id", "month"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    month: Mapped[str] = mapped_column(String(7))
    head_seq: Mapped[int] = mapped_column(BigInteger)
    head_hash: Mapped[str] = mapped_column(String(64))
    signed_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    figures_digest: Mapped[str | None] = mapped_column(String(64))
    acknowledgement: Mapped[str | None] = mapped_column(Text)


class CommandRow(Base):
    """Ids of accepted commands with a digest of their content and their outcome (idempotent retries)."""

    __tablename__ = "commands"
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    type: Mapped[str] = mapped_column(String(30))
    digest: Mapped[str] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


class StockCountRow(Base):
    """A count started: its scope, its type and the chain head it took as snapshot. Append-only."""

    __tablename__ = "stock_counts"
    __table_args__ = (
        CheckConstraint("scope IN ('all', 'class', 'medicine')", name="scope"),
        CheckConstraint("count_type IN ('routine', 'initial', 'biennial')", name="count_type"),
        CheckConstraint("taken_at IS NULL OR taken_at IN ('opening', 'close')", name="taken_at"),
        Index("ix_stock_counts_pharmacy", "pharmacy_id", "started_at"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    scope: Mapped[str] = mapped_column(String(10))
    scope_value: Mapped[str | None] = mapped_column(String(80))
    count_type: Mapped[str] = mapped_column(String(10))
    taken_at: Mapped[str | None] = mapped_column(String(10))
    snapshot_seq: Mapped[int] = mapped_column(BigInteger)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    note: Mapped[str | None] = mapped_column(Text)


class CountLineRow(Base):
    """One lot counted, with the book when counted and the entry that explains any variance. Append-only."""

    __tablename__ = "count_lines"
    __table_args__ = (
        UniqueConstraint("count_id", "lot_id", "book"),
        Index("ix_count_lines_lot", "pharmacy_id", "lot_id", "counted_at"),
        CheckConstraint("counted >= 0", name="counted"),
        CheckConstraint("book IN ('stock', 'returns')", name="book"),
        CheckConstraint(
            "reason IS NULL OR reason IN ('count_error', 'breakage', 'liquid_overage', 'liquid_loss', "
            "'suspected_loss', 'unexplained')",
            name="reason",
        ),
        CheckConstraint("witness_id IS NULL OR witness_id <> counted_by_id", name="witness_not_counter"),
    )
    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    count_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("stock_counts.id"))
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    medicine_id: Mapped[int] = mapped_column(ForeignKey("medicines.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    book: Mapped[str] = mapped_column(String(10))
    snapshot_balance: Mapped[int] = mapped_column(BigInteger)
    book_balance: Mapped[int] = mapped_column(BigInteger)
    counted: Mapped[int] = mapped_column(BigInteger)
    estimated: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)
    refers_to_month: Mapped[str | None] = mapped_column(String(7))
    counted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    counted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    witness_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    movement_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("movements.id"))


class LotHoldRow(Base):
    """A lot quarantined awaiting destruction, or the application to destroy it. Append-only."""

    __tablename__ = "lot_holds"
    __table_args__ = (
        CheckConstraint("kind IN ('quarantine', 'destruction_applied')", name="kind"),
        CheckConstraint("reason IN ('expired', 'damaged', 'recalled', 'other')", name="reason"),
        Index("ix_lot_holds_lot", "pharmacy_id", "lot_id"),
    )
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    lot_id: Mapped[int] = mapped_column(ForeignKey("lots.id"))
    kind: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(10))
    on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(80))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))


class DestructionRecordRow(Base):
    """Method, place and witnesses of a destruction entry (UK reg 27, DEA Form 41, 条例 Art.61). Append-only."""

    __tablename__ = "destruction_records"
    movement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("movements.id"), primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    method: Mapped[str] = mapped_column(String(200))
    place: Mapped[str] = mapped_column(String(200))
    second_witness_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    authorised_witness: Mapped[str | None] = mapped_column(String(200))
    authorised_witness_ref: Mapped[str | None] = mapped_column(String(80))
    supervisor: Mapped[str | None] = mapped_column(String(200))
    supervisor_agency: Mapped[str | None] = mapped_column(String(200))
    application_on: Mapped[date | None] = mapped_column(Date)
    full_packages: Mapped[int] = mapped_column(BigInteger)
    partial_units: Mapped[int] = mapped_column(BigInteger)


class LossDutyRow(Base):
    """A reporting duty of a loss discharged: when, by whom, the authority's reference. Append-only."""

    __tablename__ = "loss_duties"
    __table_args__ = (UniqueConstraint("movement_id", "duty"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pharmacy_id: Mapped[int] = mapped_column(ForeignKey("pharmacies.id"))
    movement_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("movements.id"))
    duty: Mapped[str] = mapped_column(String(30))
    done_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(80))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime)


APPEND_ONLY_TABLES = (
    "movements",
    "period_closes",
    "commands",
    "prescriptions",
    "movement_findings",
    "movement_codes",
    "stock_counts",
    "count_lines",
    "lot_holds",
    "destruction_records",
    "loss_duties",
)
