"""What every CLI handler gets: parsed arguments, the translator, and lazy access to the register."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from pharmacy.domain.quantity import format_quantity
from pharmacy.domain.reference import Medicine
from pharmacy.wiring import Register, database_target, open_register


@dataclass
class Cli:
    args: argparse.Namespace
    t: Callable[[str], str]
    _register: Register | None = field(default=None, repr=False)

    @property
    def target(self) -> str:
        return database_target(getattr(self.args, "db", None) or self.args.db_global)

    @property
    def fmt(self) -> str:
        return str(getattr(self.args, "format", "table"))

    def register(self) -> Register:
        if self._register is None:
            code = getattr(self.args, "pharmacy", None) or getattr(self.args, "pharmacy_global", None)
            self._register = open_register(self.target, code)
        return self._register

    def close(self) -> None:
        if self._register is not None:
            self._register.engine.dispose()


def local_time(moment: datetime, tz: ZoneInfo) -> str:
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")


def qty(steps: int, medicine: Medicine) -> str:
    return format_quantity(steps, medicine.unit)
