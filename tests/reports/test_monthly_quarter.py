"""A quarter of register work, and the month-end report's figures recomputed from the raw ledger (issue 5).

March–May 2026 in a Chinese hospital pharmacy: receipts, dispenses, patient returns, returns to the supplier,
destruction of stock and of returns, losses, count variances (a liquid overage within tolerance, an unexplained
shortfall) and corrections, some of them on the very edges of a month in Asia/Shanghai. For every month the
test folds the `movements` table itself — a plain SQL select, month bounds from zoneinfo — and compares every
figure of every line of `monthly_report`; then closes March and April and checks what the close sealed.
The quarter is built once per database (module fixture): the tests only read it, or try to change it and fail.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from pharmacy.db.engine import make_engine
from pharmacy.domain import errors
from pharmacy.domain.counts import VarianceReason
from pharmacy.domain.monthly import LotFigures, figures_digest
from pharmacy.domain.movement import Book
from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import PeriodClose, PrescriptionDetails
from pharmacy.reports.export import render_monthly
from pharmacy.reports.monthly import monthly_report
from pharmacy.reports.monthly_model import MonthlyReport
from pharmacy.services import counts, destruction, movements, reference
from pharmacy.services.close import close_month
from pharmacy.services.commands import (
    CorrectCommand,
    CountLotCommand,
    DestroyCommand,
    LossCommand,
    PatientReturnCommand,
    PrescriptionCommand,
    StartCountCommand,
    SupplierReturnCommand,
)
from pharmacy.services.correct import correct
from pharmacy.services.results import Recorded
from tests.tools import poppler
from tests.world import PSY2, World, build_world, new_id

SHANGHAI = ZoneInfo("Asia/Shanghai")
MONTHS = ("2026-03", "2026-04", "2026-05")
ACK = "Shortfall of 3 on B1 reported to the security office; CCTV under review"


def local(month: int, day: int, hour: int = 9, minute: int = 0) -> datetime:
    """A moment on the pharmacy's wall clock, in UTC (the clock the services read)."""
    return datetime(2026, month, day, hour, minute, tzinfo=SHANGHAI).astimezone(UTC)


# ---------------------------------------------------------------------------------------------------------------
# The quarter


@dataclass
class Quarter:
    world: World
    closes: dict[str, PeriodClose] = field(default_factory=dict)
    head_at_close: dict[str, int] = field(default_factory=dict)


