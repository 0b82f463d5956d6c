"""`pharmacy post FILE|-`: run JSON Lines commands through the same services as the counter.

Each line stands alone: a refused line is reported with its number and a stable code, and the rest go on.
Prints one JSON result per input line. Exit 0 when every line was accepted, 1 when any was refused.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any, TextIO

from pydantic import ValidationError

from pharmacy.cli.context import Cli
from pharmacy.domain.errors import N_, RegisterError
from pharmacy.schemas import post as lines
from pharmacy.services import destruction, movements, reference
from pharmacy.services.auth import authenticate
from pharmacy.services.commands import Credentials
from pharmacy.services.context import ServiceContext
from pharmacy.services.correct import correct
from pharmacy.services.results import Actor, Created, Recorded

MOVEMENT_SERVICES: dict[str, Callable[[ServiceContext, Actor, Any], Recorded]] = {
    "receipt": movements.receive,
    "dispense": movements.dispense,
    "patient_return": movements.take_back,
    "supplier_return": movements.return_to_supplier,
    "destruction": destruction.destroy,
    "loss": movements.record_loss,
    "adjustment": movements.adjust,
    "correction": correct,
}
REFERENCE_SERVICES: dict[str, Callable[[ServiceContext, Actor, Any], Created]] = {
    "medicine": reference.add_medicine,
    "lot": reference.add_lot,
    "supplier": reference.add_supplier,
    "prescriber": reference.add_prescriber,
    "patient": reference.add_patient,
    "prescription": reference.add_prescription,
}


class LineError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code, self.message = code, message


def _pin(given: str | None, username: str, t: Callable[[str], str]) -> str:
    pin = given or os.environ.get(lines.pin_variable(username))
    if not pin:
        raise LineError(
            "pin_missing",
            t("no PIN for {user}: set {var} in the environment").format(
                user=username, var=lines.pin_variable(username)
            ),
        )
    return pin


def _validation_message(exc: ValidationError, t: Callable[[str], str]) -> tuple[str, str]:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"] if not isinstance(p, int))
    kind = first["type"]
    if kind in ("union_tag_invalid", "union_tag_not_found"):
        return "unknown_type", t("unknown or missing “type”; use one of: {types}").format(types=", ".join(lines.TYPES))
    if kind == "missing":
        return "missing_field", t("field “{field}” is missing").format(field=where.split(".")[-1])
    if kind == "extra_forbidden":
        return "unknown_field", t("field “{field}” is not allowed here").format(field=where.split(".")[-1])
    return "invalid_field", t("field “{field}”: {problem}").format(field=where.split(".", 1)[-1], problem=first["msg"])


class Poster:
    """Runs lines one by one, authenticating each acting user once per run."""

    def __init__(self, ctx: ServiceContext, t: Callable[[str], str]) -> None:
        self.ctx, self.t = ctx, t
        self._actors: dict[tuple[str, str], Actor] = {}

    def actor(self, username: str, pin: str) -> Actor:
        key = (username, pin)
        if key not in self._actors:
            self._actors[key] = authenticate(self.ctx, Credentials(username, pin))
        return self._actors[key]

    def run_line(self, number: int, raw: str) -> dict[str, object]:
        try:
            return {"line": number, "status": "ok", **self._execute(raw)}
        except LineError as exc:
            return {"line": number, "status": "error", "code": exc.code, "message": exc.message}
        except RegisterError as exc:
            return {"line": number, "status": "error", "code": exc.code, "message": exc.render(self.t)}

    def _execute(self, raw: str) -> dict[str, object]:
        try:
            line = lines.COMMAND_LINE.validate_json(raw)
        except ValidationError as exc:
            if any(e["type"] == "json_invalid" for e in exc.errors()):
                raise LineError(
                    "malformed_json", self.t("not valid JSON: {problem}").format(problem=exc.errors()[0]["msg"])
                ) from None
            raise LineError(*_validation_message(exc, self.t)) from None
        actor = self.actor(line.actor, _pin(line.actor_pin, line.actor, self.t))
        if isinstance(line, lines.WitnessedLine):
            witness = None
            if line.witness:
                witness = Credentials(line.witness, _pin(line.witness_pin, line.witness, self.t))
            command: object = line.command(witness)
            if isinstance(line, lines.DestructionLine) and line.second_witness:
                second = Credentials(line.second_witness, _pin(line.second_witness_pin, line.second_witness, self.t))
                command = replace(line.command(witness), second_witness=second)
            recorded = MOVEMENT_SERVICES[line.type](self.ctx, actor, command)
            return {
                "type": line.type,
                "id": str(line.id),
                "seq": recorded.seq,
                "quantity": recorded.quantity,
                "lot_balance_after": recorded.lot_balance_after,
                "medicine_balance_after": recorded.medicine_balance_after,
                "replayed": recorded.replayed,
            }
        assert isinstance(line, lines.ReferenceLine)
        created = REFERENCE_SERVICES[line.type](self.ctx, actor, line.command())
        return {
            "type": line.type,
            "id": str(line.id),
            "key": created.key,
            "record_id": created.record_id,
            "replayed": created.replayed,
        }


def numbered(stream: TextIO) -> Iterable[tuple[int, str]]:
    for number, raw in enumerate(stream, start=1):
        if raw.strip() and not raw.lstrip().startswith("//"):
            yield number, raw


def cmd_post(cli: Cli) -> int:
    reg = cli.register()
    poster = Poster(reg.ctx, cli.t)
    stream: TextIO = sys.stdin if cli.args.file == "-" else open(cli.args.file, encoding="utf-8")  # noqa: SIM115
    refused = 0
    with stream:
        for number, raw in numbered(stream):
            result = poster.run_line(number, raw)
            refused += result["status"] != "ok"
            print(json.dumps(result, ensure_ascii=False), flush=True)
    if refused:
        print(cli.t(N_("{count} line(s) refused")).format(count=refused), file=sys.stderr)
    return 1 if refused else 0
