"""`pharmacy post`: JSON Lines through the services; good lines recorded, each bad line reported by number."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pharmacy.cli import main
from tests.world import PIN, World


def _line(**fields: object) -> str:
    return json.dumps({"id": str(uuid.uuid4()), "actor": "li.na", **fields}, ensure_ascii=False)


def _receipt(**over: object) -> str:
    base: dict[str, object] = {
        "type": "receipt", "medicine": "morphine-tab-10", "batch": "P1", "quantity": "20", "supplier": "SUP1",
        "expiry": "2028-01-31", "document": "INV-9", "witness": "wang.fang",
    }  # fmt: skip
    base.update(over)
    return _line(**base)


@pytest.fixture
def pins(monkeypatch: pytest.MonkeyPatch) -> None:
    for user in ("LI_NA", "WANG_FANG", "ZHOU_RP"):
        monkeypatch.setenv(f"PHARMACY_PIN_{user}", PIN)


def _post(
    world: World, db: str, text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> tuple[int, list[dict[str, object]]]:
    path = tmp_path / "commands.jsonl"
    path.write_text(text, encoding="utf-8")
    code = main(["post", str(path), "--db", db])
    out = capsys.readouterr().out
    return code, [json.loads(x) for x in out.splitlines()]


def test_good_and_bad_lines(sqlite_world: World, sqlite_url: str, tmp_path: Path, pins: None,
                            capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    world = sqlite_world
    rx_id = str(uuid.uuid4())
    lines = [
        _receipt(),  # 1 ok
        _receipt(quantity="0"),  # 2 zero
        "{not json",  # 3 malformed
        _line(type="teleport", medicine="x"),  # 4 unknown type
        _receipt(colour="red"),  # 5 extra field
        _line(
            type="prescription",
            id=rx_id,
            number="RX-77",
            written_on=datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat(),  # post runs on the real clock; CN-4
            prescriber="DR1",
            patient="PT1",
            medicine="morphine-tab-10",
            quantity="10",
            kind="narcotic_psy1",
            days_supply=3,
            cancer_or_chronic_pain=True,
        ),  # 6 ok
        _line(
            type="dispense",
            medicine="morphine-tab-10",
            batch="P1",
            quantity="4",
            prescription="RX-77",
            witness="wang.fang",
            codes=["81234567890123450001"],
        ),  # 7 ok
        _line(
            type="dispense",
            medicine="morphine-tab-10",
            batch="P1",
            quantity="7",
            prescription="RX-77",
            witness="wang.fang",
            codes=["81234567890123450002"],
        ),  # 8 exceeds the prescription
        _receipt(witness="li.na"),  # 9 witness is actor
        _receipt(medicine="unobtainium"),  # 10 unknown medicine
        _receipt(quantity="2.5"),  # 11 off step
    ]
    code, results = _post(world, sqlite_url, "\n".join(lines) + "\n", tmp_path, capsys)
    assert code == 1
    status = {r["line"]: (r["status"], r.get("code")) for r in results}
    assert status == {
        1: ("ok", None), 2: ("error", "quantity_not_positive"), 3: ("error", "malformed_json"),
        4: ("error", "unknown_type"), 5: ("error", "unknown_field"), 6: ("ok", None), 7: ("ok", None),
        8: ("error", "exceeds_prescription"), 9: ("error", "second_person_is_actor"),
        10: ("error", "unknown_medicine"), 11: ("error", "quantity_off_step"),
    }  # fmt: skip
    assert results[6]["lot_balance_after"] == 16
    assert "colour" in str(results[4]["message"])


def test_same_id_twice_records_once(sqlite_world: World, sqlite_url: str, tmp_path: Path, pins: None,
                                    capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    line = _receipt()
    code, results = _post(sqlite_world, sqlite_url, f"{line}\n{line}\n", tmp_path, capsys)
    assert code == 0
    assert results[0]["seq"] == results[1]["seq"] and results[1]["replayed"] is True
    changed = json.loads(line) | {"quantity": "21"}
    code, results = _post(sqlite_world, sqlite_url, json.dumps(changed) + "\n", tmp_path, capsys)
    assert code == 1 and results[0]["code"] == "idempotency_conflict"


def test_missing_pin_is_named(sqlite_world: World, sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.delenv("PHARMACY_PIN_LI_NA", raising=False)
    code, results = _post(sqlite_world, sqlite_url, _receipt() + "\n", tmp_path, capsys)
    assert code == 1 and results[0]["code"] == "pin_missing" and "PHARMACY_PIN_LI_NA" in str(results[0]["message"])


def test_chinese_messages(sqlite_world: World, sqlite_url: str, tmp_path: Path, pins: None,
                          capsys: pytest.CaptureFixture[str]) -> None:  # fmt: skip
    path = tmp_path / "c.jsonl"
    path.write_text(_receipt(quantity="0") + "\n", encoding="utf-8")
    main(["--lang", "zh_CN", "post", str(path), "--db", sqlite_url])
    result = json.loads(capsys.readouterr().out)
    assert result["code"] == "quantity_not_positive"
    assert "数量" in str(result["message"])


def test_schema_lists_every_type(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    tags = set(schema["discriminator"]["mapping"])
    assert {"receipt", "dispense", "correction", "medicine", "prescription", "adjustment"} <= tags
