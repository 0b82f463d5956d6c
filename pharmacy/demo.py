"""Builds the demo register: a pharmacy, its people, about three months of real work through the services.

Every entry goes through the same services as the counter (second-person checks, balances, hash chain),
with a clock that walks through the pharmacy's opening hours. The months before last are closed and signed.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from pharmacy import demo_custody as custody
from pharmacy.db.migrate import upgrade
from pharmacy.db.uow import SqlUnitOfWorkFactory
from pharmacy.demo_data import (
    SITES,
    DemoPerson,
    demo_gtin,
    lawful_details,
    people_for,
    stocked,
    valid_dea,
    warned_details,
)
from pharmacy.domain.clock import FixedClock
from pharmacy.domain.errors import RegisterError
from pharmacy.domain.profile import Profile
from pharmacy.domain.reference import Medicine, PrescriptionDetails
from pharmacy.schemas.medicine_csv import PACKAGED_CATALOGUE, read_catalogue
from pharmacy.services import movements, reference
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import (
    CorrectCommand,
    Credentials,
    DispenseCommand,
    PatientCommand,
    PatientReturnCommand,
    PrescriberCommand,
    PrescriptionCommand,
    ReceiveCommand,
    SupplierCommand,
    UserCommand,
)
from pharmacy.services.context import ServiceContext
from pharmacy.services.correct import correct
from pharmacy.services.pins import PinHasher
from pharmacy.services.results import Actor
from pharmacy.services.users import PharmacySpec, add_user, open_pharmacy
from pharmacy.wiring import connect

Progress = Callable[[float, str], None]


@dataclass
class DemoState:
    ctx: ServiceContext
    clock: FixedClock
    tz: ZoneInfo
    profile: Profile
    rng: random.Random
    people: tuple[DemoPerson, ...]
    seed: int
    actors: dict[str, Actor] = field(default_factory=dict)
    medicines: list[Medicine] = field(default_factory=list)
    lots: dict[str, list[tuple[str, date]]] = field(default_factory=dict)  # medicine code → batches
    stock: dict[tuple[str, str], int] = field(default_factory=dict)  # (code, batch) → steps
    dispensed: list[int] = field(default_factory=list)  # seq of dispenses, for a correction now and then
    rx_count: int = 0
    classes: dict[str, str] = field(default_factory=dict)  # medicine code → its class in this jurisdiction
    codes_issued: int = 0
    returned: dict[tuple[str, str], int] = field(default_factory=dict)  # patient returns awaiting destruction
    expiring: list[tuple[str, str, date, bool]] = field(default_factory=list)  # code, batch, expiry, destroy it

    def prescribe(
        self,
        written: date,
        prescriber: str,
        patient: str,
        medicine: Medicine,
        quantity: str,
        details: PrescriptionDetails,
    ) -> str:
        """Record a prescription as one of the pharmacists; returns its number (prefix, month, running count)."""
        self.rx_count += 1
        number = f"{SITES[self.profile].rx_prefix}{written:%Y%m}{self.rx_count:04d}"
        actor, _ = self.pharmacist()
        command = PrescriptionCommand(
            id=uuid.uuid4(),
            number=number,
            written_on=written,
            prescriber=prescriber,
            patient=patient,
            medicine=medicine.code,
            quantity=quantity,
            details=details,
        )
        reference.add_prescription(self.ctx, actor, command)
        return number

    def trace_codes(self, medicine: Medicine, steps: int) -> tuple[str, ...]:
        """In China every pack handed over is scanned (CN-TR-1): one fresh 20-digit 码上放心 code per pack."""
        if self.profile.jurisdiction != "cn":
            return ()
        packs = max(1, -(-steps // (medicine.pack_size * medicine.unit.scale)))
        start, self.codes_issued = self.codes_issued, self.codes_issued + packs
        return tuple(f"8{self.seed:03d}{n:016d}" for n in range(start, start + packs))

    def at(self, day: date, hour: int, minute: int) -> None:
        moment = datetime.combine(day, time(hour, minute), tzinfo=self.tz)
        self.clock.current = max(self.clock.current + timedelta(seconds=1), moment)

    def pharmacist(self) -> tuple[Actor, Credentials]:
        """One pharmacist enters, the other checks (双人复核)."""
        a, b = self.rng.sample([p for p in self.people if p.role.value == "pharmacist"], 2)
        return self.actors[a.username], Credentials(b.username, b.pin)


def _setup(state: DemoState, start: date) -> None:
    site = SITES[state.profile]
    rp = state.actors[state.people[0].username]
    with PACKAGED_CATALOGUE.open(encoding="utf-8") as stream:
        for index, (_, row) in enumerate(read_catalogue(stream), start=1):
            command = replace(row.command(), gtins=(demo_gtin(state.profile, index),))
            created = reference.add_medicine(state.ctx, rp, command)
            if stocked(state.profile, row.cn_class, row.us_schedule, row.uk_schedule) and len(state.medicines) < 10:
                state.classes[row.key] = {"cn": row.cn_class, "us": row.us_schedule, "uk": row.uk_schedule}[
                    state.profile.jurisdiction
                ]
                with state.ctx.uow(write=False) as uow:
                    med = uow.reference.medicine_by_code(created.key)
                assert med is not None
                state.medicines.append(med)
    for code, name, address, licence in site.suppliers:
        reference.add_supplier(
            state.ctx, rp, SupplierCommand(id=uuid.uuid4(), code=code, name=name, address=address, licence_no=licence)
        )
    country = {"cn": "CN", "us": "US", "uk": "GB"}[state.profile.jurisdiction]
    for code, name, address, reg in site.prescribers:
        dea = valid_dea(reg) if state.profile.jurisdiction == "us" and reg else None
        reference.add_prescriber(
            state.ctx,
            rp,
            PrescriberCommand(
                id=uuid.uuid4(),
                code=code,
                name=name,
                address=address,
                registration_no=None if dea else reg,
                dea_no=dea,
                country=country,
            ),
        )
    for code, name, sex, dob, address, id_no in site.patients:
        reference.add_patient(
            state.ctx,
            rp,
            PatientCommand(
                id=uuid.uuid4(),
                code=code,
                name=name,
                sex=sex,
                date_of_birth=dob,
                address=address,
                id_doc_type="resident_id" if id_no else None,
                id_doc_no=id_no,
            ),
        )
    _ = start


def _receive(state: DemoState, med: Medicine, day: date, *, expiry: date | None = None) -> None:
    site = SITES[state.profile]
    batch = f"{day:%y%m}{state.rng.randint(100, 999)}"
    expiry = expiry or day + timedelta(days=state.rng.choice((200, 400, 600)))
    packs = state.rng.choice((5, 10, 20)) if med.pack_size <= 20 else 2
    actor, checker = state.pharmacist()
    got = movements.receive(
        state.ctx,
        actor,
        ReceiveCommand(
            id=uuid.uuid4(),
            medicine=med.code,
            batch=batch,
            quantity=Decimal(packs),
            unit="pack",
            supplier=state.rng.choice(site.suppliers)[0],
            expiry=expiry,
            document=f"DN-{day:%Y%m%d}-{state.rng.randint(10, 99)}",
            manufacturer=None,
            witness=checker,
        ),
    )
    state.lots.setdefault(med.code, []).append((batch, expiry))
    state.stock[(med.code, batch)] = got.lot_balance_after


def _dispense(state: DemoState, day: date) -> None:
    site = SITES[state.profile]
    med = state.rng.choice(state.medicines)
    kept = {(code, batch) for code, batch, _, _ in state.expiring}  # left on the shelf to expire
    lots = [
        (b, e)
        for b, e in state.lots.get(med.code, [])
        if e >= day and state.stock.get((med.code, b), 0) > 0 and (med.code, b) not in kept
    ]
    if not lots:
        return
    batch = min(lots, key=lambda x: x[1])[0]  # earliest expiry first
    dose = med.unit.scale * (
        state.rng.choice((5, 10, 12, 15, 20)) if med.base_unit != "mL" else state.rng.choice((30, 45, 60))
    )
    dose = min(dose, state.stock[(med.code, batch)])
    number = state.prescribe(
        day,
        state.rng.choice(site.prescribers)[0],
        state.rng.choice(site.patients)[0],
        med,
        str(Decimal(dose) / med.unit.scale),
        lawful_details(state.profile, state.classes[med.code], dose // med.unit.scale),
    )
    actor, checker = state.pharmacist()
    part = dose if state.rng.random() > 0.1 else max(med.unit.step, dose // 2)  # now and then a part-supply (owing)
    got = movements.dispense(
        state.ctx,
        actor,
        DispenseCommand(
            id=uuid.uuid4(),
            medicine=med.code,
            batch=batch,
            quantity=str(Decimal(part) / med.unit.scale),
            prescription=number,
            witness=checker,
            codes=state.trace_codes(med, part),
        ),
    )
    state.stock[(med.code, batch)] = got.lot_balance_after
    state.dispensed.append(got.seq)


def _occasional(state: DemoState, day: date) -> None:
    """A typo corrected, or a patient's return, a few times a month."""
    roll = state.rng.random()
    actor, checker = state.pharmacist()
    if roll < 0.08 and state.dispensed:
        seq = state.dispensed.pop()
        correct(
            state.ctx,
            actor,
            CorrectCommand(
                id=uuid.uuid4(),
                reverses=str(seq),
                reason=state.rng.choice(("wrong quantity typed", "wrong batch scanned")),
                witness=checker,
            ),
        )
    elif roll < 0.12:
        med = state.rng.choice(state.medicines)
        if state.lots.get(med.code):
            back = movements.take_back(
                state.ctx,
                actor,
                PatientReturnCommand(
                    id=uuid.uuid4(),
                    medicine=med.code,
                    batch=state.lots[med.code][0][0],
                    quantity=str(med.unit.step_text),
                    patient=state.rng.choice(SITES[state.profile].patients)[0],
                    reason="unused, returned by family",
                ),
            )
            key = (med.code, state.lots[med.code][0][0])
            state.returned[key] = state.returned.get(key, 0) + back.quantity