class Desk:
    """The counter's work, one verb per entry; every entry is one minute after the last."""

    def __init__(self, world: World) -> None:
        self.w = world

    def at(self, moment: datetime) -> None:
        assert moment >= self.w.clock.now(), "the quarter's clock only moves forward"
        self.w.clock.current = moment - timedelta(minutes=1)  # the helpers tick one minute before writing

    def receive(self, medicine: str, batch: str, quantity: str, **kw: Any) -> Recorded:
        return self.w.receive(quantity, batch=batch, medicine=medicine, document=f"INV-{batch}", **kw)

    def dispense(self, medicine: str, batch: str, quantity: str, prescribed: str | None = None) -> Recorded:
        rx = self.prescription(medicine, prescribed or quantity)
        return self.w.dispense(rx, quantity, batch=batch, medicine=medicine)

    def prescription(self, medicine: str, quantity: str) -> str:
        """Written now, on the pharmacy's calendar (world.prescription dates it by UTC: a day early before 08:00)."""
        self.w.tick()
        number = f"RX-{new_id().hex[:8]}"
        details = PrescriptionDetails(
            kind="psy2" if medicine in PSY2 else "narcotic_psy1",
            days_supply=3,
            dose="as directed",
            cancer_or_chronic_pain=True,
        )
        command = PrescriptionCommand(
            id=new_id(),
            number=number,
            written_on=self.w.clock.now().astimezone(SHANGHAI).date(),
            prescriber="DR1",
            patient="PT1",
            medicine=medicine,
            quantity=quantity,
            details=details,
        )
        reference.add_prescription(self.w.ctx, self.w.pharmacist, command)
        return number

    def take_back(self, medicine: str, batch: str, quantity: str) -> Recorded:
        self.w.tick()
        command = PatientReturnCommand(
            id=new_id(), medicine=medicine, batch=batch, quantity=quantity, reason="unused", patient="PT1"
        )
        return movements.take_back(self.w.ctx, self.w.pharmacist, command)

    def to_supplier(self, medicine: str, batch: str, quantity: str, document: str) -> Recorded:
        self.w.tick()
        command = SupplierReturnCommand(
            id=new_id(),
            medicine=medicine,
            batch=batch,
            quantity=quantity,
            supplier="SUP1",
            document=document,
            reason="recalled by the manufacturer",
            witness=self.w.creds("wang.fang"),
        )
        return movements.return_to_supplier(self.w.ctx, self.w.pharmacist, command)

    def destroy(self, medicine: str, batch: str, quantity: str, book: Book = Book.STOCK) -> Recorded:
        self.w.tick()
        command = DestroyCommand(
            id=new_id(),
            medicine=medicine,
            batch=batch,
            quantity=quantity,
            book=book,
            witness=self.w.creds("wang.fang"),
            method="denaturing kit",
            place="dispensary",
            supervisor="刘强",
            supervisor_agency="上城区市场监督管理局",
        )
        return destruction.destroy(self.w.ctx, self.w.pharmacist, command)

    def lose(self, medicine: str, batch: str, quantity: str, occurred_at: datetime | None = None) -> Recorded:
        self.w.tick()
        command = LossCommand(
            id=new_id(),
            medicine=medicine,
            batch=batch,
            quantity=quantity,
            reason="blister found empty",
            occurred_at=occurred_at,
            witness=self.w.creds("wang.fang"),
        )
        return movements.record_loss(self.w.ctx, self.w.pharmacist, command)

    def reverse(self, entry: Recorded, reason: str) -> Recorded:
        self.w.tick()
        command = CorrectCommand(id=new_id(), reverses=str(entry.seq), reason=reason, witness=self.w.creds("wang.fang"))
        return correct(self.w.ctx, self.w.pharmacist, command)

    def start_count(self) -> Any:
        self.w.tick()
        return counts.start_count(self.w.ctx, self.w.pharmacist, StartCountCommand(id=new_id()))

    def count(self, count_id: Any, medicine: str, batch: str, found: str, reason: VarianceReason) -> Any:
        self.w.tick()
        command = CountLotCommand(
            id=new_id(),
            count=count_id,
            medicine=medicine,
            batch=batch,
            counted=found,
            reason=reason,
            note="counted twice",
            witness=self.w.creds("wang.fang"),
        )
        return counts.count_lot(self.w.ctx, self.w.pharmacist, command)

    def close(self, quarter: Quarter, month: str, acknowledgement: str | None = None) -> None:
        self.w.tick()
        quarter.head_at_close[month] = max_seq(self.w)
        quarter.closes[month] = close_month(self.w.ctx, self.w.creds("zhou.rp"), month, acknowledgement)


def build_quarter(world: World) -> Quarter:
    quarter, desk = Quarter(world), Desk(world)
    _march(desk)
    # 1 April 00:01 in Shanghai is still 31 March in UTC: this dispense (after its prescription) is April's.
    desk.at(local(4, 1, 0, 0))
    desk.dispense("morphine-tab-10", "B1", "5")
    # A late entry, inside the window: found in the morning, dated the evening before (still March).
    desk.at(local(4, 1, 9))
    desk.lose("fentanyl-patch-25", "F1", "1", occurred_at=local(3, 31, 22))
    desk.at(local(4, 2, 10))
    desk.close(quarter, "2026-03")
    _april(desk)
    desk.at(local(5, 1, 10))
    with pytest.raises(errors.UnexplainedNotAcknowledged):
        close_month(world.ctx, world.creds("zhou.rp"), "2026-04")
    desk.close(quarter, "2026-04", ACK)
    _may(desk)
    return quarter


