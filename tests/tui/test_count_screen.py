"""Stock counts through the app (F7): agreeing lots, a witnessed variance, a refused reason, a count during
dispensing; and the home screen's custody alerts. Each checks the database, not only the screen."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import DataTable

from pharmacy.domain.holds import HoldKind, HoldReason
from pharmacy.services import holds
from pharmacy.services.commands import HoldCommand
from pharmacy.tui.widgets.count_table import CountTable
from tests.tui.conftest import make_app
from tests.tui.helpers import GS1_A1, movements, settle, sign_in, text_of, type_text, value_of
from tests.world import PIN, World


def count_lines(world: World) -> list[dict[str, Any]]:
    sql = text(
        "SELECT l.batch, c.book_balance, c.snapshot_balance, c.counted, c.reason, c.note, u.username AS witness, "
        "c.movement_id FROM count_lines c JOIN lots l ON l.id = c.lot_id "
        "LEFT JOIN users u ON u.id = c.witness_id ORDER BY c.counted_at"
    )
    with world.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(sql)]


async def start_count(pilot: Pilot[Any]) -> None:
    """F7, Ctrl+S (all controlled medicines): the sheet opens with the cursor on the first lot."""
    await pilot.press("f7")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)


async def count_row(pilot: Pilot[Any], quantity: str) -> None:
    """Enter on the highlighted lot, what is on the shelf, Enter."""
    await pilot.press("enter")
    await type_text(pilot, quantity)
    await pilot.press("enter")
    await settle(pilot)


def sheet(pilot: Pilot[Any]) -> CountTable:
    return pilot.app.screen.query_one("#sheet", CountTable)


async def test_a_lot_that_agrees_is_recorded_without_a_witness(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await start_count(pilot)
        assert "0 of 2 counted" in text_of(pilot, "#progress")
        await count_row(pilot, "100")  # A1, first by expiry then batch
        assert "agrees with the book" in text_of(pilot, "#status")
        assert "1 of 2 counted" in text_of(pilot, "#progress")
        assert sheet(pilot).current() is not None and sheet(pilot).current().lot.batch == "B2"  # type: ignore[union-attr]
    [line] = count_lines(tui_world)
    assert (line["batch"], line["counted"], line["reason"], line["witness"], line["movement_id"]) == (
        "A1", 100, None, None, None)  # fmt: skip
    assert len(movements(tui_world)) == 2  # no entry for a count that agrees


async def test_a_variance_needs_a_reason_and_a_witness_and_becomes_an_entry(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await start_count(pilot)
        await count_row(pilot, "97")
        assert "Variance −3 tablet" in text_of(pilot, "#chosen")
        assert pilot.app.screen.query_one("#reason-field").display
        assert not count_lines(tui_world)  # nothing yet: the reason comes first
        await pilot.press("enter", "down", "down", "enter")  # open the reasons (the prompt first), breakage
        await type_text(pilot, "bottle dropped")
        await pilot.press("enter")  # the note's Enter asks the witness
        await settle(pilot)
        await pilot.press("enter")  # wang.fang, first in the list
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "the variance is recorded as a count adjustment" in text_of(pilot, "#status")
    [line] = count_lines(tui_world)
    assert (line["counted"], line["book_balance"], line["reason"], line["witness"]) == (
        97,
        100,
        "breakage",
        "wang.fang",
    )
    last = movements(tui_world)[-1]
    assert (last["kind"], last["quantity"], last["lot_balance_after"], last["checker"]) == (
        "adjustment",
        -3,
        97,
        "wang.fang",
    )
    assert "bottle dropped" in last["reason"]


async def test_an_unexplained_shortfall_shows_the_duties_and_is_a_loss(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await start_count(pilot)
        await count_row(pilot, "90")
        await pilot.press("enter", *["down"] * 4, "enter")  # prompt, count error, breakage, suspected, unexplained
        assert "This becomes a loss entry" in text_of(pilot, "#chosen")
        assert "public security bureau" in text_of(pilot, "#chosen")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
    assert movements(tui_world)[-1]["kind"] == "loss"


async def test_a_refused_reason_keeps_the_typed_count(tui_world: World) -> None:
    tui_world.receive("100", medicine="methadone-oral-1", batch="M1")
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await start_count(pilot)
        await pilot.press("tab")  # to the scan field: type the batch
        await type_text(pilot, "M1")
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "90")  # 10 mL short of 100: beyond the 5% a measuring loss explains
        await pilot.press("enter")
        await pilot.press("enter", *["down"] * 3, "enter")  # prompt, count error, breakage, liquid measuring loss
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "beyond the 5% tolerance" in text_of(pilot, "#reason-error")
        assert value_of(pilot, "#counted") == "90"
    assert not count_lines(tui_world) and len(movements(tui_world)) == 3


async def test_a_dispense_during_the_count_shows_no_variance(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await start_count(pilot)
        rx = tui_world.prescription("30")
        tui_world.dispense(rx, "10", batch="A1")  # the counter keeps working while the safe is counted
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f7")  # back to the count: it is resumed with the book as it is now
        await settle(pilot)
        table = sheet(pilot)
        assert "90 (−10)" in str(table.get_row_at(0)[5])
        await pilot.press("ctrl+o")
        await settle(pilot)
        history = pilot.app.screen.query_one("#history", DataTable)
        assert history.row_count == 1 and "0/2" in str(history.get_row_at(0)[4])
        await pilot.press("enter")  # resume it from the history
        await settle(pilot)
        await pilot.press("tab")  # from the table to the scan field
        await type_text(pilot, GS1_A1)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "90")
        await pilot.press("enter")
        await settle(pilot)
        assert "agrees with the book" in text_of(pilot, "#status")
    [line] = count_lines(tui_world)
    assert (line["snapshot_balance"], line["book_balance"], line["counted"], line["movement_id"]) == (100, 90, 90, None)


async def test_home_shows_a_quarantined_lot(tui_world: World) -> None:
    holds.hold(
        tui_world.ctx,
        tui_world.pharmacist,
        HoldCommand(medicine="morphine-tab-10", batch="B2", kind=HoldKind.QUARANTINE, reason=HoldReason.DAMAGED),
    )
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        table = pilot.app.screen.query_one("#alerts", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert ["quarantined", "morphine sulfate 10 mg B2", "2026-03-02"] in rows


async def test_an_estimate_outside_a_dea_inventory_is_refused_beside_the_count(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await start_count(pilot)
        await count_row(pilot, "~95")  # "~": an estimate, which only a US inventory may take (US-11)
        assert "US-11" in text_of(pilot, "#counted-error")
        assert value_of(pilot, "#counted") == "~95"
    assert not count_lines(tui_world)


async def test_a_finding_may_not_refer_to_a_month_that_is_still_open(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await start_count(pilot)
        await count_row(pilot, "97")
        await pilot.press("enter", "down", "down", "enter")  # breakage; the note has the cursor
        await pilot.press("tab")
        await type_text(pilot, "2026-03")  # March is still open: record it there instead
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "2026-03 is not closed" in text_of(pilot, "#refers-error")
        assert value_of(pilot, "#refers") == "2026-03"
    assert not count_lines(tui_world)
