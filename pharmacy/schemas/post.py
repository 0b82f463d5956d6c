"""The JSON Lines commands of `pharmacy post`: one object per line, `type` says which; validated strictly.

PINs may be given in the line (`actor_pin`, `witness_pin`) but scripts should not write them to disk: when
absent they are read from the environment, PHARMACY_PIN_<USERNAME> (upper case, other characters as _).
"""

from __future__ import annotations

import re
from dataclasses import fields
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, TypedDict
from uuid import UUID

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter

from pharmacy.domain.movement import Book
from pharmacy.domain.reference import PrescriptionDetails
from pharmacy.services import commands as c


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Signed(_Strict):
    id: UUID
    actor: str = Field(description="username of the person entering the command")
    actor_pin: str | None = Field(default=None, description="else $PHARMACY_PIN_<ACTOR>")


class WitnessedLine(_Signed):
    """A register entry: may name a second person, who checks it."""

    witness: str | None = Field(default=None, description="username of the second person")
    witness_pin: str | None = Field(default=None, description="else $PHARMACY_PIN_<WITNESS>")

    def command(self, witness: c.Credentials | None) -> object:
        raise NotImplementedError


class ReferenceLine(_Signed):
    """Reference data a month of work needs."""

    def command(self) -> object:
        raise NotImplementedError


class MovementFields(TypedDict):
    id: UUID
    medicine: str
    batch: str
    quantity: Decimal | str
    unit: Literal["base", "pack"]
    occurred_at: datetime | None
    witness: c.Credentials | None
    document: str | None
    reason: str | None
    imported: bool


class _Movement(WitnessedLine):
    medicine: str = Field(description="catalogue code or GTIN")
    batch: str
    quantity: Decimal | str = Field(description="in base units (or packs with unit=pack); exact decimal")
    unit: Literal["base", "pack"] = "base"
    occurred_at: AwareDatetime | None = Field(default=None, description="when it happened; default now")
    document: str | None = None
    reason: str | None = None
    imported: bool = Field(default=False, description="history import: dates may be past, never before the latest")

    def common(self, witness: c.Credentials | None) -> MovementFields:
        return {
            "id": self.id,
            "medicine": self.medicine,
            "batch": self.batch,
            "quantity": self.quantity,
            "unit": self.unit,
            "occurred_at": self.occurred_at,
            "witness": witness,
            "document": self.document,
            "reason": self.reason,
            "imported": self.imported,
        }


class ReceiptLine(_Movement):
    type: Literal["receipt"]
    supplier: str
    expiry: date
    manufacturer: str | None = None
    gtin: str | None = None
    codes: list[str] = Field(default=[], description="trace codes or GS1 serials of the packs received")

    def command(self, witness: c.Credentials | None) -> c.ReceiveCommand:
        return c.ReceiveCommand(
            **self.common(witness),
            supplier=self.supplier,
            expiry=self.expiry,
            manufacturer=self.manufacturer,
            gtin=self.gtin,
        )


class DispenseLine(_Movement):
    type: Literal["dispense"]
    prescription: str
    codes: list[str] = Field(default=[], description="trace codes (CN 20 digits) or GS1 serials, one per pack")
    override_reason: str | None = Field(default=None, description="to go ahead despite a WARN finding")

    def command(self, witness: c.Credentials | None) -> c.DispenseCommand:
        return c.DispenseCommand(
            **self.common(witness),
            prescription=self.prescription,
            codes=tuple(self.codes),
            override_reason=self.override_reason,
        )


class PatientReturnLine(_Movement):
    type: Literal["patient_return"]
    patient: str | None = None
    prescription: str | None = None

    def command(self, witness: c.Credentials | None) -> c.PatientReturnCommand:
        return c.PatientReturnCommand(**self.common(witness), patient=self.patient, prescription=self.prescription)


class SupplierReturnLine(_Movement):
    type: Literal["supplier_return"]
    supplier: str

    def command(self, witness: c.Credentials | None) -> c.SupplierReturnCommand:
        return c.SupplierReturnCommand(**self.common(witness), supplier=self.supplier)


