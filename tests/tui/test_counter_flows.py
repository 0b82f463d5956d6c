"""Receive, dispense, correct and read the register through the app, checking the database each time."""

from __future__ import annotations

import threading
from datetime import date

from textual.widgets import DataTable, Select

from pharmacy.reports.counter import OpenPrescription
from pharmacy.tui.screens.dispense import DispenseScreen
from pharmacy.tui.screens.register import RegisterScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import GS1_A1, TRACE, movements, settle, sign_in, text_of, to_quantity, type_text, value_of
from tests.world import PIN, World, gtin_of

GS1 = f"01{gtin_of('morphine-tab-10')}17280131" + "10SCAN42"  # GTIN, expiry 2028-01-31, batch last (no FNC1)


async def test_receive_a_scanned_pack(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, GS1)
        await pilot.press("enter")  # the scanner's Enter
        await settle(pilot)
        assert value_of(pilot, "#batch") == "SCAN42" and value_of(pilot, "#expiry") == "2028-01-31"
        await type_text(pilot, "SUP1")
        await pilot.press("tab")
        await type_text(pilot, "DN-1")
        await pilot.press("tab")
        await type_text(pilot, "2")  # packs of 10
        assert "20 tablet" in text_of(pilot, "#conversion")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")  # wang.fang, first in the list
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "Recorded as No. 3" in text_of(pilot, "#status")
    last = movements(tui_world)[-1]
    assert (last["kind"], last["quantity"], last["batch"], str(last["expiry"])[:10], last["checker"]) == (
        "receipt", 20, "SCAN42", "2028-01-31", "wang.fang")  # fmt: skip


async def test_receive_refusal_keeps_the_form(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, GS1)
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "NOPE")
        await pilot.press("tab")
        await type_text(pilot, "DN-1")
        await pilot.press("tab")
        await type_text(pilot, "1")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "No supplier “NOPE”" in text_of(pilot, "#supplier-error")
        assert value_of(pilot, "#document") == "DN-1" and value_of(pilot, "#quantity") == "1"
    assert len(movements(tui_world)) == 2  # nothing written


async def _dispense_keys(pilot, quantity: str | None = None) -> None:  # type: ignore[no-untyped-def]
    """to_quantity (F4, Enter, the scans, Enter), [quantity], Enter (record), Enter (checker), PIN, Enter."""
    await to_quantity(pilot)
    if quantity is not None:
        await pilot.press("ctrl+a", "ctrl+k", *quantity)
    await pilot.press("enter")
    await settle(pilot)
    await pilot.press("enter")
    await type_text(pilot, PIN)
    await pilot.press("enter")
    await settle(pilot)


async def test_dispense_with_a_second_person_in_few_keystrokes(tui_world: World) -> None:
    tui_world.prescription("12", number="RX-100")
    app = make_app(tui_world)
    keys: list[str] = []
    async with app.run_test(size=(120, 40), message_hook=None) as pilot:
        await sign_in(pilot)
        original = pilot.press

        async def counting(*pressed: str) -> None:
            keys.extend(pressed)
            await original(*pressed)

        pilot.press = counting  # type: ignore[method-assign]
        await _dispense_keys(pilot)
        assert "Recorded as No. 3" in text_of(pilot, "#status")
    scans_and_pin = len(GS1_A1) + 1 + len(TRACE) + 1 + len(PIN)
    counted = len(keys) - scans_and_pin
    assert counted <= 12, f"{counted} keystrokes for a dispense"  # the goal of issue 3
    assert counted == 6  # F4, Enter, Enter, Enter, Enter, Enter: change it on purpose, never by drift
    last = movements(tui_world)[-1]
    assert (last["kind"], last["quantity"], last["batch"], last["checker"]) == ("dispense", -12, "A1", "wang.fang")


