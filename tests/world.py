"""A small pharmacy for tests: people, a few medicines from the shared catalogue, parties, helpers."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import Engine, MetaData, select

from pharmacy.db.uow import SqlUnitOfWorkFactory
from pharmacy.demo_data import demo_gtin
from pharmacy.domain.clock import FixedClock
from pharmacy.domain.profile import Profile
from pharmacy.domain.reference import PrescriptionDetails
from pharmacy.domain.roles import Role
from pharmacy.schemas.medicine_csv import PACKAGED_CATALOGUE, read_catalogue
from pharmacy.services import movements, reference
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import (
    Credentials,
    DispenseCommand,
    PatientCommand,
    PrescriberCommand,
    PrescriptionCommand,
    ReceiveCommand,
    SupplierCommand,
    UserCommand,
)
from pharmacy.services.context import ServiceContext
from pharmacy.services.pins import PinHasher
from pharmacy.services.results import Actor, Recorded
from pharmacy.services.users import PharmacySpec, add_user, open_pharmacy

PIN = "2468"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)  # 09:00 in Shanghai
PSY2 = ("diazepam-tab-25",)
TEST_MEDICINES = ("morphine-tab-10", "methadone-oral-1", "oxycodone-pr-10", "diazepam-tab-25", "fentanyl-patch-25")
PINS = PinHasher.fast_for_tests()


def new_id() -> uuid.UUID:
    return uuid.uuid4()


@dataclass
class World:
    engine: Engine
    ctx: ServiceContext
    clock: FixedClock
    pharmacy_id: int
    people: dict[str, Actor] = field(default_factory=dict)
    _codes: int = 0

    @property
    def pharmacist(self) -> Actor:
        return self.people["li.na"]

    @property
    def checker(self) -> Actor:
        return self.people["wang.fang"]

    def creds(self, username: str, pin: str = PIN) -> Credentials:
        return Credentials(username, pin)

    def tick(self, minutes: int = 1) -> datetime:
        self.clock.advance(timedelta(minutes=minutes))
        return self.clock.now()

    def receive(
        self, quantity: str = "100", batch: str = "B1", medicine: str = "morphine-tab-10", **kw: Any
    ) -> Recorded:
        self.tick()
        fields: dict[str, Any] = {
            "id": new_id(),
            "medicine": medicine,
            "batch": batch,
            "quantity": quantity,
            "supplier": "SUP1",
            "expiry": date(2028, 1, 31),
            "document": "INV-1",
            "witness": self.creds("wang.fang"),
        }
        fields.update(kw)
        return movements.receive(self.ctx, kw.pop("actor", self.pharmacist), ReceiveCommand(**fields))

    def prescription(
        self, quantity: str = "30", medicine: str = "morphine-tab-10", number: str | None = None, **details: Any
    ) -> str:
        """A prescription that passes the CN pack by default: the right form, days' supply, patient ID on file."""
        number = number or f"RX-{uuid.uuid4().hex[:6]}"
        base: dict[str, Any] = {
            "kind": "psy2" if medicine in PSY2 else "narcotic_psy1",
            "days_supply": 3,
            "dose": "as directed",
            "cancer_or_chronic_pain": True,
        }
        command = PrescriptionCommand(
            id=new_id(),
            number=number,
            written_on=self.clock.now().date(),
            prescriber="DR1",
            patient="PT1",
            medicine=medicine,
            quantity=quantity,
            details=PrescriptionDetails(**(base | details)),
        )
        reference.add_prescription(self.ctx, self.pharmacist, command)
        return number

    def codes_for(self, quantity: str) -> tuple[str, ...]:
        """One trace code per pack of 10 handed over (CN-TR-1), at least one; bad quantities get one."""
        try:
            packs = max(1, -(-int(Decimal(quantity)) // 10))
        except (InvalidOperation, ValueError, OverflowError):
            packs = 1
        return tuple(self.trace_code() for _ in range(min(packs, 60)))

    def trace_code(self) -> str:
        """A fresh 20-digit 药品追溯码 (码上放心 family: starts with 8)."""
        self._codes += 1
        return f"8{self.pharmacy_id:04d}{self._codes:015d}"

    def dispense(
        self, rx: str, quantity: str = "10", batch: str = "B1", medicine: str = "morphine-tab-10", **kw: Any
    ) -> Recorded:
        self.tick()
        fields: dict[str, Any] = {
            "id": new_id(),
            "medicine": medicine,
            "batch": batch,
            "quantity": quantity,
            "prescription": rx,
            "witness": self.creds("wang.fang"),
            "codes": self.codes_for(quantity),
        }
        fields.update(kw)
        return movements.dispense(self.ctx, self.pharmacist, DispenseCommand(**fields))

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table that belongs to this pharmacy (users without their lock-out counters)."""
        meta = MetaData()
        meta.reflect(self.engine)
        out: dict[str, list[tuple[Any, ...]]] = {}
        with self.engine.connect() as conn:
            for name, table in sorted(meta.tables.items()):
                q = select(table)
                if "pharmacy_id" in table.c:
                    q = q.where(table.c.pharmacy_id == self.pharmacy_id)
                elif name in ("pharmacies",):
                    q = q.where(table.c.id == self.pharmacy_id)
                elif self.engine.dialect.name != "sqlite":
                    continue  # the shared catalogue is shared with concurrent tests on PostgreSQL
                out[name] = sorted(tuple(str(v) for v in row) for row in conn.execute(q))
        return out


def _seed_catalogue(ctx: ServiceContext, actor: Actor) -> None:
    with PACKAGED_CATALOGUE.open(encoding="utf-8") as stream:
        for index, (_, row) in enumerate(read_catalogue(stream), start=1):
            if row.key in TEST_MEDICINES:
                command = replace(row.command(), gtins=(demo_gtin(Profile.CN_HOSPITAL, index),))
                reference.add_medicine(ctx, actor, command)


def gtin_of(code: str) -> str:
    """The GTIN the test catalogue gives a product (its index in the packaged catalogue)."""
    with PACKAGED_CATALOGUE.open(encoding="utf-8") as stream:
        index = next(i for i, (_, row) in enumerate(read_catalogue(stream), start=1) if row.key == code)
    return demo_gtin(Profile.CN_HOSPITAL, index)


def _seed_parties(ctx: ServiceContext, actor: Actor) -> None:
    reference.add_supplier(
        ctx,
        actor,
        SupplierCommand(
            id=new_id(), code="SUP1", name="国药控股浙江有限公司", address="杭州市拱墅区", licence_no="浙AA5710001"
        ),
    )
    reference.add_prescriber(
        ctx,
        actor,
        PrescriberCommand(
            id=new_id(),
            code="DR1",
            name="张伟",
            address="浙江大学医学院附属第一医院",
            registration_no="110330100001234",
        ),
    )
    reference.add_patient(
        ctx,
        actor,
        PatientCommand(
            id=new_id(),
            code="PT1",
            name="陈静",
            sex="F",
            date_of_birth=date(1970, 3, 7),
            id_doc_type="resident_id",
            id_doc_no="330106197003070015",
        ),
    )


def build_world(engine: Engine, profile: Profile = Profile.CN_HOSPITAL, timezone: str = "Asia/Shanghai") -> World:
    uow = SqlUnitOfWorkFactory(engine)
    clock = FixedClock(START)
    code = f"PH-{uuid.uuid4().hex[:8]}"
    spec = PharmacySpec(
        code=code,
        name="浙江测试医院药房",
        licence_no="浙-麻-0001",
        address="杭州市上城区",
        profile=profile,
        timezone=timezone,
    )
    pid = open_pharmacy(
        uow, PINS, spec, UserCommand(username="zhou.rp", full_name="周敏", role=Role.RESPONSIBLE_PHARMACIST, pin=PIN)
    )
    ctx = ServiceContext(uow=uow, clock=clock, pins=PINS, pharmacy_id=pid)
    world = World(engine, ctx, clock, pid)
    rp = authenticate(ctx, Credentials("zhou.rp", PIN))
    world.people["zhou.rp"] = rp
    for username, name, role in (
        ("li.na", "李娜", Role.PHARMACIST),
        ("wang.fang", "王芳", Role.PHARMACIST),
        ("zhao.tech", "赵强", Role.TECHNICIAN),
        ("insp", "Inspector", Role.INSPECTOR),
        ("admin", "Admin", Role.ADMINISTRATOR),
    ):
        add_user(ctx, rp, UserCommand(username=username, full_name=name, role=role, pin=PIN))
        world.people[username] = authenticate(ctx, Credentials(username, PIN))
    _seed_catalogue(ctx, rp)
    _seed_parties(ctx, rp)
    return world