def _run_day(state: DemoState, day: date) -> None:
    state.at(day, 9, 0)
    for med in state.medicines:
        on_hand = sum(v for (code, _), v in state.stock.items() if code == med.code)
        if on_hand < 40 * med.unit.scale:
            _receive(state, med, day)
    for _ in range(state.rng.randint(3, 7)):
        state.at(day, state.rng.randint(9, 17), state.rng.randint(0, 59))
        _dispense(state, day)
    state.at(day, 17, 30)
    _occasional(state, day)


@dataclass(frozen=True)
class DemoBuilt:
    people: tuple[DemoPerson, ...]
    sample_scan: str  # a GS1 string for a stocked product, as a scanner would type it


def build_demo(target: str, profile: Profile, seed: int, now: datetime, progress: Progress) -> DemoBuilt:
    site = SITES[profile]
    tz = ZoneInfo(site.timezone)
    engine = connect(target, check_schema=False)
    upgrade(engine)
    uow = SqlUnitOfWorkFactory(engine)
    today = now.astimezone(tz).date()
    start = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
    clock = FixedClock(datetime.combine(start, time(8, 0), tzinfo=tz))
    pins = PinHasher()
    people = people_for(profile)
    first = people[0]
    spec = PharmacySpec(
        code=f"DEMO-{profile.value}",
        name=site.name,
        licence_no=site.licence,
        address=site.address,
        profile=profile,
        timezone=site.timezone,
    )
    pid = open_pharmacy(
        uow, pins, spec, UserCommand(username=first.username, full_name=first.full_name, role=first.role, pin=first.pin)
    )
    state = DemoState(ServiceContext(uow, clock, pins, pid), clock, tz, profile, random.Random(seed), people, seed)
    _people(state)
    _setup(state, start)
    _simulate(state, start, today, now, progress)
    with state.ctx.uow(write=False) as reader:
        gtin = reader.reference.gtins(state.medicines[0].id)[0]
    engine.dispose()
    expiry = (today + timedelta(days=700)).strftime("%y%m%d")
    return DemoBuilt(people, f"01{gtin}17{expiry}10DEMO{seed:02d}")


