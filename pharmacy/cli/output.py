"""Printing data: aligned tables (Chinese characters count as two columns), CSV and JSON, to stdout."""

from __future__ import annotations

import csv
import json
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TextIO

FORMATS = ("table", "csv", "json")


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int = 0  # 0: fit to content (tables printed in one go)
    right: bool = False


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in text)


def fit(text: str, width: int, *, right: bool = False) -> str:
    """Pad or cut to exactly `width` terminal columns, cutting with an ellipsis."""
    if display_width(text) > width:
        out, used = "", 0
        for ch in text:
            w = display_width(ch)
            if used + w > width - 1:
                break
            out, used = out + ch, used + w
        text = out + "…"
    pad = " " * (width - display_width(text))
    return pad + text if right else text + pad


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def table_lines(rows: Sequence[dict[str, object]], columns: Sequence[Column]) -> Iterable[str]:
    widths = [
        c.width or max([display_width(c.header)] + [display_width(_cell(r.get(c.key))) for r in rows]) for c in columns
    ]
    yield "  ".join(fit(c.header, w, right=c.right) for c, w in zip(columns, widths, strict=True)).rstrip()
    yield "  ".join("-" * w for w in widths)
    for row in rows:
        cells = (fit(_cell(row.get(c.key)), w, right=c.right) for c, w in zip(columns, widths, strict=True))
        yield "  ".join(cells).rstrip()


def emit(rows: Iterable[dict[str, object]], columns: Sequence[Column], fmt: str, stream: TextIO | None = None) -> int:
    """Write rows in the format; returns how many. JSON is one array; CSV has a header row."""
    out = stream or sys.stdout
    materialised = list(rows)
    if fmt == "json":
        json.dump(
            [{c.key: r.get(c.key) for c in columns} for r in materialised],
            out,
            ensure_ascii=False,
            indent=2,
            default=str,
        )
        out.write("\n")
    elif fmt == "csv":
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow([c.key for c in columns])
        writer.writerows([[_cell(r.get(c.key)) for c in columns] for r in materialised])
    else:
        for line in table_lines(materialised, columns):
            out.write(line + "\n")
    return len(materialised)
