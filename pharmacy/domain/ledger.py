"""The ledger fold and its auditor: balances are a fold over the movements, never a stored truth.

`LedgerAuditor` replays a pharmacy's movements in sequence order and names the first one whose sequence,
hash link, hash or stated balances disagree with the fold. `verify` and the property tests both use it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from pharmacy.domain.chain import GENESIS_HASH, hashed_values, link_hash, record_hash
from pharmacy.domain.errors import N_
from pharmacy.domain.movement import Movement

BalanceKey = tuple[int, str]  # (lot_id or medicine_id, book)
# A movement as `verify`'s fast path reads it: (record, seq, prev_hash, hash, lot_id, medicine_id, book, quantity,
# lot_balance_after, medicine_balance_after), where record is the row serialised as `chain.link_hash` would
# serialise it — by whoever stores it (SQLite's json_array), so only a record that hashes to the stored hash
# proves anything; one that does not is no verdict, just a reason to re-check with `feed_row`.
RecordRow = tuple[bytes, int, str, str, int, int, str, int, int, int]


@dataclass(frozen=True)
class Problem:
    """The first disagreement found: which entry, and what is wrong with it (a translatable template)."""

    seq: int
    template: str
    params: dict[str, object] = field(default_factory=dict)

    def render(self) -> str:
        return self.template.format(seq=self.seq, **self.params)


@dataclass
class LedgerAuditor:
    """Feeds on movements in sequence order; holds the folded balances and the first problem found."""

    lot_balances: dict[BalanceKey, int] = field(default_factory=dict)
    medicine_balances: dict[BalanceKey, int] = field(default_factory=dict)
    last_seq: int = 0
    last_hash: str = GENESIS_HASH
    problem: Problem | None = None
    count: int = 0

    def feed(self, movement: Movement) -> bool:
        """Check one movement; returns False (and records the problem) at the first disagreement."""
        return self.feed_row(hashed_values(movement), movement.prev_hash, movement.hash)

    def feed_row(self, values: list[Any], prev_hash: str, stored_hash: str) -> bool:
        """Check one raw row whose values follow `chain.HASHED_FIELDS` (seq at 1, book 4, medicine 7 …)."""
        return self.feed_raw(
            values[1],
            values,
            prev_hash,
            stored_hash,
            values[8],
            values[7],
            values[4],
            values[9],
            values[10],
            values[11],
        )

    def feed_raw(
        self,
        seq: int,
        values: list[object],
        prev_hash: str,
        stored_hash: str,
        lot_id: int,
        medicine_id: int,
        book: str,
        quantity: int,
        lot_after: int,
        medicine_after: int,
    ) -> bool:
        if self.problem is not None:
            return False
        # Verify feeds millions of rows: the common case (everything agrees) is checked inline, and the
        # problem is worked out only when something disagrees.
        if seq != self.last_seq + 1 or prev_hash != self.last_hash or link_hash(prev_hash, values) != stored_hash:
            self.problem = self._chain_problem(seq, prev_hash)
            return False
        lot_key, medicine_key = (lot_id, book), (medicine_id, book)
        lot_balance = self.lot_balances.get(lot_key, 0) + quantity
        med_balance = self.medicine_balances.get(medicine_key, 0) + quantity
        self.lot_balances[lot_key] = lot_balance
        self.medicine_balances[medicine_key] = med_balance
        if lot_balance < 0 or lot_balance != lot_after or med_balance != medicine_after:
            self.problem = self._balance_problem(seq, lot_balance, med_balance, lot_after, medicine_after)
            return False
        self.last_seq, self.last_hash = seq, stored_hash
        self.count += 1
        return True

    def feed_records(self, rows: Iterable[RecordRow]) -> bool:
        """The fast path over rows that all agree: False at the first row that does not, *without* a problem.

        Same checks and same fold as `feed_raw`, the hash taken over the record as given. On False the auditor's
        state is unspecified: start a new one and re-feed the register through `feed_row` to name the problem.
        """
        lots, meds, hash_of = self.lot_balances, self.medicine_balances, record_hash
        last_seq, last_hash, count = self.last_seq, self.last_hash, self.count
        try:
            for record, seq, prev, stored, lot_id, medicine_id, book, quantity, lot_after, med_after in rows:
                if seq != last_seq + 1 or prev != last_hash or hash_of(record) != stored:
                    return False
                lot_key, medicine_key = (lot_id, book), (medicine_id, book)
                lot_balance = lots.get(lot_key, 0) + quantity
                med_balance = meds.get(medicine_key, 0) + quantity
                lots[lot_key], meds[medicine_key] = lot_balance, med_balance
                if lot_balance < 0 or lot_balance != lot_after or med_balance != med_after:
                    return False
                last_seq, last_hash, count = seq, stored, count + 1
            return True
        finally:
            self.last_seq, self.last_hash, self.count = last_seq, last_hash, count

    def _chain_problem(self, seq: int, prev: str) -> Problem:
        """The entry does not follow on, or its content does not hash to what is stored: say which."""
        if seq != self.last_seq + 1:
            return Problem(seq, N_("entry {seq}: sequence gap, expected {expected}"), {"expected": self.last_seq + 1})
        if prev != self.last_hash:
            return Problem(
                seq, N_("entry {seq}: does not link to the hash of entry {prev_seq}"), {"prev_seq": self.last_seq}
            )
        return Problem(seq, N_("entry {seq}: content does not match its hash (altered after it was written)"))

    @staticmethod
    def _balance_problem(seq: int, lot_balance: int, med_balance: int, lot_after: int, med_after: int) -> Problem:
        """The folded balances (already applied) disagree with the entry: say which way first."""
        if lot_balance < 0:
            return Problem(seq, N_("entry {seq}: batch balance goes negative ({balance})"), {"balance": lot_balance})
        if lot_balance != lot_after:
            return Problem(
                seq,
                N_("entry {seq}: states batch balance {stated}, the ledger folds to {folded}"),
                {"stated": lot_after, "folded": lot_balance},
            )
        return Problem(
            seq,
            N_("entry {seq}: states medicine balance {stated}, the ledger folds to {folded}"),
            {"stated": med_after, "folded": med_balance},
        )


def fold(movements: Iterable[Movement]) -> dict[BalanceKey, int]:
    """Balance per (lot, book) after the given movements."""
    balances: dict[BalanceKey, int] = {}
    for m in movements:
        key = (m.lot_id, m.book.value)
        balances[key] = balances.get(key, 0) + m.quantity
    return balances
