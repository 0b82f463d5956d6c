"""The medicines a search or scan found, to pick one with the arrows and Enter; hidden until there are several."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from pharmacy.domain.reference import Medicine
from pharmacy.tui.base import jurisdiction_of


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
