"""Reference-data verbs: add medicines (with classes and GTINs), lots, suppliers, prescribers, patients,
prescriptions. Adding an identical record again is accepted; a different one under the same code is refused."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from uuid import UUID

from pharmacy.domain.counts import tolerance_bp
from pharmacy.domain.errors import N_, AlreadyExists, InvalidValue, Text, UnknownPharmacy
from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.quantity import UnitSpec
from pharmacy.domain.reference import (
    COLLECTOR_TYPES,
    PARTIAL_KINDS,
    PRESCRIPTION_KINDS,
    Lot,
    Medicine,
    MedicineClass,
    Patient,
    Pharmacy,
    Prescriber,
    Prescription,
    PrescriptionDetails,
    Supplier,
)
from pharmacy.domain.roles import MAY_EDIT_CATALOGUE, MAY_RECORD_PRESCRIPTION, Role, require_role
from pharmacy.domain.timing import local_day
from pharmacy.rules.identifiers import IdProblem, check_cn_ric, check_dea
from pharmacy.rules.packs import PACKS
from pharmacy.rules.params import Params
from pharmacy.services import lookup, rule_facts
from pharmacy.services.commands import (
    LotCommand,
    MedicineCommand,
    PatientCommand,
    PrescriberCommand,
    PrescriptionCommand,
    SupplierCommand,
)
from pharmacy.services.context import ServiceContext
from pharmacy.services.idempotency import previous_outcome, remember
from pharmacy.services.judging import refuse_blocks
from pharmacy.services.results import Actor, Created


@dataclass(frozen=True)
class RefScope:
    uow: UnitOfWork
    pharmacy: Pharmacy


def run_reference(
    ctx: ServiceContext,
    actor: Actor,
    command_id: UUID,
    command: object,
    allowed: frozenset[Role],
    action: Text,
    build: Callable[[RefScope], Created],
) -> Created:
    require_role(actor.role, allowed, action)
    with ctx.uow() as uow:
        uow.ledger.lock_head(ctx.pharmacy_id)
        prior = previous_outcome(uow, ctx.pharmacy_id, command_id, command)
        if prior is not None:
            return Created.from_outcome(prior)
        pharmacy = uow.reference.pharmacy(ctx.pharmacy_id)
        if pharmacy is None:
            raise UnknownPharmacy(key=str(ctx.pharmacy_id))
        created = build(RefScope(uow, pharmacy))
        remember(uow, ctx.pharmacy_id, command_id, command, created.to_outcome(), ctx.clock.now())
        uow.commit()
    return created


def _same_or_refuse(what: str, key: str, existing: object, wanted: object) -> None:
    if existing != wanted:
        raise AlreadyExists(what=what, key=key)


def _medicine(c: MedicineCommand) -> tuple[Medicine, tuple[str, ...]]:
    try:
        spec = UnitSpec.from_step(c.base_unit, c.unit_step)
    except (ValueError, ArithmeticError):
        raise InvalidValue(field="unit_step", problem=N_("must be a positive number such as 1 or 0.1")) from None
    if c.pack_size < 1:
        raise InvalidValue(field="pack_size", problem=N_("must be a whole number of base units, at least 1"))
    gtins = tuple(sorted(g.strip().zfill(14) for g in c.gtins if g.strip()))
    if any(not g.isdigit() or len(g) != 14 for g in gtins):
        raise InvalidValue(field="gtins", problem=N_("a GTIN has 8, 12, 13 or 14 digits"))
    med = Medicine(
        id=0,
        code=lookup.required(c.code, "code", 80),
        generic_en=lookup.required(c.generic_en, "generic_en"),
        generic_local=lookup.required(c.generic_local, "generic_local"),
        form=lookup.required(c.form, "form", 40),
        strength=lookup.required(c.strength, "strength", 80),
        base_unit=lookup.required(c.base_unit, "base_unit", 20),
        scale=spec.scale,
        unit_step=spec.step,
        pack_size=c.pack_size,
        modified_release=c.modified_release,
        count_tolerance_bp=tolerance_bp(c.count_tolerance_percent),
    )
    return med, gtins


def add_medicine(ctx: ServiceContext, actor: Actor, command: MedicineCommand) -> Created:
    def build(scope: RefScope) -> Created:
        med, gtins = _medicine(command)
        saved, created = scope.uow.reference.add_medicine(med, gtins)
        if not created:
            stored = (saved, scope.uow.reference.gtins(saved.id))
            _same_or_refuse("medicine", med.code, stored, (Medicine(**{**vars(med), "id": saved.id}), gtins))
            return Created("medicine", med.code, str(saved.id))
        for jurisdiction, class_code, effective in command.classes:
            scope.uow.reference.add_medicine_class(MedicineClass(saved.id, jurisdiction, class_code, effective))
        return Created("medicine", saved.code, str(saved.id))

    return run_reference(ctx, actor, command.id, command, MAY_EDIT_CATALOGUE, N_("edit the catalogue"), build)


def add_lot(ctx: ServiceContext, actor: Actor, command: LotCommand) -> Created:
    def build(scope: RefScope) -> Created:
        med = lookup.medicine(scope.uow, command.medicine)
        wanted = Lot(
            id=0,
            pharmacy_id=scope.pharmacy.id,
            medicine_id=med.id,
            batch=lookup.required(command.batch, "batch", 40),
            expiry=command.expiry,
            gtin=lookup.text(command.gtin, "gtin", required=False, limit=14),
            manufacturer=lookup.text(command.manufacturer, "manufacturer", required=False),
        )
        existing = scope.uow.reference.lot_by_batch(scope.pharmacy.id, med.id, wanted.batch)
        if existing is not None:
            _same_or_refuse("batch", wanted.batch, existing, Lot(**{**vars(wanted), "id": existing.id}))
            return Created("lot", wanted.batch, str(existing.id))
        saved = scope.uow.reference.add_lot(wanted)
        return Created("lot", saved.batch, str(saved.id))

    return run_reference(ctx, actor, command.id, command, MAY_EDIT_CATALOGUE, N_("add a batch"), build)


def add_supplier(ctx: ServiceContext, actor: Actor, command: SupplierCommand) -> Created:
    def build(scope: RefScope) -> Created:
        wanted = Supplier(
            id=0,
            pharmacy_id=scope.pharmacy.id,
            code=lookup.required(command.code, "code", 40),
            name=lookup.required(command.name, "name"),
            address=lookup.required(command.address, "address", 500),
            licence_no=lookup.text(command.licence_no, "licence_no", required=False, limit=80),
            dea_no=lookup.text(command.dea_no, "dea_no", required=False, limit=20),
        )
        existing = scope.uow.reference.supplier_by_code(scope.pharmacy.id, wanted.code)
        if existing is not None:
            _same_or_refuse("supplier", wanted.code, existing, Supplier(**{**vars(wanted), "id": existing.id}))
            return Created("supplier", wanted.code, str(existing.id))
        return Created("supplier", wanted.code, str(scope.uow.reference.add_supplier(wanted).id))

    return run_reference(ctx, actor, command.id, command, MAY_EDIT_CATALOGUE, N_("add a supplier"), build)


def _country(code: str | None) -> str | None:
    value = (code or "").strip().upper() or None
    if value is not None and (len(value) != 2 or not value.isalpha()):
        raise InvalidValue(field="country", problem=N_("use the two-letter country code, e.g. CN, GB or US"))
    return value


def add_prescriber(ctx: ServiceContext, actor: Actor, command: PrescriberCommand) -> Created:
    def build(scope: RefScope) -> Created:
        wanted = Prescriber(
            id=0,
            pharmacy_id=scope.pharmacy.id,
            code=lookup.required(command.code, "code", 40),
            name=lookup.required(command.name, "name"),
            address=lookup.required(command.address, "address", 500),
            registration_no=lookup.text(command.registration_no, "registration_no", required=False, limit=80),
            dea_no=lookup.text(command.dea_no, "dea_no", required=False, limit=20),
            country=_country(command.country),
        )
        if wanted.dea_no is not None:
            _refuse_id(check_dea(wanted.dea_no), "dea_no")
        existing = scope.uow.reference.prescriber_by_code(scope.pharmacy.id, wanted.code)
        if existing is not None:
            _same_or_refuse("prescriber", wanted.code, existing, Prescriber(**{**vars(wanted), "id": existing.id}))
            return Created("prescriber", wanted.code, str(existing.id))
        return Created("prescriber", wanted.code, str(scope.uow.reference.add_prescriber(wanted).id))

    return run_reference(ctx, actor, command.id, command, MAY_RECORD_PRESCRIPTION, N_("add a prescriber"), build)


RESIDENT_ID_TYPES = ("resident_id", "cn_ric")


def _refuse_id(problem: IdProblem | None, field: str) -> None:
    if problem is not None:
        raise InvalidValue(field=field, problem=problem.message, **problem.params)


def _check_identity(patient: Patient, today: date) -> None:
    """A Chinese resident ID is checked by its date of birth and check character — never by its region code,
    which reflects where the card was issued (lessons §9)."""
    if patient.id_doc_no and (patient.id_doc_type or "") in RESIDENT_ID_TYPES:
        _refuse_id(check_cn_ric(patient.id_doc_no, today), "id_doc_no")


def add_patient(ctx: ServiceContext, actor: Actor, command: PatientCommand) -> Created:
    def build(scope: RefScope) -> Created:
        if command.sex is not None and command.sex not in ("F", "M", "X"):
            raise InvalidValue(field="sex", problem=N_("use F, M or X"))
        wanted = Patient(
            id=0,
            pharmacy_id=scope.pharmacy.id,
            code=lookup.required(command.code, "code", 40),
            name=lookup.required(command.name, "name"),
            sex=command.sex,
            date_of_birth=command.date_of_birth,
            address=lookup.text(command.address, "address", required=False, limit=500),
            id_doc_type=lookup.text(command.id_doc_type, "id_doc_type", required=False, limit=30),
            id_doc_no=lookup.text(command.id_doc_no, "id_doc_no", required=False, limit=40),
        )
        _check_identity(wanted, ctx.clock.now().astimezone(scope.pharmacy.tz).date())
        existing = scope.uow.reference.patient_by_code(scope.pharmacy.id, wanted.code)
        if existing is not None:
            _same_or_refuse("patient", wanted.code, existing, Patient(**{**vars(wanted), "id": existing.id}))
            return Created("patient", wanted.code, str(existing.id))
        return Created("patient", wanted.code, str(scope.uow.reference.add_patient(wanted).id))

    return run_reference(ctx, actor, command.id, command, MAY_RECORD_PRESCRIPTION, N_("add a patient"), build)


def _check_details(d: PrescriptionDetails, written_on: date) -> PrescriptionDetails:
    """Refuse what cannot be true of a prescription, naming the field (rules about what is allowed come later)."""
    if d.kind not in PRESCRIPTION_KINDS:
        raise InvalidValue(field="kind", problem=N_("use one of: {choices}"), choices=", ".join(PRESCRIPTION_KINDS))
    if d.collector_type is not None and d.collector_type not in COLLECTOR_TYPES:
        raise InvalidValue(
            field="collector_type", problem=N_("use one of: {choices}"), choices=", ".join(COLLECTOR_TYPES)
        )
    if d.partial_kind is not None and d.partial_kind not in PARTIAL_KINDS:
        raise InvalidValue(field="partial_kind", problem=N_("use one of: {choices}"), choices=", ".join(PARTIAL_KINDS))
    if d.days_supply is not None and not 0 < d.days_supply <= 366:
        raise InvalidValue(field="days_supply", problem=N_("give the days' supply as a whole number from 1 to 366"))
    if not 0 <= d.extension_days <= 3:  # 处方管理办法 Art.18: at most 3 days
        raise InvalidValue(field="extension_days", problem=N_("a prescriber may extend validity by 0 to 3 days"))
    if not 0 <= d.refills_authorised <= 11:
        raise InvalidValue(field="refills_authorised", problem=N_("give the refills as a whole number from 0 to 11"))
    if d.earliest_fill_date is not None and d.earliest_fill_date < written_on:
        raise InvalidValue(field="earliest_fill_date", problem=N_("cannot be before the date written"))

    def clean(value: str | None, name: str) -> str | None:
        return lookup.text(value, name, required=False, limit=500)

    return replace(
        d,
        dose=clean(d.dose, "dose"),
        quantity_in_words=clean(d.quantity_in_words, "quantity_in_words"),
        diagnosis=clean(d.diagnosis, "diagnosis"),
        prescriber_reason=clean(d.prescriber_reason, "prescriber_reason"),
        agent_name=clean(d.agent_name, "agent_name"),
        agent_id_no=clean(d.agent_id_no, "agent_id_no"),
        collector_hcp=clean(d.collector_hcp, "collector_hcp"),
    )


def _refuse_blocked(
    uow: UnitOfWork, pharmacy: Pharmacy, rx: Prescription, med: Medicine, now: datetime, params: Params | None
) -> None:
    """The pack's prescription rules when it is recorded: a BLOCK refuses it (a WARN is asked about at supply)."""
    facts = rule_facts.prescription_facts(uow, rx)
    medicine = rule_facts.medicine_facts(uow, pharmacy, med, now)
    refuse_blocks(PACKS[pharmacy.profile].check_prescription(facts, medicine, local_day(now, pharmacy.tz), params))


