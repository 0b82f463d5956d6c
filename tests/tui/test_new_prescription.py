"""Entering the prescription in hand at the counter: accepted and chosen, or refused with everything kept."""

from __future__ import annotations

from sqlalchemy import text

from pharmacy.tui.screens.dispense import DispenseScreen
from pharmacy.tui.screens.new_prescription import NewPrescriptionScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, sign_in, text_of, type_text, value_of
from tests.world import World


async def _fill(pilot, days: str, kind_presses: int) -> None:  # type: ignore[no-untyped-def]
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("ctrl+n")
    await settle(pilot)
    for value in ("MJ-NEW-1", "", "DR1", "PT1", "diazepam-tab-25", "14", days):
        await type_text(pilot, value)
        await pilot.press("tab")
    await pilot.press("enter", *(["down"] * kind_presses), "enter")  # the form it was written on
    await pilot.press("ctrl+s")
    await settle(pilot)


async def test_a_prescription_entered_at_the_counter_is_recorded_and_chosen(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await _fill(pilot, "7", kind_presses=4)  # white 精二, 7 days: within CN-5
        screen = pilot.app.screen
        assert isinstance(screen, DispenseScreen)
        assert screen.rx is not None and screen.rx.number == "MJ-NEW-1"
        assert "MJ-NEW-1" in text_of(pilot, "#rx-summary")
    with tui_world.engine.connect() as conn:
        kind, days = conn.execute(text("SELECT kind, days_supply FROM prescriptions WHERE number = 'MJ-NEW-1'")).one()
    assert (kind, days) == ("psy2", 7)


async def test_a_refused_prescription_keeps_what_was_typed(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await _fill(pilot, "10", kind_presses=4)  # CN-5: psychotropic class II is limited to 7 days
        assert isinstance(pilot.app.screen, NewPrescriptionScreen)
        assert "7 days" in text_of(pilot, "#status") and "10" in text_of(pilot, "#status")
        assert value_of(pilot, "#number") == "MJ-NEW-1" and value_of(pilot, "#days_supply") == "10"
    with tui_world.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM prescriptions WHERE number = 'MJ-NEW-1'")).scalar() == 0
