"""Rule profiles: which jurisdiction's rule pack a pharmacy runs under."""

from __future__ import annotations

from enum import StrEnum


class Profile(StrEnum):
    CN_HOSPITAL = "cn_hospital"
    CN_RETAIL = "cn_retail"
    US = "us"
    UK = "uk"

    @property
    def jurisdiction(self) -> str:
        return self.value.split("_")[0]
