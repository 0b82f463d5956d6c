#!/usr/bin/env python3
"""Bootstrap for a fresh machine with only python3: makes .venv, then opens the demo or runs every check.

    python3 dev.py demo [pharmacy demo options]   # install, build the demo register on SQLite, open it
    python3 dev.py test [pytest options]          # install test tools, start a throwaway PostgreSQL, run all

The PostgreSQL server binaries refuse to run as root, so as root the throwaway cluster runs as an
unprivileged system user (created if missing). It listens only on a private Unix socket and is deleted
afterwards. Without server binaries the PostgreSQL tests are skipped — except under CI=true, where that fails.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import venv
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
PG_USER = "pharmacy-pg"


def log(message: str) -> None:
    print(f"[dev] {message}", file=sys.stderr, flush=True)


def ensure_venv(extra: str) -> None:
    """Create .venv and install the project (editable) with the extra; redo only when pyproject changes."""
    stamp = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extra.encode()).hexdigest()[:16]
    marker = VENV / f".installed-{stamp}"
    if marker.exists():
        return
    if not (BIN / "python").exists():
        log("creating .venv")
        venv.EnvBuilder(with_pip=True).create(VENV)
    target = f".[{extra}]" if extra else "."
    log(f"installing {target} into .venv (first run takes a minute)")
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-e", target], cwd=ROOT, check=True)
    for old in VENV.glob(".installed-*"):
        old.unlink()
    marker.touch()


def pg_bindir() -> Path | None:
    """The newest installed PostgreSQL server's bin directory (Debian layout first, then pg_config)."""
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]))
    for candidate in reversed(versions):
        if (Path(candidate) / "initdb").exists():
            return Path(candidate)
    with contextlib.suppress(FileNotFoundError, subprocess.CalledProcessError):
        out = subprocess.run(["pg_config", "--bindir"], capture_output=True, text=True, check=True)
        if (Path(out.stdout.strip()) / "initdb").exists():
            return Path(out.stdout.strip())
    return None


def _as_pg_user(cmd: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return cmd
    return ["runuser", "-u", PG_USER, "--", *cmd]


def _ensure_pg_user() -> None:
    if os.geteuid() != 0:
        return
    if subprocess.run(["id", "-u", PG_USER], capture_output=True, check=False).returncode != 0:
        log(f"creating unprivileged user {PG_USER} for the throwaway PostgreSQL cluster")
        subprocess.run(["useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", PG_USER], check=True)


@contextlib.contextmanager
def throwaway_postgres(bindir: Path) -> Iterator[str]:
    """initdb + start on a private socket, yield a URL, then stop and delete everything."""
    _ensure_pg_user()
    base = Path(tempfile.mkdtemp(prefix="pharmacy-pg-"))
    data, sock = base / "data", base / "sock"
    sock.mkdir()
    if os.geteuid() == 0:
        shutil.chown(base, PG_USER)
        shutil.chown(sock, PG_USER)
    os.chmod(base, 0o755)
    try:
        subprocess.run(
            _as_pg_user(
                [
                    str(bindir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "--no-sync",
                    "-E",
                    "UTF8",
                    "--locale=C",
                ]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        options = f"-k {sock} -c listen_addresses='' -c fsync=off -c max_connections=200 -p 5432"
        subprocess.run(
            _as_pg_user(
                [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-w", "-l", str(base / "server.log"), "start"]
            ),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        log(f"throwaway PostgreSQL running on {sock}")
        yield f"postgresql+psycopg://postgres@/postgres?host={sock}&port=5432"
    finally:
        subprocess.run(
            _as_pg_user([str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"]),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        shutil.rmtree(base, ignore_errors=True)


def run_checks(pytest_args: list[str], env: dict[str, str]) -> int:
    steps = [
        ["ruff", "check", "."],
        ["ruff", "format", "--check", "."],
        ["mypy"],
        ["lint-imports"],
        ["pytest", "-n", "auto", "-p", "no:cacheprovider", *pytest_args],
    ]
    for step in steps:
        log("$ " + " ".join(step))
        code = subprocess.run([str(BIN / step[0]), *step[1:]], cwd=ROOT, env=env, check=False).returncode
        if code != 0:
            log(f"failed: {' '.join(step)} (exit {code})")
            return code
    return 0


def test(args: list[str]) -> int:
    ensure_venv("test")
    env = dict(os.environ)
    bindir = pg_bindir()
    if bindir is None:
        if env.get("CI") == "true":
            log("CI=true but no PostgreSQL server binaries were found: install postgresql")
            return 2
        log("no PostgreSQL server binaries: the PostgreSQL tests will be skipped")
        return run_checks(args, env)
    with throwaway_postgres(bindir) as url:
        env["PHARMACY_TEST_PG_URL"] = url
        return run_checks(args, env)


def demo(args: list[str]) -> int:
    ensure_venv("")
    return subprocess.run([str(BIN / "pharmacy"), "demo", *args], cwd=ROOT, check=False).returncode


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in ("demo", "test"):
        print(__doc__, file=sys.stderr)
        return 2
    return {"demo": demo, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