async def test_insufficient_stock_is_shown_beside_the_quantity(tui_world: World) -> None:
    tui_world.prescription("500", number="RX-BIG")
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await _dispense_keys(pilot, quantity="150")
        assert "holds 100" in text_of(pilot, "#quantity-error")
        assert value_of(pilot, "#quantity") == "150"
    assert len(movements(tui_world)) == 2


async def test_earliest_expiring_usable_batch_is_suggested(tui_world: World) -> None:
    tui_world.receive("10", batch="LATE", expiry=date(2029, 6, 30))
    tui_world.receive("10", batch="SOON", expiry=date(2026, 9, 30))
    tui_world.receive("10", batch="GONE", expiry=date(2026, 3, 3))  # usable today, expired in three days
    tui_world.clock.advance(date(2026, 3, 5) - date(2026, 3, 2))
    tui_world.prescription("5", number="RX-FEFO")
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert pilot.app.screen.query_one("#batch", Select).value == "SOON"


async def test_correction_from_the_register(tui_world: World) -> None:
    rx = tui_world.prescription("30", number="RX-C")
    wrong = tui_world.dispense(rx, "20", batch="A1")
    app = make_app(tui_world)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "lsmfp")  # 硫酸吗啡片 by its pinyin initials
        await pilot.press("enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RegisterScreen)
        assert screen.query_one("#entries", DataTable).row_count == 3
        await pilot.press("down", "down", "c")
        await settle(pilot)
        await pilot.press("tab")
        await type_text(pilot, "typed 20 for 2")
        await pilot.press("enter", "enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await settle(pilot)
        assert "Correction recorded as No. 4" in text_of(pilot, "#status")
        assert screen.query_one("#entries", DataTable).row_count == 4
    last = movements(tui_world)[-1]
    assert (last["kind"], last["quantity"], last["checker"]) == ("correction", 20, "wang.fang")
    assert "typed 20 for 2" in last["reason"] and wrong.seq == 3


async def test_register_pages_lazily(tui_world: World) -> None:
    rx = tui_world.prescription("100", number="RX-MANY")
    for _ in range(80):
        tui_world.dispense(rx, "1", batch="A1")
    app = make_app(tui_world)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "morphine-tab")
        await pilot.press("enter")
        await settle(pilot)
        table = pilot.app.screen.query_one("#entries", DataTable)
        assert table.row_count == 50  # one page, not the whole history
        for _ in range(45):
            await pilot.press("down")
        await settle(pilot)
        assert table.row_count == 82  # the rest, loaded as the cursor came near the end


async def test_the_interface_stays_responsive_while_the_database_is_slow(tui_world: World) -> None:
    """The prescriptions query is held until the test lets it answer: typing must go on meanwhile."""
    tui_world.prescription("12", number="RX-SLOW")
    app = make_app(tui_world, delay=0.2)  # every gateway call slowed down as well
    gate = threading.Event()
    slow_query = app.counter.open_prescriptions

    def held() -> list[OpenPrescription]:
        assert gate.wait(timeout=30)
        return slow_query()

    app.counter.open_prescriptions = held  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f4")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DispenseScreen)
        await pilot.press("shift+tab")  # to the number field, while the query is still running
        await type_text(pilot, "RX-")
        await pilot.pause()
        assert screen.prescriptions == []  # the query has not answered …
        assert value_of(pilot, "#prescription") == "RX-"  # … and typing was not blocked by it
        gate.set()
        await settle(pilot)
        assert [rx.number for rx in screen.prescriptions] == ["RX-SLOW"]


async def test_several_matches_are_listed_and_one_is_picked(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(140, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f5")
        await settle(pilot)
        await type_text(pilot, "hydrochloride")  # methadone and oxycodone
        await pilot.press("enter")
        await settle(pilot)
        matches = pilot.app.screen.query_one("#matches")
        assert matches.display and pilot.app.focused is matches
        await pilot.press("down", "enter")
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, RegisterScreen) and not matches.display
        assert screen.medicine is not None and screen.medicine.code == "oxycodone-pr-10"
