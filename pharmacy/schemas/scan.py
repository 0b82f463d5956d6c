"""What a barcode scanner typed: a GS1 DataMatrix / GS1-128 string, a Chinese 20-digit trace code, or a GTIN.

GS1 strings are parsed with `biip` (GTIN, batch, expiry, serial). A Chinese 药品追溯码 is kept as scanned and
never parsed (regulations §1.12: its inner structure is unverified). Anything else is a search text.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

GS1_PREFIXES = ("]d2", "]C1", "]Q3", "]e0", "\x1d", "(01)")


@dataclass(frozen=True)
class Scan:
    kind: str  # "gs1" | "trace" | "gtin" | "text"
    raw: str
    gtin: str | None = None
    batch: str | None = None
    expiry: date | None = None
    serial: str | None = None


def _from_message(raw: str, message: Any) -> Scan | None:
    values = {e.ai.ai: e for e in message.element_strings}
    gtin = values.get("01")
    if gtin is None:
        return None
    expiry = values.get("17")
    return Scan(
        "gs1",
        raw,
        gtin=gtin.value.zfill(14),
        batch=values["10"].value if "10" in values else None,
        expiry=expiry.date if expiry is not None else None,
        serial=values["21"].value if "21" in values else None,
    )


def _gs1(raw: str) -> Scan | None:
    from biip import ParseError, parse  # imported on the first scan, not at start-up
    from biip.gs1_messages import GS1Message

    try:
        if raw.startswith("("):  # human-readable form typed from the pack: (01)…(17)…(10)…
            return _from_message(raw, GS1Message.parse_hri(raw))
        result = parse(raw)
    except ParseError:
        return None
    if result.gs1_message is not None:
        return _from_message(raw, result.gs1_message)
    if result.gtin is not None:
        return Scan("gtin", raw, gtin=result.gtin.value.zfill(14))
    return None


def read_scan(text: str) -> Scan:
    raw = text.strip()
    if raw.isdigit() and len(raw) == 20:
        return Scan("trace", raw)  # CN-TR: 20-digit 追溯码, stored raw
    looks_gs1 = raw.startswith(GS1_PREFIXES) or (raw.startswith("01") and raw[2:16].isdigit() and len(raw) > 16)
    if looks_gs1 or (raw.isdigit() and len(raw) in (8, 12, 13, 14)):
        scanned = _gs1(raw)
        if scanned is not None:
            return scanned
    return Scan("text", raw)