class DestructionLine(_Movement):
    type: Literal["destruction"]
    book: Book = Book.STOCK
    method: str | None = Field(default=None, description="e.g. denaturing kit, incineration")
    place: str | None = None
    second_witness: str | None = Field(default=None, description="US Form 41: the second employee witness")
    second_witness_pin: str | None = Field(default=None, description="else $PHARMACY_PIN_<SECOND_WITNESS>")
    authorised_witness: str | None = Field(default=None, description="UK: the authorised witness, by name")
    authorised_witness_ref: str | None = None
    supervisor: str | None = Field(default=None, description="CN: the regulator's supervising officer")
    supervisor_agency: str | None = None

    def command(self, witness: c.Credentials | None) -> c.DestroyCommand:
        return c.DestroyCommand(
            **self.common(witness),
            book=self.book,
            method=self.method,
            place=self.place,
            authorised_witness=self.authorised_witness,
            authorised_witness_ref=self.authorised_witness_ref,
            supervisor=self.supervisor,
            supervisor_agency=self.supervisor_agency,
        )


class LossLine(_Movement):
    type: Literal["loss"]

    def command(self, witness: c.Credentials | None) -> c.LossCommand:
        return c.LossCommand(**self.common(witness))


class AdjustmentLine(_Movement):
    type: Literal["adjustment"]

    def command(self, witness: c.Credentials | None) -> c.AdjustCommand:
        return c.AdjustCommand(**self.common(witness))


class CorrectionLine(WitnessedLine):
    type: Literal["correction"]
    reverses: str | int = Field(description="sequence number or movement id of the entry to reverse")
    reason: str

    def command(self, witness: c.Credentials | None) -> c.CorrectCommand:
        return c.CorrectCommand(id=self.id, reverses=str(self.reverses), reason=self.reason, witness=witness)


class ClassLine(_Strict):
    jurisdiction: Literal["cn", "us", "uk"]
    class_code: str = Field(alias="class")
    effective_from: date


class MedicineLine(ReferenceLine):
    type: Literal["medicine"]
    code: str
    generic_en: str
    generic_local: str
    form: str
    strength: str
    base_unit: str
    unit_step: Decimal = Decimal(1)
    pack_size: int = 1
    modified_release: bool = False
    gtins: list[str] = []
    classes: list[ClassLine] = []

    def command(self) -> c.MedicineCommand:
        return c.MedicineCommand(
            id=self.id,
            code=self.code,
            generic_en=self.generic_en,
            generic_local=self.generic_local,
            form=self.form,
            strength=self.strength,
            base_unit=self.base_unit,
            unit_step=self.unit_step,
            pack_size=self.pack_size,
            modified_release=self.modified_release,
            gtins=tuple(self.gtins),
            classes=tuple((x.jurisdiction, x.class_code, x.effective_from) for x in self.classes),
        )


class LotLine(ReferenceLine):
    type: Literal["lot"]
    medicine: str
    batch: str
    expiry: date
    gtin: str | None = None
    manufacturer: str | None = None

    def command(self) -> c.LotCommand:
        return c.LotCommand(
            id=self.id,
            medicine=self.medicine,
            batch=self.batch,
            expiry=self.expiry,
            gtin=self.gtin,
            manufacturer=self.manufacturer,
        )


class SupplierLine(ReferenceLine):
    type: Literal["supplier"]
    code: str
    name: str
    address: str
    licence_no: str | None = None
    dea_no: str | None = None

    def command(self) -> c.SupplierCommand:
        return c.SupplierCommand(
            id=self.id,
            code=self.code,
            name=self.name,
            address=self.address,
            licence_no=self.licence_no,
            dea_no=self.dea_no,
        )


