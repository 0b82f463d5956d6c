"""Reference data of the register: the pharmacy, its people, the medicine catalogue, lots and parties."""

from __future__ import annotations

from dataclasses import dataclass, field
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
    count_tolerance_bp: int | None = None  # liquids: see domain.counts (None: the default for liquids)

    @property
    def unit(self) -> UnitSpec:
        return UnitSpec(base_unit=self.base_unit, scale=self.scale, step=self.unit_step, name=self.display_name)

    @property
    def display_name(self) -> str:
        return f"{self.generic_en} {self.strength}"

    def name_in(self, jurisdiction: str) -> str:
        """The name the pharmacy's own register uses: the Chinese generic name in China (专用账册), else English."""
        return self.generic_local if jurisdiction == "cn" and self.generic_local else self.generic_en

    def heading_in(self, jurisdiction: str) -> tuple[str, str]:
        """A name in two parts for a screen: bold, then the rest (吗啡 + "morphine 10 mg"; "morphine" + "10 mg")."""
        if jurisdiction == "cn" and self.generic_local:
            return self.generic_local, self.display_name
        return self.generic_en, self.strength


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
    country: str | None = None  # ISO 3166 alpha-2


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


PRESCRIPTION_KINDS = ("normal", "emergency", "paediatric", "narcotic_psy1", "psy2")
COLLECTOR_TYPES = ("patient", "representative", "hcp")
PARTIAL_KINDS = ("cannot_supply", "patient_request", "ltcf_terminal")  # 21 CFR 1306.13


@dataclass(frozen=True)
class PrescriptionDetails:
    """What the law asks a prescription to carry beyond the basics (regulations §1.7, §2.5, §3.5).

    kind: CN colours — narcotic_psy1 pale red 麻/精一, psy2 white 精二; emergency; paediatric; else normal.
    """

    kind: str = "normal"
    days_supply: int | None = None
    dose: str | None = None
    quantity_in_words: str | None = None  # UK reg 15(1)(f): Sch 2/3 total in words and figures
    diagnosis: str | None = None
    cancer_or_chronic_pain: bool = False  # CN 处方管理办法 Art.24 caps
    inpatient: bool = False
    child_adhd: bool = False  # CN methylphenidate for child ADHD: 15 days
    refills_authorised: int = 0  # US 21 CFR 1306.22
    earliest_fill_date: date | None = None  # US 1306.12(b) multiple CII prescriptions
    extension_days: int = 0  # CN Art.18: valid on the day of issue, up to 3 days if the prescriber notes it
    prescriber_reason: str | None = None  # CN-5: longer supply with the prescriber's reason
    agent_name: str | None = None  # CN 麻/精一: 代办人
    agent_id_no: str | None = None
    collector_type: str | None = None  # UK reg 19(1)(e)(v): patient | representative | hcp
    collector_hcp: str | None = None
    id_requested: bool | None = None
    id_provided: bool | None = None
    partial_kind: str | None = None  # US CII part fills: cannot_supply (72 h) | patient_request (30 d) | ltcf_terminal


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
    details: PrescriptionDetails = field(default_factory=PrescriptionDetails)
    recorded_at: datetime | None = None


@dataclass(frozen=True)
class PeriodClose:
    """A signed month-end close: seals the chain head; nothing may be dated inside the month afterwards."""

    pharmacy_id: int
    month: str
    head_seq: int
    head_hash: str
    signed_by_id: int
    signed_at: datetime
    figures_digest: str | None = None  # domain.monthly.figures_digest of what was signed
    acknowledgement: str | None = None  # the signer's words on unexplained variances


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
