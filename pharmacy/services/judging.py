"""What findings do to a command: a BLOCK refuses it; a WARN needs an override reason and a second person's
check and is kept with the entry; an INFO is kept (issue 4; regulations §5 severities)."""

from __future__ import annotations

from pharmacy.domain.errors import OverrideRequired, RuleBlocked, SecondPersonRequired, Text
from pharmacy.domain.findings import Finding, KeptFinding, Severity
from pharmacy.domain.movement import KIND_LABEL, MovementKind
from pharmacy.services.results import Actor


def _params(finding: Finding) -> dict[str, object]:
    return {k: v for k, v in finding.params.items() if k not in ("rule", "message")} | {"rule_id": finding.rule_id}


def _cited(finding: Finding) -> str:
    """The rule as the pharmacist can look it up: its regulations §5 id (CN-5, US-11), else the rule's own id."""
    return str(finding.params.get("table_id") or finding.rule_id)


def refuse_blocks(findings: list[Finding]) -> None:
    """A BLOCK refuses the command with the rule's own message and numbers."""
    for f in findings:
        if f.severity is Severity.BLOCK:
            raise RuleBlocked(rule=_cited(f), message=Text(f.message), **_params(f))


def judge(
    findings: list[Finding], kind: MovementKind, override_reason: str | None, checker: Actor | None
) -> tuple[KeptFinding, ...]:
    refuse_blocks(findings)
    warns = [f for f in findings if f.severity is Severity.WARN]
    reason = (override_reason or "").strip() or None
    if warns and reason is None:
        raise OverrideRequired(rule=_cited(warns[0]), message=Text(warns[0].message), **_params(warns[0]))
    if warns and checker is None:
        raise SecondPersonRequired(kind=KIND_LABEL[kind])
    return tuple(
        KeptFinding(f, reason, checker.user_id if checker else None) if f.severity is Severity.WARN else KeptFinding(f)
        for f in findings
    )
