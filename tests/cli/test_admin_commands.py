"""init, user, medicine and db commands from the command line, as an administrator would type them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pharmacy.cli import main
from pharmacy.db.migrate import known_revisions
from pharmacy.schemas.medicine_csv import PACKAGED_CATALOGUE


@pytest.fixture
def fresh(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    db = str(tmp_path / "new.sqlite")
    monkeypatch.setenv("PHARMACY_PIN", "1357")
    code = main(["init", "--db", db, "--code", "HZ01", "--name", "杭州测试药房", "--licence", "浙-0001",
                 "--address", "杭州", "--profile", "cn_retail", "--timezone", "Asia/Shanghai",
                 "--username", "zhou", "--full-name", "周敏"])  # fmt: skip
    assert code == 0
    return db


def _json(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    data: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return data


def test_init_then_users(fresh: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    capsys.readouterr()
    monkeypatch.setenv("PHARMACY_NEW_PIN", "2468")
    assert (
        main(["user", "add", "li.na", "--full-name", "李娜", "--role", "pharmacist", "--as", "zhou", "--db", fresh])
        == 0
    )
    assert main(["user", "list", "--db", fresh, "--format", "json"]) == 0
    assert [u["username"] for u in _json(capsys)] == ["li.na", "zhou"]
    assert main(["user", "disable", "li.na", "--as", "zhou", "--db", fresh]) == 0
    assert main(["user", "list", "--db", fresh, "--format", "json"]) == 0
    assert {u["username"]: u["active"] for u in _json(capsys)} == {"li.na": False, "zhou": True}
    assert main(["user", "unlock", "li.na", "--as", "zhou", "--db", fresh]) == 0
    monkeypatch.setenv("PHARMACY_PIN", "0000")
    assert main(["user", "add", "x.y", "--full-name", "X", "--role", "technician", "--as", "zhou", "--db", fresh]) == 2
    assert "zhou" in capsys.readouterr().err


def test_a_pharmacist_cannot_add_users(
    fresh: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHARMACY_NEW_PIN", "2468")
    main(["user", "add", "li.na", "--full-name", "李娜", "--role", "pharmacist", "--as", "zhou", "--db", fresh])
    monkeypatch.setenv("PHARMACY_PIN", "2468")
    assert main(["user", "add", "z", "--full-name", "Z", "--role", "pharmacist", "--as", "li.na", "--db", fresh]) == 2
    assert "may not" in capsys.readouterr().err


def test_medicine_import_and_list(fresh: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["medicine", "import", str(PACKAGED_CATALOGUE), "--as", "zhou", "--db", fresh]) == 0
    assert main(["medicine", "import", str(PACKAGED_CATALOGUE), "--as", "zhou", "--db", fresh]) == 0  # idempotent
    capsys.readouterr()
    assert main(["medicine", "list", "--db", fresh, "--format", "json"]) == 0
    listed = {m["code"]: m for m in _json(capsys)}
    assert len(listed) == 28 and listed["methadone-oral-1"]["unit_step"] == "0.1"


def test_db_commands(fresh: str, capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    assert main(["db", "current", "--db", fresh]) == 0
    assert capsys.readouterr().out.strip() == known_revisions()[1]  # the head
    assert main(["db", "check", "--db", fresh]) == 0
    assert main(["db", "upgrade", "--db", fresh]) == 0


def test_init_refuses_a_bad_time_zone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PHARMACY_PIN", "1357")
    code = main(["init", "--db", str(tmp_path / "x.sqlite"), "--code", "A", "--name", "A", "--licence", "1",
                 "--address", "a", "--profile", "uk", "--timezone", "Mars/Olympus", "--username", "rp",
                 "--full-name", "RP"])  # fmt: skip
    assert code == 2 and "Asia/Shanghai" in capsys.readouterr().err
    assert not (tmp_path / "x.sqlite").exists()  # bad input changes nothing: no half-made register
