"""`pharmacy demo` builds a demo register and opens the counter app; `pharmacy tui` opens it on a register."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path

from pharmacy.cli.context import Cli
from pharmacy.cli.output import Column, emit
from pharmacy.domain.clock import SystemClock
from pharmacy.domain.errors import N_, InvalidValue
from pharmacy.domain.profile import Profile
from pharmacy.domain.roles import ROLE_LABEL
from pharmacy.wiring import data_dir


def _demo_target(cli: Cli, profile: Profile) -> str:
    explicit = getattr(cli.args, "db", None) or cli.args.db_global
    if explicit:
        path = Path(explicit)
        if "://" in explicit or (path.exists() and path.stat().st_size and not path.name.startswith("demo")):
            raise InvalidValue(field="--db", problem=N_("the demo only writes to a new file or one named demo*"))
        target = str(path)
    else:
        target = str(data_dir() / f"demo-{profile.value}.sqlite")
    for suffix in ("", "-wal", "-shm"):
        Path(target + suffix).unlink(missing_ok=True)  # a demo is rebuilt from scratch every time
    return target


def cmd_demo(cli: Cli) -> int:
    from pharmacy.demo import build_demo

    profile, t = Profile(cli.args.profile), cli.t
    target = _demo_target(cli, profile)
    tty = sys.stderr.isatty()

    def progress(fraction: float, note: str) -> None:
        if tty:
            print(
                "\r" + t("building the demo register") + f" {fraction:4.0%}  {note[:50]:<50}",
                end="",
                file=sys.stderr,
                flush=True,
            )

    built = build_demo(target, profile, cli.args.seed, SystemClock().now(), progress)
    people = built.people
    if tty:
        print(file=sys.stderr)
    print(t("Demo register: {path}").format(path=target))
    emit(
        [{"username": p.username, "name": p.full_name, "role": t(ROLE_LABEL[p.role]), "pin": p.pin} for p in people],
        [Column("username", t("username")), Column("name", t("name")), Column("role", t("role")), Column("pin", "PIN")],
        "table",
    )
    print(t("To try a scan at Receive (F3), type or scan: {code}").format(code=built.sample_scan))
    if cli.args.no_open:
        return 0
    cli.args.db = target
    return cmd_tui(cli)


def cmd_tui(cli: Cli) -> int:
    if importlib.util.find_spec("pharmacy.tui.app") is None:
        print(
            cli.t("The counter app is not part of this build yet; use `pharmacy register` and `pharmacy stock`."),
            file=sys.stderr,
        )
        return 0
    app = importlib.import_module("pharmacy.tui.app")  # lazily: the CLI must not load Textual
    run: Callable[[str, str | None, str | None], int] = app.run
    return run(cli.target, getattr(cli.args, "pharmacy", None), cli.args.lang)
