"""Commands: what a caller asks the register to do, as frozen values (nouns; the services are verbs).

Every command carries a client-generated id; a retry with the same id and content returns the first result.
Credentials carry PINs, which never enter the idempotency digest or any log.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Literal
from uuid import UUID

from pharmacy.domain.counts import CountScope, CountType, TakenAt, VarianceReason
from pharmacy.domain.duties import Duty
from pharmacy.domain.holds import HoldKind, HoldReason
from pharmacy.domain.movement import Book
from pharmacy.domain.reference import PrescriptionDetails
from pharmacy.domain.roles import Role


@dataclass(frozen=True)
class Credentials:
    username: str
    pin: str = field(repr=False)


QuantityUnit = Literal["base", "pack"]


@dataclass(frozen=True, kw_only=True)
class MovementCommand:
    id: UUID
    medicine: str  # catalogue code or GTIN
    batch: str
    quantity: Decimal | str  # text as typed is fine: the domain parses it exactly and names what is wrong
    unit: QuantityUnit = "base"
    occurred_at: datetime | None = None  # None: now
    witness: Credentials | None = None
    document: str | None = None
    reason: str | None = None
    imported: bool = False


@dataclass(frozen=True, kw_only=True)
class ReceiveCommand(MovementCommand):
    supplier: str
    expiry: date
    manufacturer: str | None = None
    gtin: str | None = None
    codes: tuple[str, ...] = ()  # trace codes or GS1 serials of the packs received


@dataclass(frozen=True, kw_only=True)
class DispenseCommand(MovementCommand):
    prescription: str  # number, or id when numbers repeat
    codes: tuple[str, ...] = ()  # trace codes (CN 20 digits) or GS1 serials of the packs handed over
    override_reason: str | None = None  # for WARN findings; the witness is the second person who checks it


@dataclass(frozen=True, kw_only=True)
class PatientReturnCommand(MovementCommand):
    patient: str | None = None
    prescription: str | None = None


@dataclass(frozen=True, kw_only=True)
class SupplierReturnCommand(MovementCommand):
    supplier: str


@dataclass(frozen=True, kw_only=True)
class DestroyCommand(MovementCommand):
    """Destroy stock or patient returns. `witness` is the entry's checker; the law may ask for more."""

    book: Book = Book.STOCK
    method: str | None = None  # e.g. denaturing kit, incineration
    place: str | None = None
    second_witness: Credentials | None = None  # US: Form 41's second employee witness
    authorised_witness: str | None = None  # UK: the Secretary of State's authorised witness, by name
    authorised_witness_ref: str | None = None  # and their authorisation
    supervisor: str | None = None  # CN: the regulator's officer who supervised it
    supervisor_agency: str | None = None


@dataclass(frozen=True, kw_only=True)
class LossCommand(MovementCommand):
    pass


@dataclass(frozen=True, kw_only=True)
class AdjustCommand(MovementCommand):
    """A witnessed adjustment after an explained count variance; quantity is signed (−2 = two fewer)."""


@dataclass(frozen=True, kw_only=True)
class CorrectCommand:
    """Reverse an earlier entry. Dated when made (never at the original's date): lessons §2, UK reg 20(c)."""

    id: UUID
    reverses: str  # sequence number or movement id
    reason: str
    witness: Credentials | None = None


@dataclass(frozen=True, kw_only=True)
class MedicineCommand:
    id: UUID
    code: str
    generic_en: str
    generic_local: str
    form: str
    strength: str
    base_unit: str
    unit_step: Decimal = Decimal(1)
    pack_size: int = 1
    modified_release: bool = False
    count_tolerance_percent: Decimal | None = None  # liquids: the count variance measuring may explain
    gtins: tuple[str, ...] = ()
    classes: tuple[tuple[str, str, date], ...] = ()  # (jurisdiction, class, effective from)


@dataclass(frozen=True, kw_only=True)
class LotCommand:
    id: UUID
    medicine: str
    batch: str
    expiry: date
    gtin: str | None = None
    manufacturer: str | None = None


@dataclass(frozen=True, kw_only=True)
class SupplierCommand:
    id: UUID
    code: str
    name: str
    address: str
    licence_no: str | None = None
    dea_no: str | None = None


@dataclass(frozen=True, kw_only=True)
class PrescriberCommand:
    id: UUID
    code: str
    name: str
    address: str
    registration_no: str | None = None
    dea_no: str | None = None
    country: str | None = None  # ISO 3166 alpha-2, e.g. CN, GB, US


@dataclass(frozen=True, kw_only=True)
class PatientCommand:
    id: UUID
    code: str
    name: str
    sex: str | None = None
    date_of_birth: date | None = None
    address: str | None = None
    id_doc_type: str | None = None
    id_doc_no: str | None = None


@dataclass(frozen=True, kw_only=True)
class PrescriptionCommand:
    id: UUID
    number: str
    written_on: date
    prescriber: str
    patient: str
    medicine: str
    quantity: Decimal | str
    unit: QuantityUnit = "base"
    details: PrescriptionDetails = field(default_factory=PrescriptionDetails)


@dataclass(frozen=True, kw_only=True)
class UserCommand:
    username: str
    full_name: str
    role: Role
    pin: str = field(repr=False)
    registration_no: str | None = None


@dataclass(frozen=True, kw_only=True)
class StartCountCommand:
    id: UUID
    scope: CountScope = CountScope.ALL
    scope_value: str | None = None  # the class code, or the medicine's code or GTIN
    count_type: CountType = CountType.ROUTINE
    taken_at: TakenAt | None = None  # US inventories: opening or close of business
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class CountLotCommand:
    """One lot counted in a count; the id makes a retried scan record once."""

    id: UUID
    count: UUID
    medicine: str
    batch: str
    counted: Decimal | str
    unit: QuantityUnit = "base"
    book: Book = Book.STOCK
    estimated: bool = False  # US inventories, CIII–V only (21 CFR 1304.11(e)(3))
    reason: VarianceReason | None = None
    note: str | None = None
    refers_to_month: str | None = None
    witness: Credentials | None = None


@dataclass(frozen=True, kw_only=True)
class HoldCommand:
    medicine: str
    batch: str
    kind: HoldKind = HoldKind.QUARANTINE
    reason: HoldReason = HoldReason.EXPIRED
    on: date | None = None  # None: today
    reference: str | None = None  # the application's number (CN)
    note: str | None = None


@dataclass(frozen=True, kw_only=True)
class DutyDoneCommand:
    entry: str  # the loss entry's sequence number or id
    duty: Duty
    done_on: date | None = None
    reference: str | None = None
