"""Engines per dialect: SQLite in WAL with synchronous=FULL and BEGIN IMMEDIATE writes; PostgreSQL pooled.

An acknowledged entry must survive a power cut (synchronous=FULL); writers queue on the file lock instead of
failing (busy_timeout); foreign keys are enforced.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from pharmacy.db.errors import DatabaseNotWritable

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(target: str) -> URL:
    """A path or a URL → a SQLAlchemy URL; bare paths are SQLite files; postgresql:// uses psycopg 3."""
    if "://" not in target:
        return make_url(f"sqlite:///{Path(target).expanduser().resolve()}")
    url = make_url(target)
    if url.drivername in ("postgresql", "postgres"):
        url = url.set(drivername="postgresql+psycopg")
    return url


def _create_private_file(path: Path) -> None:
    """A new register file is readable and writable by its owner only."""
    if path.exists():
        if not os.access(path, os.W_OK):
            raise DatabaseNotWritable(path=str(path))
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except OSError as exc:
        raise DatabaseNotWritable(path=str(path)) from exc
    os.close(fd)


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:":
        _create_private_file(Path(url.database))
    engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Take over transaction control from pysqlite so BEGIN can be IMMEDIATE for writers.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        for pragma in (
            "journal_mode=WAL",
            "synchronous=FULL",
            "foreign_keys=ON",
            f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        ):
            cur.execute(f"PRAGMA {pragma}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Any) -> None:
        # Writers (units of work opened for writing) take the write lock up front, so two counters never both
        # read a balance and then collide; readers (reports, verify) take none and never hold a counter up.
        mode = "IMMEDIATE" if conn.get_execution_options().get("pharmacy_write", False) else "DEFERRED"
        conn.exec_driver_sql(f"BEGIN {mode}")

    return engine


def make_engine(target: str) -> Engine:
    url = normalise_url(target)
    if url.get_backend_name() == "sqlite":
        return _sqlite_engine(url)
    return create_engine(url, pool_pre_ping=True)
