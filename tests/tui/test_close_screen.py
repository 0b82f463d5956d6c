"""Month end (F9): the review, the responsible pharmacist's signature (wrong PIN, wrong role, words for
unexplained variances), the sealed month, and the report exported where the pharmacist said."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import text
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from pharmacy.domain.counts import VarianceReason
from pharmacy.services import counts
from pharmacy.services.commands import CountLotCommand, StartCountCommand
from pharmacy.tui.screens.close import CloseScreen
from pharmacy.tui.screens.close_sign import SignCloseScreen
from tests.tui.conftest import make_app
from tests.tui.helpers import settle, sign_in, text_of, type_text
from tests.world import PIN, World, new_id


def _closes(world: World) -> list[dict[str, Any]]:
    sql = "SELECT month, head_seq, acknowledgement FROM period_closes WHERE pharmacy_id = :p"
    with world.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), {"p": world.pharmacy_id})]


def _unexplained_count(world: World) -> None:
    world.tick()
    c = counts.start_count(world.ctx, world.pharmacist, StartCountCommand(id=new_id()))
    world.tick()
    command = CountLotCommand(
        id=new_id(), count=c.id, medicine="morphine-tab-10", batch="A1", counted="98",
        reason=VarianceReason.UNEXPLAINED, witness=world.creds("wang.fang"),
    )  # fmt: skip
    counts.count_lot(world.ctx, world.pharmacist, command)


async def _open(pilot: Pilot[Any], username: str) -> CloseScreen:
    await sign_in(pilot, username)
    await pilot.press("f9")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, CloseScreen) and screen.report is not None and screen.report.month == "2026-03"
    return screen


async def _sign(pilot: Pilot[Any], pin: str, username: str | None = None) -> None:
    await pilot.press("ctrl+s")
    await settle(pilot)
    assert isinstance(pilot.app.screen, SignCloseScreen)
    if username is not None:
        pilot.app.screen.query_one("#signer", Input).value = username
    await type_text(pilot, pin)
    await pilot.press("enter")
    await settle(pilot)


async def test_only_the_responsible_pharmacist_with_the_right_pin_closes(tui_world: World) -> None:
    tui_world.clock.advance(timedelta(days=40))  # into April: March has ended
    app = make_app(tui_world)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, "li.na")
        assert " A1" in [str(c) for c in screen.query_one("#figures").get_row_at(0)]  # type: ignore[attr-defined]
        await _sign(pilot, PIN)
        assert "may not sign a month-end close" in text_of(pilot, "#status")
        await _sign(pilot, "0000", username="zhou.rp")
        assert "Wrong username or PIN" in text_of(pilot, "#status")
        assert not _closes(tui_world)
        assert screen.query_one("#sign").display


async def test_unexplained_variances_need_words_then_the_month_is_sealed(tui_world: World, tmp_path: Path) -> None:
    _unexplained_count(tui_world)
    tui_world.clock.advance(timedelta(days=40))
    app = make_app(tui_world)
    words = "CCTV reviewed; reported to the CDAO"
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _open(pilot, "zhou.rp")
        assert screen.query_one("#ack-area").display
        await pilot.press("ctrl+s")  # no words yet: refused before any PIN is asked
        await settle(pilot)
        assert isinstance(app.screen, CloseScreen)
        assert "1 unexplained variance(s)" in text_of(pilot, "#ack-error")
        await type_text(pilot, words)  # the text area has the focus
        await _sign(pilot, "9999")  # a wrong PIN: refused, the words are kept
        assert "Wrong username or PIN" in text_of(pilot, "#status")
        assert screen.query_one("#ack", TextArea).text == words
        await _sign(pilot, PIN)
        assert "2026-03 is closed and sealed" in text_of(pilot, "#status")
        assert not screen.query_one("#sign").display and screen.query_one("#closed-note").display
        assert "Sealed: chain head No." in text_of(pilot, "#chain")
        [close] = _closes(tui_world)
        assert close["month"] == "2026-03" and close["acknowledgement"] == words

        target = tmp_path / "out" / "march.pdf"
        screen.query_one("#path", Input).value = str(target)
        await pilot.press("ctrl+e")
        await settle(pilot)
        assert f"Written: {target}" in text_of(pilot, "#status")
    assert target.read_bytes().startswith(b"%PDF")
