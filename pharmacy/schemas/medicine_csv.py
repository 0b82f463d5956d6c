"""The catalogue CSV (the columns of shared/data/controlled-medicines.csv) → medicine commands."""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TextIO

from pydantic import BaseModel, ConfigDict, field_validator

from pharmacy.services.commands import MedicineCommand

# Classification effective dates are data; a catalogue without them is taken as in force since 2000.
DEFAULT_EFFECTIVE = date(2000, 1, 1)
_NAMESPACE = uuid.UUID("6f1c2a52-5b8e-4a43-9d49-1b0c2d7f3e10")
PACKAGED_CATALOGUE = Path(__file__).resolve().parent.parent / "data" / "controlled-medicines.csv"


class MedicineImport(BaseModel):
    model_config = ConfigDict(extra="ignore", str_strip_whitespace=True)

    key: str
    generic_en: str
    generic_zh: str
    form: str
    strength: str
    base_unit: str
    unit_step: Decimal
    pack_size: int
    modified_release: bool
    cn_class: str = ""
    us_schedule: str = ""
    uk_schedule: str = ""
    gtins: str = ""
    count_tolerance_percent: Decimal | None = None  # liquids: e.g. 3.5; empty for the pharmacy's default

    @field_validator("count_tolerance_percent", mode="before")
    @classmethod
    def _blank_is_default(cls, value: object) -> object:
        return None if value is None or str(value).strip() == "" else value

    @field_validator("modified_release", mode="before")
    @classmethod
    def _yes_no(cls, value: object) -> object:
        return {"yes": True, "no": False}.get(str(value).strip().lower(), value)

    def command(self) -> MedicineCommand:
        classes = tuple(
            (jurisdiction, value, DEFAULT_EFFECTIVE)
            for jurisdiction, value in (("cn", self.cn_class), ("us", self.us_schedule), ("uk", self.uk_schedule))
            if value
        )
        return MedicineCommand(
            id=uuid.uuid5(_NAMESPACE, f"medicine:{self.key}"),
            code=self.key,
            generic_en=self.generic_en,
            generic_local=self.generic_zh,
            form=self.form,
            strength=self.strength,
            base_unit=self.base_unit,
            unit_step=self.unit_step,
            pack_size=self.pack_size,
            modified_release=self.modified_release,
            count_tolerance_percent=self.count_tolerance_percent,
            gtins=tuple(g for g in self.gtins.split() if g),
            classes=classes,
        )


def read_catalogue(stream: TextIO) -> Iterator[tuple[int, MedicineImport]]:
    """Rows with their line numbers (header is line 1); raises pydantic.ValidationError on a bad row."""
    for line_no, row in enumerate(csv.DictReader(stream), start=2):
        yield line_no, MedicineImport.model_validate(row)