def _people(state: DemoState) -> None:
    rp = authenticate(state.ctx, Credentials(state.people[0].username, state.people[0].pin))
    state.actors[rp.username] = rp
    for person in state.people[1:]:
        add_user(
            state.ctx,
            rp,
            UserCommand(username=person.username, full_name=person.full_name, role=person.role, pin=person.pin),
        )
        state.actors[person.username] = authenticate(state.ctx, Credentials(person.username, person.pin))


def _simulate(state: DemoState, start: date, today: date, now: datetime, progress: Progress) -> None:
    days = (today - start).days
    soon = [m for m in state.medicines][:1]
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.day == 1 and offset:
            _close_before_last(state, day)
        if day.weekday() < 6:
            try:
                _run_day(state, day)
            except RegisterError as exc:  # the demo never stops on a refused entry: it shows what it was
                progress(offset / days, f"skipped on {day}: {exc}")
        if offset == days - 20 and soon:
            _receive(state, soon[0], day, expiry=today + timedelta(days=45))  # an expiry alert to look at
        _custody_day(state, day, (start, today))
        progress((offset + 1) / days, day.isoformat())
    state.clock.current = max(state.clock.current, now)
    _warned(state, now.astimezone(state.tz).date())  # first, so the lawful ones head the counter's list
    _waiting(state, now.astimezone(state.tz).date())


