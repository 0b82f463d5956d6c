"""`pharmacy count | close | reopen | report` at the command line: refusals are specific, exit codes stable."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from pharmacy.cli import main
from tests.world import PIN, World


@pytest.fixture
def acting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PHARMACY_PIN", PIN)
    monkeypatch.setenv("PHARMACY_WITNESS_PIN", PIN)


def _start(db: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["count", "start", "--db", db, "--as", "li.na"]) == 0
    found = re.search(r"[0-9a-f-]{36}", capsys.readouterr().out)
    assert found is not None
    return found.group(0)


def test_a_count_with_a_variance_then_the_close_and_the_report(
    sqlite_world: World, sqlite_url: str, acting: None, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sqlite_world.receive("100")
    count = _start(sqlite_url, capsys)
    lot = ["count", "lot", count, "morphine-tab-10", "B1", "97", "--db", sqlite_url, "--as", "li.na"]
    assert main(lot) == 2
    assert "breakage" in capsys.readouterr().err  # the reasons that fit a shortfall are named
    assert main([*lot, "--reason", "breakage", "--witness", "wang.fang"]) == 0
    assert "breakage" in capsys.readouterr().out
    assert main(["count", "show", count, "--db", sqlite_url, "--format", "json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert (row["counted"], row["variance"], row["reason"]) == ("97", "-3", "breakage")

    assert main(["close", "2026-03", "--db", sqlite_url, "--as", "li.na"]) == 2  # not the responsible pharmacist
    assert main(["close", "2026-03", "--db", sqlite_url, "--as", "zhou.rp"]) == 0
    capsys.readouterr()
    assert main(["reopen", "2026-03", "--db", sqlite_url]) == 2
    assert "cannot be reopened" in capsys.readouterr().err

    out = tmp_path / "march.json"
    assert (
        main(["report", "monthly", "--month", "2026-03", "--format", "json", "--out", str(out), "--db", sqlite_url])
        == 0
    )
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["close"]["signed_figures_digest"] == doc["close"]["figures_digest"] and doc["ties_out"]
    assert main(["verify", "--db", sqlite_url]) == 0


@pytest.mark.parametrize("month", ["2026-13", "Nov", "2026-3"])
def test_a_malformed_month_is_refused(
    sqlite_world: World, sqlite_url: str, acting: None, capsys: pytest.CaptureFixture[str], month: str
) -> None:
    assert main(["close", month, "--db", sqlite_url, "--as", "zhou.rp"]) == 2
    assert "YYYY-MM" in capsys.readouterr().err


def test_a_wrong_pin_signs_nothing(
    sqlite_world: World, sqlite_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    sqlite_world.receive("10")
    before = sqlite_world.snapshot()
    monkeypatch.setenv("PHARMACY_PIN", "0000")
    assert main(["close", "2026-03", "--db", sqlite_url, "--as", "zhou.rp"]) == 2
    after = sqlite_world.snapshot()
    assert after["period_closes"] == before["period_closes"] == []