def add_prescription(ctx: ServiceContext, actor: Actor, command: PrescriptionCommand) -> Created:
    """A prescription with everything the rule packs look at; supplies are tracked against it."""

    def build(scope: RefScope) -> Created:
        uow, pharmacy = scope.uow, scope.pharmacy
        now = ctx.clock.now()
        if command.written_on > now.astimezone(pharmacy.tz).date():
            raise InvalidValue(field="written_on", problem=N_("a prescription cannot be written in the future"))
        med = lookup.medicine(uow, command.medicine)
        rx = Prescription(
            id=command.id,
            pharmacy_id=pharmacy.id,
            number=lookup.required(command.number, "number", 60),
            written_on=command.written_on,
            prescriber_id=lookup.prescriber(uow, pharmacy, command.prescriber).id,
            patient_id=lookup.patient(uow, pharmacy, command.patient).id,
            medicine_id=med.id,
            quantity=lookup.quantity(med, command.quantity, command.unit),
            details=_check_details(command.details, command.written_on),
            recorded_at=now,
        )
        _refuse_blocked(uow, pharmacy, rx, med, now, ctx.rule_params)
        uow.reference.add_prescription(rx)
        return Created("prescription", rx.number, str(rx.id))

    return run_reference(ctx, actor, command.id, command, MAY_RECORD_PRESCRIPTION, N_("record a prescription"), build)
