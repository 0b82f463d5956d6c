"""Reference data of the register: the pharmacy, its people, the medicine catalogue, lots and parties."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID
from zoneinfo import ZoneInfo

from pharmacy.domain.profile import Profile
from pharmacy.domain.quantity import UnitSpec
from pharmacy.domain.roles import Role


@dataclass(frozen=True)
class Pharmacy:
    id: int
    code: str
    name: str
    licence_no: str
    address: str
    profile: Profile
    timezone: str
    late_entry_days: int
    lockout_attempts: int

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class User:
    id: int
    pharmacy_id: int
    username: str
    full_name: str
    role: Role
    registration_no: str | None
    pin_hash: str
    active: bool
    failed_attempts: int
    locked: bool


@dataclass(frozen=True)
class Medicine:
    """A product of the shared catalogue, counted in integer steps of its base unit."""

    id: int
    code: str
    generic_en: str
    generic_local: str
    form: str
    strength: str
    base_unit: str
    scale: int
    unit_step: int
    pack_size: int
    modified_release: bool

    @property
    def unit(self) -> UnitSpec:
        return UnitSpec(base_unit=self.base_unit, scale=self.scale, step=self.unit_step, name=self.display_name)

    @property
    def display_name(self) -> str:
        return f"{self.generic_en} {self.strength}"


@dataclass(frozen=True)
class MedicineClass:
    """A medicine's class in one jurisdiction from a date on (class lists change: regulations §1.2, X-5)."""

    medicine_id: int
    jurisdiction: str
    class_code: str
    effective_from: date


@dataclass(frozen=True)
class Lot:
    id: int
    pharmacy_id: int
    medicine_id: int
    batch: str
    expiry: date
    gtin: str | None
    manufacturer: str | None


@dataclass(frozen=True)
class Supplier:
    id: int
    pharmacy_id: int
    code: str
    name: str
    address: str
    licence_no: str | None
    dea_no: str | None


@dataclass(frozen=True)
class Prescriber:
    id: int
    pharmacy_id: int
    code: str
    name: str
    address: str
    registration_no: str | None
    dea_no: str | None


@dataclass(frozen=True)
class Patient:
    id: int
    pharmacy_id: int
    code: str
    name: str
    sex: str | None
    date_of_birth: date | None
    address: str | None
    id_doc_type: str | None
    id_doc_no: str | None


@dataclass(frozen=True)
class Prescription:
    id: UUID
    pharmacy_id: int
    number: str
    written_on: date
    prescriber_id: int
    patient_id: int
    medicine_id: int
    quantity: int


@dataclass(frozen=True)
class PeriodClose:
    """A signed month-end close: seals the chain head; nothing may be dated inside the month afterwards."""

    pharmacy_id: int
    month: str
    head_seq: int
    head_hash: str
    signed_by_id: int
    signed_at: datetime


@dataclass(frozen=True)
class CommandRecord:
    """What an accepted command's id was used for, so a retry returns the first outcome (idempotency)."""

    id: UUID
    pharmacy_id: int
    type: str
    digest: str
    outcome: str
    recorded_at: datetime


@dataclass(frozen=True)
class ChainHead:
    pharmacy_id: int
    last_seq: int
    last_hash: str
    latest_occurred: datetime | None
