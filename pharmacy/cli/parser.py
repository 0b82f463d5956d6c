"""The argument parser: every command that uses a database takes --db before or after its name."""

from __future__ import annotations

import argparse

from pharmacy.cli.custody_parser import add_custody_parsers
from pharmacy.cli.output import FORMATS
from pharmacy.cli.report import add_report_parsers
from pharmacy.domain.profile import Profile
from pharmacy.domain.roles import Role

EPILOG = """exit codes: 0 success; 1 a check failed or some lines were refused; 2 refused or misused;
3 the database cannot be used. Database: --db URL-or-path, else $PHARMACY_DATABASE_URL, else the data dir."""


def _common(*, data: bool = False) -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument("--db", default=argparse.SUPPRESS, help="database URL or SQLite file path")
    parent.add_argument("--pharmacy", default=argparse.SUPPRESS, help="pharmacy code, when the database has several")
    if data:
        parent.add_argument("--format", choices=FORMATS, default="table")
    return parent


def _user_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    user = sub.add_parser("user", help="manage users").add_subparsers(dest="user_action", required=True)
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument("--as", dest="acting", help="the administrator acting (else $PHARMACY_USER)")
    add = user.add_parser("add", parents=[_common(), acting], help="add a user (PIN from $PHARMACY_NEW_PIN or prompt)")
    add.add_argument("username")
    add.add_argument("--full-name", required=True)
    add.add_argument("--role", required=True, choices=[r.value for r in Role])
    add.add_argument("--registration-no")
    user.add_parser("list", parents=[_common(data=True)], help="list users")
    for action in ("disable", "unlock"):
        p = user.add_parser(action, parents=[_common(), acting], help=f"{action} a user")
        p.add_argument("username")


def _medicine_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    med = sub.add_parser("medicine", help="the medicine catalogue").add_subparsers(
        dest="medicine_action", required=True
    )
    acting = argparse.ArgumentParser(add_help=False)
    acting.add_argument("--as", dest="acting", help="who is acting (else $PHARMACY_USER)")
    add = med.add_parser("add", parents=[_common(), acting], help="add one medicine")
    for name in ("code", "generic-en", "generic-local", "form", "strength", "base-unit"):
        add.add_argument(f"--{name}", required=True)
    add.add_argument("--unit-step", default="1")
    add.add_argument("--pack-size", type=int, default=1)
    add.add_argument("--modified-release", action="store_true")
    add.add_argument("--count-tolerance", help="liquids: the count variance measuring may explain, in %% (e.g. 3.5)")
    add.add_argument("--gtin", action="append")
    imp = med.add_parser("import", parents=[_common(), acting], help="import a catalogue CSV")
    imp.add_argument("file")
    med.add_parser("list", parents=[_common(data=True)], help="list the catalogue")


def _read_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub.add_parser("verify", parents=[_common(data=True)], help="prove the register is intact")
    reg = sub.add_parser("register", parents=[_common(data=True)], help="the register page of a medicine")
    reg.add_argument("medicine", help="code, GTIN or part of the name")
    reg.add_argument("--lot", help="one batch only")
    reg.add_argument("--from", dest="date_from", help="first day, YYYY-MM-DD")
    reg.add_argument("--to", dest="date_to", help="last day, YYYY-MM-DD")
    reg.add_argument("--limit", type=int, default=0, help="only the first N entries (0: all)")
    sub.add_parser("stock", parents=[_common(data=True)], help="balances per medicine and batch")
    post = sub.add_parser("post", parents=[_common()], help="run JSON Lines commands from FILE or - (stdin)")
    post.add_argument("file")
    sub.add_parser("schema", help="print the JSON Schema of the post commands")
    rec = sub.add_parser("reconcile", help="reconcile the register").add_subparsers(
        dest="reconcile_action", required=True
    )
    rx = rec.add_parser("prescriptions", parents=[_common(data=True)], help="dispensing against prescriptions")
    rx.add_argument("--month", required=True, help="the month, YYYY-MM, in the pharmacy's time zone")
    rx.add_argument("--retained", help="numbers of the paper prescriptions kept, one a line, or - (stdin)")


def _setup_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    init = sub.add_parser("init", parents=[_common()], help="create the register and its first responsible pharmacist")
    init.add_argument("--code", required=True, help="short pharmacy code")
    init.add_argument("--name", required=True)
    init.add_argument("--licence", required=True, help="licence number")
    init.add_argument("--address", required=True)
    init.add_argument("--profile", required=True, choices=[p.value for p in Profile])
    init.add_argument("--timezone", required=True, help="e.g. Asia/Shanghai, Europe/London")
    init.add_argument("--username", required=True)
    init.add_argument("--full-name", required=True)
    init.add_argument("--registration-no")
    db = sub.add_parser("db", parents=[_common()], help="schema: upgrade, current, check")
    db.add_argument("db_action", choices=("upgrade", "current", "check"))
    demo = sub.add_parser("demo", parents=[_common()], help="build a demo register and open it")
    demo.add_argument("--profile", choices=[p.value for p in Profile], default="cn_hospital")
    demo.add_argument("--no-open", action="store_true", help="build only (for scripts)")
    demo.add_argument("--seed", type=int, default=7)
    sub.add_parser("tui", parents=[_common()], help="open the counter app")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pharmacy", description="The controlled-medicine register.", epilog=EPILOG)
    parser.add_argument("--db", dest="db_global", help="database URL or SQLite file path")
    parser.add_argument("--pharmacy", dest="pharmacy_global", help="pharmacy code")
    parser.add_argument("--lang", help="en or zh_CN (else $PHARMACY_LANG, else the locale)")
    sub = parser.add_subparsers(dest="command")
    _setup_parsers(sub)
    _read_parsers(sub)
    _user_parsers(sub)
    _medicine_parsers(sub)
    add_custody_parsers(sub, _common(), _common(data=True))
    add_report_parsers(sub)
    return parser
