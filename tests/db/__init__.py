"""Database tests on SQLite and PostgreSQL, and their helpers: the real command-line tools and a scoped verify.

The PostgreSQL database is shared by the whole session (each test keeps to its own pharmacy), so `verify` is
run over one pharmacy only: other tests may be writing theirs at the same moment.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.engine import make_url

from pharmacy.db.audit import SqlAuditSource
from pharmacy.services.verify import Verdict, verify
from tests.world import World

TIMEZONE = "Asia/Shanghai"


class OnePharmacySource(SqlAuditSource):
    """The audit source restricted to one pharmacy of a shared database."""

    def __init__(self, engine: Engine, pharmacy_id: int) -> None:
        super().__init__(engine)
        self.pharmacy_id = pharmacy_id

    def pharmacy_ids(self) -> list[int]:
        return [self.pharmacy_id]


def verify_world(world: World) -> Verdict:
    source = OnePharmacySource(world.engine, world.pharmacy_id)
    return verify(source, {world.pharmacy_id: TIMEZONE})


def cli_tool(name: str) -> str:
    """The path of a command-line tool; missing is a skip locally, a failure in CI (no silent passes)."""
    found = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists() else None)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but the {name} command-line tool is not installed")
        pytest.skip(f"the {name} command-line tool is not installed")
    return found


def run_sqlite3(path: str, sql: str) -> subprocess.CompletedProcess[str]:
    """Run SQL through the sqlite3 shell, as someone with the file and a terminal would."""
    return subprocess.run([cli_tool("sqlite3"), path, sql], capture_output=True, text=True, timeout=60, check=False)


def psql_args(url: str) -> tuple[list[str], dict[str, str]]:
    """A SQLAlchemy URL (postgresql+psycopg://user@/db?host=/sock&port=5432) → psql arguments and environment."""
    parsed = make_url(url)
    query = parsed.query
    host = query.get("host", parsed.host)
    port = query.get("port", str(parsed.port) if parsed.port else None)
    args = ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", str(parsed.database)]
    for flag, value in (("-h", host), ("-p", port), ("-U", parsed.username)):
        if value:
            args += [flag, value if isinstance(value, str) else value[0]]
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    return args, env


def run_psql(url: str, sql: str) -> subprocess.CompletedProcess[str]:
    args, env = psql_args(url)
    return subprocess.run(
        [cli_tool("psql"), *args, "-c", sql], capture_output=True, text=True, timeout=60, check=False, env=env
    )
