"""Idempotent commands: a digest of each command's content (without PINs) stored under its client id.

The same id with the same content returns the first outcome; the same id with other content is refused
(TigerBeetle's "exists" vs "exists with different fields").
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any
from uuid import UUID

from pharmacy.domain.errors import IdempotencyConflict
from pharmacy.domain.ports import UnitOfWork
from pharmacy.domain.reference import CommandRecord
from pharmacy.services.commands import Credentials


def _plain(value: Any) -> Any:
    if isinstance(value, Credentials):
        return value.username  # the PIN is never part of the digest
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Decimal):
        return str(value.normalize())
    if isinstance(value, datetime | date | UUID | Enum):
        return str(value.value if isinstance(value, Enum) else value)
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def digest(command: object) -> str:
    payload = json.dumps([type(command).__name__, _plain(command)], sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def previous_outcome(uow: UnitOfWork, pharmacy_id: int, command_id: UUID, command: object) -> str | None:
    """The stored outcome if this id was used before for the same command; refuses other content."""
    record = uow.ledger.command(pharmacy_id, command_id)
    if record is None:
        return None
    if record.digest != digest(command):
        raise IdempotencyConflict(id=str(command_id))
    return record.outcome


def remember(uow: UnitOfWork, pharmacy_id: int, command_id: UUID, command: object, outcome: str, now: datetime) -> None:
    record = CommandRecord(command_id, pharmacy_id, type(command).__name__, digest(command), outcome, now)
    uow.ledger.add_command(record)
