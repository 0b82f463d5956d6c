"""Driving the app: type, settle (workers finished, messages handled), read the screen."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Input, Static

from tests.world import PIN, World, gtin_of

# A scanned pack of the test world's morphine, batch A1 (GTIN, expiry, batch last: no FNC1 needed), and its
# 20-digit trace code (CN-TR-1: every pack is scanned).
GS1_A1 = f"01{gtin_of('morphine-tab-10')}17280131" + "10A1"
TRACE = "81234567890123450001"


async def settle(pilot: Pilot[Any]) -> None:
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot[Any], value: str) -> None:
    await pilot.press(*value)


async def sign_in(pilot: Pilot[Any], username: str = "li.na", pin: str = PIN) -> None:
    await type_text(pilot, username)
    await pilot.press("enter")
    await type_text(pilot, pin)
    await pilot.press("enter")
    await settle(pilot)
    await _until_home(pilot)


async def _until_home(pilot: Pilot[Any]) -> None:
    """The first sign-in switches to Home once the dialog has closed, a moment after its worker: a key pressed
    before that lands on the screen being left (seen on a loaded machine). Wait for it, a few seconds at most."""
    app: Any = pilot.app
    for _ in range(200):
        if app.actor is None or (app.current_mode != app.DEFAULT_MODE and app.screen.is_mounted):
            return
        await pilot.pause(0.02)


def value_of(pilot: Pilot[Any], selector: str) -> str:
    return pilot.app.screen.query_one(selector, Input).value


def text_of(pilot: Pilot[Any], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Static).render())


def movements(world: World) -> list[dict[str, Any]]:
    sql = text(
        "SELECT m.seq, m.kind, m.quantity, l.batch, l.expiry, u.username AS checker, m.reason, m.lot_balance_after "
        "FROM movements m JOIN lots l ON l.id = m.lot_id LEFT JOIN users u ON u.id = m.checked_by_id "
        "WHERE m.pharmacy_id = :p ORDER BY m.seq"
    )
    with world.engine.connect() as conn:
        return [dict(row._mapping) for row in conn.execute(sql, {"p": world.pharmacy_id})]


async def to_quantity(pilot: Pilot[Any]) -> None:
    """Dispense: F4, Enter (first prescription), the pack's scans, Enter on the empty scan line (to the quantity)."""
    await pilot.press("f4")
    await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
    for scan in (GS1_A1, TRACE):
        await type_text(pilot, scan)
        await pilot.press("enter")
        await settle(pilot)
    await pilot.press("enter")
    await settle(pilot)
