"""The counter's reconciliation (F6): a month's dispensing against its prescriptions, with the paper check."""

from __future__ import annotations

from datetime import date, timedelta

from textual.widgets import DataTable

from pharmacy.tui.screens.reconcile import ReconcileScreen, last_month
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, sign_in, text_of, type_text, value_of
from tests.world import World


def _column(table: DataTable[str], index: int) -> list[str]:
    return [str(table.get_row_at(row)[index]) for row in range(table.row_count)]


async def test_reconciling_last_month_at_the_counter(tui_world: World) -> None:
    supplied = tui_world.prescription("30", number="RX-0001")
    tui_world.dispense(supplied, "10", batch="A1")
    tui_world.prescription("20", number="RX-0002")  # recorded, never supplied
    tui_world.clock.advance(timedelta(days=40))  # into April: March is over
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReconcileScreen)
        assert value_of(pilot, "#month") == "2026-03"  # last month, by default
        await pilot.click("#month")
        await pilot.press("end", "ctrl+u")
        await type_text(pilot, "2026-03")
        await pilot.click("#scan")
        for number in ("RX-0001", "RX-9999"):
            await type_text(pilot, number)
            await pilot.press("enter")
        assert app.screen.retained == ["RX-0001", "RX-9999"]
        assert "Scanned: 2" in text_of(pilot, "#retained")
        await pilot.press("ctrl+r")
        await settle(pilot)
        problems = app.screen.query_one("#problems", DataTable)
        assert list(zip(_column(problems, 0), _column(problems, 1), strict=True)) == [
            ("owing lapsed", "RX-0001"),  # 10 of 30 supplied; the prescription expired the day it was written
            ("never supplied", "RX-0002"),
            ("scanned, unknown", "RX-9999"),
        ]
        assert "was never supplied" in _column(problems, 2)[1]
        lines = app.screen.query_one("#lines", DataTable)
        assert _column(lines, 0) == ["RX-0001", "RX-0002"]
        assert [lines.get_row_at(1)[i] for i in (4, 5, 6)] == ["20 tablet", "0 tablet", "20 tablet"]
        assert text_of(pilot, "#status") == "3 problem(s) found in 2 prescriptions for 2026-03."

        await pilot.press("ctrl+n")  # start the scan again: the supplied prescription's paper is now missing
        assert "Nothing scanned yet" in text_of(pilot, "#retained")
        await type_text(pilot, "RX-9999")
        await pilot.press("enter", "ctrl+r")
        await settle(pilot)
        assert ("not scanned", "RX-0001") in list(zip(_column(problems, 0), _column(problems, 1), strict=True))
        await pilot.press("escape")
        await settle(pilot)
        assert app.current_mode == "home"


async def test_a_clean_month_says_so_in_chinese(tui_world: World) -> None:
    tui_world.clock.advance(timedelta(days=40))
    app = make_app(tui_world, lang="zh_CN")
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f6", "ctrl+r")
        await settle(pilot)
        problems = app.screen.query_one("#problems", DataTable)
        assert _column(problems, 2) == ["未发现问题"]
        assert text_of(pilot, "#status").startswith("未发现问题")


def test_last_month_crosses_the_year() -> None:
    assert last_month(date(2026, 1, 15)) == "2025-12" and last_month(date(2026, 4, 11)) == "2026-03"
