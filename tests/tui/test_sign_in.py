"""Sign-in, lock-out after wrong PINs, the idle lock that keeps a half-filled form, switching user."""

from __future__ import annotations

from textual.widgets import Input, Static

from pharmacy.tui.screens.home import HomeScreen
from pharmacy.tui.screens.receive import ReceiveScreen
from pharmacy.tui.screens.sign_in import SignInScreen
from tests.tui.conftest import make_app
from tests.world import PIN, World


async def _sign_in(pilot, username: str = "li.na", pin: str = PIN) -> None:  # type: ignore[no-untyped-def]
    await pilot.press(*username, "enter", *pin, "enter")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_sign_in_reaches_home(tui_world: World) -> None:
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        await _sign_in(pilot)
        assert app.actor is not None and app.actor.username == "li.na"
        assert isinstance(app.screen, HomeScreen)
