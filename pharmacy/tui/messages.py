"""Messages the screens' workers post back to the UI thread (past tense: what happened)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from pharmacy.domain.errors import RegisterError
from pharmacy.domain.reference import Medicine
from pharmacy.schemas.scan import Scan
from pharmacy.services.results import Actor, Recorded


@dataclass
class Resolved(Message):
    """What a scan or a typed name found: the scan as read, and the medicines it matches."""

    scan: Scan
    matches: list[Medicine]


@dataclass
class SignedIn(Message):
    actor: Actor


@dataclass
class Refused(Message):
    """A command the register refused: nothing changed; the form stays as typed."""

    error: RegisterError


@dataclass
class Failed(Message):
    """An unexpected failure, logged to a file; the pharmacist sees where, never a traceback."""

    where: str


@dataclass
class EntryRecorded(Message):
    recorded: Recorded
