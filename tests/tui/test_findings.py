"""Rule findings at the counter: a BLOCK is refused with its rule; a WARN asks for an override and a checker."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import text
from textual.widgets import DataTable

from tests.tui.conftest import make_app
from tests.tui.helpers import movements, settle, sign_in, text_of, to_quantity, type_text
from tests.world import PIN, World


async def test_a_blocked_dispense_names_its_rule_and_changes_nothing(tui_world: World) -> None:
    # CN-4 (处方管理办法 Art.18): valid on the day written; two days later it cannot be supplied
    tui_world.prescription("10", number="RX-OLD")
    tui_world.clock.advance(timedelta(days=2))
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await to_quantity(pilot)
        assert "CN-4" in text_of(pilot, "#findings")  # shown live, before recording, by its regulations §5 id
        await pilot.press("enter", "enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "CN-4" in text_of(pilot, "#status") and "RX-OLD" in text_of(pilot, "#status")
    assert len(movements(tui_world)) == 2


async def test_a_warned_dispense_needs_an_override_and_a_checker(tui_world: World) -> None:
    # CN-10: a narcotic written on the ordinary white form is a warning, not a refusal
    tui_world.prescription("10", number="RX-WHITE", kind="normal")
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await to_quantity(pilot)
        assert "▲" in text_of(pilot, "#findings")  # shown live, before recording
        await pilot.press("enter", "enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "override" in text_of(pilot, "#override-error")  # asked for, with the rule's message
        await type_text(pilot, "prescriber phoned: pale red form follows")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "Recorded as No. 3" in text_of(pilot, "#status")
    with tui_world.engine.connect() as conn:
        kept = conn.execute(
            text(
                "SELECT f.rule_id, f.severity, f.override_reason, u.username FROM movement_findings f "
                "JOIN users u ON u.id = f.overridden_by_id WHERE f.pharmacy_id = :p"
            ),
            {"p": tui_world.pharmacy_id},
        ).all()
    assert [tuple(k) for k in kept] == [
        ("cn.rx_colour", "warn", "prescriber phoned: pale red form follows", "wang.fang")
    ]


async def test_the_register_shows_the_override(tui_world: World) -> None:
    rx = tui_world.prescription("10", number="RX-OVR", kind="normal")
    tui_world.dispense(rx, "10", batch="A1", override_reason="form replaced by the prescriber")
    app = make_app(tui_world)
    async with app.run_test(size=(160, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "morphine-tab")
        await pilot.press("enter")
        await settle(pilot)
        table = pilot.app.screen.query_one("#entries", DataTable)
        note = str(table.get_row_at(table.row_count - 1)[-1])
    assert "override cn.rx_colour: form replaced by the prescriber" in note
