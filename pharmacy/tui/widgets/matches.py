"""The medicines a search or scan found, to pick one with the arrows and Enter; hidden until there are several."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from textual.message import Message
from textual.screen import Screen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from pharmacy.domain.errors import UnknownMedicine
from pharmacy.domain.reference import Medicine
from pharmacy.tui.base import jurisdiction_of
from pharmacy.tui.messages import Resolved
from pharmacy.tui.widgets.form import clear_errors, show_error


class MedicineMatches(OptionList):
    @dataclass
    class Picked(Message):
        medicine_id: int

    def on_mount(self) -> None:
        self.display = False

    def show(self, medicines: list[Medicine]) -> None:
        self.clear_options()
        where = jurisdiction_of(self)
        names = [" ".join(m.heading_in(where)) for m in medicines]
        self.add_options(
            [Option(f"{name}  ({m.code})", id=str(m.id)) for name, m in zip(names, medicines, strict=True)]
        )
        self.display = True
        self.highlighted = 0
        self.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.display = False
        self.post_message(self.Picked(int(event.option.id or 0)))


def take_match(
    screen: Screen[Any], found: Resolved, choose: Callable[[Medicine], None], t: Callable[[str], str]
) -> bool:
    """What a scan or a typed name found: one medicine is chosen, several are listed to pick from, none is said
    beside the scan. True when the scan may be kept (it named a medicine)."""
    clear_errors(screen)
    scan, matches = found.scan, found.matches
    if not matches:
        error = UnknownMedicine(key=scan.raw)
        show_error(screen, error, error.render(t))
        return False
    if len(matches) == 1:
        choose(matches[0])
    else:
        screen.query_one("#matches", MedicineMatches).show(matches)
    return True
