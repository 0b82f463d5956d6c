"""The command line: `pharmacy …`. Data to stdout, diagnostics to stderr. The TUI is imported lazily.

Exit codes: 0 success; 1 a check failed or some input lines were refused; 2 a command was refused or misused;
3 the database cannot be used (unreachable, not writable, schema missing, older or newer than this program).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Sequence

from pharmacy.cli.context import Cli
from pharmacy.cli.parser import build_parser
from pharmacy.db.errors import DatabaseNotWritable, DatabaseUnreachable, SchemaMissing, SchemaNewer, SchemaOutdated
from pharmacy.domain.errors import RegisterError
from pharmacy.i18n import choose_language, translator

DATABASE_ERRORS = (DatabaseUnreachable, DatabaseNotWritable, SchemaMissing, SchemaNewer, SchemaOutdated)


def _handler(name: str) -> Callable[[Cli], int]:
    if name in ("demo",):
        from pharmacy.cli.demo import cmd_demo

        return cmd_demo
    if name in ("tui", None):
        from pharmacy.cli.demo import cmd_tui

        return cmd_tui
    # not for the TUI: it draws its sign-in screen before the database
    from pharmacy.cli import admin, custody, post, read, reconcile, report

    handlers: dict[str, Callable[[Cli], int]] = {
        "verify": read.cmd_verify,
        "register": read.cmd_register,
        "stock": read.cmd_stock,
        "schema": read.cmd_schema,
        "reconcile": reconcile.cmd_reconcile,
        "post": post.cmd_post,
        "init": admin.cmd_init,
        "db": admin.cmd_db,
        "user": admin.cmd_user,
        "medicine": admin.cmd_medicine,
        "count": custody.cmd_count,
        "hold": custody.cmd_hold,
        "duty": custody.cmd_duty,
        "close": custody.cmd_close,
        "reopen": custody.cmd_reopen,
        "report": report.cmd_report,
    }
    return handlers[name]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    t = translator(choose_language(args.lang))
    cli = Cli(args, t)
    try:
        return _handler(args.command)(cli)
    except DATABASE_ERRORS as exc:
        print(t("error: ") + exc.render(t), file=sys.stderr)
        return 3
    except RegisterError as exc:
        print(t("error: ") + exc.render(t), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception:  # the last line of defence: a pharmacist never sees a traceback
        from pharmacy.cli.crash import report_crash

        print(
            t("internal error: nothing was recorded by the failed step; details in ")
            + report_crash(traceback.format_exc()),
            file=sys.stderr,
        )
        return 70
    finally:
        cli.close()
