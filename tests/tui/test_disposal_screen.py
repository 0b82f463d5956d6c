"""Returns & destruction (F8): a patient's return into its separate record, quarantine, and a CN destruction
refused without the regulator's supervisor, then recorded with it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pharmacy.tui.screens.destroy import DestroyScreen
from pharmacy.tui.screens.disposal import DisposalScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import GS1_A1, settle, sign_in, text_of, type_text
from tests.world import PIN, World


def _rows(world: World, sql: str) -> list[dict[str, Any]]:
    with world.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), {"p": world.pharmacy_id})]


async def _witness(pilot: Pilot[Any]) -> None:
    """The second person's dialog: the first colleague in the list, their PIN."""
    await settle(pilot)
    await pilot.press("enter")
    await type_text(pilot, PIN)
    await pilot.press("enter")
    await settle(pilot)


async def test_a_patient_return_goes_to_the_returns_record(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, DisposalScreen)
        await type_text(pilot, GS1_A1)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one("#batch", Input).value == "A1"
        await type_text(pilot, "4")  # the quantity has the focus once the scan gave the batch
        await pilot.click("#patient")
        await type_text(pilot, "PT1")
        await pilot.click("#reason")
        await type_text(pilot, "dose changed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "patient-returns record (not stock)" in text_of(pilot, "#status")
        await pilot.press("ctrl+t")  # to the list awaiting destruction: the return is there
        await settle(pilot)
        held = app.screen.query_one("#held", DataTable)
        assert [str(c) for c in held.get_row_at(0)][1:5] == ["A1", "2028-01-31", "100 tablet", "4 tablet"]
    [entry] = _rows(
        tui_world,
        "SELECT kind, book, quantity, reason, lot_balance_after FROM movements "
        "WHERE pharmacy_id = :p AND kind = 'patient_return'",
    )
    assert entry == {
        "kind": "patient_return", "book": "returns", "quantity": 4, "reason": "dose changed", "lot_balance_after": 4,
    }  # fmt: skip


async def _quarantine_b2(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+t", "a")  # the list of every batch in stock
    await settle(pilot)
    await pilot.press("down")  # A1, then B2
    await pilot.press("q")
    await settle(pilot)
    await pilot.press("ctrl+s")  # reason: damaged (not expired)
    await settle(pilot)
    assert "quarantined" in text_of(pilot, "#status")


async def test_cn_destruction_needs_the_supervising_officer(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f8")
        await settle(pilot)
        await _quarantine_b2(pilot)
        await pilot.press("a")  # back to what awaits destruction: only B2
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, DestroyScreen)
        assert dialog.query_one("#quantity", Input).value == "40"  # all that is held
        await pilot.click("#method")
        await type_text(pilot, "denaturing kit")
        await pilot.click("#place")
        await type_text(pilot, "dispensary")
        await pilot.press("ctrl+s")
        await _witness(pilot)
        assert app.screen is dialog  # refused: the dialog stays with what was typed
        assert "supervising officer" in text_of(pilot, "#supervisor-error")  # CN-14, beside the field
        assert dialog.query_one("#method", Input).value == "denaturing kit"
        assert not _rows(tui_world, "SELECT * FROM destruction_records WHERE pharmacy_id = :p")
        await pilot.click("#supervisor")
        await type_text(pilot, "刘强")
        await pilot.click("#supervisor_agency")
        await type_text(pilot, "上城区市场监督管理局")
        await pilot.press("ctrl+s")
        await _witness(pilot)
        assert isinstance(app.screen, DisposalScreen)
        assert "Destroyed: No." in text_of(pilot, "#status") and "holds 0 tablet" in text_of(pilot, "#status")
    [record] = _rows(
        tui_world, "SELECT method, place, supervisor, supervisor_agency FROM destruction_records WHERE pharmacy_id = :p"
    )
    assert (record["method"], record["place"]) == ("denaturing kit", "dispensary")
    assert (record["supervisor"], record["supervisor_agency"]) == ("刘强", "上城区市场监督管理局")
