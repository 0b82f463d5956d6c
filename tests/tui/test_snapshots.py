"""SVG snapshots of the key screens at 120×40 in English and Chinese (review changes by eye before accepting:
`pytest tests/tui/test_snapshots.py --snapshot-update`, then look at snapshot_report.html)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import make_app
from tests.tui.helpers import GS1_A1, settle, sign_in, type_text
from tests.world import World

SIZE = (120, 40)
SnapCompare = Callable[..., bool]


async def _home(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)


async def _receive(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await pilot.press("f3")
    await settle(pilot)
    await type_text(pilot, GS1_A1)
    await pilot.press("enter")
    await settle(pilot)
    await type_text(pilot, "SUP1")
    await pilot.press("tab")
    await type_text(pilot, "DN-20260302")
    await pilot.press("tab")
    await type_text(pilot, "3")
    await settle(pilot)


async def _dispense(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)


async def _register(pilot: Pilot[Any]) -> None:
    await sign_in(pilot)
    await pilot.press("f5")
    await settle(pilot)
    await type_text(pilot, "lsmfp")
    await pilot.press("enter")
    await settle(pilot)


async def _sign_in_screen(pilot: Pilot[Any]) -> None:
    await type_text(pilot, "li.na")


SCREENS: dict[str, Callable[[Pilot[Any]], Awaitable[None]]] = {
    "sign_in": _sign_in_screen, "home": _home, "receive": _receive, "dispense": _dispense, "register": _register,
}  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh_CN"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen(snap_compare: SnapCompare, tui_world: World, screen: str, lang: str) -> None:
    rx = tui_world.prescription("30", number="RX-0001")
    tui_world.dispense(rx, "10", batch="A1")
    app = make_app(tui_world, lang=lang)
    assert snap_compare(app, terminal_size=SIZE, run_before=SCREENS[screen])
