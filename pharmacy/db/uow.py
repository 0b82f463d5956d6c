"""The SQL unit of work: one Session and transaction; rolls back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pharmacy.db.ledger_store import SqlLedgerStore
from pharmacy.db.reference_store import SqlReferenceStore


class SqlUnitOfWork:
    reference: SqlReferenceStore
    ledger: SqlLedgerStore

    def __init__(self, factory: sessionmaker[Session], *, write: bool) -> None:
        self._factory = factory
        self._write = write

    def __enter__(self) -> Self:
        self.session = self._factory()
        self.session.connection(execution_options={"pharmacy_write": self._write})
        self.reference = SqlReferenceStore(self.session)
        self.ledger = SqlLedgerStore(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()


class SqlUnitOfWorkFactory:
    """Callable that opens units of work on one engine (read-only ones use a deferred transaction)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=False)

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, write=write)
