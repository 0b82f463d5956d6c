"""Sign-in, lock-out after wrong PINs, the idle lock that keeps a half-filled form, switching user."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from pharmacy.tui.screens.home import HomeScreen
from pharmacy.tui.screens.receive import ReceiveScreen
from pharmacy.tui.screens.sign_in import SignInScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, sign_in, text_of, type_text, value_of
from tests.world import World


async def test_sign_in_reaches_home(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot)
        assert app.actor is not None and app.actor.username == "li.na"
        assert isinstance(app.screen, HomeScreen)


async def test_five_wrong_pins_lock_the_account(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        for attempt in range(5):
            if attempt == 0:
                await type_text(pilot, "li.na")
                await pilot.press("enter")
            await type_text(pilot, "9999")
            await pilot.press("enter")
            await settle(pilot)
        assert "locked" in text_of(pilot, "#error")
        assert isinstance(app.screen, SignInScreen) and app.actor is None
        await type_text(pilot, "2468")  # the right PIN no longer helps
        await pilot.press("enter")
        await settle(pilot)
        assert app.actor is None
    with tui_world.engine.connect() as conn:
        locked = conn.execute(text("SELECT locked, failed_attempts FROM users WHERE username = 'li.na' "
                                   "AND pharmacy_id = :p"), {"p": tui_world.pharmacy_id}).one()  # fmt: skip
    assert tuple(locked) == (1, 5) or tuple(locked) == (True, 5)


async def test_idle_lock_keeps_the_half_filled_form(tui_world: World) -> None:
    app = make_app(tui_world)  # the usual idle limit while signing in and typing …
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        await type_text(pilot, "吗啡")
        assert value_of(pilot, "#scan") == "吗啡"
        app.idle_seconds = 0.3  # … then a short one, so the test need not wait five minutes
        await asyncio.sleep(0.5)
        app._check_idle()  # the 5-second timer, without waiting for it
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "wang.fang")
        assert isinstance(app.screen, ReceiveScreen)
        assert value_of(pilot, "#scan") == "吗啡"
        assert app.actor is not None and app.actor.username == "wang.fang"


async def test_switch_user_is_one_key(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        await sign_in(pilot)
        await pilot.press("f12")
        await pilot.pause()
        assert isinstance(app.screen, SignInScreen)
        await sign_in(pilot, "zhou.rp")
        assert app.actor is not None and app.actor.username == "zhou.rp"
