"""The settings file: a pharmacy's own rule-pack limits apply; a wrong setting refuses to start, naming it."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pharmacy.cli import main
from tests.world import PIN, World


def _settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    path = tmp_path / "settings.toml"
    path.write_text(text, encoding="utf-8")
    monkeypatch.setenv("PHARMACY_SETTINGS", str(path))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('[rules]\n"cn.max_days_psy2" = "seven"\n', "cn.max_days_psy2"),  # wrong type
        ('[rules]\n"cn.max_dayz_psy2" = 7\n', "cn.max_dayz_psy2"),  # no such setting
        ("[rulez]\n", "rulez"),  # no such section
        ("[rules\n", "settings.toml"),  # not TOML
    ],
)
def test_a_wrong_setting_refuses_to_start_naming_it(
    sqlite_world: World,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    named: str,
) -> None:
    _settings(tmp_path, monkeypatch, text)
    assert main(["stock", "--db", sqlite_url]) == 2
    assert named in capsys.readouterr().err


def test_a_stricter_limit_of_the_pharmacy_applies(
    sqlite_world: World,
    sqlite_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A hospital's own limit: psychotropic class II at most 2 days here (CN-5's default is 7)."""
    _settings(tmp_path, monkeypatch, '[rules]\n"cn.max_days_psy2" = 2\n')
    monkeypatch.setenv("PHARMACY_PIN_LI_NA", PIN)
    today = datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
    line = {
        "type": "prescription",
        "id": str(uuid.uuid4()),
        "actor": "li.na",
        "number": "JE-1",
        "written_on": today,
        "prescriber": "DR1",
        "patient": "PT1",
        "medicine": "diazepam-tab-25",
        "quantity": "6",
        "kind": "psy2",
        "days_supply": 3,
    }
    path = tmp_path / "rx.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert main(["post", str(path), "--db", sqlite_url]) == 1
    result = json.loads(capsys.readouterr().out)
    assert result["code"] == "rule_blocked" and "2 days" in result["message"]