def _march(desk: Desk) -> None:
    desk.at(local(3, 2, 9))
    desk.receive("morphine-tab-10", "B1", "200")
    desk.receive("morphine-tab-10", "B2", "100", expiry=date(2027, 6, 30))
    desk.receive("methadone-oral-1", "M1", "500")
    desk.receive("oxycodone-pr-10", "O1", "20")
    desk.receive("fentanyl-patch-25", "F1", "20")
    desk.receive("diazepam-tab-25", "D1", "100")
    desk.dispense("morphine-tab-10", "B1", "10", prescribed="30")
    wrong = desk.dispense("morphine-tab-10", "B1", "10")
    desk.dispense("methadone-oral-1", "M1", "12.5", prescribed="25")
    desk.dispense("oxycodone-pr-10", "O1", "10")
    desk.at(local(3, 10, 14))
    desk.take_back("morphine-tab-10", "B1", "4")
    desk.lose("morphine-tab-10", "B2", "2")
    desk.reverse(wrong, "entered against the wrong prescription")
    desk.dispense("oxycodone-pr-10", "O1", "10")  # O1 is empty from here on: quiet in April and May
    desk.to_supplier("fentanyl-patch-25", "F1", "5", "RTS-0310")
    desk.dispense("diazepam-tab-25", "D1", "20")
    desk.dispense("methadone-oral-1", "M1", "0.1", prescribed="1")
    # The last minutes of March in Shanghai (already 31 March afternoon in UTC).
    desk.at(local(3, 31, 23, 50))
    desk.receive("morphine-tab-10", "B2", "30", expiry=date(2027, 6, 30))


def _april(desk: Desk) -> None:
    desk.at(local(4, 5, 9))
    desk.receive("morphine-tab-10", "B3", "100", expiry=date(2028, 6, 30))
    desk.dispense("morphine-tab-10", "B2", "10")
    desk.to_supplier("morphine-tab-10", "B2", "20", "RTS-0405")
    desk.destroy("morphine-tab-10", "B2", "5")
    desk.destroy("morphine-tab-10", "B1", "4", book=Book.RETURNS)
    returned = desk.take_back("diazepam-tab-25", "D1", "5")
    desk.reverse(returned, "the patient took the pack home again")
    desk.take_back("diazepam-tab-25", "D1", "3")
    desk.at(local(4, 20, 16))
    c = desk.start_count()
    desk.count(c.id, "methadone-oral-1", "M1", "488.0", VarianceReason.LIQUID_OVERAGE)  # book 487.4: +0.6 mL
    desk.count(c.id, "morphine-tab-10", "B1", "182", VarianceReason.UNEXPLAINED)  # book 185: a loss of 3
    desk.count(c.id, "morphine-tab-10", "B2", "92", VarianceReason.BREAKAGE)  # book 93: an adjustment of −1
    desk.at(local(4, 30, 23, 58))  # the prescription at 23:58, the supply at 23:59: April's
    desk.dispense("morphine-tab-10", "B3", "10")


def _may(desk: Desk) -> None:
    desk.at(local(5, 3, 11))
    wrong = desk.dispense("morphine-tab-10", "B1", "10")
    desk.reverse(wrong, "the patient did not collect")
    desk.dispense("morphine-tab-10", "B1", "20", prescribed="30")
    desk.receive("methadone-oral-1", "M2", "250", expiry=date(2028, 3, 31))
    desk.dispense("methadone-oral-1", "M2", "7.3", prescribed="10")
    desk.to_supplier("methadone-oral-1", "M1", "100", "RTS-0503")
    desk.destroy("fentanyl-patch-25", "F1", "14")
    desk.take_back("morphine-tab-10", "B3", "2")
    desk.destroy("diazepam-tab-25", "D1", "3", book=Book.RETURNS)
    desk.at(local(5, 20, 15))
    c = desk.start_count()
    desk.count(c.id, "methadone-oral-1", "M2", "242.5", VarianceReason.LIQUID_LOSS)  # book 242.7: −0.2 mL
    desk.count(c.id, "morphine-tab-10", "B3", "91", VarianceReason.COUNT_ERROR)  # book 90: +1


