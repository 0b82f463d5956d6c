"""The arguments of `pharmacy count | hold | duty | close | reopen` (domain enums only: the parser is built on
every start, the TUI's included, so it must not load the services)."""

from __future__ import annotations

import argparse
from datetime import date
from typing import TypeAlias

from pharmacy.domain.counts import CountScope, CountType, TakenAt, VarianceReason
from pharmacy.domain.duties import Duty
from pharmacy.domain.holds import HoldReason

Sub: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"


def add_custody_parsers(sub: Sub, common: argparse.ArgumentParser, data: argparse.ArgumentParser) -> None:
    who = argparse.ArgumentParser(add_help=False)
    who.add_argument("--as", dest="acting", help="who is acting (else $PHARMACY_USER; PIN from $PHARMACY_PIN)")
    count = sub.add_parser("count", help="stock counts").add_subparsers(dest="count_action", required=True)
    start = count.add_parser("start", parents=[common, who], help="start a count (takes a snapshot)")
    start.add_argument("--scope", choices=[s.value for s in CountScope], default="all")
    start.add_argument("--value", help="the class code or the medicine, for --scope class|medicine")
    start.add_argument("--type", dest="count_type", choices=[c.value for c in CountType], default="routine")
    start.add_argument("--taken-at", choices=[t.value for t in TakenAt], help="US inventories: opening or close")
    start.add_argument("--note")
    lot = count.add_parser("lot", parents=[common, who], help="record what one batch holds")
    for name in ("count_id", "medicine", "batch", "quantity"):
        lot.add_argument(name)
    lot.add_argument("--pack", action="store_true", help="the quantity is whole packs")
    lot.add_argument("--returns", action="store_true", help="count the patient-returns record, not stock")
    lot.add_argument("--estimated", action="store_true", help="US inventory estimate (CIII–V only)")
    lot.add_argument("--reason", choices=[r.value for r in VarianceReason])
    lot.add_argument("--note")
    lot.add_argument("--refers-to", help="a closed month this finding belongs to, YYYY-MM")
    lot.add_argument("--witness", help="the second person (PIN from $PHARMACY_WITNESS_PIN or prompt)")
    show = count.add_parser("show", parents=[data], help="a count's progress: counted and still to count")
    show.add_argument("count_id")
    count.add_parser("list", parents=[data], help="the history of counts")
    _hold_parsers(sub, common, who)
    _close_parsers(sub, common, who, data)


def _hold_parsers(sub: Sub, common: argparse.ArgumentParser, who: argparse.ArgumentParser) -> None:
    hold = sub.add_parser("hold", parents=[common, who], help="quarantine a batch, or record a destruction application")
    hold.add_argument("hold_kind", choices=("quarantine", "applied"))
    hold.add_argument("medicine")
    hold.add_argument("batch")
    hold.add_argument("--reason", choices=[r.value for r in HoldReason], default="expired")
    hold.add_argument("--on", type=date.fromisoformat, help="the day, YYYY-MM-DD (else today)")
    hold.add_argument("--reference", help="the application's number")
    hold.add_argument("--note")


def _close_parsers(
    sub: Sub, common: argparse.ArgumentParser, who: argparse.ArgumentParser, data: argparse.ArgumentParser
) -> None:
    duty = sub.add_parser("duty", parents=[common, who], help="record a loss's reporting duty as done")
    duty.add_argument("entry", help="the loss entry's sequence number")
    duty.add_argument("duty", choices=[d.value for d in Duty])
    duty.add_argument("--on", type=date.fromisoformat, help="the day it was done (else today)")
    duty.add_argument("--reference", help="the authority's reference (crime number, DEA receipt …)")
    sign = sub.add_parser("close", parents=[common, who], help="sign the month-end close (responsible pharmacist)")
    sign.add_argument("month", help="YYYY-MM")
    sign.add_argument("--acknowledge", help="your words on unexplained variances, if any")
    reopen = sub.add_parser("reopen", parents=[common], help="(there is no reopening: says what to do)")
    reopen.add_argument("month")
