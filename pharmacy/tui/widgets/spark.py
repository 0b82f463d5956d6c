"""A balance trend drawn in eight block heights: a picture of a month in a dozen characters."""

from __future__ import annotations

BLOCKS = "▁▂▃▄▅▆▇█"


def sparkline(values: list[int], width: int = 15) -> str:
    if not values:
        return ""
    step = max(1, len(values) // width)
    sampled = values[::-step][:width][::-1]  # sampled back from today, so the newest value is always drawn
    low, high = min(sampled), max(sampled)
    if high == low:
        return BLOCKS[3] * len(sampled)
    return "".join(BLOCKS[(v - low) * (len(BLOCKS) - 1) // (high - low)] for v in sampled)