def max_seq(world: World) -> int:
    with world.engine.connect() as conn:
        q = text("SELECT MAX(seq) FROM movements WHERE pharmacy_id = :p")
        return int(conn.execute(q, {"p": world.pharmacy_id}).scalar_one())


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def quarter(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Quarter]:
    """One quarter per database, built once: every test below only reads it (or is refused trying to write)."""
    if request.param == "sqlite":
        path = tmp_path_factory.mktemp("quarter") / "register.sqlite"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        url = str(path)
    else:
        url = str(request.getfixturevalue("pg_shared_url"))
    engine = make_engine(url)
    try:
        yield build_quarter(build_world(engine))
    finally:
        engine.dispose()


# ---------------------------------------------------------------------------------------------------------------
# The figures, folded by the test from the raw table


@dataclass(frozen=True)
class Entry:
    medicine_id: int
    lot_id: int
    book: str
    kind: str
    quantity: int
    occurred_at: datetime


def _utc(value: object) -> datetime:
    """PostgreSQL returns timestamptz; SQLite the naive UTC text the column stores."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def raw_ledger(world: World) -> list[Entry]:
    q = text(
        "SELECT medicine_id, lot_id, book, kind, quantity, occurred_at FROM movements "
        "WHERE pharmacy_id = :p ORDER BY seq"
    )
    with world.engine.connect() as conn:
        rows = conn.execute(q, {"p": world.pharmacy_id}).all()
    return [Entry(int(m), int(lot), str(b), str(k), int(q), _utc(at)) for m, lot, b, k, q, at in rows]


def bounds(month: str) -> tuple[datetime, datetime]:
    year, mon = int(month[:4]), int(month[5:])
    nxt = (year + 1, 1) if mon == 12 else (year, mon + 1)
    return datetime(year, mon, 1, tzinfo=SHANGHAI), datetime(*nxt, 1, tzinfo=SHANGHAI)


# Where an entry of the month goes, and its sign as printed (outflows are stored negative, printed positive).
STOCK = {
    "receipt": ("receipts", 1),
    "dispense": ("dispensed", -1),
    "supplier_return": ("supplier_returns", -1),
    "destruction": ("destroyed", -1),
    "loss": ("losses", -1),
    "adjustment": ("adjustments", 1),
    "correction": ("corrections", 1),
}
RETURNS = {"patient_return": ("patient_returns", 1), "destruction": ("returns_destroyed", -1)}


def expected_figures(ledger: list[Entry], month: str) -> dict[int, LotFigures]:
    """Per lot: opening and closing are plain sums of every entry dated before the start / the end."""
    start, end = bounds(month)
    columns: dict[tuple[int, int], dict[str, int]] = {}
    for e in ledger:
        if e.occurred_at >= end:
            continue
        c = columns.setdefault((e.medicine_id, e.lot_id), {})
        stock = e.book == "stock"
        closing = "closing" if stock else "returns_closing"
        c[closing] = c.get(closing, 0) + e.quantity
        if e.occurred_at < start:
            opening = "opening" if stock else "returns_opening"
            c[opening] = c.get(opening, 0) + e.quantity
            continue
        column, sign = (STOCK if stock else RETURNS).get(e.kind, ("returns_other", 1))
        c[column] = c.get(column, 0) + sign * e.quantity
    lots = {lot: LotFigures(med, lot, **c) for (med, lot), c in columns.items()}
    return {
        lot: f for lot, f in lots.items() if any(v for k, v in vars(f).items() if k not in ("medicine_id", "lot_id"))
    }


def report(quarter: Quarter, month: str) -> MonthlyReport:
    world = quarter.world
    return monthly_report(world.engine, world.pharmacy_id, month, world.clock.now())


# ---------------------------------------------------------------------------------------------------------------
# The tests


def test_every_kind_of_entry_is_in_the_quarter_on_both_books(quarter: Quarter) -> None:
    ledger = raw_ledger(quarter.world)
    kinds = {(e.book, e.kind) for e in ledger}
    stock = {"receipt", "dispense", "supplier_return", "destruction", "loss", "adjustment", "correction"}
    assert {("stock", k) for k in stock} <= kinds
    assert {("returns", "patient_return"), ("returns", "destruction"), ("returns", "correction")} <= kinds
    months = {e.occurred_at.astimezone(SHANGHAI).strftime("%Y-%m") for e in ledger}
    assert months == set(MONTHS)
    edges = {local(3, 31, 22), local(3, 31, 23, 50), local(4, 1, 0, 1), local(4, 30, 23, 59)}
    assert edges <= {e.occurred_at for e in ledger}  # the entries the month edges are tested with
    assert len([e for e in ledger if e.kind == "adjustment" and e.quantity > 0]) == 2  # the liquid, the miscount


@pytest.mark.parametrize("month", MONTHS)
def test_the_report_prints_the_figures_folded_from_the_raw_ledger(quarter: Quarter, month: str) -> None:
    expected = expected_figures(raw_ledger(quarter.world), month)
    got = report(quarter, month)
    by_lot = {line.lot.id: line for line in got.lines}
    assert len(by_lot) == len(got.lines), "a lot is printed twice"
    assert set(by_lot) == set(expected), "a lot is missing from the report, or one is printed that should not be"
    for lot, figures in expected.items():
        line = by_lot[lot]
        assert line.figures == figures, f"{line.medicine.code} {line.lot.batch} in {month}"
        assert (line.medicine.id, line.lot.medicine_id) == (figures.medicine_id, figures.medicine_id)
    assert got.figures_digest == figures_digest(expected.values())
    for medicine_id, days in got.daily_balance.items():  # the chart ends where the figures do
        assert days[-1] == sum(f.closing for f in expected.values() if f.medicine_id == medicine_id)


def test_the_edges_of_the_months_are_the_pharmacys_midnight(quarter: Quarter) -> None:
    march, april, may = ({x.lot.batch: x.figures for x in report(quarter, m).lines} for m in MONTHS)
    # 31 March 23:50 in Shanghai is March; 1 April 00:01 in Shanghai (still 31 March in UTC) is April.
    assert march["B2"].receipts == 130 and april["B2"].receipts == 0
    assert (march["B1"].dispensed, april["B1"].dispensed) == (20, 5)
    assert march["F1"].losses == 1  # recorded on 1 April, dated the evening before
    assert (april["B3"].dispensed, may["B3"].dispensed) == (10, 0)  # 30 April 23:59 is April
    # O1 was emptied in March and nothing moved after: left out of April and May, not printed as zeros.
    assert "O1" in march and "O1" not in april and "O1" not in may
    # The liquid in 0.1 mL steps: 500 − 12.5 − 0.1 = 487.4 mL, found 488.0 (+0.6) in April.
    assert (march["M1"].closing, april["M1"].adjustments, april["M1"].closing) == (4874, 6, 4880)
    assert (april["B1"].losses, april["D1"].returns_other, april["D1"].returns_closing) == (3, -5, 3)


def test_every_line_ties_out_and_each_closing_is_the_next_opening(quarter: Quarter) -> None:
    reports = [report(quarter, m) for m in MONTHS]
    for got in reports:
        assert got.ties_out and all(line.figures.ties_out for line in got.lines)
        assert not [p for p in got.problems if p.kind == "figures_do_not_tie"]
    for earlier, later in pairwise(reports):
        before = {x.lot.id: x.figures for x in earlier.lines}
        after = {x.lot.id: x.figures for x in later.lines}
        for lot in before.keys() | after.keys():
            closed = before.get(lot, LotFigures(0, lot))
            opened = after.get(lot, LotFigures(0, lot))
            assert (closed.closing, closed.returns_closing) == (opened.opening, opened.returns_opening), lot


@pytest.mark.parametrize("month", MONTHS[:2])
def test_a_closed_months_report_carries_the_digest_and_head_the_close_sealed(quarter: Quarter, month: str) -> None:
    sealed = quarter.closes[month]
    got = report(quarter, month)
    assert got.close is not None and got.close.month == month
    assert got.close.figures_digest == sealed.figures_digest == got.figures_digest
    assert (got.close.head_seq, got.close.head_hash) == (sealed.head_seq, sealed.head_hash) == got.chain_head
    assert sealed.head_seq == quarter.head_at_close[month]  # the head when it was signed, not the head now
    assert sealed.head_seq < max_seq(quarter.world)
    # What was signed is what the raw ledger folds to, after everything recorded since.
    assert sealed.figures_digest == figures_digest(expected_figures(raw_ledger(quarter.world), month).values())
    assert (got.close.acknowledgement is not None) == (month == "2026-04")


def test_the_open_month_is_a_draft_at_the_current_head(quarter: Quarter) -> None:
    got = report(quarter, "2026-05")
    assert got.close is None and got.chain_head[0] == max_seq(quarter.world)


@pytest.mark.parametrize("day", [local(3, 31, 12), local(4, 30, 23, 59)])
def test_a_back_dated_receipt_into_a_closed_month_is_refused_and_changes_nothing(
    quarter: Quarter, day: datetime
) -> None:
    world = quarter.world
    before = world.snapshot()
    with pytest.raises(errors.PeriodClosed):
        world.receive("5", batch="B1", occurred_at=day, document="INV-LATE")
    assert world.snapshot() == before


@pytest.mark.parametrize("month", ["2026-04", "2026-05"])
def test_the_printed_report_shows_the_closing_balances_and_the_chinese_names(
    quarter: Quarter, month: str, tmp_path: Path
) -> None:
    pdftotext, pdftoppm, pdfinfo = poppler("pdftotext"), poppler("pdftoppm"), poppler("pdfinfo")
    got = report(quarter, month)
    path = tmp_path / "month.pdf"
    path.write_bytes(render_monthly(got, "pdf", lambda s: s))
    printed = subprocess.run([pdftotext, "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    lines = printed.stdout.splitlines()
    methadone = next(x for x in got.lines if x.medicine.code == "methadone-oral-1" and x.lot.batch == "M1")
    morphine = next(x for x in got.lines if x.medicine.code == "morphine-tab-10" and x.lot.batch == "B1")
    assert morphine.medicine.generic_local == "硫酸吗啡片" and "吗啡" in printed.stdout
    assert "美沙酮" in printed.stdout
    for line in (methadone, morphine):
        # The batch on its own row, its figures on the next one with figures (a draft's watermark letters between).
        at = next(i for i, row in enumerate(lines) if row.strip() == line.lot.batch)
        numbers = next(row.split() for row in lines[at + 1 : at + 12] if len(row.split()) >= 9)
        f, unit = line.figures, line.medicine.unit
        assert (numbers[0], numbers[8]) == (format_quantity(f.opening, unit), format_quantity(f.closing, unit))
    info = subprocess.run([pdfinfo, str(path)], check=True, capture_output=True, text=True).stdout
    pages = int(next(row.split()[-1] for row in info.splitlines() if row.startswith("Pages:")))
    subprocess.run([pdftoppm, "-r", "40", "-png", str(path), str(tmp_path / "page")], check=True)
    assert len(sorted(tmp_path.glob("page*.png"))) == pages >= 1


def test_the_fold_matches_for_every_field_name() -> None:
    """The test's own fold names every figure of a line (a new column would need a new expectation)."""
    named = {c for c, _ in STOCK.values()} | {c for c, _ in RETURNS.values()}
    named |= {"medicine_id", "lot_id", "opening", "closing", "returns_opening", "returns_closing", "returns_other"}
    assert named == {f.name for f in fields(LotFigures)}


def test_the_printed_patient_returns_record_ties_out_on_paper(quarter: Quarter, tmp_path: Path) -> None:
    pdftotext = poppler("pdftotext")
    got = report(quarter, "2026-04")
    d1 = next(x for x in got.lines if x.lot.batch == "D1")
    assert d1.figures.returns_other == -5 and d1.figures.ties_out  # the figures are right; the page is not
    path = tmp_path / "month.pdf"
    path.write_bytes(render_monthly(got, "pdf", lambda s: s))
    rows = subprocess.run([pdftotext, "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    lines = rows.stdout.splitlines()
    at = next(i for i, row in enumerate(lines) if row.strip() == "D1")
    numbers = next(row.split() for row in lines[at + 1 : at + 12] if len(row.split()) >= 9)
    opening, received, destroyed, other, closing = (int(n.replace("−", "-")) for n in numbers[-5:])
    assert other == -5 and opening + received - destroyed + other == closing, numbers
