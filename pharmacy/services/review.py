"""The month's review: the figures per lot and the variances still unexplained, read in one unit of work.

Used by the close (which signs them) and by the monthly report (which prints them), so what is printed is what
was signed (domain.monthly.figures_digest).
"""

from __future__ import annotations

from dataclasses import dataclass

from pharmacy.domain.counts import CountLine, VarianceReason
from pharmacy.domain.monthly import LotFigures, figures_digest, fold_month
from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.reference import Pharmacy
from pharmacy.domain.timing import month_bounds


@dataclass(frozen=True)
class MonthReview:
    month: str
    figures: tuple[LotFigures, ...]
    unexplained: tuple[CountLine, ...]  # variances explained only as "unexplained": the signer acknowledges them

    @property
    def digest(self) -> str:
        return figures_digest(self.figures)


def month_review(uow: UnitOfWork, pharmacy: Pharmacy, month: str) -> MonthReview:
    start, end = month_bounds(month, pharmacy.tz)
    figures = fold_month(
        uow.ledger.kind_totals(pharmacy.id, None, start),
        uow.ledger.kind_totals(pharmacy.id, start, end),
    )
    lines = uow.custody.lines_counted(pharmacy.id, start, end)
    unexplained = tuple(x for x in lines if x.reason is VarianceReason.UNEXPLAINED)
    return MonthReview(month, tuple(figures), unexplained)
