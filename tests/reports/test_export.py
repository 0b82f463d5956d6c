"""The month-end report and the register rendered to PDF, XLSX, CSV and JSON: the figures printed are the
figures exported, Chinese names are printed (never blank glyphs), a draft says so on every page."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
from dataclasses import replace
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pharmacy.domain.counts import CountType, VarianceReason
from pharmacy.domain.duties import Duty, DutyDue
from pharmacy.domain.monthly import LotFigures, figures_digest
from pharmacy.domain.profile import Profile
from pharmacy.domain.reference import Lot, Medicine, Pharmacy
from pharmacy.reports.export import fonts as font_lookup
from pharmacy.reports.export import render_monthly, render_register
from pharmacy.reports.export.fonts import MissingCjkFont
from pharmacy.reports.monthly_model import (
    CountSummary,
    LastCount,
    LossStatus,
    MonthlyLine,
    MonthlyReport,
    OpenProblem,
    OpenProblemKind,
    SignedClose,
)
from pharmacy.reports.reconcile import PrescriptionLine, Problem, ProblemKind, Reconciliation
from pharmacy.reports.register_report import register_report
from tests.tools import poppler
from tests.world import World, new_id

HEAD = "9f2c" * 16


def identity(message: str) -> str:
    return message


def medicine(mid: int, code: str, en: str, local: str, form: str, strength: str, unit: str, scale: int = 1) -> Medicine:
    return Medicine(mid, code, en, local, form, strength, unit, scale, 1, 10, False)


MORPHINE = medicine(1, "morphine-tab-10", "morphine sulfate", "吗啡", "tablet", "10 mg", "tablet")
FENTANYL = medicine(2, "fentanyl-patch-25", "fentanyl", "芬太尼透皮贴", "patch", "25 mcg/h", "patch")
METHADONE = medicine(3, "methadone-oral-1", "methadone", "美沙酮口服溶液", "oral solution", "1 mg/mL", "mL", 10)


def pharmacy(profile: Profile = Profile.CN_RETAIL, tz: str = "Asia/Shanghai") -> Pharmacy:
    return Pharmacy(1, "PH1", "杭州仁心大药房", "浙-麻-0001", "杭州市上城区解放路 88 号", profile, tz, 1, 5)


def line(med: Medicine, lot_id: int, batch: str, figures: LotFigures, **kw: object) -> MonthlyLine:
    lot = Lot(lot_id, 1, med.id, batch, date(2028, 1, 31), None, "东北制药")
    defaults: dict[str, object] = {"class_code": "麻醉", "last_count": None, "awaiting_destruction": False}
    return MonthlyLine(med, lot, figures=figures, **(defaults | kw))  # type: ignore[arg-type]


def sample_report(*, signed: bool = True, ph: Pharmacy | None = None) -> MonthlyReport:
    ph = ph or pharmacy()
    counted = datetime(2026, 3, 31, 10, 0, tzinfo=UTC)
    lines = (
        line(MORPHINE, 1, "B2409", LotFigures(1, 1, opening=100, receipts=200, dispensed=130, closing=170),
             last_count=LastCount(170, counted, 0, None)),
        line(MORPHINE, 2, "B2311", LotFigures(1, 2, opening=12, destroyed=2, losses=3, adjustments=-1, closing=6,
             returns_opening=4, patient_returns=3, returns_destroyed=5, returns_closing=2),
             awaiting_destruction=True, last_count=LastCount(6, counted, -1, VarianceReason.COUNT_ERROR)),
        line(FENTANYL, 3, "F77", LotFigures(2, 3, receipts=20, dispensed=5, closing=15)),
        line(METHADONE, 4, "M1", LotFigures(3, 4, opening=5000, dispensed=1255, closing=3745)),
    )  # fmt: skip
    rx = PrescriptionLine(new_id(), "MJ202603001", date(2026, 3, 2), "PT1", "陈静", MORPHINE, 30, 30, 30, 30, 0,
                          date(2026, 3, 2))  # fmt: skip
    problem = Problem(ProblemKind.OWING_LAPSED, "MJ202603002", {"number": "MJ202603002", "valid_until": "2026-03-05",
                      "owing": "10", "unit": "tablet"})  # fmt: skip
    reconciliation = Reconciliation(1, "2026-03", date(2026, 3, 1), date(2026, 3, 31), (rx,), (problem,))
    open_problem = OpenProblem(OpenProblemKind.UNCOUNTED_LOT, {"medicine": "芬太尼透皮贴 fentanyl", "batch": "F77"})
    loss = LossStatus(41, date(2026, 3, 20), MORPHINE, "B2311", 3, (
        DutyDue(Duty.CN_POLICE, date(2026, 3, 20), date(2026, 3, 20), "杭公(上)2026-118"),
        DutyDue(Duty.CN_REGULATOR, date(2026, 3, 20)),
    ))  # fmt: skip
    count = CountSummary(counted, "李娜", "all", CountType.ROUTINE, 4, 3, 1, 0)
    digest = figures_digest(x.figures for x in lines)
    close = SignedClose("2026-03", 57, HEAD, "周敏 (药师 330100123)", datetime(2026, 4, 1, 2, 30, tzinfo=UTC), digest,
                        "Variance on B2311 was a count error.")  # fmt: skip
    return MonthlyReport(
        pharmacy=ph, month="2026-03", first_day=date(2026, 3, 1), last_day=date(2026, 3, 31),
        generated_at=datetime(2026, 4, 1, 3, 0, tzinfo=UTC), lines=lines, reconciliation=reconciliation,
        problems=(open_problem,), counts=(count,), losses=(loss,), close=close if signed else None,
        chain_head=(57, HEAD), figures_digest=digest,
        daily_balance={1: tuple(112 + 5 * (d % 7) for d in range(31)), 2: (0,) * 10 + (20,) * 11 + (15,) * 10,
                       3: tuple(5000 - 40 * d for d in range(31))},
    )  # fmt: skip


def pdf_text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(data)
    pages = subprocess.run([poppler("pdftoppm"), "-r", "50", "-png", str(path), str(tmp_path / "page")], check=True)
    assert pages.returncode == 0
    assert sorted(tmp_path.glob("page*.png"))
    out = subprocess.run([poppler("pdftotext"), "-layout", str(path), "-"], check=True, capture_output=True, text=True)
    return out.stdout


def test_signed_cn_pdf_prints_the_figures_the_chinese_names_and_the_seal(tmp_path: Path) -> None:
    text = pdf_text(render_monthly(sample_report(), "pdf", identity), tmp_path)
    for expected in ("杭州仁心大药房", "吗啡", "芬太尼透皮贴", "美沙酮口服溶液", "374.5", "125.5", "SIGNED"):
        assert expected in text
    assert "Page 1 of" in text and "{nb}" not in text
    assert "9f2c9f2c 9f2c9f2c" in text  # the sealed head, in full, in two lines
    assert "周敏" in text and "2026-04-01 10:30" in text  # signed at, in Shanghai time
    assert "awaiting" in text and "OVERDUE" in text
    assert "DRAFT" not in text


def test_a_draft_says_so_on_every_page(tmp_path: Path) -> None:
    data = render_monthly(sample_report(signed=False), "pdf", identity)
    text = pdf_text(data, tmp_path)
    pages = text.split("\f")
    assert all("DRAFT" in page for page in pages if page.strip())
    assert "not signed" in text and "SIGNED\n" not in text


def test_uk_pdf_uses_the_pharmacys_time_zone(tmp_path: Path) -> None:
    ph = replace(pharmacy(Profile.UK, "Europe/London"), name="Riverside Pharmacy", address="12 High St, Leeds")
    text = pdf_text(render_monthly(sample_report(ph=ph), "pdf", identity), tmp_path)
    assert "Riverside Pharmacy" in text and "2026-04-01 03:30" in text  # BST began on 29 March
    assert "Misuse of Drugs Regulations 2001" in text


def test_translate_is_applied_to_labels() -> None:
    seen: list[str] = []

    def spy(message: str) -> str:
        seen.append(message)
        return message

    render_monthly(sample_report(), "pdf", spy)
    assert "Figures per medicine and batch" in seen and "Page {page} of {pages}" in seen


def test_missing_cjk_font_is_an_error_not_blank_glyphs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(font_lookup.CJK_ENV, raising=False)
    monkeypatch.setattr(font_lookup, "find_cjk_font", lambda *a: None)
    with pytest.raises(MissingCjkFont) as raised:
        render_monthly(sample_report(), "pdf", identity)
    assert raised.value.code == "missing_cjk_font"
    assert "fonts-wqy-microhei" in raised.value.render()


def test_a_latin_only_report_needs_no_cjk_font(monkeypatch: pytest.MonkeyPatch) -> None:
    if font_lookup.find_fonts().regular is None:  # .ci/run installs fonts-dejavu-core; locally it may be absent
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but DejaVu Sans (fonts-dejavu-core) is not installed")
        pytest.skip("DejaVu Sans not installed")
    monkeypatch.setattr(font_lookup, "find_cjk_font", lambda *a: None)
    plain = [replace(m, generic_local="") for m in (MORPHINE, FENTANYL, METHADONE)]
    uk = replace(pharmacy(Profile.UK, "Europe/London"), name="Riverside", address="Leeds", licence_no="GPhC 1")
    report = sample_report(ph=uk)
    lines = tuple(replace(x, medicine=plain[x.medicine.id - 1], class_code="2") for x in report.lines)
    clean = replace(report, lines=lines, problems=(), counts=(), losses=())
    close = replace(clean.close, signed_by="A. Patel") if clean.close else None
    assert render_monthly(replace(clean, close=close), "pdf", identity).startswith(b"%PDF")


def test_a_missing_env_font_is_named(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(font_lookup.CJK_ENV, str(tmp_path / "nope.ttc"))
    with pytest.raises(font_lookup.FontNotReadable):
        font_lookup.find_cjk_font()


def test_xlsx_has_every_sheet_with_numbers_as_numbers() -> None:
    book = load_workbook(io.BytesIO(render_monthly(sample_report(), "xlsx", identity)))
    assert book.sheetnames == ["Figures", "Prescriptions", "Problems", "Counts", "Losses", "Close"]
    sheet = book["Figures"]
    heads = [c.value for c in sheet[1]]
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    closing = heads.index("Closing") + 1
    values = [sheet.cell(row=r, column=closing).value for r in range(2, sheet.max_row + 1)]
    assert [Decimal(str(v)) for v in values] == [Decimal(170), Decimal(6), Decimal(15), Decimal("374.5")]
    assert sheet.cell(row=2, column=heads.index("Local name") + 1).value == "吗啡"
    close = {row[0].value: row[1].value for row in book["Close"].iter_rows(min_row=2)}
    assert close["head_hash"] == HEAD and close["status"] == "signed"


def test_csv_and_json_carry_the_same_exact_figures() -> None:
    report = sample_report()
    rows = list(csv.DictReader(io.StringIO(render_monthly(report, "csv", identity).decode("utf-8-sig"))))
    assert [r["closing"] for r in rows] == ["170", "6", "15", "374.5"]
    assert rows[0]["medicine_code"] == "morphine-tab-10" and rows[0]["medicine_local"] == "吗啡"
    assert rows[1]["awaiting_destruction"] == "True" and rows[3]["unit"] == "mL"
    doc = json.loads(render_monthly(report, "json", identity))
    assert [f["closing"] for f in doc["figures"]] == [r["closing"] for r in rows]
    assert doc["close"]["head_hash"] == HEAD and doc["close"]["figures_digest"] == report.figures_digest
    assert doc["open_problems"][0]["code"] == "uncounted_lot" and "F77" in doc["open_problems"][0]["text"]
    assert doc["prescriptions"]["problems"][0]["code"] == "owing_lapsed"
    assert doc["losses"][1]["status"] == "overdue" and doc["losses"][0]["status"] == "done"


def test_unknown_format_is_refused() -> None:
    from pharmacy.domain.errors import InvalidValue

    with pytest.raises(InvalidValue):
        render_monthly(sample_report(), "docx", identity)


def register_month(world: World) -> None:
    world.receive("100", batch="B1")
    world.dispense(world.prescription("30", number="MJ-1"), "10")
    world.dispense(world.prescription("30", number="MJ-2"), "20")


def test_register_report_lays_out_the_cn_ledger(world: World, tmp_path: Path) -> None:
    register_month(world)
    report = register_report(world.engine, world.pharmacy_id, "morphine-tab-10", "2026-03")
    assert [e.kind.value for e in report.entries] == ["receipt", "dispense", "dispense"]
    assert (report.opening, report.closing) == (0, 70)
    assert report.entries[1].patient is not None and report.entries[1].patient.name == "陈静"
    assert report.entries[1].prescriber is not None and report.entries[1].prescription_number == "MJ-1"
    doc = json.loads(render_register(report, "json", identity))
    assert doc["brought_forward"] == "0" and doc["carried_forward"] == "70"
    assert [e["balance"] for e in doc["entries"]] == ["100", "90", "70"]
    rows = list(csv.DictReader(io.StringIO(render_register(report, "csv", identity).decode("utf-8-sig"))))
    assert rows[2]["quantity"] == "-20" and rows[0]["supplier_name"] == "国药控股浙江有限公司"
    book = load_workbook(io.BytesIO(render_register(report, "xlsx", identity)))
    last = [c.value for c in book["Register"][book["Register"].max_row]]
    assert "Balance carried forward" in last and 70 in last
    text = pdf_text(render_register(report, "pdf", identity), tmp_path)
    assert "brought" in text and "陈静" in text and "MJ-2" in text


def test_an_empty_month_carries_the_balance_forward(world: World) -> None:
    register_month(world)
    report = register_report(world.engine, world.pharmacy_id, "morphine-tab-10", "2026-04")
    assert report.entries == () and (report.opening, report.closing) == (70, 70)


@pytest.mark.parametrize("month", ["2026-13", "Nov", "2026-3", ""])
def test_a_malformed_month_is_refused(world: World, month: str) -> None:
    from pharmacy.domain.errors import InvalidValue

    with pytest.raises(InvalidValue):
        register_report(world.engine, world.pharmacy_id, "morphine-tab-10", month)


def test_an_unknown_medicine_is_refused(world: World) -> None:
    from pharmacy.domain.errors import UnknownMedicine

    with pytest.raises(UnknownMedicine):
        register_report(world.engine, world.pharmacy_id, "no-such-thing", "2026-03")


def test_cli_refuses_bad_month_and_missing_folder(tmp_path: Path) -> None:
    from pharmacy.cli import report as cli_report
    from pharmacy.domain.errors import InvalidValue

    with pytest.raises(InvalidValue):
        cli_report._month("2026-13")
    with pytest.raises(InvalidValue) as raised:
        cli_report._target(str(tmp_path / "missing" / "r.pdf"))
    assert "missing" in raised.value.render()
    assert cli_report._target(str(tmp_path / "r.pdf")) == tmp_path / "r.pdf"
