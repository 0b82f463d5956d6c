"""Words of the count screen: count types, classes by jurisdiction, a count's scope, the history's columns."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from pharmacy.domain.counts import CountScope, CountType
from pharmacy.domain.errors import N_
from pharmacy.domain.reference import Medicine

TYPE_LABEL = {
    CountType.ROUTINE: N_("routine"),
    CountType.INITIAL: N_("initial inventory"),  # 21 CFR 1304.11(b)
    CountType.BIENNIAL: N_("biennial inventory"),  # 21 CFR 1304.11(c)
}

# 麻醉药品和精神药品管理条例 Art.3: the classes of the Chinese catalogue.
CN_CLASS_LABEL = {
    "narcotic": N_("narcotic drugs (麻醉药品)"),
    "psychotropic_1": N_("psychotropic class I (第一类精神药品)"),
    "psychotropic_2": N_("psychotropic class II (第二类精神药品)"),
}

HISTORY_COLUMNS = (
    (N_("Started"), 16),
    (N_("By"), 10),
    (N_("Scope"), 30),
    (N_("Type"), 12),
    (N_("Counted"), 8),
    (N_("Variances"), 9),
    (N_("Unexplained"), 11),
    (N_("State"), 9),
)


class Scoped(Protocol):
    @property
    def scope(self) -> CountScope: ...

    @property
    def scope_value(self) -> str | None: ...


def class_label(code: str) -> str:
    """A message id for the class (US CII → Schedule II, UK 2 → Schedule 2); unknown codes as they are."""
    return CN_CLASS_LABEL.get(code, code)


def scope_text(count: Scoped, t: Callable[[str], str], medicines: Sequence[Medicine]) -> str:
    if count.scope is CountScope.ALL or count.scope_value is None:
        return t("all controlled medicines")
    if count.scope is CountScope.CLASS:
        return t("class {name}").format(name=t(class_label(count.scope_value)))
    med = next((m for m in medicines if m.code == count.scope_value), None)
    return med.display_name if med else count.scope_value
