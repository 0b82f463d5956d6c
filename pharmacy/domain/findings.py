"""Rule findings: what a rule pack says about a command, as data (beancount's errors-as-data).

BLOCK refuses the command; WARN lets it go on only with an override reason and a second person; INFO is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class Severity(StrEnum):
    BLOCK = "block"
    WARN = "warn"
    INFO = "info"


@dataclass(frozen=True)
class Finding:
    rule_id: str  # pack.slug, e.g. cn.rx_validity
    severity: Severity
    message: str  # a message id with {placeholders}
    params: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class KeptFinding:
    """A finding stored with the entry it was about; an overridden WARN names the reason and the checker."""

    finding: Finding
    override_reason: str | None = None
    overridden_by_id: int | None = None