class PrescriberLine(ReferenceLine):
    type: Literal["prescriber"]
    code: str
    name: str
    address: str
    registration_no: str | None = None
    dea_no: str | None = None
    country: str | None = Field(default=None, description="ISO 3166 alpha-2, e.g. CN, GB, US")

    def command(self) -> c.PrescriberCommand:
        return c.PrescriberCommand(
            id=self.id,
            code=self.code,
            name=self.name,
            address=self.address,
            registration_no=self.registration_no,
            dea_no=self.dea_no,
            country=self.country,
        )


class PatientLine(ReferenceLine):
    type: Literal["patient"]
    code: str
    name: str
    sex: Literal["F", "M", "X"] | None = None
    date_of_birth: date | None = None
    address: str | None = None
    id_doc_type: str | None = None
    id_doc_no: str | None = None

    def command(self) -> c.PatientCommand:
        return c.PatientCommand(
            id=self.id,
            code=self.code,
            name=self.name,
            sex=self.sex,
            date_of_birth=self.date_of_birth,
            address=self.address,
            id_doc_type=self.id_doc_type,
            id_doc_no=self.id_doc_no,
        )


class PrescriptionLine(ReferenceLine):
    type: Literal["prescription"]
    number: str
    written_on: date
    prescriber: str
    patient: str
    medicine: str
    quantity: Decimal | str
    unit: Literal["base", "pack"] = "base"
    kind: Literal["normal", "emergency", "paediatric", "narcotic_psy1", "psy2"] = Field(
        default="normal", description="CN: narcotic_psy1 = pale red 麻/精一, psy2 = white 精二"
    )
    days_supply: int | None = None
    dose: str | None = Field(default=None, description="dose and directions")
    quantity_in_words: str | None = Field(default=None, description="UK Sch 2/3: the total in words")
    diagnosis: str | None = None
    cancer_or_chronic_pain: bool = False
    inpatient: bool = False
    child_adhd: bool = False
    refills_authorised: int = 0
    earliest_fill_date: date | None = None
    extension_days: int = Field(default=0, description="CN: validity extended by the prescriber, 0–3 days")
    prescriber_reason: str | None = None
    agent_name: str | None = None
    agent_id_no: str | None = None
    collector_type: Literal["patient", "representative", "hcp"] | None = None
    collector_hcp: str | None = None
    id_requested: bool | None = None
    id_provided: bool | None = None
    partial_kind: Literal["cannot_supply", "patient_request", "ltcf_terminal"] | None = Field(
        default=None, description="US CII part fills (21 CFR 1306.13)"
    )

    def details(self) -> PrescriptionDetails:
        return PrescriptionDetails(**{f.name: getattr(self, f.name) for f in fields(PrescriptionDetails)})

    def command(self) -> c.PrescriptionCommand:
        return c.PrescriptionCommand(
            id=self.id,
            number=self.number,
            written_on=self.written_on,
            prescriber=self.prescriber,
            patient=self.patient,
            medicine=self.medicine,
            quantity=self.quantity,
            unit=self.unit,
            details=self.details(),
        )


MovementLine = (
    ReceiptLine | DispenseLine | PatientReturnLine | SupplierReturnLine | DestructionLine | LossLine | AdjustmentLine
)
CommandLine = Annotated[
    MovementLine
    | CorrectionLine
    | MedicineLine
    | LotLine
    | SupplierLine
    | PrescriberLine
    | PatientLine
    | PrescriptionLine,
    Field(discriminator="type"),
]
COMMAND_LINE: TypeAdapter[CommandLine] = TypeAdapter(CommandLine)
TYPES = (
    "receipt",
    "dispense",
    "patient_return",
    "supplier_return",
    "destruction",
    "loss",
    "adjustment",
    "correction",
    "medicine",
    "lot",
    "supplier",
    "prescriber",
    "patient",
    "prescription",
)


def pin_variable(username: str) -> str:
    return "PHARMACY_PIN_" + re.sub(r"[^A-Z0-9]", "_", username.upper())


def json_schema() -> dict[str, object]:
    schema = COMMAND_LINE.json_schema()
    schema["title"] = "pharmacy post — one command per line"
    return schema
