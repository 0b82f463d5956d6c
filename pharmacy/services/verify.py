"""`pharmacy verify`: prove the register is intact — chain, gapless sequence, balances, triggers, closes.

Independent of how entries were written: it re-folds the ledger from the raw rows and names the first entry
that disagrees (lessons §7: verify must be cheap enough to run daily).

Two paths, one verdict. Where the source serialises rows itself (`AuditSource.record_batches`: SQLite's
json_array, in C), the fast path only hashes and folds; it can say "all agree" and nothing else. At the first
row that does not agree — or that the source cannot serialise — it gives up and the reference path (`chain_rows`
→ `LedgerAuditor.feed_row` → `chain.link_hash`) re-checks the register from the start, in the same snapshot, and
names the first problem exactly as it always has. A clean register, the daily case, is read once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from pharmacy.domain.errors import N_
from pharmacy.domain.ledger import LedgerAuditor, Problem
from pharmacy.domain.monthly import figures_digest, fold_month
from pharmacy.domain.ports import AuditSource, RecordsUnavailable
from pharmacy.domain.reference import PeriodClose
from pharmacy.domain.timing import month_bounds

PROGRESS_EVERY = 50_000


@dataclass(frozen=True)
class PharmacyVerdict:
    pharmacy_id: int
    entries: int
    head_seq: int
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class Verdict:
    pharmacies: tuple[PharmacyVerdict, ...]
    missing_triggers: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not self.missing_triggers and all(not p.problems for p in self.pharmacies)

    @property
    def entries(self) -> int:
        return sum(p.entries for p in self.pharmacies)


def verify(source: AuditSource, timezones: dict[int, str], progress: Callable[[int], None] | None = None) -> Verdict:
    with source.snapshot():  # one consistent view; readers never hold a counter up
        pids = source.pharmacy_ids()
        verdicts = tuple(_verify_pharmacy(source, pid, ZoneInfo(timezones[pid]), progress) for pid in pids)
        return Verdict(verdicts, tuple(source.missing_triggers()))


def _verify_pharmacy(
    source: AuditSource, pharmacy_id: int, tz: ZoneInfo, progress: Callable[[int], None] | None
) -> PharmacyVerdict:
    auditor = _fast_fold(source, pharmacy_id, progress) or _reference_fold(source, pharmacy_id, progress)
    problems = [auditor.problem] if auditor.problem else []
    if not problems:
        problems += _cache_problems(source, pharmacy_id, auditor)
    problems += _close_problems(source, pharmacy_id, tz)
    return PharmacyVerdict(pharmacy_id, auditor.count, auditor.last_seq, tuple(problems))


def _fast_fold(source: AuditSource, pharmacy_id: int, progress: Callable[[int], None] | None) -> LedgerAuditor | None:
    """The whole register folded on the fast path, or None: no fast path, or some row did not agree."""
    batches = source.record_batches(pharmacy_id)
    if batches is None:
        return None
    auditor = LedgerAuditor()
    try:
        for batch in batches:
            before = auditor.count
            if not auditor.feed_records(batch):
                return None
            if progress is not None and auditor.count // PROGRESS_EVERY > before // PROGRESS_EVERY:
                progress(auditor.count)
    except RecordsUnavailable:
        return None
    return auditor


def _reference_fold(source: AuditSource, pharmacy_id: int, progress: Callable[[int], None] | None) -> LedgerAuditor:
    """Row by row through `LedgerAuditor.feed_row`; stops at, and names, the first problem."""
    auditor = LedgerAuditor()
    feed = auditor.feed_row
    for values, prev_hash, stored_hash in source.chain_rows(pharmacy_id):
        if not feed(values, prev_hash, stored_hash):
            break
        if progress is not None and auditor.count % PROGRESS_EVERY == 0:
            progress(auditor.count)
    return auditor


def _cache_problems(source: AuditSource, pharmacy_id: int, auditor: LedgerAuditor) -> list[Problem]:
    problems = []
    head_seq, head_hash = source.stored_head(pharmacy_id)
    if (head_seq, head_hash) != (auditor.last_seq, auditor.last_hash):
        problems.append(
            Problem(
                head_seq, N_("the chain head says entry {seq}, the ledger ends at {last}"), {"last": auditor.last_seq}
            )
        )
    stored = {k: v for k, v in source.stored_balances(pharmacy_id).items() if v}
    folded = {k: v for k, v in auditor.lot_balances.items() if v}
    for lot_id, book in sorted(set(stored) | set(folded)):
        if stored.get((lot_id, book), 0) != folded.get((lot_id, book), 0):
            problems.append(
                Problem(
                    auditor.last_seq,
                    N_("cached balance of batch #{lot} ({book}) is {stored}, the ledger folds to {folded}"),
                    {
                        "lot": lot_id,
                        "book": book,
                        "stored": stored.get((lot_id, book), 0),
                        "folded": folded.get((lot_id, book), 0),
                    },
                )
            )
    return problems


def _close_problems(source: AuditSource, pharmacy_id: int, tz: ZoneInfo) -> list[Problem]:
    problems = []
    for close in source.closes(pharmacy_id):
        if close.head_seq and source.hash_at(pharmacy_id, close.head_seq) != close.head_hash:
            problems.append(
                Problem(
                    close.head_seq,
                    N_("entry {seq} does not match the hash sealed by the close of {month}"),
                    {"month": close.month},
                )
            )
        late = source.first_entry_dated_before(pharmacy_id, close.head_seq, month_bounds(close.month, tz)[1])
        if late is not None:
            problems.append(
                Problem(
                    late, N_("entry {seq} is dated inside {month}, which was already closed"), {"month": close.month}
                )
            )
        problems += _figures_problems(source, pharmacy_id, tz, close)
    return problems


def _figures_problems(source: AuditSource, pharmacy_id: int, tz: ZoneInfo, close: PeriodClose) -> list[Problem]:
    """The month's figures, folded again, still have the digest the responsible pharmacist signed."""
    if close.figures_digest is None:  # closed before the figures were sealed (migration 0007)
        return []
    start, end = month_bounds(close.month, tz)
    figures = fold_month(source.kind_totals(pharmacy_id, None, start), source.kind_totals(pharmacy_id, start, end))
    if figures_digest(figures) == close.figures_digest:
        return []
    return [
        Problem(
            close.head_seq,
            N_("the figures of {month} no longer match those signed at its close (sealed at entry {seq})"),
            {"month": close.month},
        )
    ]
