"""The counter's gateway to the register: every blocking call a screen makes, in one plain class.

Screens call it only from thread workers (ARCHITECTURE §3 TUI); it holds no Textual code, so tests and
benchmarks use it headless. `delay` slows every call down, to prove the interface stays responsive.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar
from uuid import UUID

from pharmacy.domain.counts import CountLine, StockCount
from pharmacy.domain.duties import DutyDone
from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.domain.findings import Finding
from pharmacy.domain.holds import LotHold
from pharmacy.domain.movement import MovementKind
from pharmacy.domain.reference import Medicine, PeriodClose, Supplier, User
from pharmacy.domain.roles import MAY_CHECK
from pharmacy.reports import count_sheet as sheets
from pharmacy.reports import counter, disposal, home, search
from pharmacy.reports.home_alerts import custody_alerts
from pharmacy.reports.monthly import monthly_report
from pharmacy.reports.monthly_model import LossStatus, MonthlyReport
from pharmacy.reports.reconcile import Reconciliation, reconcile_prescriptions
from pharmacy.reports.register import RegisterFilter, RegisterLine, register_page
from pharmacy.reports.stock import StockLine, stock_lines
from pharmacy.rules.params import Params, defaults
from pharmacy.rules.second_person import second_person_required
from pharmacy.schemas.scan import Scan, read_scan
from pharmacy.services import close, counts, destruction, holds, losses, movements, reference
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import (
    CorrectCommand,
    CountLotCommand,
    Credentials,
    DestroyCommand,
    DispenseCommand,
    DutyDoneCommand,
    HoldCommand,
    PatientReturnCommand,
    PrescriptionCommand,
    ReceiveCommand,
    StartCountCommand,
    SupplierReturnCommand,
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

    def resolve(self, text: str) -> tuple[Scan, list[Medicine]]:
        """A scan (GS1 → its GTIN; a 20-digit trace code names no product) or part of a name, to medicines."""
        scan = read_scan(text)
        if scan.gtin:
            found = self.medicine_by_gtin(scan.gtin)
            return scan, [found] if found else []
        return scan, [] if scan.kind == "trace" else self.find_medicines(scan.raw)

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
        alerts += custody_alerts(engine, self.pharmacy, now, count=self._latest_count(), params=self._params())
        return self._slow(
            HomeData(
                stock,
                home.balance_trends(engine, pid, totals, now, tz),
                home.today_entries(engine, pid, now, tz),
                alerts,
                {m.id: m for m in self.medicines()},
            )
        )

    # counts
    def start_count(self, actor: Actor, command: StartCountCommand) -> StockCount:
        return self._slow(counts.start_count(self.ctx, actor, command))

    def count_lot(self, actor: Actor, command: CountLotCommand) -> CountLine:
        return self._slow(counts.count_lot(self.ctx, actor, command))

    def count_sheet(self, count_id: UUID) -> sheets.CountSheet:
        """A count's progress: every lot expected or found, its book at the snapshot and now, what was counted."""
        with self.ctx.uow(write=False) as uow:
            return self._slow(sheets.count_sheet(uow, self.pharmacy.id, count_id))

    def count_history(self) -> list[sheets.CountRecord]:
        with self.ctx.uow(write=False) as uow:
            return self._slow(sheets.count_history(uow, self.pharmacy.id))

    def count_classes(self) -> list[str]:
        return self._slow(sheets.class_codes(self.register.engine, self.pharmacy.profile.jurisdiction))

    def lots_by_batch(self, batch: str, medicine_id: int | None = None) -> list[sheets.FoundLot]:
        """A lot found on the shelf, by its batch (and the scanned pack's medicine)."""
        return self._slow(sheets.lots_by_batch(self.register.engine, self.pharmacy.id, batch, medicine_id))

    def _latest_count(self) -> sheets.CountRecord | None:
        with self.ctx.uow(write=False) as uow:
            latest = sheets.count_history(uow, self.pharmacy.id, limit=1)
        return latest[0] if latest else None

    def _params(self) -> Params:
        """The pharmacy's rule parameters: its settings over its pack's defaults."""
        return self.ctx.rule_params or defaults(self.pharmacy.profile)

    # returns, destruction, close
    def take_back(self, actor: Actor, command: PatientReturnCommand) -> Recorded:
        """A patient's return, into the separate returns record (UK-9), never into stock."""
        return self._slow(movements.take_back(self.ctx, actor, command))

    def return_to_supplier(self, actor: Actor, command: SupplierReturnCommand) -> Recorded:
        return self._slow(movements.return_to_supplier(self.ctx, actor, command))

    def destroy(self, actor: Actor, command: DestroyCommand) -> Recorded:
        return self._slow(destruction.destroy(self.ctx, actor, command))

    def hold(self, actor: Actor, command: HoldCommand) -> LotHold:
        return self._slow(holds.hold(self.ctx, actor, command))

    def record_duty(self, actor: Actor, command: DutyDoneCommand) -> DutyDone:
        return self._slow(losses.record_duty(self.ctx, actor, command))

    def held_lots(self, *, every_batch: bool = False) -> list[disposal.HeldLot]:
        today = self.now().astimezone(self.pharmacy.tz).date()
        return self._slow(disposal.held_lots(self.register.engine, self.pharmacy, today, every_batch=every_batch))

    def recent_losses(self) -> list[LossStatus]:
        return self._slow(disposal.recent_losses(self.register.engine, self.pharmacy, self.now()))

    def months_to_close(self) -> tuple[list[str], list[str]]:
        """(ended months not yet closed, oldest first; closed months, newest first)."""
        engine, pid = self.register.engine, self.pharmacy.id
        with self.ctx.uow(write=False) as uow:
            closed = sorted((c.month for c in uow.ledger.closes(pid)), reverse=True)
        return self._slow((home.open_months(engine, pid, self.now(), self.pharmacy.tz), closed))

    def monthly(self, month: str) -> MonthlyReport:
        return self._slow(monthly_report(self.register.engine, self.pharmacy.id, month, self.now()))

    def close_month(self, signer: Credentials, month: str, acknowledgement: str | None) -> PeriodClose:
        return self._slow(close.close_month(self.ctx, signer, month, acknowledgement))

    def export_monthly(self, month: str, fmt: str, path: Path, translate: Callable[[str], str]) -> int:
        """Write the month's report to `path` (the folder is made if missing); returns the bytes written."""
        from pharmacy.reports.export import render_monthly  # fpdf2 and openpyxl load only when exporting

        data = render_monthly(self.monthly(month), fmt, translate)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        except OSError as exc:
            problem = N_("cannot write the file: {reason}")
            raise InvalidValue(field="path", problem=problem, reason=exc.strerror or str(exc)) from None
        return len(data)
