"""The monthly report as values: what the responsible pharmacist reviews, signs, prints and exports.

Built by `reports.monthly.monthly_report`; rendered by `reports.export` to PDF, XLSX, CSV and JSON. Quantities
stay integer steps of each medicine's unit here; renderers format them with `format_quantity`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum

from pharmacy.domain.counts import CountType, VarianceReason
from pharmacy.domain.duties import DutyDue
from pharmacy.domain.errors import N_, Text, render_message
from pharmacy.domain.monthly import LotFigures
from pharmacy.domain.reference import Lot, Medicine, Pharmacy
from pharmacy.reports.reconcile import Reconciliation


def _identity(message: str) -> str:
    return message


@dataclass(frozen=True)
class LastCount:
    counted: int
    counted_at: datetime
    variance: int
    reason: VarianceReason | None
    estimated: bool = False


@dataclass(frozen=True)
class MonthlyLine:
    medicine: Medicine
    lot: Lot
    class_code: str | None  # in the pharmacy's jurisdiction, e.g. 麻醉 / CII / 2
    figures: LotFigures
    last_count: LastCount | None  # the latest count of this lot up to the end of the month
    awaiting_destruction: bool  # expired or quarantined, still held


class OpenProblemKind(StrEnum):
    UNEXPLAINED_VARIANCE = "unexplained_variance"
    UNCOUNTED_LOT = "uncounted_lot"
    OWING = "owing"
    LOSS_DUTY = "loss_duty"
    AWAITING_DESTRUCTION = "awaiting_destruction"
    SUPERVISION_OVERDUE = "supervision_overdue"
    FIGURES_DO_NOT_TIE = "figures_do_not_tie"


OPEN_PROBLEM_TEMPLATES: dict[OpenProblemKind, Text] = {
    OpenProblemKind.UNEXPLAINED_VARIANCE: N_(
        "Unexplained variance of {variance} {unit} on {medicine} batch {batch}, counted {day}"
    ),
    OpenProblemKind.UNCOUNTED_LOT: N_("{medicine} batch {batch} has not been counted this month"),
    OpenProblemKind.OWING: N_("{owing} {unit} of {medicine} still owed on prescription {number}"),
    OpenProblemKind.LOSS_DUTY: N_("{duty} for the loss of {medicine} batch {batch} was due {due} and is not recorded"),
    OpenProblemKind.AWAITING_DESTRUCTION: N_("{quantity} {unit} of {medicine} batch {batch} await destruction"),
    OpenProblemKind.SUPERVISION_OVERDUE: N_(
        "Destruction of {medicine} batch {batch} was applied for on {applied}; no supervised destruction "
        "is recorded 5 days later (条例 Art.61)"
    ),
    OpenProblemKind.FIGURES_DO_NOT_TIE: N_("The figures of {medicine} batch {batch} do not tie out"),
}

# Problems the signer must acknowledge in words before the month can be closed.
MUST_ACKNOWLEDGE = frozenset({OpenProblemKind.UNEXPLAINED_VARIANCE})


@dataclass(frozen=True)
class OpenProblem:
    kind: OpenProblemKind
    params: Mapping[str, object] = field(default_factory=dict)

    @property
    def template(self) -> Text:
        return OPEN_PROBLEM_TEMPLATES[self.kind]

    def render(self, translate: Callable[[str], str] = _identity) -> str:
        return render_message(self.template, dict(self.params), translate)


@dataclass(frozen=True)
class CountSummary:
    """One count that touched the month: how far it got and how its variances were explained."""

    started_at: datetime
    started_by: str
    scope: str
    count_type: CountType
    lots_expected: int
    lots_counted: int
    variances: int
    unexplained: int


@dataclass(frozen=True)
class LossStatus:
    """A loss entry of the month and its reporting checklist (US-12, CN-15)."""

    seq: int
    occurred_on: date
    medicine: Medicine
    batch: str
    quantity: int
    duties: tuple[DutyDue, ...]


@dataclass(frozen=True)
class SignedClose:
    month: str
    head_seq: int
    head_hash: str
    signed_by: str  # full name and registration number
    signed_at: datetime
    figures_digest: str | None
    acknowledgement: str | None


@dataclass(frozen=True)
class MonthlyReport:
    pharmacy: Pharmacy
    month: str
    first_day: date
    last_day: date
    generated_at: datetime
    lines: tuple[MonthlyLine, ...]
    reconciliation: Reconciliation
    problems: tuple[OpenProblem, ...]
    counts: tuple[CountSummary, ...]
    losses: tuple[LossStatus, ...]
    close: SignedClose | None  # None: not signed yet (a draft)
    chain_head: tuple[int, str]  # the sealed head if closed, else the head when the report was made
    figures_digest: str
    # The closing stock balance of each medicine at the end of each day of the month, for the chart.
    daily_balance: Mapping[int, tuple[int, ...]] = field(default_factory=dict)

    @property
    def ties_out(self) -> bool:
        return all(line.figures.ties_out for line in self.lines)