def _custody_day(state: DemoState, day: date, span: tuple[date, date]) -> None:
    """Two small lots that expire (one destroyed, one left waiting), month-end counts, returns destroyed."""
    start, today = span
    if day == start + timedelta(days=3):
        for expiry, destroy in ((start + timedelta(days=30), True), (today - timedelta(days=8), False)):
            med = state.medicines[1 % len(state.medicines)]
            _receive(state, med, day, expiry=expiry)
            state.expiring.append((med.code, state.lots[med.code][-1][0], expiry, destroy))
    for code, batch, expiry, destroy in state.expiring:
        if day == expiry + timedelta(days=1) and state.stock.get((code, batch), 0) > 0:
            custody.quarantine(state, day, code, batch, apply=True)
        if destroy and day == expiry + timedelta(days=4):
            custody.destroy_stock(state, day, code, batch)
    if (day + timedelta(days=1)).day == 1:
        custody.destroy_returns(state, day, state.returned)
        custody.month_end(state, day, unexplained=day.month == start.month)


def _waiting(state: DemoState, today: date) -> None:
    """Prescriptions handed in today and not yet supplied: what the counter has to do when the demo opens.
    (In China a prescription is valid only on the day it is written: CN-4.) One pack each, so one code."""
    site = SITES[state.profile]
    for index, med in enumerate(state.medicines[:3]):
        if not state.lots.get(med.code):
            continue
        units = min(med.pack_size, 10 if med.base_unit != "mL" else 60)
        state.prescribe(
            today,
            site.prescribers[index % len(site.prescribers)][0],
            site.patients[index % len(site.patients)][0],
            med,
            str(units),
            lawful_details(state.profile, state.classes[med.code], units),
        )


def _close_before_last(state: DemoState, first_of_month: date) -> None:
    """On the first of a month, the month before last is signed off (last month stays open for review)."""
    month_before_last = (first_of_month - timedelta(days=32)).replace(day=1)
    if month_before_last >= (state.clock.current - timedelta(days=95)).date().replace(day=1):
        state.at(first_of_month, 8, 30)
        custody.close(state, month_before_last.strftime("%Y-%m"))


def _warned(state: DemoState, today: date) -> None:
    """One prescription the pack warns about, so the override (reason + second person) can be tried."""
    site, med = SITES[state.profile], state.medicines[0]
    units = min(med.pack_size, 10)
    details, written = warned_details(state.profile, state.classes[med.code], units), today
    if details.kind == "emergency":
        written = today - timedelta(days=9)  # US-7: the written prescription was due within 7 days
    state.prescribe(written, site.prescribers[0][0], site.patients[1][0], med, str(units), details)
