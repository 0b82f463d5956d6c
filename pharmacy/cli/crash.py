"""Unexpected failures go to a log file in the data directory, never to the pharmacist's screen."""

from __future__ import annotations

from datetime import UTC, datetime

from pharmacy.wiring import data_dir


def report_crash(details: str) -> str:
    folder = data_dir() / "crash"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"crash-{datetime.now(UTC):%Y%m%dT%H%M%S%f}.log"
    path.write_text(details, encoding="utf-8")
    return str(path)
