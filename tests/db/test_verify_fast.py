"""`verify`'s fast path (SQLite serialises each row, Python only hashes and folds) gives the reference verdict.

The fast path can only say "everything agrees"; at the first row that does not it hands over to the reference
path (`chain_rows` → `link_hash`), which names the problem. So for every kind of tampering the verdict must be
exactly the one the reference path gives alone — and on an intact register the reference path must not run.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine

from pharmacy.domain.chain import CHAIN_VERSION, GENESIS_HASH, HASHED_FIELDS, link_hash, record_hash
from pharmacy.domain.ledger import RecordRow
from pharmacy.services.verify import Verdict, verify
from tests.db import TIMEZONE, OnePharmacySource
from tests.world import World

MOVEMENT_TRIGGERS = ("movements_append_only_update", "movements_append_only_delete")


class CountingSource(OnePharmacySource):
    """Counts how often each path is taken; `fast=False` takes the fast path away (the reference verdict)."""

    def __init__(self, engine: Engine, pharmacy_id: int, *, fast: bool = True) -> None:
        super().__init__(engine, pharmacy_id)
        self.fast, self.fast_runs, self.reference_runs = fast, 0, 0

    def record_batches(self, pharmacy_id: int) -> Iterator[list[RecordRow]] | None:
        if not self.fast:
            return None
        self.fast_runs += 1
        return super().record_batches(pharmacy_id)

    def chain_rows(self, pharmacy_id: int) -> Iterator[tuple[list[Any], str, str]]:
        self.reference_runs += 1
        return super().chain_rows(pharmacy_id)


def _register(world: World, entries: int = 12) -> None:
    world.receive("500", batch="B1")
    world.receive("300", batch="B2")
    rx = world.prescription("400")
    for i in range(entries - 2):
        world.dispense(rx, "3", batch="B1" if i % 2 else "B2")


def _verdicts(world: World) -> tuple[Verdict, Verdict, CountingSource]:
    fast = CountingSource(world.engine, world.pharmacy_id)
    reference = CountingSource(world.engine, world.pharmacy_id, fast=False)
    zones = {world.pharmacy_id: TIMEZONE}
    return verify(fast, zones), verify(reference, zones), fast


def _tamper(path: str, *statements: str) -> None:
    conn = sqlite3.connect(path)
    try:
        for name in MOVEMENT_TRIGGERS:
            conn.execute(f"DROP TRIGGER {name}")
        for sql in statements:
            conn.execute(sql)
        conn.commit()
    finally:
        conn.close()


def test_an_intact_register_is_read_once_on_the_fast_path(sqlite_world: World) -> None:
    _register(sqlite_world)
    fast, reference, source = _verdicts(sqlite_world)
    assert fast.ok and fast == reference
    assert (source.fast_runs, source.reference_runs) == (1, 0)
    assert fast.pharmacies[0].entries == 12


@pytest.mark.parametrize(
    ("statements", "expected"),
    [
        (["UPDATE movements SET quantity = -1 WHERE seq = 6"], "entry 6: content does not match its hash"),
        (["UPDATE movements SET hash = lower(hex(randomblob(32))) WHERE seq = 5"], "entry 5: content does not"),
        (["DELETE FROM movements WHERE seq = 7"], "entry 8: sequence gap, expected 7"),
        (
            [
                "UPDATE movements SET seq = 1000000 WHERE seq = 4",
                "UPDATE movements SET seq = 4 WHERE seq = 5",
                "UPDATE movements SET seq = 5 WHERE seq = 1000000",
            ],
            "entry 4: does not link to the hash of entry 3",
        ),
        (["UPDATE movements SET quantity = -2.5 WHERE seq = 9"], "entry 9: content does not match its hash"),
        (["UPDATE movements SET reason = 'a' || char(9) || '\"x\"' WHERE seq = 3"], "entry 3: content does not"),
        (["UPDATE balances SET balance = balance + 1"], "cached balance of batch"),
    ],
    ids=["edited-quantity", "edited-hash", "deleted-middle", "swapped-order", "real-quantity", "edited-text", "cache"],
)
def test_tampering_is_named_as_the_reference_path_names_it(
    sqlite_url: str, sqlite_world: World, statements: list[str], expected: str
) -> None:
    _register(sqlite_world)
    _tamper(sqlite_url, *statements)
    fast, reference, source = _verdicts(sqlite_world)
    assert not fast.ok and fast == reference
    assert fast.pharmacies[0].problems[0].render().startswith(expected)
    assert source.fast_runs == 1


def test_a_value_sqlite_cannot_serialise_falls_back_to_the_reference_path(sqlite_url: str, sqlite_world: World) -> None:
    _register(sqlite_world)
    _tamper(sqlite_url, "UPDATE movements SET document = X'00ff' WHERE seq = 2")
    source = CountingSource(sqlite_world.engine, sqlite_world.pharmacy_id)
    with pytest.raises(TypeError):  # what the reference path has always done with bytes in a hashed field
        verify(source, {sqlite_world.pharmacy_id: TIMEZONE})
    assert (source.fast_runs, source.reference_runs) == (1, 1)


AWKWARD_TEXT = [
    "".join(chr(c) for c in range(0x20)),
    'quote " backslash \\ slash / del \x7f',
    "中文 ünïcödé \u2028 \u2029 \ufeff 😀 \U0010ffff",
    "",
    "\\u0009 looks escaped but is not",
]


@pytest.mark.parametrize("value", [*AWKWARD_TEXT, None, 0, -1, 2**62, -(2**63)])
def test_sqlite_serialises_a_row_to_the_bytes_link_hash_hashes(value: object) -> None:
    """The premise of the fast path, on values the register may hold: same bytes, so the same hash."""
    values: list[object] = [value] * len(HASHED_FIELDS)
    conn = sqlite3.connect(":memory:")
    try:
        placeholders = ", ".join("?" * len(HASHED_FIELDS))
        (record,) = conn.execute(
            f"SELECT CAST(json_array({CHAIN_VERSION}, ?, {placeholders}) AS BLOB)", [GENESIS_HASH, *values]
        ).fetchone()
    finally:
        conn.close()
    assert record_hash(record) == link_hash(GENESIS_HASH, values)
