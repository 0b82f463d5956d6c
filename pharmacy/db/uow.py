"""The SQL unit of work: one Session and transaction; rolls back unless committed."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from pharmacy.db.custody_store import SqlCustodyStore
from pharmacy.db.ledger_store import SqlLedgerStore
from pharmacy.db.reference_store import Catalogue, SqlReferenceStore


class SqlUnitOfWork:
    reference: SqlReferenceStore
    ledger: SqlLedgerStore
    custody: SqlCustodyStore

    def __init__(self, factory: sessionmaker[Session], *, write: bool, catalogue: Catalogue | None = None) -> None:
        self._factory = factory
        self._write = write
        self._catalogue = catalogue or Catalogue()

    def __enter__(self) -> Self:
        self.session = self._factory()
        connection = self.session.connection(execution_options={"pharmacy_write": self._write})
        self.reference = SqlReferenceStore(self.session, self._catalogue, connection)
        self.ledger = SqlLedgerStore(self.session, connection)
        self.custody = SqlCustodyStore(self.session)
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
    """Callable that opens units of work on one engine (read-only ones use a deferred transaction).

    Its units of work share one `Catalogue`: the immutable medicine rows this process has already read.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(engine, expire_on_commit=False, autoflush=False)
        self.catalogue = Catalogue()

    def __call__(self, *, write: bool = True) -> SqlUnitOfWork:
        return SqlUnitOfWork(self._sessions, write=write, catalogue=self.catalogue)
