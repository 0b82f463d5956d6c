"""Reconciliation of dispensing against prescriptions for one month, and the retained-prescription check.

Read-only: per prescription written or supplied in the month, prescribed vs supplied vs owing, and the typed
problems found (issue 4 item 5). Reversed dispenses do not count; months are the pharmacy's local months.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Engine, func, or_, select
from sqlalchemy.orm import Session

from pharmacy.db import mapping as to
from pharmacy.db import rows as r
from pharmacy.domain.errors import N_, InvalidValue, Text, UnknownPharmacy, render_message
from pharmacy.domain.profile import Profile
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine
from pharmacy.domain.timing import local_day, month_bounds
from pharmacy.rules.facts import resolve_class
from pharmacy.rules.retention import prescription_keep_until
from pharmacy.rules.validity import valid_until

MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class ProblemKind(StrEnum):
    NO_PRESCRIPTION = "dispense_without_prescription"
    AFTER_EXPIRY = "supplied_after_expiry"
    OVER_SUPPLY = "over_supply"
    OWING_LAPSED = "owing_lapsed"
    DUPLICATE_NUMBER = "duplicate_number"
    NEVER_SUPPLIED = "never_supplied"
    NOT_SCANNED = "not_scanned"
    SCANNED_UNKNOWN = "scanned_unknown"


TEMPLATES: dict[ProblemKind, Text] = {
    ProblemKind.NO_PRESCRIPTION: N_(
        "Entry No. {seq} dispensed {quantity} {unit} of {medicine} on {on} without a prescription"
    ),
    ProblemKind.AFTER_EXPIRY: N_(
        "Prescription {number} was supplied on {on} (entry No. {seq}) after it expired on {valid_until}"
    ),
    ProblemKind.OVER_SUPPLY: N_(
        "Prescription {number} allows {allowed} {unit} of {medicine}; {supplied} {unit} were supplied"
    ),
    ProblemKind.OWING_LAPSED: N_(
        "Prescription {number} expired on {valid_until} with {owing} {unit} still owing; the rest has lapsed"
    ),
    ProblemKind.DUPLICATE_NUMBER: N_("Prescription number {number} is recorded {count} times"),
    ProblemKind.NEVER_SUPPLIED: N_(
        "Prescription {number}, written on {written}, expired on {valid_until} and was never supplied"
    ),
    ProblemKind.NOT_SCANNED: N_("Prescription {number} was supplied in {month} but its paper copy was not scanned"),
    ProblemKind.SCANNED_UNKNOWN: N_("Scanned prescription {number} is not in the register"),
}


def _identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class Problem:
    kind: ProblemKind
    number: str | None
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def template(self) -> Text:
        return TEMPLATES[self.kind]

    def render(self, translate: Callable[[str], str] = _identity) -> str:
        return render_message(self.template, dict(self.params), translate)


@dataclass(frozen=True)
class PrescriptionLine:
    id: uuid.UUID
    number: str
    written_on: date
    patient_code: str
    patient_name: str
    medicine: Medicine
    prescribed: int  # steps per fill
    allowed: int  # prescribed × (1 + refills)
    supplied: int  # up to the end of the month, net of reversed dispenses
    supplied_in_month: int
    owing: int
    valid_until: date | None
    keep_until: date | None = None  # retention: CN 3 years 麻/精一, 2 years 精二; US and UK 2 years


@dataclass(frozen=True)
class Reconciliation:
    pharmacy_id: int
    month: str
    first_day: date
    last_day: date
    lines: tuple[PrescriptionLine, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class _Dispense:
    id: uuid.UUID
    seq: int
    on: date
    medicine_id: int
    supplied: int
    prescription_id: uuid.UUID | None


@dataclass(frozen=True)
class _Period:
    pharmacy_id: int
    profile: str
    tz: ZoneInfo
    month: str
    start: datetime
    end: datetime

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return self.end.date() - timedelta(days=1)


def _period(session: Session, pharmacy_id: int, month: str) -> _Period:
    if not MONTH.fullmatch(month):
        raise InvalidValue(field="--month", problem=N_("use a month like 2026-03"))
    row = session.get(r.PharmacyRow, pharmacy_id)
    if row is None:
        raise UnknownPharmacy(key=str(pharmacy_id))
    tz = ZoneInfo(row.timezone)
    start, end = month_bounds(month, tz)
    return _Period(pharmacy_id, row.profile, tz, month, start, end)


def _reversed(session: Session, pharmacy_id: int) -> set[uuid.UUID]:
    m = r.MovementRow
    q = select(m.reverses_id).where(m.pharmacy_id == pharmacy_id, m.kind == "correction", m.reverses_id.is_not(None))
    return {x for x in session.scalars(q) if x is not None}


def _dispenses(
    session: Session, p: _Period, reversed_ids: set[uuid.UUID], *conditions: ColumnElement[bool]
) -> list[_Dispense]:
    m = r.MovementRow
    q = (
        select(m.id, m.seq, m.occurred_at, m.medicine_id, m.quantity, m.prescription_id)
        .where(m.pharmacy_id == p.pharmacy_id, m.kind == "dispense", m.occurred_at < p.end, *conditions)
        .order_by(m.seq)
    )
    return [
        _Dispense(
            row.id, row.seq, local_day(row.occurred_at, p.tz), row.medicine_id, -row.quantity, row.prescription_id
        )
        for row in session.execute(q)
        if row.id not in reversed_ids
    ]


def _prescriptions(session: Session, p: _Period, supplied_ids: set[uuid.UUID]) -> list[r.PrescriptionRow]:
    rx = r.PrescriptionRow
    in_month = rx.written_on.between(p.first_day, p.last_day)
    where = or_(in_month, rx.id.in_(supplied_ids)) if supplied_ids else in_month
    q = select(rx).where(rx.pharmacy_id == p.pharmacy_id, where).order_by(rx.written_on, rx.number, rx.id)
    return list(session.scalars(q))


def _medicines(session: Session, ids: Iterable[int]) -> dict[int, Medicine]:
    q = select(r.MedicineRow).where(r.MedicineRow.id.in_(set(ids)))
    return {row.id: to.medicine(row) for row in session.scalars(q)}


def _classes(session: Session, ids: Iterable[int]) -> dict[int, list[tuple[str, str, date]]]:
    c = r.MedicineClassRow
    out: dict[int, list[tuple[str, str, date]]] = {}
    for row in session.scalars(select(c).where(c.medicine_id.in_(set(ids)))):
        out.setdefault(row.medicine_id, []).append((row.jurisdiction, row.class_code, row.effective_from))
    return out


def _patients(session: Session, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    pt = r.PatientRow
    return {
        row.id: (row.code, row.name)
        for row in session.execute(select(pt.id, pt.code, pt.name).where(pt.id.in_(set(ids))))
    }


def _duplicates(session: Session, pharmacy_id: int, numbers: set[str]) -> dict[str, int]:
    rx = r.PrescriptionRow
    q = (
        select(rx.number, func.count())
        .where(rx.pharmacy_id == pharmacy_id, rx.number.in_(numbers))
        .group_by(rx.number)
        .having(func.count() > 1)
    )
    return {number: count for number, count in session.execute(q)} if numbers else {}


def _known_numbers(session: Session, pharmacy_id: int, numbers: set[str]) -> set[str]:
    rx = r.PrescriptionRow
    found: set[str] = set()
    chunk = sorted(numbers)
    for i in range(0, len(chunk), 500):
        q = select(rx.number).where(rx.pharmacy_id == pharmacy_id, rx.number.in_(chunk[i : i + 500]))
        found.update(session.scalars(q))
    return found


def _line(row: r.PrescriptionRow, p: _Period, supplies: Sequence[_Dispense], ref: _Reference) -> PrescriptionLine:
    medicine = ref.medicines[row.medicine_id]
    class_code = resolve_class(ref.classes.get(row.medicine_id, []), Profile(p.profile).jurisdiction, row.written_on)
    until = valid_until(
        p.profile, row.written_on, row.extension_days, class_code=class_code, earliest_fill=row.earliest_fill_date
    )
    allowed = row.quantity * (1 + max(0, row.refills_authorised))
    supplied = sum(d.supplied for d in supplies)
    code, name = ref.patients.get(row.patient_id, ("", ""))
    return PrescriptionLine(
        id=row.id,
        number=row.number,
        written_on=row.written_on,
        patient_code=code,
        patient_name=name,
        medicine=medicine,
        prescribed=row.quantity,
        allowed=allowed,
        supplied=supplied,
        supplied_in_month=sum(d.supplied for d in supplies if d.on >= p.first_day),
        owing=max(0, allowed - supplied),
        valid_until=until,
        keep_until=prescription_keep_until(Profile(p.profile), class_code, row.written_on),
    )


@dataclass(frozen=True)
class _Reference:
    medicines: dict[int, Medicine]
    classes: dict[int, list[tuple[str, str, date]]]
    patients: dict[int, tuple[str, str]]


def _qty(steps: int, medicine: Medicine) -> str:
    return format_quantity(steps, medicine.unit)


def _unlinked(dispenses: Iterable[_Dispense], medicines: Mapping[int, Medicine]) -> list[Problem]:
    out = []
    for d in dispenses:
        if d.prescription_id is None:
            med = medicines[d.medicine_id]
            params = {
                "seq": d.seq,
                "quantity": _qty(d.supplied, med),
                "unit": med.base_unit,
                "medicine": med.display_name,
                "on": d.on.isoformat(),
            }
            out.append(Problem(ProblemKind.NO_PRESCRIPTION, None, params))
    return out


def _after_expiry(line: PrescriptionLine, dispenses: Iterable[_Dispense], p: _Period) -> list[Problem]:
    if line.valid_until is None:
        return []
    return [
        Problem(
            ProblemKind.AFTER_EXPIRY,
            line.number,
            {"number": line.number, "on": d.on.isoformat(), "seq": d.seq, "valid_until": line.valid_until.isoformat()},
        )
        for d in dispenses
        if d.on >= p.first_day and d.on > line.valid_until
    ]


def _quantity_problems(line: PrescriptionLine, p: _Period) -> list[Problem]:
    med, number = line.medicine, line.number
    out = []
    if line.supplied > line.allowed:
        params = {
            "number": number,
            "allowed": _qty(line.allowed, med),
            "supplied": _qty(line.supplied, med),
            "unit": med.base_unit,
            "medicine": med.display_name,
        }
        out.append(Problem(ProblemKind.OVER_SUPPLY, number, params))
    until = line.valid_until
    if until is None or not p.first_day <= until <= p.last_day:
        return out  # lapses are reported in the month the prescription expires
    if line.supplied == 0 and line.written_on >= p.first_day:
        params = {"number": number, "written": line.written_on.isoformat(), "valid_until": until.isoformat()}
        out.append(Problem(ProblemKind.NEVER_SUPPLIED, number, params))
    elif line.supplied > 0 and line.owing > 0:
        params = {
            "number": number,
            "valid_until": until.isoformat(),
            "owing": _qty(line.owing, med),
            "unit": med.base_unit,
        }
        out.append(Problem(ProblemKind.OWING_LAPSED, number, params))
    return out


def _retained_problems(
    session: Session, p: _Period, lines: Sequence[PrescriptionLine], retained: Iterable[str]
) -> list[Problem]:
    scanned = {n.strip() for n in retained if n.strip()}
    expected = sorted({line.number for line in lines if line.supplied_in_month > 0})
    out = [Problem(ProblemKind.NOT_SCANNED, n, {"number": n, "month": p.month}) for n in expected if n not in scanned]
    known = _known_numbers(session, p.pharmacy_id, scanned)
    out += [Problem(ProblemKind.SCANNED_UNKNOWN, n, {"number": n}) for n in sorted(scanned - known)]
    return out


def _lines(
    session: Session, p: _Period, month_dispenses: list[_Dispense], reversed_ids: set[uuid.UUID]
) -> tuple[list[PrescriptionLine], dict[uuid.UUID, list[_Dispense]]]:
    rows = _prescriptions(session, p, {d.prescription_id for d in month_dispenses if d.prescription_id})
    by_rx: dict[uuid.UUID, list[_Dispense]] = {row.id: [] for row in rows}
    if by_rx:
        for d in _dispenses(session, p, reversed_ids, r.MovementRow.prescription_id.in_(set(by_rx))):
            if d.prescription_id is not None:  # the query asked for these prescriptions only
                by_rx[d.prescription_id].append(d)
    medicine_ids = {row.medicine_id for row in rows} | {d.medicine_id for d in month_dispenses}
    ref = _Reference(
        _medicines(session, medicine_ids),
        _classes(session, medicine_ids),
        _patients(session, {x.patient_id for x in rows}),
    )
    return [_line(row, p, by_rx[row.id], ref) for row in rows], by_rx


def reconcile_prescriptions(
    engine: Engine, pharmacy_id: int, month: str, retained: Iterable[str] | None = None
) -> Reconciliation:
    """Reconcile one 'YYYY-MM' month; `retained` are the numbers of the paper prescriptions scanned for it."""
    with Session(engine) as session:
        p = _period(session, pharmacy_id, month)
        reversed_ids = _reversed(session, pharmacy_id)
        month_dispenses = _dispenses(session, p, reversed_ids, r.MovementRow.occurred_at >= p.start)
        lines, by_rx = _lines(session, p, month_dispenses, reversed_ids)
        medicines = {line.medicine.id: line.medicine for line in lines} | _medicines(
            session, {d.medicine_id for d in month_dispenses if d.prescription_id is None}
        )
        problems = _unlinked(month_dispenses, medicines)
        for line in lines:
            problems += _after_expiry(line, by_rx[line.id], p) + _quantity_problems(line, p)
        duplicates = _duplicates(session, pharmacy_id, {line.number for line in lines})
        problems += [
            Problem(ProblemKind.DUPLICATE_NUMBER, n, {"number": n, "count": c}) for n, c in sorted(duplicates.items())
        ]
        if retained is not None:
            problems += _retained_problems(session, p, lines, retained)
    return Reconciliation(pharmacy_id, month, p.first_day, p.last_day, tuple(lines), tuple(problems))
