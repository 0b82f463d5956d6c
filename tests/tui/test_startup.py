"""Start-up: the sign-in screen is drawn before the register is opened; it waits for it, or says why it cannot."""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from textual.widgets import Input

from pharmacy.domain.errors import UnknownUser
from pharmacy.i18n import translator
from pharmacy.tui.app import PharmacyApp
from pharmacy.tui.gateway import Counter
from pharmacy.tui.opening import opener
from pharmacy.tui.screens.home import HomeScreen
from pharmacy.tui.screens.sign_in import SignInScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, sign_in, text_of, type_text
from tests.world import PIN, World

STORAGE = ("sqlalchemy", "alembic", "pharmacy.db", "pharmacy.reports", "pharmacy.rules", "pharmacy.tui.gateway")


def _loaded_after(code: str) -> list[str]:
    """Storage modules (and services other than the plain result dataclasses) loaded by `code`, in a new process."""
    probe = (
        f"import sys\n{code}\n"
        f"print(' '.join(m for m in sys.modules if m.startswith({STORAGE!r}) "
        "or (m.startswith('pharmacy.services.') and m != 'pharmacy.services.results')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True).stdout
    return out.split()


def test_the_app_and_its_sign_in_screen_load_without_sqlalchemy() -> None:
    assert _loaded_after("import pharmacy.tui.app, pharmacy.tui.screens.sign_in") == []


def test_pharmacy_tui_reaches_the_app_without_sqlalchemy() -> None:
    """`pharmacy tui` goes through the CLI's dispatch: it must not load the other commands (and their storage)."""
    code = "import pharmacy.cli, pharmacy.cli.demo\nfrom pharmacy.cli import _handler\n_handler('tui')"
    cli_errors = ("pharmacy.db", "pharmacy.db.errors")  # the CLI's error types: plain exception classes
    assert [m for m in _loaded_after(code) if m not in cli_errors] == []


def _gated(world: World) -> tuple[PharmacyApp, threading.Event]:
    """The app as `pharmacy tui` builds it, with an opener that waits until the test lets it finish."""
    ready = make_app(world).counter
    gate = threading.Event()

    def open_counter() -> Counter:
        assert gate.wait(10), "the test never let the register open"
        return ready

    return PharmacyApp(None, translator("en"), open_counter=open_counter), gate


async def test_sign_in_is_drawn_before_the_register_opens_and_waits_for_it(tui_world: World) -> None:
    app, gate = _gated(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        assert isinstance(app.screen, SignInScreen)
        assert text_of(pilot, "#pharmacy-name") == "Opening the register…"
        await type_text(pilot, "li.na")
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(pilot, "#error") == "Checking…" and app.actor is None
        gate.set()
        await settle(pilot)
        assert app.actor is not None and app.actor.username == "li.na"
        assert isinstance(app.screen, HomeScreen) and app.title == "浙江测试医院药房"


async def test_the_pharmacy_name_appears_when_the_register_is_open(tui_world: World) -> None:
    app, gate = _gated(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        gate.set()
        await settle(pilot)
        assert text_of(pilot, "#pharmacy-name") == "浙江测试医院药房"
        assert not app.screen.query_one("#pharmacy-name").has_class("opening")
        await sign_in(pilot)
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("f12")  # the lock screen, once open, names the pharmacy at once
        await pilot.pause()
        assert text_of(pilot, "#pharmacy-name") == "浙江测试医院药房"
        await pilot.press("ctrl+q")  # quitting from the lock would drop the work beneath it
        await pilot.pause()
        assert app.return_code is None and isinstance(app.screen, SignInScreen)


async def test_the_real_opener_opens_the_file(tui_world: World, sqlite_url: str) -> None:
    with tui_world.ctx.uow(write=False) as uow:
        pharmacy = uow.reference.pharmacy(tui_world.pharmacy_id)
    assert pharmacy is not None
    app = PharmacyApp(None, translator("en"), open_counter=opener(sqlite_url, pharmacy.code))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.counter.pharmacy.id == tui_world.pharmacy_id and app.unusable is None
        assert text_of(pilot, "#pharmacy-name") == pharmacy.name
    app.close_register()


async def test_a_database_without_a_register_is_explained_and_the_app_quits(tmp_path: Path) -> None:
    empty = tmp_path / "empty.sqlite"
    app = PharmacyApp(None, translator("zh_CN"), open_counter=opener(str(empty), None))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.unusable is not None and "pharmacy init" in app.unusable
        assert text_of(pilot, "#pharmacy-name") == "无法打开账册"
        error = text_of(pilot, "#error")
        assert app.unusable in error and "Ctrl+Q" in error and "Traceback" not in error
        assert all(field.disabled for field in app.screen.query(Input))
        await pilot.press("ctrl+q")
        await pilot.pause()
    assert app.return_code == 0


async def test_a_refusal_while_opening_is_shown_not_raised(tui_world: World) -> None:
    def open_counter() -> Counter:
        raise UnknownUser(key="nobody")

    app = PharmacyApp(None, translator("en"), open_counter=open_counter)
    async with app.run_test(size=(120, 40)) as pilot:
        await type_text(pilot, "li.na")
        await pilot.press("enter")
        await type_text(pilot, PIN)
        await pilot.press("enter")  # submitted while opening: the sign-in waits, then shows why it cannot go on
        await settle(pilot)
        assert app.actor is None and isinstance(app.screen, SignInScreen)
        assert "No user “nobody”" in text_of(pilot, "#error")
        assert text_of(pilot, "#pharmacy-name") == "The register cannot be opened"
