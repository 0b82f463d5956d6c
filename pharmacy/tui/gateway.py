"""The counter's gateway to the register: every blocking call a screen makes, in one plain class.

Screens call it only from thread workers (ARCHITECTURE §3 TUI); it holds no Textual code, so tests and
benchmarks use it headless. `delay` slows every call down, to prove the interface stays responsive.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from pharmacy.domain.findings import Finding
from pharmacy.domain.movement import MovementKind
from pharmacy.domain.reference import Medicine, Supplier, User
from pharmacy.domain.roles import MAY_CHECK
from pharmacy.reports import counter, home, search
from pharmacy.reports.reconcile import Reconciliation, reconcile_prescriptions
from pharmacy.reports.register import RegisterFilter, RegisterLine, register_page
from pharmacy.reports.stock import StockLine, stock_lines
from pharmacy.rules.second_person import second_person_required
from pharmacy.services import movements, reference
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import (
    CorrectCommand,
    Credentials,
    DispenseCommand,
    PrescriptionCommand,
    ReceiveCommand,
)
from pharmacy.services.correct import correct
from pharmacy.services.results import Actor, Created, Recorded
from pharmacy.services.users import list_users
from pharmacy.wiring import Register

T = TypeVar("T")


@dataclass(frozen=True)
class HomeData:
    stock: list[StockLine]
    trends: dict[int, list[int]]
    today: list[home.TodayEntry]
    alerts: list[home.Alert]
    medicines: dict[int, Medicine]


class Counter:
    def __init__(self, register: Register, *, delay: float = 0.0) -> None:
        self.register = register
        self.ctx = register.ctx
        self.pharmacy = register.pharmacy
        self.delay = delay
        self._medicines: list[Medicine] | None = None
        self._gtins: dict[int, tuple[str, ...]] = {}

    def _slow(self, value: T) -> T:
        if self.delay:
            time.sleep(self.delay)
        return value

    def now(self) -> datetime:
        return self.ctx.clock.now()

    def sign_in(self, username: str, pin: str) -> Actor:
        return self._slow(authenticate(self.ctx, Credentials(username, pin)))

    def checkers(self, kind: MovementKind, actor: Actor) -> list[User]:
        users = list_users(self.ctx)
        return self._slow(
            [u for u in users if u.active and not u.locked and u.role in MAY_CHECK[kind] and u.id != actor.user_id]
        )

    def needs_second_person(self, kind: MovementKind) -> bool:
        return second_person_required(self.pharmacy.profile, kind)

    def medicines(self) -> list[Medicine]:
        if self._medicines is None:
            with self.ctx.uow(write=False) as uow:
                self._medicines = uow.reference.medicines()
                self._gtins = {m.id: uow.reference.gtins(m.id) for m in self._medicines}
        return self._medicines

    def medicine(self, medicine_id: int) -> Medicine | None:
        return next((m for m in self.medicines() if m.id == medicine_id), None)

    def find_medicines(self, query: str) -> list[Medicine]:
        return self._slow(search.search(self.medicines(), query, self._gtins))

    def medicine_by_gtin(self, gtin: str) -> Medicine | None:
        self.medicines()
        return next((m for m in self.medicines() if gtin in self._gtins.get(m.id, ())), None)

    def suppliers(self) -> list[Supplier]:
        return self._slow(counter.suppliers(self.register.engine, self.pharmacy.id))

    def lots(self, medicine_id: int) -> list[counter.LotStock]:
        return self._slow(counter.lots_with_stock(self.register.engine, self.pharmacy.id, medicine_id))

    def parties(self) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        return self._slow(counter.party_codes(self.register.engine, self.pharmacy.id))

    def add_prescription(self, actor: Actor, command: PrescriptionCommand) -> Created:
        return self._slow(reference.add_prescription(self.ctx, actor, command))

    def open_prescriptions(self) -> list[counter.OpenPrescription]:
        return self._slow(counter.open_prescriptions(self.register.engine, self.pharmacy.id))

    def dispense_findings(self, actor: Actor, command: DispenseCommand) -> list[Finding]:
        """What the pharmacy's rule pack says about the dispense being typed."""
        return self._slow(movements.preview_dispense(self.ctx, actor, command))

    def receive(self, actor: Actor, command: ReceiveCommand) -> Recorded:
        return self._slow(movements.receive(self.ctx, actor, command))

    def dispense(self, actor: Actor, command: DispenseCommand) -> Recorded:
        return self._slow(movements.dispense(self.ctx, actor, command))

    def correct(self, actor: Actor, command: CorrectCommand) -> Recorded:
        return self._slow(correct(self.ctx, actor, command))

    def register_page(self, f: RegisterFilter, after_seq: int = 0, limit: int = 50) -> list[RegisterLine]:
        return self._slow(register_page(self.register.engine, f, after_seq=after_seq, limit=limit))

    def reconcile(self, month: str, retained: list[str] | None) -> Reconciliation:
        """Dispensing against prescriptions for one 'YYYY-MM' month; `retained`: the paper prescriptions scanned."""
        return self._slow(reconcile_prescriptions(self.register.engine, self.pharmacy.id, month, retained))

    def home(self) -> HomeData:
        engine, pid, tz, now = self.register.engine, self.pharmacy.id, self.pharmacy.tz, self.now()
        stock = stock_lines(engine, pid)
        totals: dict[int, int] = {}
        for line in stock:
            totals[line.medicine.id] = totals.get(line.medicine.id, 0) + line.stock
        lots = [(s.medicine.display_name, s.batch, s.expiry, s.stock) for s in stock]
        alerts = home.expiry_alerts(lots, now.astimezone(tz).date())
        alerts += [home.Alert("month_open", month, "") for month in home.open_months(engine, pid, now, tz)]
        return self._slow(
            HomeData(
                stock,
                home.balance_trends(engine, pid, totals, now, tz),
                home.today_entries(engine, pid, now, tz),
                alerts,
                {m.id: m for m in self.medicines()},
            )
        )
