"""The hash chain: a canonical serialisation of each movement, SHA-256 over it and the previous hash.

Canonical forms are chosen to be what SQLite stores, so `verify` can hash raw rows without converting them:
UUIDs as 32 lowercase hex digits, times as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC, absent values as null.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from pharmacy.domain.movement import Movement

GENESIS_HASH = "0" * 64
CHAIN_VERSION = 1
_dumps = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def _no_default(value: object) -> object:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# The C encoder that `_dumps` builds afresh on every call, built once (verify hashes millions of rows).
# Same arguments as JSONEncoder(ensure_ascii=False, separators=(",", ":")) passes, so the same bytes;
# no circular-reference markers, which only matter for containers nested in themselves.
def _make_encoder() -> Any:
    make: Any = getattr(json.encoder, "c_make_encoder", None)
    if make is None:
        return None
    try:
        return make(None, _no_default, json.encoder.encode_basestring, None, ":", ",", False, False, True)
    except TypeError:  # no C accelerator, or another signature: `_dumps` is always right, just slower
        return None


_encode_chunks = _make_encoder()


def canonical_time(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("register times must be timezone-aware")
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def canonical_uuid(value: UUID | None) -> str | None:
    return None if value is None else value.hex


# Order of the fields in the hashed record; verify builds the same tuple straight from raw rows.
HASHED_FIELDS = (
    "pharmacy_id",
    "seq",
    "id",
    "kind",
    "book",
    "occurred_at",
    "recorded_at",
    "medicine_id",
    "lot_id",
    "quantity",
    "lot_balance_after",
    "medicine_balance_after",
    "supplier_id",
    "prescription_id",
    "patient_id",
    "document",
    "entered_by_id",
    "checked_by_id",
    "reason",
    "reverses_id",
    "imported",
)


def hashed_values(movement: Movement) -> list[object]:
    m = movement
    return [
        m.pharmacy_id,
        m.seq,
        m.id.hex,
        m.kind.value,
        m.book.value,
        canonical_time(m.occurred_at),
        canonical_time(m.recorded_at),
        m.medicine_id,
        m.lot_id,
        m.quantity,
        m.lot_balance_after,
        m.medicine_balance_after,
        m.supplier_id,
        canonical_uuid(m.prescription_id),
        m.patient_id,
        m.document,
        m.entered_by_id,
        m.checked_by_id,
        m.reason,
        canonical_uuid(m.reverses_id),
        1 if m.imported else 0,
    ]


def record_hash(record: bytes) -> str:
    """SHA-256 of a record already serialised as `link_hash` serialises it (UTF-8 bytes of the compact JSON)."""
    return hashlib.sha256(record).hexdigest()


def link_hash(prev_hash: str, values: list[object]) -> str:
    """SHA-256 of [version, prev_hash, *values] as compact JSON (UTF-8, no escapes for non-ASCII)."""
    record = [CHAIN_VERSION, prev_hash, *values]
    text = "".join(_encode_chunks(record, 0)) if _encode_chunks is not None else _dumps(record)
    return hashlib.sha256(text.encode()).hexdigest()
