"""Golden outputs of the read commands on a small, fixed register (set PHARMACY_UPDATE_GOLDEN=1 to rewrite)."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from pharmacy.cli import main
from pharmacy.services.commands import CorrectCommand
from pharmacy.services.correct import correct
from tests.world import World, new_id

GOLDEN = Path(__file__).parent / "golden"


def _fill(world: World) -> None:
    world.receive("100", batch="A1")
    world.receive("50", batch="B2")
    rx = world.prescription("30", number="RX-0001")
    wrong = world.dispense(rx, "20", batch="A1")
    correct(world.ctx, world.pharmacist, CorrectCommand(id=new_id(), reverses=str(wrong.seq), reason="typed 20 for 2",
                                                         witness=world.creds("wang.fang")))  # fmt: skip
    world.dispense(rx, "2", batch="A1")
    world.receive("500", batch="M1", medicine="methadone-oral-1")
    rx2 = world.prescription("60.5", medicine="methadone-oral-1", number="RX-0002")
    world.dispense(rx2, "12.5", batch="M1", medicine="methadone-oral-1")


def _check(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PHARMACY_UPDATE_GOLDEN"):
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("register-morphine.txt", ["register", "morphine-tab-10"]),
        ("register-morphine-lot.csv", ["register", "morphine-tab-10", "--lot", "A1", "--format", "csv"]),
        ("register-methadone-zh.txt", ["--lang", "zh_CN", "register", "美沙酮"]),
        ("stock.txt", ["stock"]),
        ("stock.json", ["stock", "--format", "json"]),
        ("verify.txt", ["verify"]),
    ],
)
def test_golden(
    sqlite_world: World, sqlite_url: str, capsys: pytest.CaptureFixture[str], name: str, args: list[str]
) -> None:
    _fill(sqlite_world)
    assert main([*args, "--db", sqlite_url]) == 0
    _check(name, capsys.readouterr().out)


def test_verify_names_a_tampered_entry(
    sqlite_world: World, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _fill(sqlite_world)
    with sqlite3.connect(sqlite_url) as conn:
        conn.execute("DROP TRIGGER movements_append_only_update")
        conn.execute("UPDATE movements SET quantity = -1 WHERE seq = 4")
    assert main(["verify", "--db", sqlite_url, "--format", "json"]) == 1
    out = capsys.readouterr().out
    assert '"first_bad_seq": 4' in out and "movements_append_only_update" in out


def test_unknown_medicine_and_bad_date_are_refused(
    sqlite_world: World, sqlite_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["register", "unobtainium", "--db", sqlite_url]) == 2
    assert "unobtainium" in capsys.readouterr().err
    assert main(["register", "morphine-tab-10", "--from", "31/03/2026", "--db", sqlite_url]) == 2
    assert "2026-03-31" in capsys.readouterr().err


def test_database_problems_exit_3(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["stock", "--db", str(tmp_path / "empty.sqlite")]) == 3
    assert "pharmacy init" in capsys.readouterr().err
    assert main(["stock", "--db", "postgresql://nobody@127.0.0.1:9/none"]) == 3
    assert "Cannot reach" in capsys.readouterr().err
    assert main(["stock", "--db", "/proc/no/such/dir/x.sqlite"]) == 3


def test_schema_newer_than_code_is_refused(sqlite_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    with sqlite3.connect(sqlite_url) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    assert main(["stock", "--db", sqlite_url]) == 3
    assert "newer" in capsys.readouterr().err


def test_cli_does_not_load_textual() -> None:
    code = "import sys, pharmacy.cli, pharmacy.cli.read, pharmacy.cli.post; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_new_sqlite_file_is_private(tmp_path: Path) -> None:
    from pharmacy.db.engine import make_engine

    path = tmp_path / "new.sqlite"
    make_engine(str(path)).dispose()
    assert path.stat().st_mode & 0o777 == 0o600
