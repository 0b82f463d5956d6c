"""Returns & destruction (F8): a patient's return into its separate record, quarantine, and a CN destruction
refused without the regulator's supervisor, then recorded with it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import DataTable, Input

from pharmacy.db.engine import make_engine
from pharmacy.domain.profile import Profile
from pharmacy.tui.screens.destroy import DestroyScreen
from pharmacy.tui.screens.disposal import DisposalScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import GS1_A1, settle, sign_in, text_of, type_text
from tests.world import PIN, World, build_world


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


def _world(sqlite_url: str, profile: Profile, timezone: str) -> World:
    world = build_world(make_engine(sqlite_url), profile, timezone)
    world.receive("40", batch="B2")
    return world


async def _destroy_b2(pilot: Pilot[Any], app: Any) -> DestroyScreen:
    await sign_in(pilot)
    await pilot.press("f8")
    await settle(pilot)
    await _quarantine_b2_only(pilot)
    await pilot.press("d")
    await settle(pilot)
    dialog = app.screen
    assert isinstance(dialog, DestroyScreen)
    await pilot.click("#method")
    await type_text(pilot, "denaturing kit")
    await pilot.click("#place")
    await type_text(pilot, "dispensary")
    return dialog


async def _quarantine_b2_only(pilot: Pilot[Any]) -> None:
    await pilot.press("ctrl+t", "a")
    await settle(pilot)
    await pilot.press("q")
    await settle(pilot)
    await pilot.press("ctrl+s")
    await settle(pilot)
    await pilot.press("a")
    await settle(pilot)


async def test_uk_schedule_2_destruction_needs_the_authorised_witness(sqlite_url: str) -> None:
    world = _world(sqlite_url, Profile.UK, "Europe/London")
    app = make_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        dialog = await _destroy_b2(pilot, app)
        await pilot.press("ctrl+s")
        await _witness(pilot)
        assert app.screen is dialog
        assert "authorised witness" in text_of(pilot, "#authorised_witness-error")  # UK-8, beside the field
        await pilot.click("#authorised_witness")
        await type_text(pilot, "Dr Helen Ward")
        await pilot.click("#authorised_witness_ref")
        await type_text(pilot, "NHSE-AW-2026-0143")
        await pilot.press("ctrl+s")
        await _witness(pilot)
        assert isinstance(app.screen, DisposalScreen)
    [record] = _rows(world, "SELECT authorised_witness, authorised_witness_ref FROM destruction_records")
    assert record == {"authorised_witness": "Dr Helen Ward", "authorised_witness_ref": "NHSE-AW-2026-0143"}


async def test_us_destruction_takes_two_different_witnesses(sqlite_url: str) -> None:
    world = _world(sqlite_url, Profile.US, "America/New_York")
    app = make_app(world)
    async with app.run_test(size=(120, 40)) as pilot:
        await _destroy_b2(pilot, app)
        await pilot.press("ctrl+s")
        await _witness(pilot)  # the checker
        await _witness(pilot)  # the second employee: the list leaves out the checker
        assert isinstance(app.screen, DisposalScreen)
        assert "Destroyed: No." in text_of(pilot, "#status")
    [entry] = _rows(world, "SELECT m.checked_by_id, d.second_witness_id, d.full_packages, d.partial_units "
                           "FROM movements m JOIN destruction_records d ON d.movement_id = m.id")  # fmt: skip
    assert entry["checked_by_id"] != entry["second_witness_id"] and entry["second_witness_id"] is not None
