"""Where rule findings appear as the pharmacist types: block (red), warn (amber), info (dim)."""

from __future__ import annotations

from collections.abc import Callable

from textual.widgets import Static

from pharmacy.domain.errors import render_message
from pharmacy.domain.findings import Finding, Severity

_STYLE = {Severity.BLOCK: "bold red", Severity.WARN: "bold yellow", Severity.INFO: "dim"}
_MARK = {Severity.BLOCK: "✖", Severity.WARN: "▲", Severity.INFO: "·"}


class FindingsPanel(Static):
    DEFAULT_CSS = "FindingsPanel { height: auto; min-height: 3; border: round $panel; padding: 0 1; }"

    def show(self, findings: list[Finding], t: Callable[[str], str]) -> None:
        if not findings:
            none = t("No rule findings for this supply.")
            self.update(f"[dim]{none}[/]")
            return
        lines = [
            f"[{_STYLE[f.severity]}]{_MARK[f.severity]} {_cited(f)}[/]  {render_message(f.message, f.params, t)}"
            for f in findings
        ]
        self.update("\n".join(lines))


def _cited(finding: Finding) -> str:
    """The rule by its regulations §5 id (CN-4, US-11), as the refusal cites it; else the rule's own id."""
    return str(finding.params.get("table_id") or finding.rule_id)
