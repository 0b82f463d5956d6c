"""Destruction: stock or patient returns destroyed, with the method, place and witnesses the law asks for.

The pharmacy's rule pack judges the witnesses (US-13 two employees and Form 41 data; UK-8 an authorised
witness for Schedule 2 stock; CN-14 the regulator's supervision); the details are kept beside the entry.
"""

from __future__ import annotations

from dataclasses import replace

from pharmacy.domain.destruction import DestructionRecord, packages_of
from pharmacy.domain.errors import N_, DestructionDetailRequired, WitnessesMustDiffer
from pharmacy.domain.holds import HoldKind
from pharmacy.domain.movement import KIND_LABEL, Book, MovementKind
from pharmacy.domain.timing import local_day
from pharmacy.rules.facts import DestructionFacts
from pharmacy.rules.packs import PACKS
from pharmacy.services import lookup, rule_facts
from pharmacy.services.appending import Draft, Scope, run_movement
from pharmacy.services.auth import witness
from pharmacy.services.commands import DestroyCommand
from pharmacy.services.context import ServiceContext
from pharmacy.services.judging import judge
from pharmacy.services.movements import draft_of
from pharmacy.services.results import Actor, Recorded

KIND = MovementKind.DESTRUCTION


def destroy(ctx: ServiceContext, actor: Actor, command: DestroyCommand) -> Recorded:
    second = witness(ctx, actor, command.second_witness, KIND)
    if second is not None and command.witness is not None and second.username == command.witness.username.strip():
        raise WitnessesMustDiffer(username=second.username)

    def build(scope: Scope) -> Draft:
        method = _detail(command.method, "method", N_("the method of destruction (e.g. denaturing kit)"))
        place = _detail(command.place, "place", N_("the place of destruction"))
        draft = draft_of(scope, command, KIND, -1, book=command.book, reason=_reason(command), document=_doc(command))
        facts = _facts(scope, command, draft, (method, place), second)
        kept = judge(
            PACKS[scope.pharmacy.profile].check_destruction(facts, scope.rule_params), KIND, None, scope.checker
        )
        return replace(draft, findings=kept)

    def after(scope: Scope, draft: Draft, recorded: Recorded) -> None:
        scope.uow.custody.add_destruction(_record(scope, command, draft, recorded, second))

    return run_movement(ctx, actor, command.id, command, KIND, command.witness, build, after)


def _detail(value: str | None, field: str, what: str) -> str:
    found = lookup.text(value, field, required=False, limit=200)
    if found is None:
        raise DestructionDetailRequired(detail=what)
    return found


def _reason(command: DestroyCommand) -> str:
    said = lookup.text(command.reason, "reason", required=False, limit=500)
    return said or ("patient returns destroyed" if command.book is Book.RETURNS else KIND_LABEL[KIND])


def _doc(command: DestroyCommand) -> str | None:
    return lookup.text(command.document, "document", required=False, limit=80)


def _facts(
    scope: Scope, command: DestroyCommand, draft: Draft, where: tuple[str, str], second: Actor | None
) -> DestructionFacts:
    names = tuple(a.username for a in (scope.checker, second) if a is not None)
    aw = lookup.text(command.authorised_witness, "authorised_witness", required=False)
    aw_ref = lookup.text(command.authorised_witness_ref, "authorised_witness_ref", required=False, limit=80)
    return DestructionFacts(
        medicine=rule_facts.medicine_facts(scope.uow, scope.pharmacy, draft.medicine, draft.occurred_at),
        quantity=-draft.quantity,
        destroyed_on=local_day(draft.occurred_at, scope.pharmacy.tz),
        witnesses=names,
        destroyed_by=scope.actor.username,
        method=where[0],
        location=where[1],
        authorised_witness_name=aw,
        authorised_witness_signed=bool(aw and aw_ref),
        patient_returned=command.book is Book.RETURNS,
        supervisor=lookup.text(command.supervisor, "supervisor", required=False),
        supervisor_agency=lookup.text(command.supervisor_agency, "supervisor_agency", required=False),
    )


def _record(
    scope: Scope, command: DestroyCommand, draft: Draft, recorded: Recorded, second: Actor | None
) -> DestructionRecord:
    med = draft.medicine
    full, partial = packages_of(-draft.quantity, med.pack_size * med.scale)
    applied = [
        h.on for h in scope.uow.custody.holds(scope.pharmacy.id, draft.lot.id) if h.kind is HoldKind.DESTRUCTION_APPLIED
    ]
    return DestructionRecord(
        movement_id=recorded.movement_id,
        pharmacy_id=scope.pharmacy.id,
        method=(command.method or "").strip(),
        place=(command.place or "").strip(),
        second_witness_id=second.user_id if second else None,
        authorised_witness=lookup.text(command.authorised_witness, "authorised_witness", required=False),
        authorised_witness_ref=lookup.text(command.authorised_witness_ref, "authorised_witness_ref", required=False),
        supervisor=lookup.text(command.supervisor, "supervisor", required=False),
        supervisor_agency=lookup.text(command.supervisor_agency, "supervisor_agency", required=False),
        application_on=max(applied) if applied else None,
        full_packages=full,
        partial_units=partial,
    )
